"""Caching around data access: FileSystemCache by default, Redis when REDIS_URL is set."""
import pytest
import redis
from flask import Flask
from sqlalchemy import insert, update

from data_access.cache import cache, cache_config, clear_cache, init_cache
from data_access.db import make_engine
from data_access.migrate import upgrade
from data_access.schema import organisations, services
from data_access.services import get_service


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


def _rename(engine, name):
    with engine.begin() as conn:
        conn.execute(update(services).where(services.c.slug == "renew").values(name=name))


def _app():
    app = Flask("cache-test")
    init_cache(app)
    return app


def _served_twice_from_cache(engine):
    """Reads through the cache, changes the database behind it, reads again."""
    app = _app()
    with app.app_context():
        assert get_service("renew")["name"] == "Renew a thing"
        _rename(engine, "Renamed")
        cached = get_service("renew")["name"]
    clear_cache()
    with app.app_context():
        fresh = get_service("renew")["name"]
    return cached, fresh


def test_filesystem_cache_is_the_default_and_serves_repeated_reads(one_service_db, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    assert cache_config()["CACHE_TYPE"] == "FileSystemCache"
    assert _served_twice_from_cache(one_service_db) == ("Renew a thing", "Renamed")
    assert any((tmp_path / "cache").iterdir())


def test_redis_cache_when_redis_url_is_set(one_service_db, redis_url, monkeypatch):
    monkeypatch.setenv("REDIS_URL", redis_url)
    config = cache_config()
    assert config["CACHE_TYPE"] == "RedisCache"
    client = redis.Redis.from_url(redis_url)
    prefix = config["CACHE_KEY_PREFIX"]
    assert _served_twice_from_cache(one_service_db) == ("Renew a thing", "Renamed")
    assert client.keys(prefix + "*"), "figures are cached in Redis under the database's prefix"
    clear_cache()
    assert not client.keys(prefix + "*")


def test_outside_the_app_data_access_reads_the_database_directly(one_service_db):
    assert get_service("renew")["name"] == "Renew a thing"
    _rename(one_service_db, "Renamed")
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
    with app.app_context():
        assert get_service("renew")["name"] == "Renew a thing"
        other = tmp_path / "other.db"
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{other}")
        engine = make_engine(f"sqlite:///{other}")
        with engine.begin() as conn:
            upgrade(conn)
        assert get_service("renew") is None  # not the first database's cached answer
        monkeypatch.setenv("DATABASE_URL", first_url)
        assert get_service("renew")["name"] == "Renew a thing"
