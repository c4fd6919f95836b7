"""Queries run in SQL, on SQLite and on PostgreSQL (the `database` fixture runs each test on both).

Data shaped like the original API's: Carer's Allowance weekly claims by channel (the real figures),
daily satisfaction ratings, and records whose fields mix types.
"""
import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.record_queries import run_query
from data_access.records import store_records
from ingest.records import Record
from query.answers import answer
from query.parse import parse_query

CLERICAL = [3546, 3183, 3003, 3047, 3223, 3050, 2763, 2850]
E_CLAIMS = [1472, 1763, 1629, 1906, 1785, 1773, 1792, 1740]
FIRST_WEEK = datetime(2013, 10, 14)


def new_data_set(records: list[Record], **settings):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-{uuid.uuid4().hex[:12]}", "weekly", **settings)
        store_records(conn, data_set, records)
    return data_set


def weekly_claims() -> list[Record]:
    records = []
    for key, figures in (("ca_clerical_received", CLERICAL), ("ca_e_claims_received", E_CLAIMS)):
        for week, figure in enumerate(figures):
            start = FIRST_WEEK + timedelta(weeks=week)
            records.append(Record(f"{start:%Y%m%d}{key}", start, {"key": key, "value": figure, "period": "week"}))
    return records


def ask(data_set, text: str, now: datetime = datetime(2026, 11, 29)) -> list[dict]:
    query = parse_query(parse_qsl(text), now=now)
    result = run_query(data_set.id, query)
    return answer(result.query, result.rows)["data"]


@pytest.fixture
def claims(database):
    return new_data_set(weekly_claims())


def test_nested_answer_is_the_original_apis(claims):
    found = ask(claims, "group_by=key&period=week&collect=value:sum"
                        "&start_at=2013-10-07T00:00:00Z&end_at=2013-12-16T00:00:00Z")
    assert [group["key"] for group in found] == ["ca_clerical_received", "ca_e_claims_received"]
    clerical = found[0]
    assert (clerical["_count"], clerical["_group_count"], clerical["value:sum"]) == (8, 8, 24665)
    assert isinstance(clerical["value:sum"], int)
    assert [value["value:sum"] for value in clerical["values"]] == [None, *CLERICAL, None]
    assert [value["_count"] for value in clerical["values"]] == [0, *[1] * 8, 0]
    assert clerical["values"][0] == {"_start_at": "2013-10-07T00:00:00+00:00", "_end_at": "2013-10-14T00:00:00+00:00",
                                     "_count": 0, "value:sum": None}
    assert found[1]["value:sum"] == sum(E_CLAIMS)


def test_raw_records_in_timestamp_order_with_their_keys(claims):
    found = ask(claims, "")
    assert len(found) == 16
    assert [row["_timestamp"] for row in found] == sorted(row["_timestamp"] for row in found)
    first = found[0]
    assert first["_id"] == "20131014ca_clerical_received"
    assert first["_timestamp"] == "2013-10-14T00:00:00+00:00"
    assert first["_week_start_at"] == "2013-10-14T00:00:00+00:00"
    assert first["_month_start_at"] == "2013-10-01T00:00:00+00:00"
    assert first["_quarter_start_at"] == "2013-10-01T00:00:00+00:00"
    assert {"_hour_start_at", "_day_start_at", "_year_start_at", "_updated_at"} <= set(first)
    assert first["value"] == 3546 and first["key"] == "ca_clerical_received"


def test_raw_records_sorted_and_limited(claims):
    found = ask(claims, "sort_by=value:descending&limit=3")
    assert [row["value"] for row in found] == sorted(CLERICAL + E_CLAIMS, reverse=True)[:3]
    assert ask(claims, "sort_by=_timestamp:descending&limit=1")[0]["_timestamp"] == "2013-12-02T00:00:00+00:00"
    assert len(ask(claims, "limit=0")) == 16  # 0 = no limit
    assert ask(claims, "sort_by=_id:descending&limit=1")[0]["_id"] == "20131202ca_e_claims_received"
    assert ask(claims, "sort_by=key:descending&limit=1")[0]["key"] == "ca_e_claims_received"


def test_start_at_inclusive_end_at_exclusive_unless_inclusive(claims):
    window = "start_at=2013-10-21T00:00:00Z&end_at=2013-11-04T00:00:00Z"
    assert {row["_timestamp"][:10] for row in ask(claims, window)} == {"2013-10-21", "2013-10-28"}
    inclusive = ask(claims, window + "&inclusive=true")
    assert {row["_timestamp"][:10] for row in inclusive} == {"2013-10-21", "2013-10-28", "2013-11-04"}


def test_filter_by_and_prefix(claims):
    assert len(ask(claims, "filter_by=key:ca_e_claims_received")) == 8
    assert len(ask(claims, "filter_by=key:ca_e_claims_received&filter_by=value:1472")) == 1
    assert len(ask(claims, "filter_by=key:ca_e")) == 0
    assert len(ask(claims, "filter_by_prefix=key:ca_e")) == 8
    assert len(ask(claims, "filter_by_prefix=key:CA_")) == 0  # prefixes are case-sensitive on both databases
    assert len(ask(claims, "filter_by_prefix=key:ca_%")) == 0  # no LIKE wildcards


def test_period_alone_in_time_order_with_sums(claims):
    found = ask(claims, "period=month&collect=value:sum&collect=value:mean&collect=value:count")
    assert [row["_start_at"] for row in found] == ["2013-10-01T00:00:00+00:00", "2013-11-01T00:00:00+00:00",
                                                   "2013-12-01T00:00:00+00:00"]
    october = found[0]
    assert october["_end_at"] == "2013-11-01T00:00:00+00:00"
    assert october["_count"] == 6 and october["value:count"] == 6
    assert october["value:sum"] == sum(CLERICAL[:3] + E_CLAIMS[:3])
    assert october["value:mean"] == pytest.approx(october["value:sum"] / 6)
    assert isinstance(october["value:mean"], float)


def test_group_by_alone_with_set_and_sort(claims):
    found = ask(claims, "group_by=period&group_by=key&collect=value:sum")
    assert [(row["period"], row["key"], row["_count"]) for row in found] == [
        ("week", "ca_clerical_received", 8), ("week", "ca_e_claims_received", 8)]
    by_sum = ask(claims, "group_by=key&collect=value:sum&sort_by=value:sum:ascending&limit=1")
    assert by_sum == [{"key": "ca_e_claims_received", "_count": 8, "value:sum": sum(E_CLAIMS)}]
    assert ask(claims, "group_by=key&sort_by=key:descending")[0]["key"] == "ca_e_claims_received"
    sets = ask(claims, "group_by=period&collect=key")
    assert sets == [{"period": "week", "_count": 16, "key:set": ["ca_clerical_received", "ca_e_claims_received"]}]


def test_group_and_period_limited_and_flat(claims):
    found = ask(claims, "group_by=key&period=week&collect=value:sum&sort_by=value:sum:descending&limit=1")
    assert [group["key"] for group in found] == ["ca_clerical_received"]
    assert len(found[0]["values"]) == 8
    flat = ask(claims, "group_by=key&period=week&collect=value:sum&flatten=true")
    assert len(flat) == 16
    assert flat[0] == {"key": "ca_clerical_received", "_start_at": "2013-10-14T00:00:00+00:00",
                       "_end_at": "2013-10-21T00:00:00+00:00", "_count": 1, "value:sum": 3546}


def test_group_period_sets_per_period_and_in_total(claims):
    found = ask(claims, "group_by=period&period=month&collect=key")
    assert found[0]["key:set"] == ["ca_clerical_received", "ca_e_claims_received"]
    assert found[0]["values"][0]["key:set"] == ["ca_clerical_received", "ca_e_claims_received"]


def test_duration_forward_skips_empty_leading_periods(claims):
    found = ask(claims, "period=week&duration=3&start_at=2013-09-30T00:00:00Z&collect=value:sum")
    assert [row["_start_at"][:10] for row in found] == ["2013-10-14", "2013-10-21", "2013-10-28"]
    assert found[0]["value:sum"] == CLERICAL[0] + E_CLAIMS[0]


def test_duration_back_skips_empty_trailing_periods(claims):
    found = ask(claims, "period=week&duration=3&end_at=2013-12-16T00:00:00Z")  # the week of 12-09 is empty
    assert [row["_start_at"][:10] for row in found] == ["2013-11-18", "2013-11-25", "2013-12-02"]
    grouped = ask(claims, "group_by=key&period=week&duration=3&end_at=2013-12-16T00:00:00Z")
    assert [value["_start_at"][:10] for value in grouped[0]["values"]] == ["2013-11-18", "2013-11-25", "2013-12-02"]


def test_duration_ending_with_the_current_period(claims):
    found = ask(claims, "period=week&duration=4", now=datetime(2013, 12, 4, 9))
    assert [row["_start_at"][:10] for row in found] == ["2013-11-11", "2013-11-18", "2013-11-25", "2013-12-02"]
    shifted = ask(claims, "period=week&duration=4", now=datetime(2013, 12, 20))  # 12-09 and 12-16 are empty
    assert [row["_start_at"][:10] for row in shifted] == ["2013-11-11", "2013-11-18", "2013-11-25", "2013-12-02"]


def test_duration_without_any_data_in_its_window_is_not_moved(claims):
    """As in Backdrop: only a window with data at one end is moved to it."""
    found = ask(claims, "period=week&duration=2&end_at=2015-01-05T00:00:00Z")
    assert [row["_count"] for row in found] == [0, 0]


def test_satisfaction_ratings_by_day(database):
    days = [(datetime(2014, 3, 10), [0, 1, 3, 5, 10]), (datetime(2014, 3, 12), [1, 1, 1, 6, 16])]
    records = [Record(None, day, {**{f"rating_{i + 1}": n for i, n in enumerate(counts)}, "total": sum(counts)})
               for day, counts in days]
    data_set = new_data_set(records)
    collects = "&".join(f"collect=rating_{i}:sum" for i in range(1, 6)) + "&collect=total:sum"
    found = ask(data_set, f"period=day&{collects}")
    assert found[1] == {"_start_at": "2014-03-11T00:00:00+00:00", "_end_at": "2014-03-12T00:00:00+00:00",
                        "_count": 0, "rating_1:sum": None, "rating_2:sum": None, "rating_3:sum": None,
                        "rating_4:sum": None, "rating_5:sum": None, "total:sum": None}
    assert found[2]["total:sum"] == 25 and found[2]["rating_5:sum"] == 16


def test_mixed_types_group_sum_and_sort_alike_on_both_databases(database):
    values = [10, 2.5, "7", True, None, "abc", 3]
    records = [Record(None, datetime(2014, 1, 6) + timedelta(hours=i), {"value": value, "kind": "a" if i % 2 else "B"})
               for i, value in enumerate(values)] + [Record(None, None, {"kind": "a"})]
    data_set = new_data_set(records)
    sums = ask(data_set, "group_by=kind&collect=value:sum&collect=value:count&collect=value")
    assert sums == [
        {"kind": "B", "_count": 4, "value:sum": 13, "value:count": 3, "value:set": [3, 10, "7"]},
        {"kind": "a", "_count": 4, "value:sum": 2.5, "value:count": 3, "value:set": [2.5, "abc", True]},
    ]
    assert [row["value"] for row in ask(data_set, "group_by=value")] == [2.5, 3, 10, "7", "abc", True, None]
    assert [row.get("value") for row in ask(data_set, "sort_by=value:ascending")] == \
        [2.5, 3, 10, "7", "abc", True, None, None]
    assert len(ask(data_set, "filter_by=value:true")) == 1
    assert len(ask(data_set, "period=hour")) == 7  # the record without _timestamp has no period


def test_group_count_counts_periods_with_records(database):
    records = [Record(None, datetime(2014, 1, day), {"key": "x"}) for day in (6, 7, 20)]
    data_set = new_data_set(records)
    group = ask(data_set, "group_by=key&period=week&sort_by=_group_count:descending")[0]
    assert (group["_count"], group["_group_count"], len(group["values"])) == (3, 2, 3)


def test_a_query_reads_only_its_own_data_set(claims):
    other = new_data_set([Record(None, FIRST_WEEK, {"key": "ca_clerical_received", "value": 1})])
    assert len(ask(other, "")) == 1
    assert ask(claims, "group_by=key&collect=value:sum")[0]["value:sum"] == sum(CLERICAL)


def _statements(text: str, data_set) -> tuple[list[dict], int]:
    from sqlalchemy import event
    seen = []
    listener = lambda *args: seen.append(1)  # noqa: E731
    event.listen(get_engine(), "before_cursor_execute", listener)
    try:
        return ask(data_set, text), len(seen)
    finally:
        event.remove(get_engine(), "before_cursor_execute", listener)


@pytest.mark.parametrize("text", [
    "group_by=kind&period=day&collect=value:sum&collect=value:count&collect=value",
    "group_by=kind&period=hour&collect=value:mean",
    "group_by=value&period=day",
])
def test_a_flat_answer_is_the_nested_one_flattened_in_one_statement_fewer(database, text):
    """A flat answer drops the groups' totals, so it is read without their statement; its rows are
    those of the nested answer, flattened, in the same order, whatever the values' types."""
    values = [10, 2.5, "7", True, None, "abc", 3, 10, "7"]
    records = [Record(None, datetime(2014, 1, 6) + timedelta(hours=5 * i),
                      {"value": value, "kind": "a" if i % 2 else "B"}) for i, value in enumerate(values)]
    data_set = new_data_set(records)
    nested, nested_statements = _statements(text, data_set)
    flat, flat_statements = _statements(text + "&flatten=true", data_set)
    group_by = [value for key, value in parse_qsl(text) if key == "group_by"]
    expected = [{**{field: group[field] for field in group_by}, **period} for group in nested for period in group["values"]]
    assert flat == expected
    assert len(flat) > len(nested) > 1
    assert flat_statements == nested_statements - 1
