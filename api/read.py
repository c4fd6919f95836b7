"""GET /data/<group>/<type>?<query>: the data API's read side (docs/data-api.md, "Read").

Glue only: query/parse.py reads the parameters, data_access/record_queries.py runs them in SQL and
query/answers.py shapes the answer. Choices where the contract is silent:
- an unknown data set, and one that is not queryable, answer 404 with a message that says which;
- errors (400, 404) carry `Cache-Control: no-cache` and CORS, so browsers can read the message;
- every 200 carries a strong ETag (sha256 of the body), unpublished ones too (no-cache still revalidates);
- OPTIONS answers a CORS preflight for reads: GET, HEAD, OPTIONS from any origin;
- small counts are replaced by "suppressed" (domain/suppression.py), in JSON and CSV alike.
"""
from __future__ import annotations

import hashlib
import json
import re

from flask import Flask, Response, request

from data_access.data_sets import get_data_set
from data_access.record_queries import run_query
from domain.suppression import suppress_record
from query.answers import answer, to_csv
from query.parse import InvalidQuery, parse_query

NAME = re.compile(r"^[a-z0-9-]{1,60}$")
UNPUBLISHED_WARNING = ("Warning: this data set is unpublished. "
                       "Its data may be incomplete or wrong, and may change.")
CACHE_SECONDS, REALTIME_CACHE_SECONDS = 1800, 120
READ_METHODS = "GET, HEAD, OPTIONS"


def read(data_group: str, data_type: str) -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    data_set = get_data_set(data_group, data_type) if NAME.match(data_group) and NAME.match(data_type) else None
    if data_set is None:
        return _error(404, f"no data set {data_group}/{data_type}")
    if not data_set.queryable:
        return _error(404, f"data set {data_set.name} is not open to queries")
    try:
        query = parse_query(request.args.items(multi=True))
    except InvalidQuery as invalid:
        return _error(400, invalid.message)
    result = run_query(data_set.id, query)
    keep = frozenset(query.group_by)
    rows = [suppress_record(row, keep) for row in result.rows]  # small counts never leave the server
    try:
        if query.format == "csv":
            response = Response(to_csv(result.query, rows), mimetype="text/csv")
        else:
            body = answer(result.query, rows)
            if not data_set.published:
                body["warning"] = UNPUBLISHED_WARNING
            response = Response(json.dumps(body, sort_keys=True), mimetype="application/json")
    except InvalidQuery as invalid:  # a window open on one side spans too many periods of the data
        return _error(400, invalid.message)
    response.headers["Cache-Control"] = _cache_control(data_set)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    return response.make_conditional(request)


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
