"""The OpenAPI 3.1 document of the data API, served at /openapi.json (docs/data-api.md is the contract)."""
from flask import Flask, jsonify

NAME = {"type": "string", "pattern": "^[a-z0-9-]{1,60}$"}
FIELD = "a field name (^[a-z_][a-z0-9_]+$)"


def _query(name, description, schema=None, repeat=False):
    schema = schema or {"type": "string"}
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "array", "items": schema} if repeat else schema,
            **({"style": "form", "explode": True} if repeat else {})}


READ_PARAMETERS = [
    _query("start_at", "ISO 8601 datetime with offset; inclusive", {"type": "string", "format": "date-time"}),
    _query("end_at", "ISO 8601 datetime with offset; exclusive unless inclusive=true",
           {"type": "string", "format": "date-time"}),
    _query("inclusive", "make end_at inclusive", {"type": "string", "enum": ["true", "false"]}),
    _query("duration", "number of periods (with period)", {"type": "integer", "minimum": 1}),
    _query("period", "bucket records by their _timestamp",
           {"type": "string", "enum": ["hour", "day", "week", "month", "quarter", "year"]}),
    _query("group_by", f"{FIELD}; repeatable", repeat=True),
    _query("filter_by", "field:value, exact match; repeatable, ANDed", repeat=True),
    _query("filter_by_prefix", "field:prefix; repeatable, ANDed; not with filter_by", repeat=True),
    _query("collect", "field or field:sum|count|mean|set; needs group_by or period", repeat=True),
    _query("sort_by", "field:ascending|descending"),
    _query("limit", "maximum rows", {"type": "integer", "minimum": 0}),
    _query("flatten", "flat rows for group_by + period", {"type": "string", "enum": ["true", "false"]}),
    _query("format", "csv for text/csv", {"type": "string", "enum": ["json", "csv"]}),
]

ERROR = {"type": "object", "properties": {
    "status": {"type": "string"}, "message": {"type": "string"},
    "errors": {"type": "array", "items": {"type": "object", "properties": {
        "index": {"type": ["integer", "null"], "description": "record index, or the file's row number"},
        "field": {"type": ["string", "null"]}, "message": {"type": "string"}}}}}}
RECORD = {"type": "object", "description": "a flat record: values are string, number, boolean or null",
          "additionalProperties": {"type": ["string", "number", "boolean", "null"]}}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def document() -> dict:
    path_parameters = [{"name": "data_group", "in": "path", "required": True, "schema": NAME},
                       {"name": "data_type", "in": "path", "required": True, "schema": NAME}]
    write_body = {"required": True, "content": {
        "application/json": {"schema": {"oneOf": [RECORD, {"type": "array", "items": RECORD}]}},
        "text/csv": {"schema": {"type": "string"}},
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
            "schema": {"type": "string", "format": "binary"}}}}
    written = {"200": {"description": "every record stored", "content": {"application/json": {"schema": {
        "type": "object", "properties": {"status": {"type": "string"}, "records": {"type": "integer"}}}}}},
        "400": _error("invalid body: nothing stored; every error listed"),
        "401": _error("missing or wrong bearer token"), "404": _error("no such data set"),
        "413": _error("more than 10 MiB after decompression")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Performance Platform data API", "version": "1.0.0",
                 "description": "Successor of the GOV.UK Performance Platform's data API (Backdrop).",
                 "license": {"name": "Open Government Licence v3.0",
                             "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": {
            "/data/{data_group}/{data_type}": {
                "parameters": path_parameters,
                "get": {"summary": "Query a data set", "parameters": READ_PARAMETERS, "responses": {
                    "200": {"description": "{data: [...]} (and warning for unpublished data sets)",
                            "content": {"application/json": {"schema": {"type": "object"}},
                                        "text/csv": {"schema": {"type": "string"}}}},
                    "304": {"description": "not modified (If-None-Match matched the ETag)"},
                    "400": _error("invalid query: the message says what is wrong"),
                    "404": _error("no such data set")}},
                "post": {"summary": "Add records (same _id replaces)", "security": [{"bearer": []}],
                         "requestBody": write_body, "responses": written},
                "put": {"summary": "Replace all records ([] empties the data set)", "security": [{"bearer": []}],
                        "requestBody": write_body, "responses": written},
            },
            "/data/{data_group}/{data_type}/{record_id}": {
                "parameters": [*path_parameters, {"name": "record_id", "in": "path", "required": True,
                                                  "schema": {"type": "string"}}],
                "patch": {"summary": "Change fields of one record", "security": [{"bearer": []}],
                          "requestBody": {"required": True, "content": {"application/json": {"schema": RECORD}}},
                          "responses": {**written, "404": _error("no such data set or record")}},
                "delete": {"summary": "Remove one record", "security": [{"bearer": []}],
                           "responses": {"200": {"description": "removed"}, "401": _error("bad token"),
                                         "404": _error("no such data set or record")}},
            },
            "/_status": {"get": {"summary": "The app is up and its database answers", "responses": {
                "200": {"description": "ok"}, "503": {"description": "the database is not answering"}}}},
            "/_status/data-sets": {"get": {"summary": "Data sets older than their max_age_expected", "responses": {
                "200": {"description": "all up to date"}, "503": {"description": "some are out of date"}}}},
        },
    }


def register_openapi(server: Flask) -> None:
    server.add_url_rule("/openapi.json", "openapi", lambda: jsonify(document()))
