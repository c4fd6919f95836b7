"""A dashboard module whose query the API refuses only once it meets the data (a window open on one
side spanning too many periods) shows the API's message in its place; the rest of the page is drawn."""
import uuid
from datetime import datetime

import pytest

from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from ingest.records import Record


@pytest.fixture(scope="module")
def dashboard_page():
    import app  # noqa: F401 - the Dash app must exist before a page module registers itself
    from pages import dashboard
    return dashboard


def _module(slug: str, group: str, params: dict) -> dict:
    return {"slug": slug, "module-type": "single_timeseries", "title": slug.replace("-", " "),
            "data-source": {"data-group": group, "data-type": "transactions-by-channel", "query-params": params}}


def test_a_one_sided_huge_window_shows_the_modules_message(database, dashboard_page):
    group = f"wide-{uuid.uuid4().hex[:10]}"
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, group, "transactions-by-channel")
        store_records(conn, data_set, [Record(None, datetime(2024, 3, d), {"channel": "digital", "count": 100 + d})
                                       for d in (4, 5)])
    huge = _module("since-year-one", group, {"period": "hour", "start_at": "0001-01-01T00:00:00Z",
                                             "collect": "count:sum"})
    fine = _module("by-day", group, {"period": "day", "collect": "count:sum"})

    rows, problem = dashboard_page.module_rows(huge)
    assert rows is None and problem.startswith("This module's query cannot run: the answer would span")

    body = dashboard_page.dashboard_body({"slug": f"d-{group}", "title": "Wide", "modules": [huge, fine]})
    shown = {}

    def collect(node):
        if getattr(node, "id", None):
            shown[node.id] = node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children] if children is not None else []:
            collect(child)
    collect(body)
    assert shown["module-since-year-one-no-data"].children == problem
    assert "module-by-day" in shown and "module-by-day-no-data" not in shown  # the other module is drawn
