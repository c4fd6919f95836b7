"""GET /data/<group>/<type>?<query>: the data API's read side (docs/data-api.md, "Read").

Glue only: query/parse.py reads the parameters, data_access/record_queries.py runs them in SQL and
query/answers.py shapes the answer. Choices where the contract is silent:
- an unknown data set, and one that is not queryable, answer 404 with a message that says which;
- errors (400, 404) carry `Cache-Control: no-cache` and CORS, so browsers can read the message;
- every 200 carries a strong ETag, unpublished ones too (no-cache still revalidates). It is derived from
  what the body is a function of (the data generation, the database, the data set, the parsed query, the
  suppression threshold, the code), not from the body: a revalidation (If-None-Match) answers 304 without
  running the query, and a repeated query is answered from the app's cache (the body, keyed by its ETag;
  the query's rows, by data_access.record_queries.cached_query);
- OPTIONS answers a CORS preflight for reads: GET, HEAD, OPTIONS from any origin;
- small counts are replaced by "suppressed" (domain/suppression.py), in JSON and CSV alike;
- with READ_DATABASE_URL set, every read of a request here goes to that replica, the data
  generation included (data_access.db.replica_reads).
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

from flask import Flask, Response, current_app, has_app_context, request
from werkzeug.http import is_resource_modified

from data_access.cache import cache, code_fingerprint, current_generation
from data_access.data_sets import get_data_set
from data_access.db import database_url, replica_reads
from data_access.record_queries import cached_query
from domain.suppression import suppress_record, threshold
from query.answers import answer, to_csv
from query.parse import InvalidQuery, parse_query

NAME = re.compile(r"^[a-z0-9-]{1,60}$")
UNPUBLISHED_WARNING = ("Warning: this data set is unpublished. "
                       "Its data may be incomplete or wrong, and may change.")
CACHE_SECONDS, REALTIME_CACHE_SECONDS = 1800, 120
READ_METHODS = "GET, HEAD, OPTIONS"
_DATA_SETS: dict = {}  # (database, generation, group, type) -> DataSet or None
MAX_DATA_SETS = 1024


def read(data_group: str, data_type: str) -> Response:
    """The answer, read from the read replica when READ_DATABASE_URL names one (data_access.db)."""
    with replica_reads():
        return _read(data_group, data_type)


def _read(data_group: str, data_type: str) -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    data_set = _data_set(data_group, data_type) if NAME.match(data_group) and NAME.match(data_type) else None
    if data_set is None:
        return _error(404, f"no data set {data_group}/{data_type}")
    if not data_set.queryable:
        return _error(404, f"data set {data_set.name} is not open to queries")
    try:
        query = parse_query(request.args.items(multi=True))
    except InvalidQuery as invalid:
        return _error(400, invalid.message)
    etag = _etag(data_set.id, query)
    if is_resource_modified(request.environ, etag=etag):
        response = _cached_answer(data_set, query, etag)
        if response.status_code != 200:
            return response
    else:  # the client has this very answer: make_conditional turns this into a 304 without running the query
        response = Response()
    response.headers["Cache-Control"] = _cache_control(data_set)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(etag)
    return response.make_conditional(request)


def _data_set(data_group: str, data_type: str):
    """The data set as of the request's data generation, looked up once per generation by this worker:
    creating or configuring a data set bumps the generation, so a remembered one is never stale."""
    key = (database_url(), current_generation(), data_group, data_type)
    if key not in _DATA_SETS:
        if len(_DATA_SETS) >= MAX_DATA_SETS:
            _DATA_SETS.clear()
        _DATA_SETS[key] = get_data_set(data_group, data_type)
    return _DATA_SETS[key]


def _cached_answer(data_set, query, etag: str) -> Response:
    """The body, from the app's cache when it was made before: the ETag names everything the body is
    made of, the data generation included, so an entry is never stale (see data_access/cache.py)."""
    use_cache = has_app_context() and cache in current_app.extensions.get("cache", {})
    key = f"api.read:{etag}"
    found = cache.get(key) if use_cache else None
    if found is None:
        response = _answer(data_set, query)
        if response.status_code != 200 or not use_cache:
            return response
        found = (response.mimetype, response.get_data())
        cache.set(key, found)
    mimetype, body = found
    return Response(body, mimetype=mimetype)


def _answer(data_set, query) -> Response:
    result = cached_query(data_set.id, query)
    keep = frozenset(query.group_by)
    rows = [suppress_record(row, keep) for row in result.rows]  # small counts never leave the server
    try:
        if query.format == "csv":
            return Response(to_csv(result.query, rows), mimetype="text/csv")
        body = answer(result.query, rows)
        if not data_set.published:
            body["warning"] = UNPUBLISHED_WARNING
        return Response(json.dumps(body, sort_keys=True), mimetype="application/json")
    except InvalidQuery as invalid:  # a window open on one side spans too many periods of the data
        return _error(400, invalid.message)


def _etag(data_set_id: int, query) -> str:
    """The same for the same body, without computing it: every write and data-set setting bumps the
    generation (published, the schema...), and the parsed query is normalised."""
    identity = (f"{database_url()}\n{_code_version()}\n{current_generation()}\n{data_set_id}\n"
                f"{threshold()}\n{query!r}")
    return hashlib.sha256(identity.encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """The data access code's fingerprint, and this view's and the query language's: a release that
    changes an answer's shape changes every ETag."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(code_fingerprint().encode())
    for path in [Path(__file__).resolve(), *sorted((root / "query").glob("*.py"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _cache_control(data_set) -> str:
    if not data_set.published:
        return "no-cache"
    seconds = REALTIME_CACHE_SECONDS if data_set.realtime else CACHE_SECONDS
    return f"max-age={seconds}, must-revalidate"


def _error(status: int, message: str) -> Response:
    response = Response(json.dumps({"message": message}), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight() -> Response:
    response = Response(status=204)
    response.headers.update({
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": READ_METHODS,
        "Access-Control-Allow-Headers": request.headers.get("Access-Control-Request-Headers", "Accept"),
        "Access-Control-Max-Age": "86400",
        "Allow": READ_METHODS,
    })
    return response


def register_read(server: Flask) -> None:
    server.add_url_rule("/data/<data_group>/<data_type>", "data_read", read, methods=["GET", "HEAD", "OPTIONS"])
