"""Collector runs on SQLite and PostgreSQL against a real local HTTP server: scheduled runs write,
re-runs replace, malformed answers write nothing, slow sources are retried, one run per slot."""
import os
import stat
import threading
import time
import uuid
from datetime import date, datetime, timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from collectors import secrets
from collectors.runner import Settings, backfill, run_due, run_now
from collectors.scheduler import tick
from data_access import collectors as store
from data_access.data_sets import audit_entries, create_data_set, get_data_set, utc_now
from data_access.db import get_engine
from data_access.records import count_records
from data_access.schema import collector_runs, collectors, data_sets
from tests.collectors.http_server import KINDS, SourceServer, serve_kind

SETTINGS = Settings(timeout=0.3, retry_base=0.01, max_attempts=3)
T1 = datetime(2026, 11, 2, 12, 0)  # a slot in the past: only the collector a test sets to it is due


@pytest.fixture
def source():
    with SourceServer() as server:
        yield server


@pytest.fixture
def make(database, monkeypatch):
    """make(kind, server) -> (collector, data set, records a scheduled run writes); both deleted
    afterwards so that no later test's tick runs it."""
    monkeypatch.setenv("COLLECTOR_SECRET_KEY", Fernet.generate_key().decode())
    made = []

    def create(kind, server, schedule="hourly", json_schema=None):
        config, credentials, auto_ids, expected = serve_kind(kind, server)
        name = f"c-{uuid.uuid4().hex[:10]}"
        with get_engine().begin() as conn:
            data_set = create_data_set(conn, f"coll-{uuid.uuid4().hex[:10]}", "visits", auto_ids=auto_ids,
                                       json_schema=json_schema)
            collector = store.create_collector(conn, name, kind, data_set, schedule, config,
                                               secrets.encrypt(credentials) if credentials else None)
            store.set_next_run(conn, collector.id, T1)
        made.append(data_set.id)
        return store.get_collector(name), data_set, expected

    yield create
    with get_engine().begin() as conn:  # the collectors and their runs go with their data sets
        conn.execute(data_sets.delete().where(data_sets.c.id.in_(made)))


def mine(results, collector):
    found = [r for r in results if r.collector == collector.name]
    assert len(found) == 1, results
    return found[0]


def count(data_set):
    with get_engine().connect() as conn:
        return count_records(conn, data_set)


def runs(collector):
    with get_engine().connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(collector_runs).where(collector_runs.c.collector_id == collector.id).order_by(collector_runs.c.id))]


@pytest.mark.parametrize("kind", KINDS)
def test_a_scheduled_run_writes_the_records_and_a_rerun_does_not_duplicate_them(make, source, kind):
    collector, data_set, expected = make(kind, source)
    first = mine(tick(T1, SETTINGS), collector)
    assert (first.status, first.records_written, first.error) == ("succeeded", expected, None)
    assert count(data_set) == expected
    [run] = runs(collector)
    assert (run["scheduled_for"], run["attempt"], run["status"], run["records_written"]) == (T1, 1, "succeeded", expected)
    assert run["finished_at"] >= run["started_at"]
    assert store.get_collector(collector.name).next_run_at > utc_now()  # the next hourly slot
    assert get_data_set(data_set.data_group, data_set.data_type).last_written_at is not None
    assert audit_entries(data_set.name)[0]["actor"] == f"collector {collector.name}"

    later = T1 + timedelta(hours=1)
    with get_engine().begin() as conn:
        store.set_next_run(conn, collector.id, later)
    again = mine(tick(later, SETTINGS), collector)
    assert again.status == "succeeded" and again.records_written == expected
    assert count(data_set) == expected  # replaced by _id, not added


@pytest.mark.parametrize("kind", KINDS)
def test_a_malformed_answer_gives_a_recorded_error_and_writes_nothing(make, source, kind):
    collector, data_set, _expected = make(kind, source)
    source.malformed = True
    result = mine(tick(T1, SETTINGS), collector)
    assert result.status == "failed" and result.records_written == 0 and result.error
    [run] = runs(collector)
    assert run["status"] == "failed" and run["error"] == result.error and run["finished_at"] is not None
    assert count(data_set) == 0
    assert get_data_set(data_set.data_group, data_set.data_type).last_written_at is None
    assert audit_entries(data_set.name)[0]["action"] == "refused"
    assert store.get_collector(collector.name).next_run_at <= utc_now() + timedelta(seconds=1)  # a retry soon


@pytest.mark.parametrize("kind", KINDS)
def test_a_source_that_times_out_is_retried(make, source, kind):
    collector, data_set, expected = make(kind, source)
    source.slow = 1.0
    failed = mine(tick(T1, SETTINGS), collector)
    assert failed.status == "failed" and "did not answer within 0.3 s" in failed.error
    source.slow = 0
    time.sleep(0.05)  # the back-off (0.01 s in these tests)
    retried = mine(tick(utc_now(), SETTINGS), collector)
    assert (retried.status, retried.attempt) == ("succeeded", 2)
    assert [(r["scheduled_for"], r["attempt"], r["status"]) for r in runs(collector)] == [
        (T1, 1, "failed"), (T1, 2, "succeeded")]
    assert len(source.requests) == 2 and count(data_set) > 0


def test_retries_stop_after_the_last_attempt_and_the_next_slot_is_kept(make, source):
    collector, data_set, _ = make("csv_url", source)
    source.slow = 1.0
    tick(T1, SETTINGS)
    for _ in range(2):
        time.sleep(0.05)
        tick(utc_now(), SETTINGS)
    assert [(r["attempt"], r["status"]) for r in runs(collector)] == [(1, "failed"), (2, "failed"), (3, "failed")]
    next_run = store.get_collector(collector.name).next_run_at
    assert next_run > utc_now() + timedelta(minutes=1) and next_run.minute == 0 and next_run.second == 0
    assert tick(utc_now(), SETTINGS) == [] or collector.name not in {r.collector for r in tick(utc_now(), SETTINGS)}


def test_invalid_records_are_all_refused_and_none_stored(make, source):
    schema = {"type": "object", "properties": {"count": {"type": "integer", "minimum": 0}}}
    collector, data_set, _ = make("csv_url", source, json_schema=schema)
    source.serve("/volumes.csv", b"Date,Channel name,Volume\n20261102,online,120\n20261103,online,-5\n", "text/csv")
    result = mine(tick(T1, SETTINGS), collector)
    assert result.status == "failed" and "1 invalid record(s), nothing stored: record 1, count" in result.error
    assert count(data_set) == 0


def test_two_instances_racing_for_a_slot_end_with_one_run(make, source):
    collector, data_set, expected = make("csv_url", source)
    barrier, results = threading.Barrier(2), []

    def instance():
        barrier.wait()
        results.append(run_due(collector, T1, SETTINGS))

    threads = [threading.Thread(target=instance) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(r is None for r in results) == [False, True]
    assert len(runs(collector)) == 1 and len(source.requests) == 1 and count(data_set) == expected


def test_only_one_claim_of_a_slot_succeeds(make, source):
    collector, _, _ = make("csv_url", source)
    barrier, claims = threading.Barrier(4), []
    slot = store.Slot(T1 + timedelta(minutes=7), 1)

    def claim():
        barrier.wait()
        claims.append(store.claim_slot(collector.id, slot, utc_now()))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len([c for c in claims if c is not None]) == 1 and len(claims) == 4


def test_a_slot_being_run_elsewhere_is_left_alone(make, source):
    collector, _, _ = make("csv_url", source)
    assert store.claim_slot(collector.id, store.Slot(T1, 1), utc_now()) is not None  # another instance
    assert run_due(collector, T1, SETTINGS) is None
    assert source.requests == []


def test_run_now_runs_at_once_outside_the_schedule(make, source):
    collector, data_set, expected = make("json_url", source)
    result = run_now(collector, SETTINGS)
    assert result.status == "succeeded" and count(data_set) == expected
    assert source.requests[0]["headers"]["Authorization"] == "Bearer file-secret"


def test_a_backfill_asks_a_ranged_source_week_by_week(make, source):
    collector, data_set, _ = make("matomo", source)
    results = backfill(collector, date(2026, 10, 1), date(2026, 10, 20), SETTINGS, progress=False)
    assert [r.status for r in results] == ["succeeded"] * 3
    asked = [h["query"]["date"][0] for h in source.hits("/index.php")]
    assert asked == ["2026-10-01,2026-10-07", "2026-10-08,2026-10-14", "2026-10-15,2026-10-20"]
    assert count(data_set) == 6 + 6 + 5  # the server has no visits on each chunk's fourth day
    assert [(r["range_from"], r["range_to"]) for r in runs(collector)][0] == (datetime(2026, 10, 1), datetime(2026, 10, 8))
    assert store.get_collector(collector.name).next_run_at == T1  # the schedule is untouched


def test_a_backfill_of_a_file_keeps_the_rows_in_the_range(make, source):
    collector, data_set, _ = make("csv_url", source)
    [result] = backfill(collector, date(2026, 11, 3), date(2026, 11, 3), SETTINGS, progress=False)
    assert result.records_written == 1 and count(data_set) == 1


def test_a_backfill_chunk_that_fails_is_retried_with_back_off(make, source):
    collector, data_set, _ = make("plausible", source)
    source.slow = 1.0
    [result] = backfill(collector, date(2026, 11, 1), date(2026, 11, 3), SETTINGS, progress=False)
    assert (result.status, result.attempt) == ("failed", 3)
    assert [r["attempt"] for r in runs(collector)] == [1, 2, 3] and count(data_set) == 0


def test_credentials_are_stored_encrypted_and_never_in_the_collector(make, source):
    collector, _, _ = make("matomo", source)
    with get_engine().connect() as conn:
        stored = conn.execute(select(collectors.c.credentials).where(collectors.c.id == collector.id)).scalar_one()
    assert "matomo-secret" not in stored and secrets.decrypt(stored) == {"token_auth": "matomo-secret"}
    assert collector.has_credentials and "matomo-secret" not in repr(collector)


def test_a_collector_needs_a_data_set_that_names_its_records(database):
    with get_engine().connect() as conn:
        data_set = create_data_set(conn, f"coll-{uuid.uuid4().hex[:10]}", "visits")
        with pytest.raises(store.CollectorError, match="auto_ids"):
            store.create_collector(conn, "no-ids", "csv_url", data_set, "daily", {"url": "http://127.0.0.1/x.csv"})
        conn.rollback()  # nothing kept


def test_the_key_file_is_made_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("COLLECTOR_SECRET_KEY", raising=False)
    path = tmp_path / "instance" / "collector_secret_key"
    key = secrets.secret_key(path)
    assert secrets.secret_key(path) == key and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    token = secrets.encrypt({"api_key": "k"}, key)
    assert secrets.decrypt(token, key) == {"api_key": "k"}
    with pytest.raises(secrets.SecretError, match="cannot be decrypted"):
        secrets.decrypt(token, Fernet.generate_key())
