"""Rate limits on the write API, the expensive reads (data API queries, exports) and failed sign-ins.

Counters live in Redis when REDIS_URL is set (shared by every worker on every machine), else in the
memory of each worker. Each limit is read from its environment variable on every request, so it can
be tuned without a code change (README, "Configuration"). A client is told 429 with a message and
Retry-After (api/errors.py renders it).

Limits count per client address. Behind load balancers or proxies, TRUSTED_PROXIES (how many of them
stand in front of the app) makes the address the one they forward (X-Forwarded-For, and the scheme
from X-Forwarded-Proto): `trust_proxies`. With the default 0 those headers are ignored, as anyone can
send them.
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from data_access.db import database_url

# endpoint -> (environment variable, default); the sign-in limit counts failed attempts only
LIMITS = {
    "data_write": ("RATE_LIMIT_WRITE", "120 per minute"),
    "data_record": ("RATE_LIMIT_WRITE", "120 per minute"),
    "data_read": ("RATE_LIMIT_QUERY", "300 per minute"),
    "export": ("RATE_LIMIT_EXPORT", "60 per minute"),
    "admin.sign_in": ("RATE_LIMIT_SIGN_IN", "10 per minute; 50 per hour"),
}
FAILED_ONLY = {"admin.sign_in"}


def storage_uri() -> str:
    return os.environ.get("REDIS_URL") or "memory://"


def _key_prefix() -> str:
    # one database, one set of counters: two apps on two databases never share them
    return "pp-limits-" + hashlib.sha256(database_url().encode()).hexdigest()[:10]


def _limit_of(variable: str, default: str):
    return lambda: os.environ.get(variable) or default


def _failed(response) -> bool:
    return response.status_code in (400, 401)


def register_limits(server: Flask) -> Limiter:
    """Limit the endpoints of LIMITS that the app has (call it after every route is registered)."""
    limiter = Limiter(get_remote_address, app=server, storage_uri=storage_uri(), key_prefix=_key_prefix(),
                      strategy="moving-window", headers_enabled=True, retry_after="delta-seconds",
                      # a Redis outage must not stop writes: count in memory until it is back
                      swallow_errors=True, in_memory_fallback_enabled=True)
    for endpoint, (variable, default) in LIMITS.items():
        view = server.view_functions.get(endpoint)
        if view is None:
            continue
        failed_only = endpoint in FAILED_ONLY  # the sign-in page itself is always shown
        # scoped by variable: the write endpoints share one counter
        limited = limiter.limit(_limit_of(variable, default), scope=variable,
                                deduct_when=_failed if failed_only else None,
                                methods=["POST"] if failed_only else None)(view)
        server.view_functions[endpoint] = limited
    server.extensions["pp_limiter"] = limiter
    return limiter


def trusted_proxies() -> int:
    """TRUSTED_PROXIES: how many proxies in front of the app add to X-Forwarded-For (default 0)."""
    text = os.environ.get("TRUSTED_PROXIES", "").strip() or "0"
    if not text.isdigit():
        raise ValueError(f"TRUSTED_PROXIES must be a whole number of proxies (0 or more), not {text!r}")
    return int(text)


def trust_proxies(server: Flask) -> None:
    """Read the client's address and scheme from the headers of the TRUSTED_PROXIES nearest proxies
    (werkzeug's ProxyFix), so that rate limits count each client, not the load balancer."""
    count = trusted_proxies()
    if count:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=count, x_proto=count)
