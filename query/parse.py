"""Parse and validate read-query parameters (docs/data-api.md, "Read") into a `Query`.

`parse_query(pairs)` takes the (key, value) pairs of a query string, as Flask's
`request.args.items(multi=True)` gives them, and returns a frozen `Query` or raises `InvalidQuery`
whose message says what is wrong. Pure: no SQL, no Flask.

Where the contract is silent:
- datetimes need an offset or `Z`; a space before the offset is read as `+` (an unencoded `+` in a URL);
- `limit=0` means no limit, as in Backdrop (and MongoDB) before it;
- `duration` goes with one of `start_at` / `end_at`, or neither (the periods up to now); not with both,
  nor with `inclusive`;
- `flatten=true` needs both `group_by` and `period`; `filter_by` cannot name internal `_` fields;
- `sort_by` of a grouped query names a `group_by` field, `_count`, `_group_count` or a collected key
  (`value:sum`, or `value` when it is collected once); raw queries sort by a field, `_timestamp` or `_id`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone

from ingest.records import period_starts

PERIODS = ("hour", "day", "week", "month", "quarter", "year")
METHODS = ("sum", "count", "mean", "set")
FIELD = re.compile(r"^[a-z_][a-z0-9_]+$")
PARAMETERS = ("start_at", "end_at", "inclusive", "duration", "period", "group_by", "filter_by",
              "filter_by_prefix", "collect", "sort_by", "limit", "flatten", "format")
REPEATABLE = ("group_by", "filter_by", "filter_by_prefix", "collect")
RAW_SORT_KEYS = ("_timestamp", "_id")
MAX_PERIODS = 100_000  # a bound on the periods an answer fills in, so one query cannot exhaust memory
MAX_LIMIT = 2**31 - 1
_SPACED_OFFSET = re.compile(r"(T.*) (\d\d:?\d\d)$")


class InvalidQuery(Exception):
    """A read query the API refuses (400); `message` says what is wrong."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Collect:
    field: str
    method: str  # sum, count, mean or set

    @property
    def key(self) -> str:
        """The key of the collected value in answers: `field:method`."""
        return f"{self.field}:{self.method}"


@dataclass(frozen=True)
class Query:
    start_at: datetime | None = None  # naive UTC, inclusive
    end_at: datetime | None = None  # naive UTC, exclusive unless `inclusive`
    inclusive: bool = False
    period: str | None = None
    duration: int | None = None
    duration_from: str | None = None  # "start_at" (counts forward), "end_at" or "now" (count back)
    group_by: tuple[str, ...] = ()
    filter_by: tuple[tuple[str, str], ...] = ()
    filter_by_prefix: tuple[tuple[str, str], ...] = ()
    collect: tuple[Collect, ...] = ()
    sort_by: tuple[str, str] | None = None  # (key, "ascending" | "descending")
    limit: int | None = None
    flatten: bool = False
    format: str = "json"

    @property
    def is_grouped(self) -> bool:
        return bool(self.group_by or self.period)

    @property
    def shape(self) -> str:
        """raw, period, group or group_period: which answer shape the query gets."""
        if self.group_by and self.period:
            return "group_period"
        return "group" if self.group_by else "period" if self.period else "raw"


# --- periods: the one place that adds them (their starts come from ingest.records.period_starts) ---

_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_DELTAS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}


def period_start(moment: datetime, period: str) -> datetime:
    return period_starts(moment)[period]


def add_periods(start: datetime, period: str, count: int) -> datetime:
    """`start` (a period start) moved by `count` periods; ValueError/OverflowError outside years 1-9999."""
    if period in _DELTAS:
        return start + _DELTAS[period] * count
    index = start.year * 12 + start.month - 1 + _MONTHS[period] * count
    return start.replace(year=index // 12, month=index % 12 + 1)


def periods_end(moment: datetime, period: str, inclusive: bool = False) -> datetime:
    """The end of the last period an answer up to `moment` covers (a period boundary)."""
    start = period_start(moment, period)
    return add_periods(start, period, 1) if inclusive or start != moment else start


def count_periods(first: datetime, end: datetime, period: str) -> int:
    """How many periods from the period start `first` up to the boundary `end`."""
    if period in _DELTAS:
        return int((end - first) / _DELTAS[period])
    return ((end.year - first.year) * 12 + end.month - first.month) // _MONTHS[period]


# --- parsing ---------------------------------------------------------------------------------------

def parse_query(pairs, now: datetime | None = None) -> Query:
    """A validated `Query` from (key, value) pairs; `now` (naive UTC) places `duration` without bounds."""
    values = _collect_pairs(pairs)
    single = {key: found[0] for key, found in values.items() if key not in REPEATABLE}
    query = Query(
        start_at=_datetime(single, "start_at"), end_at=_datetime(single, "end_at"),
        inclusive=_boolean(single, "inclusive"), period=_period(single),
        duration=_whole_number(single, "duration", 1), group_by=_group_by(values.get("group_by", [])),
        filter_by=_filters(values, "filter_by"), filter_by_prefix=_filters(values, "filter_by_prefix"),
        collect=_collects(values.get("collect", [])), sort_by=_sort_by(single),
        limit=_limit(single), flatten=_boolean(single, "flatten"), format=_format(single))
    _check_combinations(query)
    return _with_window(query, now)


def _collect_pairs(pairs) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for key, value in pairs:
        if key not in PARAMETERS:
            raise InvalidQuery(f"unknown parameter {key!r}; known parameters: {', '.join(PARAMETERS)}")
        if key not in REPEATABLE and key in values:
            raise InvalidQuery(f"'{key}' may be given only once")
        values.setdefault(key, []).append(value)
    return values


def _datetime(single: dict, name: str) -> datetime | None:
    text = single.get(name)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(_SPACED_OFFSET.sub(r"\1+\2", text.strip()))
    except ValueError:
        raise InvalidQuery(f"'{name}' is not an ISO 8601 datetime: {text!r}") from None
    if moment.tzinfo is None:
        raise InvalidQuery(f"'{name}' needs a UTC offset or Z, as in 2014-01-06T00:00:00Z: {text!r}")
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except (OverflowError, ValueError):
        raise InvalidQuery(f"'{name}' is out of range: {text!r}") from None


def _boolean(single: dict, name: str) -> bool:
    text = single.get(name, "false")
    if text not in ("true", "false"):
        raise InvalidQuery(f"'{name}' must be true or false, not {text!r}")
    return text == "true"


def _period(single: dict) -> str | None:
    text = single.get("period")
    if text is not None and text not in PERIODS:
        raise InvalidQuery(f"'period' must be one of {', '.join(PERIODS)}")
    return text


def _whole_number(single: dict, name: str, least: int) -> int | None:
    text = single.get(name)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,18}", text) or int(text) < least:
        raise InvalidQuery(f"'{name}' must be a whole number of {least} or more, not {text!r}")
    return int(text)


def _limit(single: dict) -> int | None:
    if "limit" in single and re.fullmatch(r"[0-9]+", single["limit"]):
        return min(int(single["limit"]), MAX_LIMIT) or None  # 0 = no limit, as in Backdrop
    return _whole_number(single, "limit", 0)


def _format(single: dict) -> str:
    text = single.get("format", "json")
    if text not in ("json", "csv"):
        raise InvalidQuery(f"'format' must be csv or json, not {text!r}")
    return text


def _field(name: str, text: str, internal_allowed: bool = False) -> str:
    if not FIELD.match(text):
        raise InvalidQuery(f"'{name}' is not a valid field name (2 or more of a-z, 0-9 and _, "
                           f"starting with a letter or _): {text!r}")
    if text.startswith("_") and not internal_allowed:
        raise InvalidQuery(f"'{name}' cannot be an internal field: {text!r}")
    return text


def _group_by(texts: list[str]) -> tuple[str, ...]:
    fields = tuple(_field("group_by", text) for text in texts)
    for field in fields:
        if fields.count(field) > 1:
            raise InvalidQuery(f"'group_by' repeats {field!r}")
    return fields


def _filters(values: dict, name: str) -> tuple[tuple[str, str], ...]:
    filters = []
    for text in values.get(name, []):
        field, colon, value = text.partition(":")
        if not colon:
            raise InvalidQuery(f"'{name}' must be field:value, as in channel:digital, not {text!r}")
        filters.append((_field(name, field), value))
    return tuple(filters)


def _collects(texts: list[str]) -> tuple[Collect, ...]:
    collects: list[Collect] = []
    for text in texts:
        field, colon, method = text.partition(":")
        method = method if colon else "set"
        if method not in METHODS:
            raise InvalidQuery(f"'collect' method must be one of {', '.join(METHODS)}, not {method!r}")
        collect = Collect(_field("collect", field), method)
        if collect not in collects:
            collects.append(collect)
    return tuple(collects)


def _sort_by(single: dict) -> tuple[str, str] | None:
    text = single.get("sort_by")
    if text is None:
        return None
    key, colon, direction = text.rpartition(":")
    if not colon or direction not in ("ascending", "descending"):
        raise InvalidQuery(f"'sort_by' must be field:ascending or field:descending, not {text!r}")
    field, _, method = key.partition(":")
    _field("sort_by", field, internal_allowed=True)
    if method and method not in METHODS:
        raise InvalidQuery(f"'sort_by' can name a collected key field:method with a method of "
                           f"{', '.join(METHODS)}, not {key!r}")
    return key, direction


# --- combinations ----------------------------------------------------------------------------------

def _check_combinations(query: Query) -> None:
    if query.filter_by and query.filter_by_prefix:
        raise InvalidQuery("use either 'filter_by' or 'filter_by_prefix', not both")
    if query.collect and not query.is_grouped:
        raise InvalidQuery("'collect' needs 'group_by' or 'period'")
    for collect in query.collect:
        if collect.field in query.group_by:
            raise InvalidQuery(f"cannot collect {collect.field!r}: it is a 'group_by' field")
    if query.limit is not None and query.period and not query.group_by:
        raise InvalidQuery("a 'period' query can have a 'limit' only when it also has 'group_by'")
    if query.flatten and not (query.period and query.group_by):
        raise InvalidQuery("'flatten' needs both 'group_by' and 'period'")
    if query.inclusive and query.end_at is None:
        raise InvalidQuery("'inclusive' needs 'end_at'")
    _check_duration(query)
    _check_bounds(query)
    _check_sort_by(query)


def _check_duration(query: Query) -> None:
    if query.duration is None:
        return
    if not query.period:
        raise InvalidQuery("'duration' needs 'period'")
    if query.start_at and query.end_at:
        raise InvalidQuery("'duration' goes with 'start_at' or 'end_at' (or neither), not both")
    if query.inclusive:
        raise InvalidQuery("'inclusive' cannot be used with 'duration'")


def _check_bounds(query: Query) -> None:
    if query.start_at and query.end_at:
        if query.start_at > query.end_at or (query.start_at == query.end_at and not query.inclusive):
            raise InvalidQuery("'start_at' must be before 'end_at'")


def _check_sort_by(query: Query) -> None:
    if query.sort_by is None:
        return
    key = query.sort_by[0]
    if query.period and not query.group_by:
        raise InvalidQuery("'sort_by' needs 'group_by': 'period' answers are always in time order")
    if not query.is_grouped:
        if ":" in key or (key.startswith("_") and key not in RAW_SORT_KEYS):
            raise InvalidQuery(f"'sort_by' of records must be a field, _timestamp or _id, not {key!r}")
        return
    found = sort_key(query)
    if found is None:
        raise InvalidQuery(f"'sort_by' must be a 'group_by' field, _count or a collected key, not {key!r}")
    if found.endswith(":set"):
        raise InvalidQuery(f"'sort_by' cannot sort by a set of values: {key!r}")


def sort_key(query: Query) -> str | None:
    """The answer key a grouped query sorts by: a group_by field, _count, _group_count or `field:method`."""
    key = query.sort_by[0]
    if key in query.group_by or key == "_count" or (key == "_group_count" and query.period):
        return key
    keys = [c.key for c in query.collect]
    named = [c.key for c in query.collect if c.field == key]
    if key in keys:
        return key
    return named[0] if len(named) == 1 else None


# --- the time window ---------------------------------------------------------------------------------

def _with_window(query: Query, now: datetime | None) -> Query:
    """Place a duration query's window, and keep the periods an answer fills in within MAX_PERIODS."""
    try:
        if query.duration is not None:
            query = _duration_window(query, now)
        if query.period:
            _check_period_count(query)
    except (OverflowError, ValueError):
        raise InvalidQuery("the query's time window falls outside the years 1 to 9999") from None
    return query


def _check_period_count(query: Query) -> None:
    first = period_start(query.start_at, query.period) if query.start_at else None
    end = periods_end(query.end_at, query.period, query.inclusive) if query.end_at else None
    count = count_periods(first, end, query.period) if first and end else 0
    if count > MAX_PERIODS:
        raise InvalidQuery(f"the query spans {count} {query.period}s; "
                           f"at most {MAX_PERIODS} periods can be asked for at once")


def _duration_window(query: Query, now: datetime | None) -> Query:
    if query.duration > MAX_PERIODS:
        raise InvalidQuery(f"'duration' can be at most {MAX_PERIODS}")
    period, duration = query.period, query.duration
    if query.start_at is not None:
        start = period_start(query.start_at, period)
        return replace(query, start_at=start, end_at=add_periods(start, period, duration),
                       duration_from="start_at")
    if query.end_at is not None:
        end = period_start(query.end_at, period)
        return replace(query, start_at=add_periods(end, period, -duration), end_at=end, duration_from="end_at")
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    end = add_periods(period_start(now, period), period, 1)  # the current period is the last one
    return replace(query, start_at=add_periods(end, period, -duration), end_at=end, duration_from="now")
