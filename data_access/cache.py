"""Caching around data access with flask-caching.

FileSystemCache by default (shared by the gunicorn workers of one machine); RedisCache when
REDIS_URL is set (shared by every worker on every machine). Cached functions take small,
normalised arguments (slugs, period ids), never data frames.
"""
from __future__ import annotations

import functools
import hashlib
import os

from flask import Flask, current_app, has_app_context
from flask_caching import Cache

from data_access.db import PROJECT_ROOT, database_url

cache = Cache()
DEFAULT_TIMEOUT = 600


def cache_config() -> dict:
    # one database, one key space: two apps on two databases never share figures
    prefix = "pp-" + hashlib.sha256(database_url().encode()).hexdigest()[:10] + "-"
    common = {"CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT, "CACHE_KEY_PREFIX": prefix}
    if os.environ.get("REDIS_URL"):
        return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": os.environ["REDIS_URL"]}
    cache_dir = os.environ.get("CACHE_DIR") or str(PROJECT_ROOT / "instance" / "cache" / prefix)
    return {**common, "CACHE_TYPE": "FileSystemCache", "CACHE_DIR": cache_dir, "CACHE_THRESHOLD": 20_000}


def init_cache(server: Flask) -> None:
    cache.init_app(server, config=cache_config())


def clear_cache() -> None:
    """Empty the cache of the current configuration (after the data is replaced)."""
    app = Flask(__name__)
    standalone = Cache(app, config=cache_config())
    with app.app_context():
        standalone.clear()


def _cache_ready() -> bool:
    return has_app_context() and cache in current_app.extensions.get("cache", {})


def memoized(function):
    """Memoize through the app's cache; called outside the app (CLI, tests), run it plainly.
    The database's URL is part of the key, so one process never mixes two databases' figures."""
    @functools.wraps(function)
    def of_database(_database_url, *args, **kwargs):
        return function(*args, **kwargs)

    cached = cache.memoize()(of_database)

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return cached(database_url(), *args, **kwargs) if _cache_ready() else function(*args, **kwargs)

    wrapper.uncached = function
    return wrapper
