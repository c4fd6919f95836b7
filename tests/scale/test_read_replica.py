"""The read API on a read replica (READ_DATABASE_URL): a real PostgreSQL primary and its streaming
replica (tests/scale/postgres_pair.py) under one app instance.

The read API reads the replica, the data generation included, so while the replica lags it answers
the older data under the older generation (the same ETag), and once it catches up the new data
under a new one: a lag never leaves an old answer cached as a new one. Writes and the pages go to
the primary, so they are never behind.
"""
from __future__ import annotations

import pytest
import requests
from sqlalchemy import text

from data_access.db import make_engine
from tests.faults.servers import start_server
from tests.scale.postgres_pair import PostgresPair
from tests.scale.test_two_instances import (CHANNELS, SERVICE, TIMEOUT, add_note, fill_one_service, take_up,
                                            write_channels)


@pytest.fixture(scope="module")
def pair():
    pair = PostgresPair().start()
    try:
        engine = make_engine(pair.url("primary"))
        with engine.begin() as conn:
            token = fill_one_service(conn)
        engine.dispose()
        pair.resume_replay()  # the replica has the schema and the service
        yield pair, token
    finally:
        pair.stop()


@pytest.fixture(scope="module")
def instance(pair, tmp_path_factory):
    (found, _) = pair
    server = start_server(found.url("primary"), tmp_path_factory.mktemp("replica-instance"),
                          {"READ_DATABASE_URL": found.url("replica")})
    yield server
    server.stop()


def read(base: str) -> tuple[dict, str]:
    """The read API's channel counts and the answer's ETag."""
    answer = requests.get(f"{base}/data/{SERVICE}/{CHANNELS}?group_by=channel&collect=count:sum", timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text[:300]
    return {row["channel"]: row["count:sum"] for row in answer.json()["data"]}, answer.headers["ETag"]


def generation(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = conn.execute(text("SELECT generation FROM data_generation")).scalar_one()
    engine.dispose()
    return found


def test_the_read_api_reads_the_replica_and_a_lag_is_never_cached_as_new(pair, instance):
    (found, token), base = pair, instance.url
    before, etag = read(base)
    found.pause_replay()  # the replica lags from here
    try:
        write_channels(base, token, {"online": 700, "phone": 300})  # the write goes to the primary...
        assert generation(found.url("primary")) > generation(found.url("replica"))
        assert read(base) == (before, etag)  # ...the read API answers from the replica, as it was
        add_note(base, "Phone line closed")  # the pages read the primary: never behind
        assert take_up(base)["notes"][-1].endswith(": Phone line closed")
    finally:
        found.resume_replay()
    after, new_etag = read(base)
    assert after == {**before, "online": 700, "phone": 300} and new_etag != etag


def test_without_a_replica_the_read_api_reads_the_database(pair, tmp_path_factory):
    """READ_DATABASE_URL unset: the one database, as before (every other test runs so)."""
    (found, token) = pair
    server = start_server(found.url("primary"), tmp_path_factory.mktemp("no-replica"))
    try:
        found.pause_replay()
        write_channels(server.url, token, {"paper": 20})
        assert read(server.url)[0]["paper"] == 20  # read at once, though the replica has not applied it
    finally:
        found.resume_replay()
        server.stop()
