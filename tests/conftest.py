"""Shared fixtures: real databases (SQLite file, PostgreSQL), loaded once with the demo data.

PostgreSQL: PG_TEST_URL, default postgresql://postgres@127.0.0.1:5432/test. Each run works in
a schema of its own and drops it at the end. When CI=true an unreachable PostgreSQL (or Redis)
fails the run instead of skipping.
"""
from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from data_access.db import make_engine
from data_access.demo.load import load_demo
from data_access.migrate import upgrade

PG_URL = os.environ.get("PG_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, error: Exception):
    message = f"{what} is not reachable: {error}"
    if IN_CI:
        pytest.fail(message + " (CI=true: the real service is required)")
    pytest.skip(message)


def build_demo_database(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
        load_demo(conn, progress=False)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'demo.db'}"
    build_demo_database(url)
    return url


@contextlib.contextmanager
def postgresql_schema(prefix: str):
    """A PostgreSQL schema of its own (its URL), dropped afterwards; unreachable PostgreSQL: see `unavailable`."""
    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any failure to connect means the same
        admin.dispose()
        unavailable("PostgreSQL", error)
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextlib.contextmanager
def empty_database(kind: str, prefix: str, folder: Path):
    """The URL of an empty database of `kind`: a PostgreSQL schema of its own (see
    `postgresql_schema`), or a SQLite file in `folder`."""
    if kind == "postgresql":
        with postgresql_schema(prefix) as url:
            yield url
    else:
        yield f"sqlite:///{folder / (prefix + '.db')}"


@contextlib.contextmanager
def migrated_database(kind: str, prefix: str, folder: Path, monkeypatch, revision: str = "head"):
    """An empty database of `kind` (see `empty_database`) migrated to `revision`, made the app's
    (DATABASE_URL): yields its engine, disposed of at the end."""
    from data_access.db import get_engine
    with empty_database(kind, prefix, folder) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        engine = get_engine()
        with engine.begin() as conn:
            upgrade(conn, revision)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def postgresql_url():
    with postgresql_schema("pp_test") as url:
        build_demo_database(url)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, monkeypatch) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL, with the demo data."""
    url = request.getfixturevalue(f"{request.param}_url")
    monkeypatch.setenv("DATABASE_URL", url)
    return request.param


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        unavailable("Redis", error)
    return REDIS_URL


def project_root() -> Path:
    return Path(__file__).resolve().parent.parent


# --- the app served by gunicorn on loopback -------------------------------------------------------

def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process, log_path: Path, seconds: float = 60) -> None:
    import time
    import urllib.request
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/_status", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{log_path.read_text()[-3000:]}")


def serve(database_url: str, workdir: Path, extra_env: dict | None = None):
    """Start `gunicorn app:server` with 2 workers on a free loopback port; yield its base URL."""
    import subprocess
    import sys
    port = _free_port()
    log_path = workdir / "gunicorn.log"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}  # Redis only when asked for
    env.update({"DATABASE_URL": database_url, "CACHE_DIR": str(workdir / "cache"), **(extra_env or {})})
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--timeout", "60", "app:server"], cwd=project_root(), env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log_path)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="session")
def sqlite_server(sqlite_url, tmp_path_factory):
    """The embedded default: SQLite and the file-system cache."""
    yield from serve(sqlite_url, tmp_path_factory.mktemp("sqlite-server"))


@pytest.fixture(scope="session")
def postgresql_server(postgresql_url, redis_url, tmp_path_factory):
    """Production: PostgreSQL and Redis."""
    yield from serve(postgresql_url, tmp_path_factory.mktemp("pg-server"), {"REDIS_URL": redis_url})


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request) -> str:
    """Each test using this runs against both servers."""
    return request.getfixturevalue(f"{request.param}_server")
