"""Store validated records, all or nothing: the caller's transaction holds every change."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from data_access.cache import bump_generation
from data_access.data_sets import DataSet, utc_now
from data_access.schema import data_sets, records
from ingest.records import Record, period_starts

CHUNK = 5_000


def _row(data_set_id: int, record: Record, now: datetime) -> dict:
    return {"data_set_id": data_set_id, "record_id": record.record_id or uuid.uuid4().hex,
            "timestamp": record.timestamp, "data": record.data, "updated_at": now,
            **{f"{key}_start_at": start for key, start in period_starts(record.timestamp).items()}}


def store_records(conn: Connection, data_set: DataSet, new: list[Record]) -> int:
    """Add records; one with the _id of a stored record replaces it (the last of equal _ids wins)."""
    now = utc_now()
    by_id: dict[str, Record] = {}
    anonymous = []
    for record in new:
        if record.record_id is None:
            anonymous.append(record)
        else:
            by_id[record.record_id] = record
    ids = list(by_id)
    for start in range(0, len(ids), CHUNK):
        conn.execute(delete(records).where(records.c.data_set_id == data_set.id,
                                           records.c.record_id.in_(ids[start:start + CHUNK])))
    rows = [_row(data_set.id, r, now) for r in [*by_id.values(), *anonymous]]
    for start in range(0, len(rows), CHUNK):
        conn.execute(insert(records), rows[start:start + CHUNK])
    _written(conn, data_set, now)
    return len(rows)


def replace_records(conn: Connection, data_set: DataSet, new: list[Record]) -> int:
    """Empty the data set, then store `new` (PUT)."""
    conn.execute(delete(records).where(records.c.data_set_id == data_set.id))
    return store_records(conn, data_set, new)


def delete_record(conn: Connection, data_set: DataSet, record_id: str) -> bool:
    result = conn.execute(delete(records).where(records.c.data_set_id == data_set.id,
                                                records.c.record_id == record_id))
    if result.rowcount:
        _written(conn, data_set, utc_now())
    return bool(result.rowcount)


def get_record(conn: Connection, data_set: DataSet, record_id: str) -> Record | None:
    row = conn.execute(select(records.c.record_id, records.c.timestamp, records.c.data).where(
        records.c.data_set_id == data_set.id, records.c.record_id == record_id)).first()
    return Record(row.record_id, row.timestamp, dict(row.data)) if row else None


def count_records(conn: Connection, data_set: DataSet) -> int:
    return conn.execute(select(func.count()).where(records.c.data_set_id == data_set.id)).scalar_one()


def _written(conn: Connection, data_set: DataSet, now: datetime) -> None:
    conn.execute(update(data_sets).where(data_sets.c.id == data_set.id).values(last_written_at=now))
    bump_generation(conn)
