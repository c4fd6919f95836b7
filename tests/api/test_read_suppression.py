"""Small counts never leave the server through the read API (JSON and CSV), on both databases."""
import csv
import io
import uuid
from datetime import datetime, timedelta

import pytest

from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from ingest.records import Record


@pytest.fixture
def ratings(database):
    """Two weeks of satisfaction: week 1 has a count of 3 people rating 1; rating is a label."""
    week = datetime(2024, 3, 4)
    rows = [(week, 1, 3), (week, 5, 40), (week + timedelta(weeks=1), 1, 0), (week + timedelta(weeks=1), 5, 2)]
    records = [Record(None, when, {"rating": rating, "count": count, "share": 0.5}) for when, rating, count in rows]
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-{uuid.uuid4().hex[:12]}", "customer-satisfaction")
        store_records(conn, data_set, records)
    return f"/data/{data_set.name}"


def test_raw_records_show_small_counts_as_suppressed_never_as_zero(client, ratings):
    counts = [r["count"] for r in client.get(ratings).json["data"]]
    assert counts == ["suppressed", 40, 0, "suppressed"]


def test_grouped_sums_are_suppressed_but_group_labels_and_record_counts_are_not(client, ratings):
    data = client.get(ratings + "?group_by=rating&collect=count:sum").json["data"]
    assert [(g["rating"], g["count:sum"], g["_count"]) for g in data] == [(1, "suppressed", 2), (5, 42, 2)]
    nested = client.get(ratings + "?group_by=rating&period=week&collect=count:sum").json["data"]
    assert [v["count:sum"] for v in nested[0]["values"]] == ["suppressed", 0]


def test_csv_marks_suppressed_cells(client, ratings):
    rows = list(csv.DictReader(io.StringIO(client.get(ratings + "?period=week&collect=count:sum&format=csv")
                                           .get_data(as_text=True))))
    assert [r["count:sum"] for r in rows] == ["43", "suppressed"]
