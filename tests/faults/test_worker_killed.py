"""A worker killed in the middle of an upload leaves the data set with all of it or none of it; a
server stopped (SIGTERM) and started again on the same database has every record written before.
On PostgreSQL (through the proxied server) and SQLite (a server of its own)."""
import threading
import time
import uuid
from pathlib import Path
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import text

from data_access.data_sets import create_data_set, issue_token
from data_access.db import make_engine
from data_access.records import count_records
from ingest.records import validate_records
from ingest.uploads import parse_csv

ROWS = 20_000  # a few MB of CSV: long enough to be killed in the middle of its write


def big_csv(rows: int = ROWS) -> bytes:
    start = datetime(2020, 1, 6)
    lines = ["_timestamp,channel,count"]
    channels = ("digital", "phone", "paper", "face-to-face")
    for i in range(rows):
        day = start + timedelta(days=i // len(channels))
        lines.append(f"{day:%Y-%m-%d}T00:00:00Z,{channels[i % len(channels)]},{i % 997 + 5}")
    return ("\n".join(lines) + "\n").encode()


def new_data_set(database_url):
    engine = make_engine(database_url)
    with engine.begin() as conn:
        data_set = create_data_set(conn, f"faults-{uuid.uuid4().hex[:10]}", "transactions-by-channel")
        token = issue_token(conn, data_set, "faults")
    engine.dispose()
    return data_set, token


def records_in(database_url, data_set) -> int:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        count = count_records(conn, data_set)
    engine.dispose()
    return count


def upload(server, data_set, token, body, timeout=120):
    return requests.post(f"{server.url}/data/{data_set.name}", data=body, timeout=timeout,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})


def upload_in_background(server, data_set, token, body):
    outcome = {}

    def send():
        try:
            outcome["answer"] = upload(server, data_set, token, body)
        except requests.RequestException as error:
            outcome["error"] = error

    thread = threading.Thread(target=send)
    thread.start()
    return thread, outcome


def wait_until(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def postgresql_inserting(database_url, application_name):
    """The server's connection is running the INSERT (or COPY) of the upload's records."""
    engine = make_engine(database_url)

    def inserting():
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND state = 'active' "
                "AND (query ILIKE 'INSERT INTO records%' OR query ILIKE 'COPY records%')"),
                {"name": application_name}).scalar_one() > 0
    return inserting


def sqlite_inserting(sqlite_path):
    """The write-ahead log (emptied before the upload) has grown past 1 MB: records are being written."""
    wal = sqlite_path.parent / (sqlite_path.name + "-wal")
    return lambda: wal.exists() and wal.stat().st_size > 1_000_000


def kill_during_upload(server, database_url, inserting):
    """Upload ROWS records, SIGKILL the workers while they are being inserted; then the same upload again."""
    data_set, token = new_data_set(database_url)
    body = big_csv()
    thread, outcome = upload_in_background(server, data_set, token, body)
    assert wait_until(inserting), "the upload never reached its INSERT"
    killed = server.kill_workers()
    thread.join(timeout=60)
    server.wait_for_new_workers(killed, 2)
    stored = records_in(database_url, data_set)
    assert stored in (0, ROWS), f"a partial write: {stored} of {ROWS} records"
    assert "answer" not in outcome or outcome["answer"].status_code == 200  # the connection was cut
    rows, numbers = parse_csv(body)  # the upload was valid: all of it would have been stored
    assert len(validate_records(rows, data_set.config, row_numbers=numbers)) == ROWS
    return stored


def restart_keeps_writes(restartable) -> None:
    """Write through a server, stop it with SIGTERM, start another on the same database: all there."""
    url = restartable.database_url
    data_set, token = new_data_set(url)
    assert upload(restartable.server, data_set, token, big_csv(500)).status_code == 200
    assert restartable.restart() == 0  # a graceful stop
    answer = requests.get(f"{restartable.server.url}/data/{data_set.name}?limit=1000", timeout=30)
    assert answer.status_code == 200 and len(answer.json()["data"]) == 500
    assert records_in(url, data_set) == 500


def test_postgresql_worker_killed_mid_upload_then_restart(proxied_postgresql, proxied_server):
    _, url, application_name = proxied_postgresql
    kill_during_upload(proxied_server.server, url, postgresql_inserting(url, application_name))
    restart_keeps_writes(proxied_server)


@pytest.fixture(scope="module")
def sqlite_server_of_its_own(sqlite_url, tmp_path_factory):
    """A server of its own on the session's SQLite file (it is killed and restarted)."""
    from tests.faults.conftest import Restartable
    restartable = Restartable(sqlite_url, tmp_path_factory.mktemp("sqlite-faults-server"))
    yield restartable, Path(sqlite_url.removeprefix("sqlite:///"))
    restartable.server.stop()


def test_sqlite_worker_killed_mid_upload_then_restart(sqlite_server_of_its_own):
    restartable, path = sqlite_server_of_its_own
    engine = make_engine(restartable.database_url)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # so that growth means this upload
    engine.dispose()
    kill_during_upload(restartable.server, restartable.database_url, sqlite_inserting(path))
    restart_keeps_writes(restartable)
