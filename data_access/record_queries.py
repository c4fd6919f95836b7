"""Run a read `Query` in SQL, on SQLite (JSON1) and PostgreSQL (JSONB) alike.

Filtering, grouping, counting, sums, means, sorting and limits all happen in the database; Python only
receives the answer's rows (records for a raw query, one row a group or period otherwise).

A JSON field is read as three columns so that both databases group and order it the same way:
`kind` (0 number, 1 string, 2 boolean, 3 null or missing), `number` and `text`. Values order by kind
first (numbers, then strings, then booleans, then nulls), then numerically or by code point.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from sqlalchemy import Numeric, String, and_, case, cast, distinct, func, select, true
from sqlalchemy.sql import ColumnElement

from data_access.cache import memoized
from data_access.db import get_engine
from data_access.schema import PERIOD_KEYS, records
from query.parse import Query, add_periods, count_periods, sort_key


@dataclass(frozen=True)
class QueryResult:
    query: Query  # the query as run: a duration query's window shifted to its data
    rows: list[dict]  # the shape query/answers.py expects for query.shape


def run_query(data_set_id: int, query: Query) -> QueryResult:
    with get_engine().connect() as conn:
        sql = _Sql(conn.dialect.name, data_set_id)
        if query.duration is not None:
            query = _shifted_to_data(conn, sql, query)
        run = {"raw": _raw, "period": _periods, "group": _groups, "group_period": _groups_with_periods}
        return QueryResult(query, run[query.shape](conn, sql, query))


@memoized
def cached_query(data_set_id: int, query: Query) -> QueryResult:
    """run_query's answer, cached on (data set, query, data generation). A parsed `Query` is small,
    frozen and normalised: two query strings that mean the same share one entry, and a duration
    counted back from now is already placed on period boundaries."""
    return run_query(data_set_id, query)


# --- dialect-specific SQL for JSON fields ------------------------------------------------------------

class _Sql:
    def __init__(self, dialect: str, data_set_id: int):
        self.postgresql = dialect == "postgresql"
        self.data_set_id = data_set_id

    def _type(self, field: str) -> ColumnElement:
        if self.postgresql:
            return func.jsonb_typeof(records.c.data[field])
        return func.json_type(records.c.data, f'$."{field}"')

    def kind(self, field: str) -> ColumnElement:
        kind = self._type(field)
        return case((kind.in_(["number", "integer", "real"]), 0), (kind.in_(["string", "text"]), 1),
                    (kind.in_(["boolean", "true", "false"]), 2), else_=3)

    def number(self, field: str) -> ColumnElement:
        """The field's value when it is a number, else NULL (so strings never break a sum)."""
        if self.postgresql:
            return case((self._type(field) == "number", cast(records.c.data[field].as_string(), Numeric)))
        # json_extract itself, not as_float(), so integers stay integers
        return case((self._type(field).in_(["integer", "real"]), func.json_extract(records.c.data, f'$."{field}"')))

    def text(self, field: str) -> ColumnElement:
        """The field's value as text (true/false for booleans), NULL for null or missing."""
        if self.postgresql:
            return records.c.data[field].as_string()
        kind = self._type(field)
        return case((kind == "true", "true"), (kind == "false", "false"),
                    else_=cast(records.c.data[field].as_string(), String))

    def ordered_text(self, column: ColumnElement) -> ColumnElement:
        """Strings in code-point order on both databases."""
        return column.collate("C") if self.postgresql else column

    def where(self, query: Query, period_column: str | None = None) -> list[ColumnElement]:
        conditions = [records.c.data_set_id == self.data_set_id]
        if query.start_at is not None:
            conditions.append(records.c.timestamp >= query.start_at)
        if query.end_at is not None:
            conditions.append(records.c.timestamp <= query.end_at if query.inclusive
                              else records.c.timestamp < query.end_at)
        conditions += [self.text(field) == value for field, value in query.filter_by]
        conditions += [func.substr(self.text(field), 1, len(value)) == value
                       for field, value in query.filter_by_prefix]
        if period_column:
            conditions.append(records.c[period_column].is_not(None))
        return conditions


def _period_column(query: Query) -> str | None:
    return f"{query.period}_start_at" if query.period else None


def python_number(value):
    """Decimal (PostgreSQL numeric) as int when whole-valued in its own notation, else float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    return value


def _value(kind: int, number, text):
    """A grouped value back in its JSON type."""
    return (python_number(number), text, text == "true", None)[kind]


# --- the duration auto-shift -----------------------------------------------------------------------

def _shifted_to_data(conn, sql: _Sql, query: Query) -> Query:
    """Move a duration window past its empty periods: forward for `start_at`, back otherwise (Backdrop)."""
    period_column = records.c[_period_column(query)]
    forward = query.duration_from == "start_at"
    edge = func.min(period_column) if forward else func.max(period_column)
    found = conn.execute(select(edge).where(*sql.where(query, _period_column(query)))).scalar()
    if found is None:
        return query
    if forward:
        shift = count_periods(query.start_at, found, query.period)
    else:
        shift = -count_periods(add_periods(found, query.period, 1), query.end_at, query.period)
    if shift == 0:
        return query
    return replace(query, start_at=add_periods(query.start_at, query.period, shift),
                   end_at=add_periods(query.end_at, query.period, shift))


# --- raw records -----------------------------------------------------------------------------------

def _raw(conn, sql: _Sql, query: Query) -> list[dict]:
    statement = select(records).where(*sql.where(query)).order_by(*_raw_order(sql, query))
    if query.limit is not None:
        statement = statement.limit(query.limit)
    return [_record(row) for row in conn.execute(statement)]


def _raw_order(sql: _Sql, query: Query) -> list[ColumnElement]:
    key, direction = query.sort_by or ("_timestamp", "ascending")
    if key == "_timestamp":
        columns = [records.c.timestamp]
    elif key == "_id":
        columns = [sql.ordered_text(records.c.record_id)]
    else:
        columns = [sql.kind(key), sql.number(key), sql.ordered_text(sql.text(key))]
    if direction == "descending":
        columns = [column.desc() for column in columns]
    return [*(column.nulls_last() for column in columns), records.c.id]


def _record(row) -> dict:
    periods = {f"_{key}_start_at": row._mapping[f"{key}_start_at"] for key in PERIOD_KEYS}
    return {"_id": row.record_id, "_timestamp": row.timestamp, **dict(sorted(row.data.items())),
            **{key: value for key, value in periods.items() if value is not None}, "_updated_at": row.updated_at}


# --- grouped queries: a subquery reads the fields, the outer query groups them -------------------------

def _fields_subquery(sql: _Sql, query: Query, fields: tuple[str, ...]):
    """One row a record: k_i/n_i/t_i for each group field, c_i for each collect, p for the period."""
    columns = []
    for i, field in enumerate(fields):
        columns += [sql.kind(field).label(f"k{i}"), sql.number(field).label(f"n{i}"),
                    sql.ordered_text(sql.text(field)).label(f"t{i}")]
    for i, collect in enumerate(query.collect):
        column = sql.text(collect.field) if collect.method == "count" else sql.number(collect.field)
        columns.append(column.label(f"c{i}"))
    period_column = _period_column(query)
    if period_column:
        columns.append(records.c[period_column].label("p"))
    return select(*columns).where(*sql.where(query, period_column)).subquery("fields")


def _group_columns(sub, count: int) -> list[ColumnElement]:
    return [column for i in range(count) for column in (sub.c[f"k{i}"], sub.c[f"n{i}"], sub.c[f"t{i}"])]


def _field_order(sub, i: int, descending: bool = False) -> list[ColumnElement]:
    columns = (sub.c[f"k{i}"], sub.c[f"n{i}"], sub.c[f"t{i}"])
    return [(column.desc() if descending else column).nulls_last() for column in columns]


def _group_order(sub, count: int) -> list[ColumnElement]:
    return [column for i in range(count) for column in _field_order(sub, i)]


def _aggregates(sub, query: Query) -> list[ColumnElement]:
    """_count and each collected key but sets (they come from a distinct query)."""
    methods = {"sum": func.sum, "mean": func.avg, "count": func.count}
    columns = [func.count().label("_count")]
    for i, collect in enumerate(query.collect):
        if collect.method in methods:
            columns.append(methods[collect.method](sub.c[f"c{i}"]).label(collect.key))
    return columns


def _aggregate_values(row, query: Query) -> dict:
    found, mapping = {"_count": row._count}, row._mapping
    for collect in query.collect:
        if collect.method != "set":
            value = python_number(mapping[collect.key])
            found[collect.key] = float(value) if collect.method == "mean" and value is not None else value
    return found


def _group_values(row, query: Query) -> dict:
    return {field: _value(*row[3 * i:3 * i + 3]) for i, field in enumerate(query.group_by)}


def _group_identity(row, count: int) -> tuple:
    """The group's k/n/t columns, which lead every grouped statement's columns."""
    return tuple(row[:3 * count])


def _periods(conn, sql: _Sql, query: Query) -> list[dict]:
    sub = _fields_subquery(sql, query, ())
    statement = select(sub.c.p, *_aggregates(sub, query)).group_by(sub.c.p).order_by(sub.c.p)
    sets = _sets(conn, sql, query, with_period=True)
    return [{"_start_at": row.p, **_aggregate_values(row, query), **sets.get(((), row.p), {})}
            for row in conn.execute(statement)]


def _groups_statement(sql: _Sql, query: Query, sub):
    """One row a group with its totals, sorted and limited as asked."""
    count = len(query.group_by)
    aggregates = _aggregates(sub, query)
    if query.period:
        aggregates.append(func.count(distinct(sub.c.p)).label("_group_count"))
    statement = select(*_group_columns(sub, count), *aggregates).group_by(*_group_columns(sub, count))
    order = _group_order(sub, count)
    if query.sort_by:
        key, direction = sort_key(query), query.sort_by[1]
        descending = direction == "descending"
        if key in query.group_by:
            first = _field_order(sub, query.group_by.index(key), descending)
        else:
            aggregate = next(column for column in aggregates if column.name == key)
            first = [(aggregate.desc() if descending else aggregate.asc()).nulls_last()]
        order = [*first, *order]
    statement = statement.order_by(*order)
    return statement.limit(query.limit) if query.limit is not None else statement


def _groups(conn, sql: _Sql, query: Query) -> list[dict]:
    sub = _fields_subquery(sql, query, query.group_by)
    sets = _sets(conn, sql, query, with_period=False)
    count = len(query.group_by)
    return [{**_group_values(row, query), **_aggregate_values(row, query),
             **sets.get((_group_identity(row, count), None), {})}
            for row in conn.execute(_groups_statement(sql, query, sub))]


def _groups_with_periods(conn, sql: _Sql, query: Query) -> list[dict]:
    if query.flatten and query.limit is None and query.sort_by is None:
        return _flat_groups(conn, sql, query)
    count = len(query.group_by)
    groups_statement = _groups_statement(sql, query, _fields_subquery(sql, query, query.group_by))
    groups = {}
    for row in conn.execute(groups_statement):
        groups[_group_identity(row, count)] = {**_group_values(row, query), **_aggregate_values(row, query),
                                               "_group_count": row._group_count, "values": []}
    if not groups:
        return []
    sub = _fields_subquery(sql, query, query.group_by)
    statement = _group_periods(sub, query).order_by(sub.c.p)
    if query.limit is not None:  # only the periods of the groups kept
        top = groups_statement.subquery("top")
        statement = statement.join_from(sub, top, and_(true(), *[
            sub.c[f"{name}{i}"].is_not_distinct_from(top.c[f"{name}{i}"]) for i in range(count) for name in "knt"]))
    sets = _sets(conn, sql, query, with_period=True)
    for row in conn.execute(statement):
        identity = _group_identity(row, count)
        if identity in groups:
            groups[identity]["values"].append(_period_value(row, query, sets, identity))
    _set_totals(groups.values(), query)
    return list(groups.values())


def _flat_groups(conn, sql: _Sql, query: Query) -> list[dict]:
    """The groups of a flat answer, which keeps only each group's fields and periods: one statement,
    in the groups' order then the periods', without the groups' totals (nor the totals' statement)."""
    count = len(query.group_by)
    sub = _fields_subquery(sql, query, query.group_by)
    statement = _group_periods(sub, query).order_by(*_group_order(sub, count), sub.c.p)
    sets = _sets(conn, sql, query, with_period=True)
    groups: dict = {}
    for row in conn.execute(statement):
        identity = _group_identity(row, count)
        group = groups.get(identity) or groups.setdefault(identity, {**_group_values(row, query), "values": []})
        group["values"].append(_period_value(row, query, sets, identity))
    return list(groups.values())


def _group_periods(sub, query: Query):
    """One row a group and period with its totals (unordered)."""
    columns = _group_columns(sub, len(query.group_by))
    return select(*columns, sub.c.p, *_aggregates(sub, query)).group_by(*columns, sub.c.p)


def _period_value(row, query: Query, sets: dict, identity: tuple) -> dict:
    """A group's period in the answer: its start, totals and sets."""
    return {"_start_at": row.p, **_aggregate_values(row, query), **sets.get((identity, row.p), {})}


# --- collect=field:set: a distinct query ---------------------------------------------------------------

def _sets(conn, sql: _Sql, query: Query, with_period: bool) -> dict:
    """{(group identity, period start or None): {"field:set": [values...]}} for each set collect."""
    found: dict = {}
    count = len(query.group_by)
    for collect in query.collect:
        if collect.method != "set":
            continue
        fields = (*query.group_by, collect.field)
        sub = _fields_subquery(sql, replace(query, collect=()), fields)
        period = [sub.c.p] if with_period else []
        statement = (select(*_group_columns(sub, count + 1), *period).distinct()
                     .where(sub.c[f"k{count}"] != 3)
                     .order_by(*_group_order(sub, count + 1)))
        for row in conn.execute(statement):
            identity = (_group_identity(row, count), row.p if with_period else None)
            value = _value(row._mapping[f"k{count}"], row._mapping[f"n{count}"], row._mapping[f"t{count}"])
            found.setdefault(identity, {}).setdefault(collect.key, []).append(value)
    return found


def _set_totals(groups, query: Query) -> None:
    """A group's set is the union of its periods' sets, in the same order as they are."""
    for collect in query.collect:
        if collect.method == "set":
            for group in groups:
                union = {(type(value), value): value for period in group["values"]
                         for value in period.get(collect.key, [])}  # the type keeps True apart from 1
                group[collect.key] = sorted(union.values(), key=_set_order)


def _set_order(value) -> tuple:
    if isinstance(value, bool):
        return 2, 0, str(value).lower()
    if isinstance(value, (int, float)):
        return 0, value, ""
    return (1, 0, value) if isinstance(value, str) else (3, 0, "")

