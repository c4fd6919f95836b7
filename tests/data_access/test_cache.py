"""Caching around data access: keys carry the data generation that every write bumps; FileSystemCache
by default, Redis when REDIS_URL is set, and no failure while Redis does not answer."""
import inspect
import json
import logging
import socket
import time
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import event, insert, update

import data_access.cache as cache_module
from data_access.annotations import add_annotation, delete_annotation, service_annotations
from data_access.cache import (bump_generation, cache_config, cache_key, current_generation, init_cache,
                               read_generation)
from data_access.dashboards import delete_dashboard, save_dashboard
from data_access.data_sets import configure_data_set, create_data_set
from data_access.db import get_engine, make_engine
from data_access.migrate import upgrade
from data_access.records import delete_record, replace_records, store_records
from data_access.schema import data_sets, organisations, services
from data_access.services import agencies, get_service
from ingest.records import Record
from tests.scale.redis_server import RedisServer

DASHBOARD = Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs" / "carers-allowance.json"


@pytest.fixture
def one_service_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'one.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        department = conn.execute(insert(organisations).values(slug="dept", name="A department",
                                                               kind="department")).inserted_primary_key[0]
        conn.execute(insert(services).values(slug="renew", name="Renew a thing", department_id=department))
    return engine


def _rename(engine, name, write_through_the_app=True):
    """Rename the service; as the app's writes do, or behind its back (plain SQL, no new generation)."""
    with engine.begin() as conn:
        conn.execute(update(services).where(services.c.slug == "renew").values(name=name))
        if write_through_the_app:
            bump_generation(conn)


def _app():
    app = Flask("cache-test")
    init_cache(app)
    return app


def _name(app):
    """The service's name as one request of `app` reads it."""
    with app.test_request_context():
        return get_service("renew")["name"]


def _cached_until_a_write(engine):
    """Two apps (two workers) on one cache: one reads, the data changes behind the cache (served from
    it, by the other too), then a write bumps the generation (both read afresh)."""
    first, second = _app(), _app()
    read = [_name(first)]
    _rename(engine, "Changed behind the cache", write_through_the_app=False)
    read += [_name(first), _name(second)]
    _rename(engine, "Renamed")
    read += [_name(second), _name(first)]
    return read


def test_filesystem_cache_is_the_default_and_a_write_makes_every_worker_read_afresh(one_service_db, tmp_path,
                                                                                  monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    assert cache_config()["CACHE_TYPE"] == "data_access.cache.FileCache"
    assert _cached_until_a_write(one_service_db) == ["Renew a thing"] * 3 + ["Renamed"] * 2
    assert any((tmp_path / "cache").iterdir())


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if not p.name.endswith(".__wz_cache")}


def test_the_file_cache_keeps_its_threshold_without_a_count_file(tmp_path):
    folder = tmp_path / "cache"
    files = cache_module.FileCache(str(folder), threshold=20, default_timeout=300)
    files.PRUNE_EVERY = 10
    for i in range(5):
        files.set(f"expired-{i}", i, timeout=-60)  # written expired: pruned first, whatever their age
    expired = _files(folder)
    for i in range(45):
        files.set(f"fresh-{i}", i, timeout=300 + i)  # each expires a second after the one before
        assert len(_files(folder)) <= 20 + files.PRUNE_EVERY
    left = _files(folder)
    assert not expired & left
    assert len(left) <= 20
    assert files.get("fresh-44") == 44 and files.get("fresh-0") is None  # the soonest to expire went
    assert files._get_filename(files._fs_count_file).split("/")[-1] not in left  # no count file


def test_the_file_cache_below_its_threshold_keeps_everything(tmp_path):
    files = cache_module.FileCache(str(tmp_path / "cache"), threshold=100)
    files.PRUNE_EVERY = 5
    for i in range(50):
        files.set(f"key-{i}", i)
    assert [files.get(f"key-{i}") for i in range(50)] == list(range(50))


def test_redis_cache_when_redis_url_is_set(one_service_db, redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    config = cache_config()
    assert config["CACHE_TYPE"] == "data_access.cache.SafeRedisCache"
    prefix = config["CACHE_KEY_PREFIX"]
    client = redis.Redis.from_url(redis_url)
    assert _cached_until_a_write(one_service_db) == ["Renew a thing"] * 3 + ["Renamed"] * 2
    generation = read_generation()
    keys = sorted(k.decode() for k in client.keys(prefix + "*"))
    assert [k.split(":")[1] for k in keys] == [f"g{generation - 1}", f"g{generation}"], keys
    assert all(0 < client.ttl(k) <= cache_module.DEFAULT_TIMEOUT for k in keys)


def test_a_cached_none_is_a_hit(one_service_db, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    app = _app()
    with app.test_request_context():
        assert get_service("later") is None
    with one_service_db.begin() as conn:  # behind the cache's back
        conn.execute(insert(services).values(slug="later", name="Later", department_id=1))
    with app.test_request_context():
        assert get_service("later") is None
    with one_service_db.begin() as conn:
        bump_generation(conn)
    with app.test_request_context():
        assert get_service("later")["name"] == "Later"


def _generation_reads(engine):
    reads = []
    event.listen(engine, "before_cursor_execute",
                 lambda *a: reads.append(1) if "FROM data_generation" in a[2] else None)
    return reads


def test_a_request_reads_the_generation_once_and_afresh_after_it_wrote(one_service_db, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    app = _app()
    reads = _generation_reads(get_engine())
    with app.test_request_context():
        get_service("renew"), agencies(), get_service("renew"), service_annotations("renew")
        assert len(reads) == 1
        with get_engine().begin() as conn:
            add_annotation(conn, "renew", date(2016, 3, 14), "Online form launched", "alice")
        assert [n["text"] for n in service_annotations("renew")] == ["Online form launched"]
        assert len(reads) == 2
    with app.test_request_context():
        get_service("renew")
        assert len(reads) == 3  # a new request reads it again


def test_a_write_that_rolls_back_keeps_the_generation(one_service_db):
    before = read_generation()
    with pytest.raises(RuntimeError), one_service_db.begin() as conn:
        add_annotation(conn, "renew", date(2016, 3, 14), "Never kept", "alice")
        raise RuntimeError("the request failed after its write")
    assert read_generation() == before
    assert service_annotations("renew") == []


def test_arguments_are_normalised_in_the_key(one_service_db):
    app = _app()
    name, signature = "data_access.services.agencies", inspect.signature(agencies.uncached)
    with app.test_request_context():
        keys = {cache_key(name, signature, args, kwargs)
                for args, kwargs in [((), {}), ((None,), {}), ((), {"department_slug": None})]}
        other = cache_key(name, signature, ("dept",), {})
        generation = current_generation()
    assert len(keys) == 1 and other not in keys
    assert all(f":g{generation}:" in key for key in keys | {other})


# --- every write bumps the generation, on both databases ---------------------------------------------

def _records(*channels):
    return [Record(c, datetime(2026, 11, 2), {"channel": c, "count": 10}) for c in channels]


WRITES = {
    "store records": lambda conn, d: store_records(conn, d, _records("online", "phone")),
    "replace records": lambda conn, d: replace_records(conn, d, _records("paper")),
    "delete a record": lambda conn, d: delete_record(conn, d, "paper"),
    "create a data set": lambda conn, d: create_data_set(conn, d.data_group, "another-type"),
    "configure a data set": lambda conn, d: configure_data_set(conn, d.data_group, d.data_type, published=False),
    "add a note": lambda conn, d: add_annotation(conn, "vehicle-trade-licence-renewals", date(2016, 1, 4),
                                                 f"Note for {d.data_group}", "test"),
    "delete a note": lambda conn, d: delete_annotation(conn, "vehicle-trade-licence-renewals", next(
        n["id"] for n in service_annotations.uncached("vehicle-trade-licence-renewals")
        if n["text"] == f"Note for {d.data_group}")),
    "save a dashboard": lambda conn, d: save_dashboard(conn, {**json.loads(DASHBOARD.read_text()),
                                                              "slug": d.data_group}, "test"),
    "delete a dashboard": lambda conn, d: delete_dashboard(conn, d.data_group),
}


def test_every_write_of_shown_data_bumps_the_generation(database):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"gen-{uuid.uuid4().hex[:10]}", "transactions-by-channel",
                                   auto_ids=["_timestamp", "channel"])
    try:
        for name, write in WRITES.items():  # in order: each undoes or builds on the one before
            before = read_generation()
            with get_engine().begin() as conn:
                write(conn, data_set)
            assert read_generation() == before + 1, name
    finally:
        with get_engine().begin() as conn:
            conn.execute(data_sets.delete().where(data_sets.c.data_group == data_set.data_group))
            bump_generation(conn)


# --- Redis unreachable ---------------------------------------------------------------------------------

def test_without_redis_the_app_reads_the_database_warns_once_and_uses_redis_again_when_back(
        one_service_db, monkeypatch, caplog):
    server = RedisServer()  # not started: its port is closed
    monkeypatch.setenv("REDIS_URL", server.url)
    monkeypatch.setattr(cache_module, "RETRY_SECONDS", 0.3)
    app = _app()
    caplog.set_level(logging.WARNING, logger="data_access.cache")
    names = [_name(app)]
    _rename(one_service_db, "Renamed")
    names += [_name(app) for _ in range(5)]
    assert names == ["Renew a thing"] + ["Renamed"] * 5
    assert [r.message.split(" (")[0] for r in caplog.records] == ["Redis cache unreachable"]
    try:
        server.start()
        time.sleep(0.4)  # past RETRY_SECONDS
        assert _name(app) == "Renamed"
        assert caplog.records[-1].message == "Redis cache answers again: caching resumed"
        assert server.client().keys(cache_config()["CACHE_KEY_PREFIX"] + "*"), "cached in Redis again"
    finally:
        server.stop()


def test_a_redis_that_does_not_answer_costs_a_short_timeout(one_service_db, monkeypatch):
    with socket.socket() as silent:  # accepts connections (the backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        app = _app()
        began = time.monotonic()
        assert [_name(app) for _ in range(3)] == ["Renew a thing"] * 3
        assert time.monotonic() - began < 2 * cache_module.REDIS_TIMEOUTS["socket_timeout"] + 1


def test_outside_the_app_data_access_reads_the_database_directly(one_service_db):
    assert get_service("renew")["name"] == "Renew a thing"
    _rename(one_service_db, "Renamed", write_through_the_app=False)
    assert get_service("renew")["name"] == "Renamed"


def test_two_databases_never_share_cached_figures(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'a.db'}")
    first = cache_config()["CACHE_KEY_PREFIX"]
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'b.db'}")
    assert cache_config()["CACHE_KEY_PREFIX"] != first


def test_one_process_never_mixes_two_databases_figures(one_service_db, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    app = _app()
    first_url = str(one_service_db.url)
    with app.test_request_context():
        assert get_service("renew")["name"] == "Renew a thing"
        other = tmp_path / "other.db"
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
        engine = make_engine(f"sqlite:///{other}")
        with engine.begin() as conn:
            upgrade(conn)
        assert get_service("renew") is None  # not the first database's cached answer
        monkeypatch.setenv("DATABASE_URL", first_url)
        assert get_service("renew")["name"] == "Renew a thing"


def test_the_code_fingerprint_changes_with_the_code(tmp_path, monkeypatch):
    (tmp_path / "data_access").mkdir()
    (tmp_path / "domain").mkdir()
    module = tmp_path / "domain" / "metrics.py"
    module.write_text("RATE = 1\n")
    monkeypatch.setattr(cache_module, "PROJECT_ROOT", tmp_path)
    fingerprints = []
    for source in ("RATE = 1\n", "RATE = 2\n"):
        module.write_text(source)
        cache_module.code_fingerprint.cache_clear()
        fingerprints.append(cache_module.code_fingerprint())
    cache_module.code_fingerprint.cache_clear()
    assert fingerprints[0] != fingerprints[1]
