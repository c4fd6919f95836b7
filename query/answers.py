"""Shape a query's rows (from data_access.record_queries) into the answer `{"data": [...]}`, or CSV.

Shapes (docs/data-api.md): raw records; `period` alone; `group_by` alone; `group_by` + `period`
nested in `values` (or flat rows with `flatten=true`).

Filling missing periods, as Backdrop did: a period without records is `{_start_at, _end_at, _count: 0}`
with every collected key null (whatever its method: null says "no records", where 0 would claim a
measured zero). Periods are filled from the query's `start_at` to its `end_at`; a bound the query
leaves open is taken from the data (its first or last period), so gaps in the middle are always filled.
In a nested answer every group gets the same periods; `_group_count` counts its periods with records.

Datetimes render as ISO 8601 with `+00:00`; numbers keep their type; a float that is not finite
(a sum that overflowed) renders as null, as JSON has no infinity. CSV has the same rows; nested answers
are flattened for it, sets of values are written as JSON arrays, booleans as true/false, null as empty.
"""
from __future__ import annotations

import csv
import io
import json
import math
from datetime import datetime, timezone

from query.parse import (MAX_PERIODS, PERIODS, InvalidQuery, Query, add_periods, count_periods, period_start,
                         periods_end)

PERIOD_KEYS = tuple(f"_{period}_start_at" for period in PERIODS)


def answer(query: Query, rows: list[dict]) -> dict:
    """The JSON answer for rows in the shape record_queries gives for `query.shape`."""
    return {"data": [_json_ready(row) for row in data_rows(query, rows)]}


def data_rows(query: Query, rows: list[dict]) -> list[dict]:
    """The answer's rows, periods filled in, still with datetimes."""
    if query.shape == "period":
        return fill_periods(rows, query, _span(query, rows))
    if query.shape == "group_period":
        span = _span(query, [value for group in rows for value in group["values"]])
        nested = [{**group, "values": fill_periods(group["values"], query, span)} for group in rows]
        return flat_rows(query, nested) if query.flatten else nested
    return rows


def _span(query: Query, periods: list[dict]) -> tuple[datetime, datetime] | None:
    """The first period start and the end of the last period an answer covers."""
    starts = [row["_start_at"] for row in periods]
    first = period_start(query.start_at, query.period) if query.start_at else min(starts, default=None)
    if query.end_at:
        end = periods_end(query.end_at, query.period, query.inclusive)
    else:
        end = add_periods(max(starts), query.period, 1) if starts else None
    if first is None or end is None:
        return None
    count = count_periods(first, end, query.period)  # a bound left open is taken from the data
    if count > MAX_PERIODS:
        raise InvalidQuery(f"the answer would span {count} {query.period}s from the data to the query's bound; "
                           f"at most {MAX_PERIODS} periods can be asked for at once: give both start_at and end_at")
    return first, end


def fill_periods(periods: list[dict], query: Query, span) -> list[dict]:
    """Every period of `span` in time order, with `_end_at`; the missing ones with `_count: 0`."""
    by_start = {row["_start_at"]: row for row in periods}
    starts = sorted(by_start)
    if span:
        starts, start = [], span[0]
        while start < span[1]:
            starts.append(start)
            start = add_periods(start, query.period, 1)
    empty = {"_count": 0, **{collect.key: None for collect in query.collect}}
    return [{"_start_at": start, "_end_at": add_periods(start, query.period, 1), **by_start.get(start, empty)}
            for start in starts]


def flat_rows(query: Query, nested: list[dict]) -> list[dict]:
    """One row a group and period: the group's fields, then the period's."""
    rows = []
    for group in nested:
        fields = {field: group[field] for field in query.group_by}
        rows += [{**fields, **value} for value in group["values"]]
    return rows


def _json_ready(value):
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def iso(moment: datetime) -> str:
    """Naive UTC as ISO 8601 with +00:00."""
    return moment.replace(tzinfo=timezone.utc).isoformat()


# --- CSV -------------------------------------------------------------------------------------------

def to_csv(query: Query, rows: list[dict]) -> str:
    """The answer's rows as CSV; nested answers as flat rows."""
    data = data_rows(query, rows)
    if query.shape == "group_period" and not query.flatten:
        data = flat_rows(query, data)
    data = [_json_ready(row) for row in data]
    columns = csv_columns(query, data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in data:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


def csv_columns(query: Query, data: list[dict]) -> list[str]:
    """Group fields, period bounds, counts and collected keys first; a record's own fields sorted."""
    found = {key for row in data for key in row}
    first = [*query.group_by, "_id", "_timestamp", "_start_at", "_end_at", "_count", "_group_count",
             *(collect.key for collect in query.collect)]
    last = [*PERIOD_KEYS, "_updated_at"]
    middle = sorted(found - set(first) - set(last))
    return [key for key in first if key in found] + middle + [key for key in last if key in found]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value)
    return str(value)
