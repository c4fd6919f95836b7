"""Scale-out: two app instances (separate gunicorns, 2 workers each) on one PostgreSQL and one Redis.

A write through one is read at once through the other (no stale cache); Redis may go away and come
back without a failed request or a stale figure; killing an instance (SIGKILL) loses nothing, and a
write it had in flight is all there or not at all. The tests share the instances; the last one kills one.
"""
from __future__ import annotations

import os
import re
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import requests
from sqlalchemy import insert, text

import data_access.cache as cache_module
from data_access.cache import cache_config, read_generation
from data_access.data_sets import create_data_set, get_data_set, issue_token
from data_access.db import make_engine
from data_access.migrate import upgrade
from data_access.records import count_records
from data_access.rollups import refresh_rollups
from data_access.schema import measurements, organisations, services
from data_access.users import create_user
from tests.conftest import postgresql_schema
from tests import dash_tree
from tests.faults.servers import start_server
from tests.scale.redis_server import RedisServer

SERVICE, NAME = "renew-a-licence", "Renew a licence"
CHANNELS = "transactions-by-channel"
PASSWORD = "correct horse battery staple"
TIMEOUT = 10  # seconds, for every request


@pytest.fixture(scope="module")
def scale_database():
    """A PostgreSQL schema of its own: one service with two years of figures, a data set with a write
    token, an admin user. Yields (url, token)."""
    with postgresql_schema("pp_scale") as url:
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                token = fill_one_service(conn)
            yield url, token
        finally:
            engine.dispose()


def fill_one_service(conn) -> str:
    upgrade(conn)
    department = conn.execute(insert(organisations).values(slug="dept", name="A department", kind="department")
                              ).inserted_primary_key[0]
    service_id = conn.execute(insert(services).values(slug=SERVICE, name=NAME, department_id=department)
                              ).inserted_primary_key[0]
    for year, digital in ((2016, 6_000), (2017, 8_000)):
        for channel, volume in (("digital", digital), ("phone", 10_000 - digital)):
            conn.execute(insert(measurements).values(
                service_id=service_id, metric="transactions", dimension=channel, value=volume, source="test",
                period_start=date(year - 1, 4, 1), period_end=date(year, 4, 1)))
    refresh_rollups(conn, [service_id])  # the pages read the rollups (data_access/rollups.py)
    create_user(conn, "admin", PASSWORD, "admin")
    data_set = create_data_set(conn, SERVICE, CHANNELS, auto_ids=["_timestamp", "channel"])
    create_data_set(conn, SERVICE, "bulk")
    return issue_token(conn, data_set, "scale test")


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instances(scale_database, redis_server, tmp_path_factory):
    """Instances A and B, started side by side; each gets its own PGAPPNAME so that the test can see
    its database sessions."""
    url, _ = scale_database
    secret = uuid.uuid4().hex

    def start(name):
        env = {"REDIS_URL": redis_server.url, "SECRET_KEY": secret, "PGAPPNAME": f"pp-scale-{name}-{secret[:8]}"}
        server = start_server(url, tmp_path_factory.mktemp(f"instance-{name}"), env)
        server.app_name = env["PGAPPNAME"]
        return server

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.map(start, ["a", "b"])
    yield a, b
    for server in (a, b):
        server.stop()


@pytest.fixture(scope="module")
def bulk_token(scale_database):
    url, _ = scale_database
    engine = make_engine(url)
    with engine.begin() as conn:
        token = issue_token(conn, get_data_set(SERVICE, "bulk", conn), "bulk")
    engine.dispose()
    return token


# --- reading and writing through the instances ----------------------------------------------------

def _get(base: str, path: str) -> requests.Response:
    answer = requests.get(base + path, timeout=TIMEOUT)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer


def channel_counts(base: str) -> dict:
    rows = _get(base, f"/data/{SERVICE}/{CHANNELS}?group_by=channel&collect=count:sum").json()["data"]
    return {row["channel"]: row["count:sum"] for row in rows}


def take_up(base: str) -> dict:
    """The service's digital take-up export (cached figures and notes): its data and its notes."""
    found = _get(base, f"/exports/service-take-up.json?service={SERVICE}").json()
    return {"data": found["data"], "notes": [n for n in found["notes"] if n.startswith("Note ")]}


def overlay_notes(base: str) -> list[str]:
    """The notes of the take-up chart as the year-before tick redraws it (a Dash callback whose whole
    answer is cached): the text of the list items of its notes."""
    body = {"output": "service-take-up-card.children",
            "outputs": {"id": "service-take-up-card", "property": "children"},
            "inputs": [{"id": "service-compare", "property": "value", "value": ["year-before"]}],
            "changedPropIds": ["service-compare.value"],
            "state": [{"id": "service-period", "property": "value", "value": None},
                      {"id": "service-slug", "property": "data", "value": SERVICE}]}
    answer = requests.post(f"{base}/_dash-update-component", json=body, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text[:300]
    notes = dash_tree.find(answer.json()["response"]["service-take-up-card"]["children"], "take-up-notes")
    return [dash_tree.text(item) for item in notes["props"]["children"]] if notes else []


def write_channels(base: str, token: str, counts: dict) -> None:
    records = [{"_timestamp": "2026-11-02T00:00:00Z", "channel": c, "count": n} for c, n in counts.items()]
    answer = requests.post(f"{base}/data/{SERVICE}/{CHANNELS}", json=records, timeout=TIMEOUT,
                           headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text[:300]


def add_note(base: str, note: str) -> None:
    """Sign in to the instance's admin pages and add a note to the service's charts."""
    session = requests.Session()
    page = f"{base}/admin/services/{SERVICE}/notes"
    session.post(f"{base}/admin/sign-in", timeout=TIMEOUT,
                 data={"username": "admin", "password": PASSWORD, "csrf_token": _csrf(session, f"{base}/admin/sign-in")})
    answer = session.post(page, data={"date": "2016-09-01", "text": note, "csrf_token": _csrf(session, page)},
                          allow_redirects=False, timeout=TIMEOUT)
    assert answer.status_code == 302, answer.text[:300]


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=TIMEOUT)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def cache_keys(redis_server, url: str) -> set[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        prefix = cache_config()["CACHE_KEY_PREFIX"]
    return {k.decode() for k in redis_server.client().keys(prefix + "*")}


def generation(url: str) -> int:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        return read_generation()


# --- the tests -------------------------------------------------------------------------------------

def test_a_write_through_one_instance_is_read_at_once_through_the_other(instances, scale_database, redis_server):
    (a, b), (url, token) = instances, scale_database
    before = take_up(b.url)  # B computes and caches the figures...
    assert before["notes"] == [] and [row["Digital take-up (%)"] for row in before["data"]] == [60, 80]
    cached = cache_keys(redis_server, url)
    assert cached and all(f":g{generation(url)}:" in key for key in cached)
    assert take_up(a.url) == before and cache_keys(redis_server, url) == cached  # ...and A reads B's entries
    assert overlay_notes(b.url) == []  # B caches the callback's whole answer...
    answers = {k for k in cache_keys(redis_server, url) if "-answer:pages.service.compare_take_up:" in k}
    assert len(answers) == 1 and f":g{generation(url)}:" in next(iter(answers))
    assert overlay_notes(a.url) == [] and cache_keys(redis_server, url) - cached == answers  # ...A reads it
    assert channel_counts(b.url) == {}

    write_channels(a.url, token, {"online": 700, "phone": 300})
    assert channel_counts(b.url) == {"online": 700, "phone": 300}
    add_note(a.url, "Online renewals opened")
    after = take_up(b.url)
    assert len(after["notes"]) == 1 and after["notes"][0].endswith(": Online renewals opened")
    assert after["data"] == before["data"]
    assert [note.endswith(": Online renewals opened") for note in overlay_notes(b.url)] == [True]
    write_channels(b.url, token, {"online": 900})  # and the other way round
    assert channel_counts(a.url) == {"online": 900, "phone": 300}


def test_without_redis_both_instances_answer_right_then_use_redis_again(instances, scale_database, redis_server):
    (a, b), (url, token) = instances, scale_database
    served, counts = take_up(b.url), channel_counts(b.url)  # cached in Redis at this generation
    redis_server.stop()
    try:
        for base in (a.url, b.url):
            assert take_up(base) == served
        add_note(a.url, "Phone line closed")
        write_channels(a.url, token, {"paper": 50})
        assert take_up(b.url)["notes"][-1].endswith(": Phone line closed")
        assert channel_counts(b.url) == {**counts, "paper": 50}
        for server in (a, b):
            warnings = server.log().count("Redis cache unreachable")
            assert 1 <= warnings <= 2, f"one warning per worker, not {warnings}"  # two workers per instance
    finally:
        redis_server.start()  # the same port: it comes back, empty
    time.sleep(cache_module.RETRY_SECONDS + 0.5)
    for _ in range(4):  # enough requests to reach a worker of each instance
        assert take_up(b.url)["notes"][-1].endswith(": Phone line closed")  # not the entry from before the outage
        assert take_up(a.url)["notes"][-1].endswith(": Phone line closed")
    assert cache_keys(redis_server, url), "the figures are cached in Redis again"
    assert "Redis cache answers again" in a.log() + b.log()


def test_killing_an_instance_loses_nothing(instances, scale_database, bulk_token):
    (a, b), (url, token) = instances, scale_database
    write_channels(a.url, token, {"email": 25})
    written = channel_counts(a.url)
    bulk_records = [{"_timestamp": "2026-11-02T00:00:00Z", "number": n, "count": 1} for n in range(40_000)]
    assert _write_bulk(b.url, bulk_token, bulk_records[:2])["status"] == 200  # records of this shape are valid
    engine = make_engine(url)
    with engine.connect() as conn:
        bulk = get_data_set(SERVICE, "bulk", conn)
    generation_before = generation(url)
    outcome = {}

    def send():  # a big write: A is still on it when it is killed
        outcome.update(_write_bulk(a.url, bulk_token, bulk_records))

    sender = threading.Thread(target=send)
    sender.start()
    _wait_for_a_write_in_flight(engine, a, sender, outcome)
    workers = a.workers()
    a.process.kill()  # SIGKILL, the master and then its workers: nothing stops gracefully
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    a.process.wait(timeout=10)
    sender.join(timeout=60)

    assert channel_counts(b.url) == written  # everything written before is there
    with engine.connect() as conn:
        stored = count_records(conn, bulk)
    assert stored in (2, 40_002), f"a killed write is all there or not at all, not {stored - 2} records"
    assert outcome["status"] in (200, None), outcome  # answered, or cut off: never half done
    if outcome["status"] == 200:
        assert stored == 40_002
    assert generation(url) == generation_before + (1 if stored > 2 else 0)
    write_channels(b.url, token, {"email": 30})  # B writes on: no lock was left behind
    assert channel_counts(b.url)["email"] == 30
    engine.dispose()


def _write_bulk(base: str, token: str, records: list) -> dict:
    """The write's status (None: the connection was cut) and the start of its answer."""
    try:
        answer = requests.post(f"{base}/data/{SERVICE}/bulk", json=records, timeout=60,
                               headers={"Authorization": f"Bearer {token}"})
    except requests.ConnectionError:
        return {"status": None}
    return {"status": answer.status_code, "body": answer.text[:300]}


def _wait_for_a_write_in_flight(engine, server, sender: threading.Thread, outcome: dict,
                                seconds: float = 30) -> None:
    """Until one of the server's database sessions is in a transaction that has written."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                 "AND backend_xid IS NOT NULL")
    deadline = time.monotonic() + seconds
    with engine.connect() as conn:
        while time.monotonic() < deadline and sender.is_alive():
            if conn.execute(query, {"name": server.app_name}).scalar_one():
                return
            conn.rollback()  # pg_stat_activity is read once per transaction
            time.sleep(0.02)
    raise AssertionError(f"no write seen in flight on {server.url}: {outcome or 'still sending'}")
