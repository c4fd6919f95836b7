"""POST/PUT /data/<group>/<type>, PATCH/DELETE /data/<group>/<type>/<id>: bearer token, all or nothing.

Every write and every refused write goes to the audit log (who, which data set, how many records,
their time range), never with the token.
"""
from __future__ import annotations

import json
import zlib

from flask import Flask, Response, jsonify, request

from data_access.data_sets import DataSet, audit, get_data_set, verify_token
from data_access.db import get_engine
from data_access.records import delete_record, get_record, replace_records, store_records
from ingest.records import Record, RecordError, ValidationFailed, validate_records
from ingest.uploads import parse_csv, parse_xlsx

MAX_BODY = 10 * 1024 * 1024  # bytes, after decompression
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Refused(Exception):
    """A write refused before anything is stored: the HTTP status, a message, the errors."""

    def __init__(self, status: int, message: str, errors: list[RecordError] | None = None, headers=None):
        super().__init__(message)
        self.status, self.message, self.errors, self.headers = status, message, errors or [], headers or {}


def _answer(status: int, message: str, **extra) -> Response:
    response = jsonify({"status": "ok" if status < 400 else "error", "message": message, **extra})
    response.status_code = status
    return response


def _bearer() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authorised(conn, data_set: DataSet) -> str:
    """The actor's name for the audit log, or Refused(401)."""
    token = _bearer()
    found = verify_token(conn, data_set, token)
    if found is None:
        raise Refused(401, "a valid bearer token for this data set is required" if token is None
                      else "the bearer token is not valid for this data set",
                      headers={"WWW-Authenticate": 'Bearer realm="data API"'})
    return f"token {found['id']}" + (f" ({found['label']})" if found["label"] else "")


def _body() -> bytes:
    """The request body, decompressed if gzip, refused above MAX_BODY (413)."""
    if (request.content_length or 0) > MAX_BODY:
        raise Refused(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MiB")
    raw = request.get_data(cache=False)
    if len(raw) > MAX_BODY:
        raise Refused(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MiB")
    if request.headers.get("Content-Encoding", "").lower() != "gzip":
        return raw
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, MAX_BODY + 1)
    except zlib.error:
        raise Refused(400, "the body is not valid gzip") from None
    if len(body) > MAX_BODY or inflater.unconsumed_tail:
        raise Refused(413, f"the body is larger than {MAX_BODY // (1024 * 1024)} MiB after decompression")
    return body


def parsed_records(content: bytes, content_type: str, data_set: DataSet) -> list[Record]:
    """JSON, CSV or Excel content into validated records, or Refused(400) listing every error."""
    kind = content_type.split(";")[0].strip().lower()
    try:
        if kind in ("text/csv", "application/csv"):
            rows, numbers = parse_csv(content)
            return validate_records(rows, data_set.config, row_numbers=numbers)
        if kind == XLSX:
            rows, numbers = parse_xlsx(content)
            return validate_records(rows, data_set.config, row_numbers=numbers)
        try:
            body = json.loads(content.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise Refused(400, f"the body is not JSON: {error}") from None
        if not isinstance(body, (list, dict)):
            raise Refused(400, "the body must be a JSON object (one record) or an array of records")
        return validate_records(body, data_set.config)
    except ValidationFailed as failed:
        raise Refused(400, f"{len(failed.errors)} error(s) found; nothing was stored", failed.errors) from None


def _time_range(records: list[Record]) -> tuple:
    stamps = [r.timestamp for r in records if r.timestamp is not None]
    return (min(stamps), max(stamps)) if stamps else (None, None)


def _refused(data_set_name: str, action: str, refused: Refused, actor: str) -> Response:
    with get_engine().begin() as conn:
        audit(conn, actor=actor, action="refused", data_set=data_set_name, status=refused.status,
              detail=f"{action}: {refused.message}")
    response = _answer(refused.status, refused.message, errors=[e.as_dict() for e in refused.errors])
    response.headers.update(refused.headers)
    return response


def _writer(name: str, data_group: str, data_type: str) -> tuple[DataSet, str]:
    """The data set and the writer's name for the audit log, or Refused (404, 401)."""
    data_set = get_data_set(data_group, data_type)
    if data_set is None:
        raise Refused(404, f"there is no data set {name}")
    with get_engine().begin() as conn:
        return data_set, _authorised(conn, data_set)


def write(data_group: str, data_type: str):
    """POST adds or replaces records by _id; PUT replaces the whole data set."""
    name, action = f"{data_group}/{data_type}", "replace" if request.method == "PUT" else "write"
    actor = "unknown"
    try:
        data_set, actor = _writer(name, data_group, data_type)
        records = parsed_records(_body(), request.content_type or "application/json", data_set)
    except Refused as refused:
        return _refused(name, action, refused, actor)
    with get_engine().begin() as conn:
        stored = (replace_records if action == "replace" else store_records)(conn, data_set, records)
        first, last = _time_range(records)
        audit(conn, actor=actor, action=action, data_set=name, status=200, records=stored,
              first_timestamp=first, last_timestamp=last)
    return _answer(200, f"{stored} record(s) stored", records=stored)


def one_record(data_group: str, data_type: str, record_id: str):
    """PATCH updates the fields of one record (validated whole); DELETE removes it."""
    name, action = f"{data_group}/{data_type}", request.method.lower()
    actor = "unknown"
    try:
        data_set, actor = _writer(name, data_group, data_type)
        with get_engine().connect() as conn:
            current = get_record(conn, data_set, record_id)
        if current is None:
            raise Refused(404, f"there is no record {record_id!r} in {name}")
        if action == "patch":
            updated = _patched(current, _body(), data_set)
    except Refused as refused:
        return _refused(name, action, refused, actor)
    with get_engine().begin() as conn:
        if action == "delete":
            delete_record(conn, data_set, record_id)
        else:
            store_records(conn, data_set, [updated])
        audit(conn, actor=actor, action=action, data_set=name, status=200, records=1,
              first_timestamp=current.timestamp, last_timestamp=current.timestamp, detail=f"_id {record_id}")
    return _answer(200, f"record {record_id!r} {'deleted' if action == 'delete' else 'updated'}")


def _patched(current: Record, content: bytes, data_set: DataSet) -> Record:
    try:
        changes = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise Refused(400, f"the body is not JSON: {error}") from None
    if not isinstance(changes, dict):
        raise Refused(400, "a PATCH body must be a JSON object of the fields to change")
    whole = {**current.data, **changes, "_id": current.record_id}
    if current.timestamp is not None and "_timestamp" not in changes:
        whole["_timestamp"] = current.timestamp.isoformat() + "+00:00"
    try:
        [record] = validate_records(whole, data_set.config)
    except ValidationFailed as failed:
        raise Refused(400, f"{len(failed.errors)} error(s) found; nothing was stored", failed.errors) from None
    if record.record_id != current.record_id:
        raise Refused(400, "a PATCH cannot change a record's _id")
    return record


def register_write(server: Flask) -> None:
    server.add_url_rule("/data/<data_group>/<data_type>", "data_write", write, methods=["POST", "PUT"])
    server.add_url_rule("/data/<data_group>/<data_type>/<path:record_id>", "data_record", one_record,
                        methods=["PATCH", "DELETE"])
