"""What a client is told when something goes wrong, on pages, the API, exports and admin alike.

- 500: a plain message with an error reference; the trace goes to the log under that reference,
  never to the client.
- 503 while the database is unreachable: "The data is temporarily unavailable", with Retry-After;
  the engine's pool_pre_ping makes the app recover by itself when the database is back.
- 429 (a rate limit, api/limits.py): what was limited and when to try again.
Answers are JSON for the data API, health, OpenAPI and Dash callbacks, HTML elsewhere.
"""
from __future__ import annotations

import html
import json
import logging
import time
import uuid

from flask import Flask, Response, current_app, request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import InternalServerError, TooManyRequests

from data_access.db import get_engine

log = logging.getLogger("pp.errors")
UNAVAILABLE = "The data is temporarily unavailable. Please try again in a few minutes."
RETRY_AFTER_SECONDS = 30
JSON_PREFIXES = ("/data/", "/_status", "/openapi.json", "/_dash-")
PAGE_ENDPOINTS = ("/", "/<path:path>")  # Dash's index and catch-all: every page
# SQLite's OperationalError also means "no such table" or bad SQL: only these mean unavailable
SQLITE_UNAVAILABLE = ("locked", "unable to open", "disk i/o error", "readonly database")


def wants_json() -> bool:
    if request.path.startswith(JSON_PREFIXES):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def answer(status: int, title: str, message: str, headers: dict | None = None, **extra) -> Response:
    """A plain error answer: JSON {status, message, ...} or a small HTML page."""
    if wants_json():
        body, mimetype = json.dumps({"status": "error", "message": message, **extra}), "application/json"
    else:
        body, mimetype = _page(title, message, extra.get("reference")), "text/html"
    response = Response(body, status=status, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.update(headers or {})
    return response


def _page(title: str, message: str, reference: str | None) -> str:
    ref = f'<p class="govuk-body">Error reference: <code>{html.escape(reference)}</code></p>' if reference else ""
    return ("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)} – Performance Platform</title>"
            "<link rel=\"stylesheet\" href=\"/assets/01-govuk-frontend.min.css\"></head>"
            "<body class=\"govuk-template__body\"><main class=\"govuk-width-container govuk-main-wrapper\">"
            f"<h1 class=\"govuk-heading-l\">{html.escape(title)}</h1>"
            f"<p class=\"govuk-body\">{html.escape(message)}</p>{ref}"
            "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the list of services</a></p>"
            "</main></body></html>")


def is_unavailable(error: BaseException) -> bool:
    """The database cannot be reached (down, restarting, out of connections, locked)."""
    if isinstance(error, (PoolTimeout, DisconnectionError)):
        return True
    if not isinstance(error, (OperationalError, InterfaceError)):
        return False
    if isinstance(error, DBAPIError) and type(error.orig).__module__.startswith("sqlite3"):
        return any(words in str(error.orig).lower() for words in SQLITE_UNAVAILABLE)
    return True


def unavailable() -> Response:
    return answer(503, "Sorry, the data is temporarily unavailable", UNAVAILABLE,
                  {"Retry-After": str(RETRY_AFTER_SECONDS)})


def internal_error(error: InternalServerError):
    """Every unhandled exception: 503 if the database is unreachable, else 500 with a reference."""
    original = getattr(error, "original_exception", None) or error
    if is_unavailable(original):
        log.warning("database unavailable on %s %s: %s", request.method, request.path, type(original).__name__)
        return unavailable()
    reference = uuid.uuid4().hex[:12]
    log.error("internal error %s on %s %s", reference, request.method, request.path, exc_info=original)
    return answer(500, "Sorry, something went wrong",
                  f"Something went wrong on our side. If it goes on, contact us and quote error reference "
                  f"{reference}.", reference=reference)


def too_many_requests(error: TooManyRequests):
    wait = _retry_after()
    return answer(429, "Too many requests",
                  f"Too many requests: the limit is {error.description}. Try again in {wait} seconds.",
                  {"Retry-After": str(wait)}, retry_after=wait)


def _retry_after() -> int:
    limiter = current_app.extensions.get("pp_limiter")
    limit = limiter.current_limit if limiter is not None else None
    try:
        return max(1, int(limit.reset_at - time.time())) if limit is not None else 60
    except Exception:  # noqa: BLE001 - the counters' storage is down: a sensible wait
        return 60


def database_answers() -> bool:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001
        if is_unavailable(error):
            return False
        raise
    return True


def check_page_database():
    """A page is a shell whose content comes from callbacks: while the database is down, say so at
    once instead of serving a page that stays empty."""
    if request.method == "GET" and request.endpoint in PAGE_ENDPOINTS and not database_answers():
        return unavailable()
    return None


def register_errors(server: Flask) -> None:
    server.register_error_handler(InternalServerError, internal_error)
    server.register_error_handler(TooManyRequests, too_many_requests)
    server.before_request(check_page_database)
