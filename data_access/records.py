"""Store validated records, all or nothing: the caller's transaction holds every change."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.exc import DBAPIError

from data_access.cache import bump_generation
from data_access.data_sets import DataSet, utc_now
from data_access.record_months import refresh_record_months
from data_access.schema import data_sets, records
from ingest.records import PERIOD_KEYS, Record, period_starts

CHUNK = 5_000
INSERT_COLUMNS = ("data_set_id", "record_id", "timestamp", *[f"{key}_start_at" for key in PERIOD_KEYS], "data",
                  "updated_at")


def store_records(conn: Connection, data_set: DataSet, new: list[Record], empty: bool = False) -> int:
    """Add records; one with the _id of a stored record replaces it (the last of equal _ids wins).
    `empty`: the caller has just emptied the data set in this transaction, so nothing is replaced.
    The monthly rollup is refreshed for the months written and those of the records replaced (all of
    them after emptying)."""
    now = utc_now()
    by_id: dict[str, Record] = {}
    anonymous = []
    for record in new:
        if record.record_id is None:
            anonymous.append(record)
        else:
            by_id[record.record_id] = record
    ids = list(by_id)
    months = set()  # of the records replaced
    if ids and not empty and _has_records(conn, data_set):  # a new data set has nothing to replace
        for start in range(0, len(ids), CHUNK):
            months |= _delete(conn, data_set, records.c.record_id.in_(ids[start:start + CHUNK]))
    kept = [*by_id.values(), *anonymous]
    starts = period_starts_of(kept)
    _bulk_insert(conn, _rows(conn, data_set.id, kept, now, starts))
    refresh_record_months(conn, data_set, None if empty else months | {s["month"] for s in starts.values()})
    _written(conn, data_set, now)
    return len(kept)


def _delete(conn: Connection, data_set: DataSet, *conditions) -> set[datetime | None]:
    """DELETE the data set's records that meet `conditions`; the months they were in."""
    statement = delete(records).where(records.c.data_set_id == data_set.id, *conditions)
    return set(conn.execute(statement.returning(records.c.month_start_at)).scalars())


def period_starts_of(kept: list[Record]) -> dict:
    """Each timestamp of the records (a body's records share a few) with its periods' starts, worked
    out once for the rows and the months the rollup refreshes."""
    return {stamp: period_starts(stamp) for stamp in {record.timestamp for record in kept}}


def _rows(conn: Connection, data_set_id: int, kept: list[Record], now: datetime, starts: dict) -> list[tuple]:
    """The INSERT_COLUMNS of each record, each value converted by its column type's own converter
    (SQLAlchemy's: stored exactly as a Core insert stores it); `starts`: period_starts_of(kept). Each
    timestamp's converted value and periods are worked out once."""
    when = _converter("timestamp", conn.dialect)
    data = _converter("data", conn.dialect)
    times = {stamp: (when(stamp), *[when(start) for start in periods.values()]) for stamp, periods in starts.items()}
    updated_at = when(now)
    return [(data_set_id, record.record_id or uuid.uuid4().hex, *times[record.timestamp], data(record.data),
             updated_at) for record in kept]


def _bulk_insert(conn: Connection, values: list[tuple]) -> None:
    """INSERT rows of INSERT_COLUMNS in bulk. SQLite: executemany; PostgreSQL: COPY."""
    dialect = conn.dialect
    quote = dialect.identifier_preparer
    table = quote.format_table(records)
    columns = ", ".join(quote.format_column(records.c[name]) for name in INSERT_COLUMNS)
    if dialect.name == "postgresql":
        _copy(conn, f"COPY {table} ({columns}) FROM STDIN", values)
        return
    marks = ", ".join(["?" if dialect.paramstyle == "qmark" else "%s"] * len(INSERT_COLUMNS))
    for start in range(0, len(values), CHUNK):
        conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values[start:start + CHUNK])


def _copy(conn: Connection, sql: str, values: list[tuple]) -> None:
    """PostgreSQL's COPY on the transaction's own connection; a driver error is raised as SQLAlchemy
    raises it from any statement (a lost connection is an OperationalError, and is discarded)."""
    dbapi = conn.dialect.loaded_dbapi
    raw = conn.connection
    cursor = raw.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in values:
                copy.write_row(row)
    except dbapi.Error as error:
        lost = conn.dialect.is_disconnect(error, raw.dbapi_connection, cursor)
        if lost:
            conn.invalidate(error)
        raise DBAPIError.instance(sql, None, error, dbapi.Error, connection_invalidated=lost,
                                  dialect=conn.dialect) from error
    finally:
        cursor.close()


def _converter(name: str, dialect):
    convert = records.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    return convert or (lambda value: value)


def replace_records(conn: Connection, data_set: DataSet, new: list[Record]) -> int:
    """Empty the data set, then store `new` (PUT)."""
    conn.execute(delete(records).where(records.c.data_set_id == data_set.id))
    return store_records(conn, data_set, new, empty=True)


def delete_record(conn: Connection, data_set: DataSet, record_id: str) -> bool:
    months = _delete(conn, data_set, records.c.record_id == record_id)
    if months:
        refresh_record_months(conn, data_set, months)
        _written(conn, data_set, utc_now())
    return bool(months)


def get_record(conn: Connection, data_set: DataSet, record_id: str) -> Record | None:
    row = conn.execute(select(records.c.record_id, records.c.timestamp, records.c.data).where(
        records.c.data_set_id == data_set.id, records.c.record_id == record_id)).first()
    return Record(row.record_id, row.timestamp, dict(row.data)) if row else None


def _has_records(conn: Connection, data_set: DataSet) -> bool:
    return conn.execute(select(records.c.id).where(records.c.data_set_id == data_set.id).limit(1)).first() is not None


def count_records(conn: Connection, data_set: DataSet) -> int:
    return conn.execute(select(func.count()).where(records.c.data_set_id == data_set.id)).scalar_one()


def _written(conn: Connection, data_set: DataSet, now: datetime) -> None:
    conn.execute(update(data_sets).where(data_sets.c.id == data_set.id).values(last_written_at=now))
    bump_generation(conn)
