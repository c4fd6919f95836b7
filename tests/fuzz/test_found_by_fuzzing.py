"""What the fuzzers found, kept as plain regression tests (real app routes, both databases)."""
import time
import uuid
from datetime import datetime, timedelta

import flask
import pytest

from api.read import register_read
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from ingest.records import Record


@pytest.fixture
def weekly(database):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"found-{uuid.uuid4().hex[:8]}", "customer-satisfaction")
        store_records(conn, data_set, [Record(None, datetime(2023, 1, 2) + timedelta(weeks=i), {"count": 10})
                                       for i in range(3)])
    app = flask.Flask(__name__)
    register_read(app)
    return app.test_client(), f"/data/{data_set.name}"


@pytest.mark.parametrize("bound", ["end_at=7151-10-02T00:29:36Z", "start_at=0001-01-01T00:00:00Z"])
def test_a_window_open_on_one_side_cannot_ask_for_millions_of_periods(weekly, bound):
    """end_at in the year 7151 with period=day filled every day from the data's first one: the worker
    worked for minutes. Now: 400, at once."""
    client, url = weekly
    started = time.monotonic()
    answer = client.get(f"{url}?{bound}&period=day")
    assert answer.status_code == 400 and "at most 100000 periods" in answer.get_json()["message"]
    assert time.monotonic() - started < 5
    assert client.get(f"{url}?{bound}&period=year").status_code == 200  # a few thousand years are fine
