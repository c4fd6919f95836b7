"""store_records' bulk path (SQLite executemany, PostgreSQL COPY) on both databases: every column is
stored exactly as a plain SQLAlchemy insert stores it; a record with a stored _id replaces it; a data
set with no records is not searched for _ids to delete; all or nothing."""
import re
import uuid
from datetime import datetime

import pytest
from sqlalchemy import insert, select, text

from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import count_records, replace_records, store_records
from data_access.schema import records
from ingest.records import Record, period_starts
from tests.sql_log import statements as recorded_statements

COLUMNS = ("record_id", "timestamp", "hour_start_at", "day_start_at", "week_start_at", "month_start_at",
           "quarter_start_at", "year_start_at", "data", "updated_at")


def new_data_set():
    with get_engine().begin() as conn:
        return create_data_set(conn, f"bulk-{uuid.uuid4().hex[:10]}", "transactions-by-channel")


def raw_rows(data_set) -> list[tuple]:
    """The columns as the database holds them (text on SQLite), not as SQLAlchemy reads them back."""
    casts = ", ".join(f"CAST({c} AS TEXT)" if c != "data" else "CAST(data AS TEXT)" for c in COLUMNS)
    with get_engine().connect() as conn:
        return sorted(conn.execute(text(f"SELECT {casts} FROM records WHERE data_set_id = :id"),
                                   {"id": data_set.id}).all())


def deletes_run(seen) -> int:
    return sum(bool(re.match(r"\s*DELETE FROM records", s, re.IGNORECASE)) for s in seen)


@pytest.fixture
def statements():
    with recorded_statements() as seen:
        yield seen


RECORDS = [Record("a", datetime(2024, 3, 4, 13, 45, 7, 120), {"channel": "digital", "count": 5, "note": "é ü"}),
           Record("b", datetime(2024, 3, 4, 13, 45, 7, 120), {"channel": "phone", "count": 2.5, "flag": True}),
           Record(None, None, {"channel": "paper", "count": None})]


def test_stored_exactly_as_a_plain_insert_stores(database):
    bulk, plain = new_data_set(), new_data_set()
    with get_engine().begin() as conn:
        store_records(conn, bulk, RECORDS)
        [updated_at] = conn.execute(select(records.c.updated_at).where(records.c.data_set_id == bulk.id)
                                    .limit(1)).scalars()
        conn.execute(insert(records), [  # SQLAlchemy's own conversion of every value
            {"data_set_id": plain.id, "record_id": r.record_id or f"anon-{i}", "timestamp": r.timestamp,
             "data": r.data, "updated_at": updated_at,
             **{f"{k}_start_at": v for k, v in period_starts(r.timestamp).items()}}
            for i, r in enumerate(RECORDS)])
    stored, expected = raw_rows(bulk), raw_rows(plain)
    anonymous = [row for row in stored if row[0] not in ("a", "b")]
    assert len(anonymous) == 1 and re.fullmatch(r"[0-9a-f]{32}", anonymous[0][0])
    def columns(rows):  # all but the record id, in one order
        return sorted((row[1:] for row in rows), key=lambda row: tuple("" if v is None else v for v in row))
    assert columns(stored) == columns(expected)


def test_a_new_data_set_is_not_searched_for_ids_and_stored_ids_are_replaced(database, statements):
    data_set = new_data_set()
    with get_engine().begin() as conn:
        store_records(conn, data_set, RECORDS)
    assert deletes_run(statements) == 0
    with get_engine().begin() as conn:
        store_records(conn, data_set, [Record("a", datetime(2024, 3, 11), {"channel": "digital", "count": 9}),
                                       Record("c", datetime(2024, 3, 11), {"channel": "phone", "count": 7})])
    assert deletes_run(statements) == 1
    with get_engine().connect() as conn:
        assert count_records(conn, data_set) == 4  # a replaced, b and the anonymous kept, c added
        found = dict(conn.execute(select(records.c.record_id, records.c.data)
                                  .where(records.c.data_set_id == data_set.id, records.c.record_id == "a")).all())
    assert found == {"a": {"channel": "digital", "count": 9}}


def test_put_replaces_everything_with_one_delete(database, statements):
    data_set = new_data_set()
    with get_engine().begin() as conn:
        store_records(conn, data_set, RECORDS)
        replace_records(conn, data_set, RECORDS[:1])
        assert count_records(conn, data_set) == 1
    assert deletes_run(statements) == 1


def test_a_failed_write_stores_nothing(database):
    data_set = new_data_set()
    with pytest.raises(ZeroDivisionError):
        with get_engine().begin() as conn:
            store_records(conn, data_set, RECORDS)
            1 / 0  # anything failing later in the same transaction
    with get_engine().connect() as conn:
        assert count_records(conn, data_set) == 0
