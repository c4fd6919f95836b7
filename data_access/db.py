"""The database connection: one engine per process, chosen by DATABASE_URL.

SQLite (a file under instance/) is the embedded default; PostgreSQL is the production database.
READ_DATABASE_URL, when set, names a read replica of it: code that runs inside `replica_reads()` (the
read API) reads from the replica, everything else from DATABASE_URL.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "performance.db"
CONNECT_TIMEOUT = 5  # seconds


_ON_REPLICA: ContextVar[bool] = ContextVar("on_replica", default=False)


def database_url() -> str:
    """The database: the one source of truth, which every write goes to."""
    return _driver(os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}")


def read_database_url() -> str | None:
    """A read replica of the database, if one is set."""
    url = os.environ.get("READ_DATABASE_URL")
    return _driver(url) if url else None


def _driver(url: str) -> str:
    # plain postgres URLs (as hosting platforms give them) mean the psycopg 3 driver here
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within: get_engine() is the read replica's, when READ_DATABASE_URL is set. For reads only:
    the data and the data generation they are cached under then both come from the replica, so a
    replica that lags behind serves older figures under the older generation, never a mix."""
    token = _ON_REPLICA.set(True)
    try:
        yield
    finally:
        _ON_REPLICA.reset(token)


def engine_url() -> str:
    """The URL get_engine() connects to here: the replica's inside replica_reads(), if set."""
    return (_ON_REPLICA.get() and read_database_url()) or database_url()


def _sqlite_pragmas(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers in several workers while one writes
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping: a connection dropped while the database was down is replaced, so the app recovers by
    # itself; a short connect timeout answers 503 quickly instead of holding workers
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=10,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT})


@lru_cache(maxsize=None)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process's engine for the current DATABASE_URL (or READ_DATABASE_URL: see replica_reads)."""
    return _engine_for(engine_url())
