"""The monthly rollup of dashboard data sets' records (data_access.record_months), on SQLite and
PostgreSQL: after every kind of write its answer is run_query's on the records, exactly (types and order
too); a failed write leaves it as it was; the migration builds the rows the live refresh builds."""
import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select

from data_access.data_sets import create_data_set, get_data_set
from data_access.db import get_engine
from data_access.migrate import upgrade
from data_access.record_months import ROLLUPS, dashboard_answer, refresh_record_months
from data_access.record_queries import run_query
from data_access.records import (_bulk_insert, _rows, delete_record, period_starts_of, replace_records,
                                 store_records)
from data_access.schema import data_sets, record_months
from data_access.service_data import _dashboard_rows
from ingest.records import Record
from query.answers import data_rows
from tests.conftest import migrated_database

FIRST_WEEK = datetime(2024, 1, 1, 9, 30)
CHANNELS = ["online", "phone", 3, 1, 1.0, True, "true", None, "Zebra", "émail"]


def week(n: int) -> datetime:
    return FIRST_WEEK + timedelta(weeks=n)


def transactions(n: int) -> list[dict]:
    """Every channel: ints and floats, 0.1 and 0.2 (0.3 exactly on PostgreSQL), 1e16 and 0.5 (a float
    whose JSON has an exponent), a count as text, a missing count, and a record without a channel."""
    fields = [{"channel": channel, "count": n * 10 + i if i % 2 else n + i + 0.5} for i, channel in enumerate(CHANNELS)]
    return fields + [{"channel": "paper", "count": 0.1}, {"channel": "paper", "count": 0.2},
                     {"channel": "big", "count": 1e16}, {"channel": "big", "count": 0.5},
                     {"channel": "phone", "count": "suppressed"}, {"channel": "online"}, {"count": 4}]


def satisfaction(n: int) -> list[dict]:
    ratings = {f"rating_{r}": n * r for r in range(1, 6)}
    return [ratings, {**ratings, "rating_2": 0.1, "rating_3": 0.2}, {"rating_1": 1.5, "rating_4": None},
            {"rating_5": "n/a", "rating_1": n}]


def completion(n: int) -> list[dict]:
    return [{"started": 100 + n, "completed": 80 + n}, {"started": 0.1, "completed": 0.2}, {"started": 7}]


FIELDS = {"transactions-by-channel": transactions, "customer-satisfaction": satisfaction, "completion": completion}


def weekly(data_type: str, weeks, shift: int = 0) -> list[Record]:
    """Records with _ids `<week>-<i>`: `shift` weeks later (same _ids) with other values."""
    return [Record(f"{n}-{i}", week(n + shift), fields)
            for n in weeks for i, fields in enumerate(FIELDS[data_type](n + shift))]


def new_data_set(data_type: str, records: list[Record] = ()):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-{uuid.uuid4().hex[:12]}", data_type)
        if records:
            store_records(conn, data_set, list(records))
    return data_set


def typed(value):
    """The value with every scalar's type, and dicts' key order."""
    if isinstance(value, dict):
        return [(key, typed(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [typed(item) for item in value]
    return type(value).__name__, repr(value)


def rollup_rows(data_set, conn=None) -> list:
    if conn is None:
        with get_engine().connect() as conn:
            return rollup_rows(data_set, conn)
    t = record_months.c
    return [typed(list(row)) for row in conn.execute(
        select(t.month_start, t.group_fields, t.group_text, t.totals).where(t.data_set_id == data_set.id)
        .order_by(t.month_start, t.group_text, t.id))]


def assert_rollup_answers(data_set) -> None:
    """The rollup's answer is run_query's on the records, and the dashboard's rows are the answer's."""
    expected = run_query(data_set.id, ROLLUPS[data_set.data_type])
    found = dashboard_answer(data_set.id, data_set.data_type)
    assert found.query == expected.query
    assert typed(found.rows) == typed(expected.rows)
    assert typed(_dashboard_rows.uncached(data_set.id, data_set.data_type)) == \
        typed(data_rows(expected.query, expected.rows))


@pytest.mark.parametrize("data_type", list(FIELDS))
def test_the_rollup_answers_as_the_records_after_every_kind_of_write(database, data_type):
    data_set = new_data_set(data_type, weekly(data_type, range(10)))
    assert len(rollup_rows(data_set)) >= 3  # months (x groups)
    assert_rollup_answers(data_set)
    with get_engine().begin() as conn:  # replaced by _id, moved months later; and new records
        store_records(conn, data_set, weekly(data_type, range(2, 5), shift=20)
                      + [Record(None, week(3), fields) for fields in FIELDS[data_type](99)])
    assert_rollup_answers(data_set)
    with get_engine().begin() as conn:  # the only records of a month: its rows go
        store_records(conn, data_set, weekly(data_type, range(8, 10), shift=-8))
    assert_rollup_answers(data_set)
    with get_engine().begin() as conn:
        assert delete_record(conn, data_set, "2-0")
        assert not delete_record(conn, data_set, "no-such-record")
    assert_rollup_answers(data_set)
    with get_engine().begin() as conn:
        replace_records(conn, data_set, weekly(data_type, range(40, 45)) + [Record("untimed", None, {"count": 1})])
    assert_rollup_answers(data_set)
    assert {row[0] for row in rollup_rows(data_set)} == {("datetime", repr(datetime(2024, month, 1)))
                                                         for month in (10, 11)}
    with get_engine().begin() as conn:
        replace_records(conn, data_set, [])
    assert rollup_rows(data_set) == []
    assert_rollup_answers(data_set)


def test_months_refreshed_a_few_at_a_time(database, monkeypatch):
    monkeypatch.setattr("data_access.record_months.MONTHS_A_STATEMENT", 2)
    data_type = "customer-satisfaction"
    data_set = new_data_set(data_type, weekly(data_type, range(0, 40, 3)))
    with get_engine().begin() as conn:  # six months written to, two records moved from theirs
        store_records(conn, data_set, weekly(data_type, range(0, 30, 5), shift=3))
    assert_rollup_answers(data_set)


def test_numbers_of_equal_value_are_ordered_groups_as_the_engine_orders_them(database):
    data_set = new_data_set("transactions-by-channel", [
        Record(None, week(0), {"channel": channel, "count": 1}) for channel in (1.0, 2, True, "b", 1, None, "a", 1.5)])
    assert [row["channel"] for row in dashboard_answer(data_set.id, data_set.data_type).rows] == \
        [1, 1.0, 1.5, 2, "a", "b", True, None]
    assert_rollup_answers(data_set)


def test_a_data_type_no_dashboard_shows_has_no_rollup(database):
    data_set = new_data_set("weekly", weekly("completion", range(3)))
    assert rollup_rows(data_set) == []


def test_a_failed_write_leaves_the_rollup_as_it_was(database):
    data_type = "transactions-by-channel"
    data_set = new_data_set(data_type, weekly(data_type, range(6)))
    before = rollup_rows(data_set)
    with pytest.raises(RuntimeError):
        with get_engine().begin() as conn:
            store_records(conn, data_set, weekly(data_type, range(3), shift=10))
            delete_record(conn, data_set, "4-1")
            assert rollup_rows(data_set, conn) != before
            raise RuntimeError("the upload fails after its records were stored")
    assert rollup_rows(data_set) == before
    assert_rollup_answers(data_set)


def test_a_deleted_data_set_takes_its_rollup_with_it(database):
    data_set = new_data_set("completion", weekly("completion", range(6)))
    assert rollup_rows(data_set)
    with get_engine().begin() as conn:
        conn.execute(delete(data_sets).where(data_sets.c.id == data_set.id))
    assert rollup_rows(data_set) == []


def test_two_writers_of_one_month_leave_it_right(database):
    """The second writer's refresh waits for the first's commit, then reads its records too."""
    data_type = "completion"
    data_set = new_data_set(data_type, weekly(data_type, range(4)))
    first = get_engine().connect()
    transaction = first.begin()
    store_records(first, data_set, [Record("a", week(1), {"started": 5, "completed": 1})])
    errors = []

    def second():
        try:
            with get_engine().begin() as conn:
                store_records(conn, data_set, [Record("b", week(2), {"started": 7, "completed": 2})])
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(1.0)  # the second writer is waiting for the first by now
    transaction.commit()
    first.close()
    thread.join(30)
    assert not thread.is_alive() and errors == []
    assert_rollup_answers(data_set)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_builds_the_rows_the_live_refresh_builds(kind, tmp_path, monkeypatch):
    with migrated_database(kind, "pp_record_months", tmp_path, monkeypatch, revision="0010") as engine:
        with engine.begin() as conn:  # records stored as at 0010: without a rollup
            for data_type in [*FIELDS, "weekly"]:
                data_set = create_data_set(conn, "service", data_type)
                stored = weekly(data_type if data_type in FIELDS else "transactions-by-channel", range(12))
                stored.append(Record("untimed", None, {"count": 3}))
                _bulk_insert(conn, _rows(conn, data_set.id, stored, datetime(2026, 12, 1), period_starts_of(stored)))
            upgrade(conn)
        migrated = all_rollup_rows(engine)
        with engine.begin() as conn:
            for data_type in [*FIELDS, "weekly"]:
                refresh_record_months(conn, get_data_set("service", data_type, conn))
        live = all_rollup_rows(engine)
    assert {row[0] for row in migrated} == {("int", repr(i)) for i in (1, 2, 3)}  # not the weekly data set
    assert migrated == live


def all_rollup_rows(engine) -> list:
    t = record_months.c
    with engine.connect() as conn:
        return sorted(typed(list(row)) for row in conn.execute(
            select(t.data_set_id, t.month_start, t.group_fields, t.group_text, t.totals)))
