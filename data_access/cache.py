"""Caching around data access with flask-caching, kept right by a data generation.

FileCache (a FileSystemCache) by default (shared by the gunicorn workers of one machine); RedisCache when
REDIS_URL is set (shared by every worker on every machine). Cached functions take small,
normalised arguments (slugs, period ids), never data frames.

Staleness: every transaction that writes data a page or the API shows calls `bump_generation(conn)`,
which adds one to the single row of `data_generation` in that same transaction. A cached figure's
key holds the generation it was computed at, so once a write commits every worker on every machine
reads the new generation and computes afresh; a write that rolls back changes nothing. The database
is the one source of truth (the generation commits with the data, or not at all); a request reads it
once (flask.g), and afresh after it wrote. Entries of old generations are never read again and expire.
Keys also carry a fingerprint of the code, so a new release never reads an old release's entries.

Redis unreachable: reads miss and writes are dropped (the app serves from the database, slower),
one warning per outage and process, and Redis is tried again every RETRY_SECONDS.
"""
from __future__ import annotations

import functools
import hashlib
import inspect
import logging
import os
import struct
import time

from flask import Flask, current_app, g, has_app_context, has_request_context
from flask_caching import Cache
from flask_caching.backends.filesystemcache import FileSystemCache
from flask_caching.backends.rediscache import RedisCache
from redis.exceptions import RedisError
from sqlalchemy import Connection, select, update

from data_access.db import PROJECT_ROOT, database_url, engine_url, get_engine
from data_access.schema import data_generation

log = logging.getLogger(__name__)

cache = Cache()
DEFAULT_TIMEOUT = 86_400  # a day: the generation makes entries stale, this only clears out old ones
REDIS_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}  # seconds
RETRY_SECONDS = 5.0


def cache_config() -> dict:
    # one database, one key space: two apps on two databases never share figures
    prefix = "pp-" + hashlib.sha256(database_url().encode()).hexdigest()[:10] + "-"
    common = {"CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT, "CACHE_KEY_PREFIX": prefix}
    if os.environ.get("REDIS_URL"):
        return {**common, "CACHE_TYPE": "data_access.cache.SafeRedisCache",
                "CACHE_REDIS_URL": os.environ["REDIS_URL"], "CACHE_OPTIONS": dict(REDIS_TIMEOUTS)}
    cache_dir = os.environ.get("CACHE_DIR") or str(PROJECT_ROOT / "instance" / "cache" / prefix)
    return {**common, "CACHE_TYPE": "data_access.cache.FileCache", "CACHE_DIR": cache_dir, "CACHE_THRESHOLD": 20_000}


def init_cache(server: Flask) -> None:
    cache.init_app(server, config=cache_config())


# --- the data generation -------------------------------------------------------------------------

def bump_generation(conn: Connection) -> None:
    """Make every cached figure out of date once `conn`'s transaction commits. Call it last in each
    function that writes shown data: the row stays locked from here to the commit."""
    bumped = conn.execute(update(data_generation).where(data_generation.c.id == 1)
                          .values(generation=data_generation.c.generation + 1))
    if bumped.rowcount != 1:
        raise RuntimeError("the data_generation table has no row: run `python manage.py migrate`")
    if has_app_context():
        g.data_written = True  # this request reads the generation afresh from now on


def read_generation() -> int:
    """The database's committed data generation."""
    with get_engine().connect() as conn:
        return conn.execute(select(data_generation.c.generation).where(data_generation.c.id == 1)).scalar_one()


def current_generation() -> int:
    """The generation, read at most once per request (and afresh after the request wrote)."""
    if not has_request_context() or g.get("data_written"):
        return read_generation()
    known = g.setdefault("data_generations", {})  # by database (tests switch; the read API reads a replica)
    url = engine_url()
    if url not in known:
        known[url] = read_generation()
    return known[url]


# --- memoizing data access -----------------------------------------------------------------------

def cache_ready() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


CACHED_CODE = ("data_access", "domain", "query", "components", "pages")  # what cached values come from


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the code that computes figures and the pages' answers: during a rolling upgrade, old
    and new instances never read each other's entries (a figure's or an answer's shape may have changed)."""
    digest = hashlib.sha256()
    for path in sorted(path for folder in CACHED_CODE for path in (PROJECT_ROOT / folder).rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(name: str, signature: inspect.Signature, args: tuple, kwargs: dict) -> str:
    """The function, its arguments normalised (positional or by name, defaults filled in), the
    database, the code's fingerprint and the data generation."""
    return key_of(name, normalised(signature, args, kwargs))


def normalised(signature: inspect.Signature, args: tuple, kwargs: dict) -> str:
    """The arguments, the same however they are passed (positional or by name, defaults filled in)."""
    bound = signature.bind(*args, **kwargs)
    bound.apply_defaults()
    return repr(sorted(bound.arguments.items()))


def key_of(name: str, arguments: str) -> str:
    """The key of `name` with these (normalised) arguments, in this database, code and data generation."""
    digest = hashlib.sha256(f"{database_url()}\n{code_fingerprint()}\n{arguments}".encode()).hexdigest()[:32]
    return f"{name}:g{current_generation()}:{digest}"


def memoized(function):
    """Memoize through the app's cache; called outside the app (CLI, tests), run it plainly.
    The database's URL is part of the key, so one process never mixes two databases' figures."""
    name = f"{function.__module__}.{function.__qualname__}"
    signature = inspect.signature(function)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        if not cache_ready():
            return function(*args, **kwargs)
        return cached_call(cache_key(name, signature, args, kwargs), lambda: function(*args, **kwargs))

    wrapper.uncached = function
    return wrapper


def cached_call(key: str, compute, timeout: int | None = None):
    """compute(), through the app's cache under `key` (see cache_key), kept `timeout` seconds (by
    default DEFAULT_TIMEOUT); outside the app, computed plainly."""
    if not cache_ready():
        return compute()
    found = cache.get(key)
    if found is not None:
        return found[0]
    value = compute()
    cache.set(key, (value,), timeout=timeout)  # in a tuple: a cached None is a hit, not a miss
    return value


# --- Redis that never fails a request --------------------------------------------------------------

class SafeRedisCache(RedisCache):
    """RedisCache that answers as an empty cache while Redis does not (connection refused, timeout,
    any Redis error): one warning when it stops answering, one when it answers again."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._retry_at: float | None = None  # set while Redis is down: when to try it again

    def _guarded(self, call, fallback):
        if self._retry_at is not None and time.monotonic() < self._retry_at:
            return fallback
        try:
            answer = call()
        except RedisError as error:
            if self._retry_at is None:
                log.warning("Redis cache unreachable (%s): serving without the cache, trying again every "
                            "%.0f s", error, RETRY_SECONDS)
            self._retry_at = time.monotonic() + RETRY_SECONDS
            return fallback
        if self._retry_at is not None:
            log.warning("Redis cache answers again: caching resumed")
            self._retry_at = None
        return answer

    def get(self, key):
        return self._guarded(lambda: RedisCache.get(self, key), None)

    def get_many(self, *keys):
        return self._guarded(lambda: RedisCache.get_many(self, *keys), [None] * len(keys))

    def has(self, key):
        return self._guarded(lambda: RedisCache.has(self, key), False)

    def set(self, key, value, timeout=None):
        return self._guarded(lambda: RedisCache.set(self, key, value, timeout), False)

    def add(self, key, value, timeout=None):
        return self._guarded(lambda: RedisCache.add(self, key, value, timeout), False)

    def set_many(self, mapping, timeout=None):
        return self._guarded(lambda: RedisCache.set_many(self, mapping, timeout), [])

    def delete(self, key):
        return self._guarded(lambda: RedisCache.delete(self, key), False)

    def delete_many(self, *keys):
        return self._guarded(lambda: RedisCache.delete_many(self, *keys), [])

    def clear(self):
        return self._guarded(lambda: RedisCache.clear(self), False)


# --- files that never fill the disk, without a count file ----------------------------------------

class FileCache(FileSystemCache):
    """FileSystemCache that keeps at most `threshold` files by counting the directory every
    PRUNE_EVERY writes of a process. (cachelib's own threshold keeps a count file that it reads and
    rewrites on every write: 0.49 against 0.18 ms a write.) When over, expired files go first, then
    those that expire soonest (the oldest written), down to 90 % of the threshold."""

    PRUNE_EVERY = 200

    def __init__(self, cache_dir, threshold=500, **kwargs):
        super().__init__(cache_dir, threshold=0, **kwargs)  # 0: cachelib neither counts nor prunes
        self.limit = threshold
        self._writes = 0

    def set(self, key, value, timeout=None, mgmt_element=False):
        self._writes += 1
        if self.limit and self._writes % self.PRUNE_EVERY == 0:
            self.prune()
        return super().set(key, value, timeout, mgmt_element)

    def prune(self) -> None:
        names = list(self._list_dir())
        if len(names) <= self.limit:
            return
        expiries = []
        for name in names:
            try:
                with open(name, "rb") as file:
                    expiries.append((struct.unpack("I", file.read(4))[0] or float("inf"), name))
            except (OSError, struct.error):  # gone meanwhile (another worker), or being written
                continue
        now, keep = time.time(), int(self.limit * 0.9)
        expiries.sort()
        for rank, (expires, name) in enumerate(expiries):
            if expires >= now and len(expiries) - rank <= keep:
                break
            try:
                os.remove(name)
            except FileNotFoundError:
                pass
