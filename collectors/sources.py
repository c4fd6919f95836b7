"""Fetch a source and map its answer to record dicts, ready for ingest.records.validate_records.

One function per source kind: fetch_csv_url, fetch_json_url, fetch_excel_url,
fetch_performance_platform, fetch_matomo, fetch_plausible; `fetch(kind, ...)` picks one.
HTTP goes through `requests` with a timeout. No SQL here.

Mapping (config, all kinds): "columns" {source column -> field} (without it every column is kept),
"fields" {field -> fixed value} (e.g. {"channel": "digital"}), "timestamp" {"column", "format"}
(a strptime format; without it the value must already be an ISO date or datetime; UTC is assumed).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests

from ingest.records import ValidationFailed, parse_timestamp
from ingest import uploads

KINDS = ("csv_url", "json_url", "excel_url", "performance_platform", "matomo", "plausible")
RANGED_KINDS = ("performance_platform", "matomo", "plausible")  # they ask the source for a date range
DEFAULT_TIMEOUT = 30.0  # seconds to connect, and between bytes of the answer
MAX_ANSWER = 50 * 2**20  # bytes
DEFAULT_DAYS = 7  # a scheduled run of an analytics source asks for the last 7 days (today included)


class SourceError(Exception):
    """The source could not be read or its answer not understood. `retryable`: worth trying later."""

    def __init__(self, message: str, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class DateRange:
    first: date  # both days included
    last: date

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.first, datetime.min.time())

    @property
    def end_at(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), datetime.min.time())

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def holds(self, moment: datetime | None) -> bool:
        return moment is not None and self.start_at <= moment < self.end_at


def recent_days(days: int, today: date) -> DateRange:
    return DateRange(today - timedelta(days=max(days, 1) - 1), today)


# --- HTTP ----------------------------------------------------------------------------------------

def _where(url: str) -> str:
    """The URL without its query: error messages must not carry tokens sent as parameters."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


def http_get(url: str, *, timeout: float, params=None, headers=None, data=None, method: str = "GET") -> bytes:
    try:
        with requests.request(method, url, params=params, headers=headers, data=data, timeout=timeout,
                              stream=True) as answer:
            if answer.status_code >= 400:
                raise SourceError(f"{_where(url)} answered HTTP {answer.status_code}: {answer.text[:200]}",
                                  retryable=answer.status_code >= 500 or answer.status_code == 429)
            return _read(answer, url)
    except requests.Timeout:
        raise SourceError(f"{_where(url)} did not answer within {timeout:g} s", retryable=True) from None
    except requests.RequestException as error:
        raise SourceError(f"{_where(url)} could not be reached ({type(error).__name__})", retryable=True) from None


def _read(answer, url: str) -> bytes:
    content = bytearray()
    for chunk in answer.iter_content(64 * 1024):
        content += chunk
        if len(content) > MAX_ANSWER:
            raise SourceError(f"{_where(url)} answered more than {MAX_ANSWER // 2**20} MiB")
    return bytes(content)


def _json(content: bytes, what: str):
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise SourceError(f"{what} is not JSON: {error}") from None


# --- mapping answers to records ------------------------------------------------------------------

def map_rows(rows: list[dict], config: dict) -> list[dict]:
    """Rename columns, add fixed fields, set _timestamp; a mapped column no row has is an error."""
    columns = config.get("columns")
    if columns and rows:
        present = set().union(*(row.keys() for row in rows))
        missing = [name for name in columns if name not in present]
        if missing:
            raise SourceError(f"the source has no column {', '.join(map(repr, missing))}")
    return [_map_row(row, index, config) for index, row in enumerate(rows, start=1)]


def _map_row(row: dict, index: int, config: dict) -> dict:
    columns = config.get("columns")
    record = {field: row[name] for name, field in columns.items() if name in row} if columns else dict(row)
    stamp = config.get("timestamp")
    if stamp:
        column = stamp["column"] if isinstance(stamp, dict) else stamp
        value = row.get(column)
        record.pop(columns.get(column, column) if columns else column, None)
        if value is not None:
            record["_timestamp"] = to_timestamp(value, stamp.get("format") if isinstance(stamp, dict) else None,
                                                f"row {index}, column {column!r}")
    record.update(config.get("fields") or {})
    return record


def to_timestamp(value, fmt: str | None, where: str) -> str:
    """An ISO 8601 UTC timestamp from a source's date (naive dates and times are UTC)."""
    if isinstance(value, str) and parse_timestamp(value) is not None:
        return value
    try:
        if fmt:
            parsed = datetime.strptime(str(value), fmt)
        elif isinstance(value, str):
            parsed = datetime.fromisoformat(value)
        else:
            raise ValueError("not a date")
    except ValueError:
        expected = f"the format {fmt!r}" if fmt else "an ISO date"
        raise SourceError(f"{where}: {value!r} is not a date in {expected}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(timezone.utc).replace(tzinfo=None)
    return parsed.isoformat() + "+00:00"


def number(value):
    """Analytics APIs send some numbers as strings ("12", "3.5"): numbers are stored as numbers."""
    if isinstance(value, str):
        try:
            as_float = float(value)
        except ValueError:
            return value
        return int(as_float) if as_float.is_integer() and "." not in value else as_float
    return value


# --- files at a URL ------------------------------------------------------------------------------

def fetch_csv_url(config: dict, credentials: dict | None, window, timeout: float, today: date) -> list[dict]:
    content = http_get(config["url"], timeout=timeout, headers=_headers(credentials))
    return map_rows(parse_table(content, "csv"), config)


def fetch_excel_url(config: dict, credentials: dict | None, window, timeout: float, today: date) -> list[dict]:
    content = http_get(config["url"], timeout=timeout, headers=_headers(credentials))
    return map_rows(parse_table(content, "xlsx"), config)


def parse_table(content: bytes, kind: str) -> list[dict]:
    """Rows of a CSV or Excel file keyed by its own column names ("Channel name"), read by the
    upload rules of ingest.uploads (comments, numbers, dates); the mapping renames them after.
    Uploads require field names in the header, so the header is renamed col_0, col_1... on the way in."""
    names: list = []
    try:
        if kind == "csv":
            rows = uploads._csv_rows(uploads._CsvLines(uploads._decode(content)))
            table, _numbers = uploads._table(_safe_header(rows, names), uploads._from_text, uploads.MAX_ROWS)
        else:
            workbook = uploads._open_workbook(content)
            try:
                rows = uploads._xlsx_rows(workbook.worksheets[0])
                table, _numbers = uploads._table(_safe_header(rows, names), uploads._from_cell, uploads.MAX_ROWS)
            finally:
                workbook.close()
    except ValidationFailed as failed:
        raise SourceError("the file cannot be read: " + "; ".join(e.message for e in failed.errors[:3])) from None
    return [{names[int(key[4:])] if key.startswith("col_") else key: value for key, value in row.items()}
            for row in table]


def _safe_header(rows, names: list):
    """Pass rows through, the header's names replaced by col_<n> (blank and comment columns kept)."""
    header_seen = False
    for number, cells in rows:
        if not header_seen and any(cell is not None and str(cell).strip() for cell in cells):
            header_seen = True
            names.extend("" if cell is None else str(cell).strip() for cell in cells)
            cells = [name if not name or name.lower() == uploads.COMMENT_COLUMN else f"col_{n}"
                     for n, name in enumerate(names)]
        yield number, cells


def fetch_json_url(config: dict, credentials: dict | None, window, timeout: float, today: date) -> list[dict]:
    """A JSON list of objects, or an object holding one at config "records_path" (e.g. "data")."""
    body = _json(http_get(config["url"], timeout=timeout, headers=_headers(credentials)), "the answer")
    for key in filter(None, (config.get("records_path") or "").split(".")):
        body = body.get(key) if isinstance(body, dict) else None
    return map_rows(_objects(body, "the answer"), config)


def _objects(rows, what: str) -> list[dict]:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise SourceError(f"{what} is not a list of objects")
    return rows


def _headers(credentials: dict | None) -> dict:
    """Credentials for file URLs: {"headers": {...}} or {"bearer_token": "..."}."""
    credentials = credentials or {}
    headers = dict(credentials.get("headers") or {})
    if credentials.get("bearer_token"):
        headers["Authorization"] = f"Bearer {credentials['bearer_token']}"
    return headers


# --- another Performance Platform's read API -----------------------------------------------------

def fetch_performance_platform(config: dict, credentials: dict | None, window, timeout: float,
                               today: date) -> list[dict]:
    """config: "url" (/data/<group>/<type>), "query" (read-API parameters, e.g. period, group_by,
    collect); a backfill asks for start_at/end_at instead of any duration."""
    query = dict(config.get("query") or {})
    if window is not None:
        query.pop("duration", None)
        query.update(start_at=window.start_at.isoformat() + "Z", end_at=window.end_at.isoformat() + "Z")
    body = _json(http_get(config["url"], params=query, timeout=timeout, headers=_headers(credentials)),
                 "the read API's answer")
    if not isinstance(body, dict) or "data" not in body:
        raise SourceError("the read API's answer has no \"data\" list")
    rows = [row for row in _flat(_objects(body["data"], "the answer's \"data\"")) if row.get("_count") != 0]
    columns = config.get("columns")
    records = [_from_answer_row(row, keep_methods=bool(columns)) for row in rows]
    if columns:  # _timestamp is set from the answer whatever the mapping says
        config = {**config, "columns": {**columns, "_timestamp": "_timestamp"}}
    return map_rows(records, config)


def _flat(rows: list[dict]) -> list[dict]:
    """Grouped period answers nest periods in "values": one row per group and period.
    (Rows with "_count": 0 are the periods the read API filled in: there is nothing to copy.)"""
    flat = []
    for row in rows:
        if isinstance(row.get("values"), list):
            keys = {k: v for k, v in row.items() if k != "values" and not k.startswith("_") and ":" not in k}
            flat.extend({**keys, **value} for value in _objects(row["values"], "a group's \"values\""))
        else:
            flat.append(row)
    return flat


def _from_answer_row(row: dict, keep_methods: bool) -> dict:
    """_start_at (period answers) or _timestamp (raw records) becomes _timestamp; other _ keys go;
    without a column mapping "count:sum" becomes "count" (':' is not allowed in field names)."""
    record = {(k if keep_methods else k.split(":")[0]): v for k, v in row.items() if not k.startswith("_")}
    stamp = row.get("_start_at") or row.get("_timestamp")
    if stamp is not None:
        record["_timestamp"] = stamp
    return record


# --- Matomo (Piwik) Reporting API ----------------------------------------------------------------

def fetch_matomo(config: dict, credentials: dict | None, window, timeout: float, today: date) -> list[dict]:
    """config: "url" (…/index.php), "site_id", "method" (e.g. VisitsSummary.get), "metrics"
    {metric -> field}, "dimensions" {row key, e.g. label -> field}, "days"; credentials: token_auth
    (sent in the POST body, never in the URL)."""
    window = window or recent_days(int(config.get("days", DEFAULT_DAYS)), today)
    params = {"module": "API", "method": config["method"], "idSite": config["site_id"], "period": "day",
              "date": f"{window.first.isoformat()},{window.last.isoformat()}", "format": "JSON",
              **(config.get("parameters") or {})}
    token = {"token_auth": (credentials or {}).get("token_auth", "anonymous")}
    body = _json(http_get(config["url"], method="POST", params=params, data=token, timeout=timeout),
                 "Matomo's answer")
    if isinstance(body, dict) and body.get("result") == "error":
        raise SourceError(f"Matomo refused the request: {str(body.get('message'))[:300]}")
    if not isinstance(body, dict):
        raise SourceError("Matomo's answer is not an object of days")
    return [record for day, value in body.items() for record in _matomo_day(day, value, config)]


def _matomo_day(day: str, value, config: dict) -> list[dict]:
    try:
        stamp = date.fromisoformat(day).isoformat() + "T00:00:00+00:00"
    except ValueError:
        raise SourceError(f"Matomo's answer has {day!r} where a day (YYYY-MM-DD) was expected") from None
    rows = [value] if isinstance(value, dict) and value else value if isinstance(value, list) else None
    if rows is None and value not in ({}, None):
        raise SourceError(f"Matomo's answer for {day} is neither a row nor a list of rows")
    return [_analytics_record(row, stamp, config) for row in _objects(rows or [], f"Matomo's rows for {day}")]


def _analytics_record(row: dict, stamp: str, config: dict) -> dict:
    record = {field: number(row.get(metric)) for metric, field in config["metrics"].items()}
    record.update({field: row.get(key) for key, field in (config.get("dimensions") or {}).items()})
    record.update(config.get("fields") or {})
    record["_timestamp"] = stamp
    return record


# --- Plausible Stats API (v1) --------------------------------------------------------------------

def fetch_plausible(config: dict, credentials: dict | None, window, timeout: float, today: date) -> list[dict]:
    """config: "url" (e.g. https://plausible.io), "site_id", "metrics" {metric -> field},
    optional "property" (e.g. visit:source: a breakdown per day) and "dimension" (its field), "days";
    credentials: api_key, sent as Authorization: Bearer."""
    window = window or recent_days(int(config.get("days", DEFAULT_DAYS)), today)
    headers = {"Authorization": f"Bearer {(credentials or {}).get('api_key', '')}"}
    if config.get("property"):
        return [r for day in window.days() for r in _plausible_breakdown(config, day, headers, timeout)]
    params = {"site_id": config["site_id"], "period": "custom", "interval": "date",
              "date": f"{window.first.isoformat()},{window.last.isoformat()}", "metrics": ",".join(config["metrics"])}
    results = _plausible_results(config["url"].rstrip("/") + "/api/v1/stats/timeseries", params, headers, timeout)
    return [_analytics_record(row, to_timestamp(row.get("date"), "%Y-%m-%d", "a result's date"), config)
            for row in results]


def _plausible_breakdown(config: dict, day: date, headers: dict, timeout: float) -> list[dict]:
    params = {"site_id": config["site_id"], "period": "day", "date": day.isoformat(),
              "property": config["property"], "metrics": ",".join(config["metrics"]), "limit": 1000}
    results = _plausible_results(config["url"].rstrip("/") + "/api/v1/stats/breakdown", params, headers, timeout)
    key = config["property"].split(":", 1)[-1]  # visit:source -> "source" in each result
    with_dimension = {**config, "dimensions": {key: config.get("dimension") or key}}
    return [_analytics_record(row, day.isoformat() + "T00:00:00+00:00", with_dimension) for row in results]


def _plausible_results(url: str, params: dict, headers: dict, timeout: float) -> list[dict]:
    body = _json(http_get(url, params=params, headers=headers, timeout=timeout), "Plausible's answer")
    if not isinstance(body, dict) or "results" not in body:
        raise SourceError("Plausible's answer has no \"results\" list")
    return _objects(body["results"], "Plausible's \"results\"")


FETCHERS = {
    "csv_url": fetch_csv_url, "json_url": fetch_json_url, "excel_url": fetch_excel_url,
    "performance_platform": fetch_performance_platform, "matomo": fetch_matomo, "plausible": fetch_plausible,
}
REQUIRED = {  # config keys each kind needs
    "csv_url": ("url",), "json_url": ("url",), "excel_url": ("url",),
    "performance_platform": ("url",), "matomo": ("url", "site_id", "method", "metrics"),
    "plausible": ("url", "site_id", "metrics"),
}


def check_config(kind: str, config) -> None:
    if kind not in FETCHERS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not isinstance(config, dict):
        raise ValueError("the configuration must be a JSON object")
    missing = [key for key in REQUIRED[kind] if not config.get(key)]
    if missing:
        raise ValueError(f"a {kind} collector needs {', '.join(missing)} in its configuration")
    if "credentials" in config or "token_auth" in config or "api_key" in config:
        raise ValueError("credentials go in the encrypted credentials, not in the configuration")


def fetch(kind: str, config: dict, credentials: dict | None, window: DateRange | None = None,
          timeout: float = DEFAULT_TIMEOUT, today: date | None = None) -> list[dict]:
    """The source's rows as record dicts (not yet validated)."""
    today = today or datetime.now(timezone.utc).date()
    try:
        return FETCHERS[kind](config, credentials, window, timeout, today)
    except (KeyError, TypeError, AttributeError) as error:  # a config or answer of the wrong shape
        raise SourceError(f"the answer or the configuration is not as expected ({type(error).__name__}: {error})") from None
