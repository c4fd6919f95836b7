"""Answer shapes, period filling, ISO datetimes and CSV, from rows as data_access.record_queries gives them.

The figures are Carer's Allowance weekly claims by channel, as the GOV.UK Performance Platform
published them (shared/data/govuk-pp/api-responses/carers_allowance_weekly_by_channel.json).
"""
import csv
import io
from datetime import datetime
from urllib.parse import parse_qsl

from query.answers import answer, csv_columns, data_rows, fill_periods, iso, to_csv
from query.parse import parse_query

CLERICAL = [3546, 3183, 3003, 3047, 3223, 3050, 2763, 2850]
E_CLAIMS = [1472, 1763, 1629, 1906, 1785, 1773, 1792, 1740]
WEEKS = [datetime(2013, 10, 14), datetime(2013, 10, 21), datetime(2013, 10, 28), datetime(2013, 11, 4),
         datetime(2013, 11, 11), datetime(2013, 11, 18), datetime(2013, 11, 25), datetime(2013, 12, 2)]
WINDOW = "start_at=2013-10-07T00:00:00Z&end_at=2013-12-16T00:00:00Z"


def query(text: str):
    return parse_query(parse_qsl(text), now=datetime(2026, 11, 29))


def nested_rows() -> list[dict]:
    def group(key, figures):
        return {"key": key, "_count": 8, "value:sum": sum(figures), "_group_count": 8,
                "values": [{"_start_at": week, "_count": 1, "value:sum": figure}
                           for week, figure in zip(WEEKS, figures)]}
    return [group("ca_clerical_received", CLERICAL), group("ca_e_claims_received", E_CLAIMS)]


def test_nested_answer_matches_the_original_api():
    found = answer(query(f"group_by=key&period=week&collect=value:sum&{WINDOW}"), nested_rows())["data"]
    first = found[0]
    assert {k: v for k, v in first.items() if k != "values"} == {
        "key": "ca_clerical_received", "_count": 8, "_group_count": 8, "value:sum": 24665}
    assert len(first["values"]) == 10  # 8 weeks with data, a filled week at each end
    assert first["values"][0] == {"_start_at": "2013-10-07T00:00:00+00:00", "_end_at": "2013-10-14T00:00:00+00:00",
                                  "_count": 0, "value:sum": None}
    assert first["values"][1] == {"_start_at": "2013-10-14T00:00:00+00:00", "_end_at": "2013-10-21T00:00:00+00:00",
                                  "_count": 1, "value:sum": 3546}
    assert first["values"][-1]["_start_at"] == "2013-12-09T00:00:00+00:00"
    assert found[1]["value:sum"] == 13860


def test_flatten_gives_a_row_a_group_and_period():
    rows = data_rows(query(f"group_by=key&period=week&collect=value:sum&flatten=true&{WINDOW}"), nested_rows())
    assert len(rows) == 20
    assert rows[1] == {"key": "ca_clerical_received", "_start_at": datetime(2013, 10, 14),
                       "_end_at": datetime(2013, 10, 21), "_count": 1, "value:sum": 3546}
    assert rows[10]["key"] == "ca_e_claims_received" and rows[10]["_count"] == 0
    assert "values" not in rows[0] and "_group_count" not in rows[0]


def test_period_answer_fills_missing_periods_with_count_zero_and_null_collects():
    rows = [{"_start_at": datetime(2014, 3, 10), "_count": 1, "rating_1:sum": 0, "total:sum": 19},
            {"_start_at": datetime(2014, 3, 12), "_count": 1, "rating_1:sum": 1, "total:sum": 25}]
    found = answer(query("period=day&collect=rating_1:sum&collect=total:sum"), rows)["data"]
    assert found == [
        {"_start_at": "2014-03-10T00:00:00+00:00", "_end_at": "2014-03-11T00:00:00+00:00", "_count": 1,
         "rating_1:sum": 0, "total:sum": 19},
        {"_start_at": "2014-03-11T00:00:00+00:00", "_end_at": "2014-03-12T00:00:00+00:00", "_count": 0,
         "rating_1:sum": None, "total:sum": None},
        {"_start_at": "2014-03-12T00:00:00+00:00", "_end_at": "2014-03-13T00:00:00+00:00", "_count": 1,
         "rating_1:sum": 1, "total:sum": 25},
    ]


def test_filling_follows_the_query_bounds_and_inclusive_end():
    rows = [{"_start_at": datetime(2014, 2, 1), "_count": 3}]
    months = data_rows(query("period=month&start_at=2014-01-15T00:00:00Z&end_at=2014-04-01T00:00:00Z"), rows)
    assert [row["_start_at"].month for row in months] == [1, 2, 3]
    inclusive = data_rows(query("period=month&end_at=2014-04-01T00:00:00Z&inclusive=true"), rows)
    assert [row["_start_at"].month for row in inclusive] == [2, 3, 4]
    assert [row["_count"] for row in inclusive] == [3, 0, 0]


def test_quarters_and_years_fill_by_calendar():
    quarters = fill_periods([], query("period=quarter"), (datetime(2013, 10, 1), datetime(2014, 7, 1)))
    assert [(row["_start_at"], row["_end_at"]) for row in quarters][-1] == (datetime(2014, 4, 1), datetime(2014, 7, 1))
    assert len(quarters) == 3


def test_no_rows_and_no_bounds_is_an_empty_answer():
    assert answer(query("period=week"), []) == {"data": []}
    assert answer(query("group_by=key&period=week"), []) == {"data": []}


def test_group_answer_and_raw_records_pass_through_with_iso_datetimes():
    groups = [{"channel": "digital", "_count": 2, "value:sum": 17.5, "value:set": [7.5, 10]}]
    assert answer(query("group_by=channel&collect=value:sum&collect=value"), groups)["data"] == groups
    record = {"_id": "a", "_timestamp": datetime(2012, 10, 1), "number_of_transactions": 2481770,
              "digital_takeup": 0.9312530975876089, "_week_start_at": datetime(2012, 10, 1),
              "_updated_at": datetime(2014, 3, 19, 10, 44, 32, 285000)}
    found = answer(query(""), [record])["data"][0]
    assert found["_timestamp"] == "2012-10-01T00:00:00+00:00"
    assert found["_updated_at"] == "2014-03-19T10:44:32.285000+00:00"
    assert found["number_of_transactions"] == 2481770 and isinstance(found["number_of_transactions"], int)


def test_infinite_floats_become_null():
    assert answer(query("group_by=a_b"), [{"a_b": 1, "_count": 1, "x:sum": float("inf")}])["data"][0]["x:sum"] is None


def test_iso():
    assert iso(datetime(2014, 1, 6)) == "2014-01-06T00:00:00+00:00"


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_of_a_nested_answer_is_flat():
    text = to_csv(query(f"group_by=key&period=week&collect=value:sum&{WINDOW}"), nested_rows())
    rows = read_csv(text)
    assert text.splitlines()[0] == "key,_start_at,_end_at,_count,value:sum"
    assert len(rows) == 20
    assert rows[1] == {"key": "ca_clerical_received", "_start_at": "2013-10-14T00:00:00+00:00",
                       "_end_at": "2013-10-21T00:00:00+00:00", "_count": "1", "value:sum": "3546"}
    assert rows[0]["value:sum"] == ""


def test_csv_cells_for_sets_booleans_and_records():
    groups = [{"channel": "digital", "_count": 2, "value:set": ["a", "b, c"], "flag:set": [True]}]
    rows = read_csv(to_csv(query("group_by=channel&collect=value&collect=flag"), groups))
    assert rows == [{"channel": "digital", "_count": "2", "value:set": '["a", "b, c"]', "flag:set": "[true]"}]
    records = [{"_id": "1", "_timestamp": datetime(2014, 1, 6), "b": True, "a": None,
                "_week_start_at": datetime(2014, 1, 6), "_updated_at": datetime(2014, 1, 7)},
               {"_id": "2", "_timestamp": None, "c": 1.5, "_updated_at": datetime(2014, 1, 7)}]
    text = to_csv(query(""), records)
    assert text.splitlines()[0] == "_id,_timestamp,a,b,c,_week_start_at,_updated_at"
    assert read_csv(text)[0]["b"] == "true" and read_csv(text)[1]["c"] == "1.5"


def test_csv_columns_put_groups_first():
    data = [{"_count": 1, "region": "x", "channel": "y", "vv:sum": 1}]
    assert csv_columns(query("group_by=channel&group_by=region&collect=vv:sum"), data) == \
        ["channel", "region", "_count", "vv:sum"]
