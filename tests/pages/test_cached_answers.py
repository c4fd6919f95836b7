"""Whole callback answers, cached (pages.cached_answers), on SQLite and PostgreSQL with the app's own
cache: a hit is the same JSON as the callback's own answer, a write makes it out of date at once, and
an answer that tells the time is kept a minute at most."""
import inspect
import json
import re
import struct
import time
from datetime import date, datetime

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import Patch, dcc, html
from plotly.io.json import to_json_plotly
from sqlalchemy import insert, update

from app import server
from data_access.cache import bump_generation, cache, cache_key, key_of
from data_access.data_sets import create_data_set, utc_now
from data_access.db import get_engine
from data_access.records import store_records
from data_access.schema import data_sets, organisations, services
from ingest.records import Record
from pages import channels, index, service
from pages.cached_answers import answer_name, plain
from tests.conftest import migrated_database
from tests.dash_tree import links_in

SERVICE = "vehicle-tax-renewals"
ON = ["year-before"]

CALLBACKS = {  # a cached callback and arguments the browser sends
    "service year": (service.change_period, ("2016-09", ON, SERVICE)),
    "service channels": (service.compare_channels, (ON, "2016-09", SERVICE)),
    "service take-up": (service.compare_take_up, ([], None, SERVICE)),
    "index": (index.show_services, ("", "dft", "", "", {"sort": "name", "order": "asc"})),
    "channels": (channels.show, ("department:dft", "percent", None, None, "", ON)),
    "service page's layout": (service.layout, (SERVICE, "2016-09")),  # as Dash's router asks for it
    "index page's layout": (index.layout, ("vehicle",)),
}


def is_cached(callback, args, minute: str = "") -> bool:
    """Whether the app's cache holds the callback's answer to `args` (at `minute`, for an answer that
    tells the time)."""
    minute = minute or (f"{utc_now():%Y-%m-%dT%H:%M}" if callback.per_minute else "")
    name = f"answer:{callback.__module__}.{callback.__qualname__}" + (f"@{minute}" if minute else "")
    with server.test_request_context("/_dash-update-component", method="POST"):
        return cache.get(cache_key(name, inspect.signature(callback), args, {})) is not None


def as_dash_sends(answer):
    """The answer as JSON data, serialised by plotly's encoder as Dash does."""
    return json.loads(to_json_plotly(answer))


def in_a_request(callback, *args):
    with server.test_request_context("/_dash-update-component", method="POST"):
        return callback(*args)


@pytest.mark.parametrize("name", CALLBACKS)
def test_a_cached_answer_is_the_callbacks_own_answer_as_dash_sends_it(database, name):
    callback, args = CALLBACKS[name]
    with server.app_context():
        cache.clear()
    assert not is_cached(callback, args)
    first = in_a_request(callback, *args)
    assert is_cached(callback, args)
    assert in_a_request(callback, *args) == first == as_dash_sends(callback.__wrapped__(*args))
    assert isinstance(first, (list, dict))  # JSON data, not components


def _patch():
    patch = Patch()
    patch["layout"]["shapes"][0]["x0"] = 3
    return patch


AWKWARD = {  # what answers hold, beside plain components
    "a component with data-* and aria-* props": html.Div([html.Span("a"), "b", 3], id="x", **{"aria-label": "y",
                                                                                              "data-z": "1"}),
    "NaN, Infinity and numpy numbers": [float("nan"), float("inf"), np.float64(1.5), np.int64(7), True, None],
    "a figure with numpy arrays": dcc.Graph(figure=go.Figure(go.Bar(x=["a", "b"], y=np.array([1.0, float("nan")])))),
    "a figure as a dict": {"data": [{"type": "bar", "y": np.array([1, 2])}], "layout": {"title": "t"}},
    "a Patch": (_patch(), "?period=2016-09"),
    "dates": [date(2016, 9, 30), datetime(2016, 9, 30, 12)],
}


@pytest.mark.parametrize("name", AWKWARD)
def test_plain_is_what_dash_sends(name):
    assert plain(AWKWARD[name]) == as_dash_sends(AWKWARD[name])


def rename(name, through_the_app):
    """Rename the service: as the app's writes do, or behind its back (plain SQL, no new generation)."""
    with get_engine().begin() as conn:
        conn.execute(update(services).where(services.c.slug == SERVICE).values(name=name))
        if through_the_app:
            bump_generation(conn)


def test_a_write_makes_the_answer_out_of_date_at_once(database):
    args = ("vehicle tax", "dft", "", "", {"sort": "name", "order": "asc"})

    def names():
        rows = in_a_request(index.show_services, *args)[0]
        return [link["props"]["children"] for link in links_in(rows)]

    with server.app_context():
        cache.clear()
    before = names()
    assert "Vehicle tax renewals" in str(before)
    try:
        rename("Vehicle tax renewals, renamed", through_the_app=False)
        assert names() == before  # the answer comes from the cache...
        rename("Vehicle tax renewals, renamed", through_the_app=True)
        assert "Vehicle tax renewals, renamed" in str(names())  # ...until a write makes it out of date
    finally:
        rename("Vehicle tax renewals", through_the_app=True)
    assert names() == before


def test_a_pages_first_html_is_cached_until_a_write(database):
    """The page as a browser first gets it (pages.server_render), and its 404 for what is not there."""
    client = server.test_client()

    def page():
        answer = client.get(f"/services/{SERVICE}")
        assert answer.status_code == 200
        return answer.get_data(as_text=True)

    with server.app_context():
        cache.clear()
    first = page()
    assert "<h1" in first and "Vehicle tax renewals" in first
    with server.test_request_context():
        key = key_of(answer_name("html", True), repr((f"/services/{SERVICE}", "")))
        assert cache.get(key)[0][0] in first  # the page's content, as cached
        # and its layout as Dash's router asks for it next, built once for both
        router = cache.get(service.layout.key((), {"slug": SERVICE}))
        assert router is not None and router[0] == as_dash_sends(service.layout.__wrapped__(slug=SERVICE))
    try:
        rename("Vehicle tax renewals, renamed", through_the_app=False)
        assert "renamed" not in page()  # the page's HTML comes from the cache...
        rename("Vehicle tax renewals, renamed", through_the_app=True)
        assert "Vehicle tax renewals, renamed" in page()  # ...until a write makes it out of date
    finally:
        rename("Vehicle tax renewals", through_the_app=True)
    for _ in range(2):  # computed, then cached: the status is kept with the page
        assert client.get("/services/no-such-service").status_code == 404


def test_an_answer_that_tells_the_time_is_kept_a_minute_at_most(tmp_path, monkeypatch):
    """The sent data's cards say how long ago the data came: their answer's key holds the minute."""
    import pages.cached_answers as cached_answers
    with migrated_database("sqlite", "pp_minute", tmp_path, monkeypatch) as engine:
        with engine.begin() as conn:
            department = conn.execute(insert(organisations).values(
                slug="dft", name="Department for Transport", kind="department").returning(organisations.c.id)).scalar_one()
            conn.execute(insert(services).values(slug="claims", name="Claims", department_id=department))
            data_set = create_data_set(conn, "claims", "completion")
            store_records(conn, data_set, [Record(None, datetime(2026, 9, 7), {"started": 200, "completed": 150})])
            conn.execute(update(data_sets).values(last_written_at=datetime(2026, 11, 30, 9, 0)))
            bump_generation(conn)
        clock = [datetime(2026, 11, 30, 9, 5, 10)]
        for module in (cached_answers, service):
            monkeypatch.setattr(module, "utc_now", lambda: clock[0])
        callback, args = service.compare_sent_data["completion"], ([], "claims")

        def freshness():
            return [line for line in re.findall(r"Updated [^.\"]*", json.dumps(in_a_request(callback, *args)))]

        with server.app_context():
            cache.clear()
        assert freshness() == ["Updated 5 minutes ago"]
        assert is_cached(callback, args, "2026-11-30T09:05")
        clock[0] = datetime(2026, 11, 30, 9, 5, 59)
        assert freshness() == ["Updated 5 minutes ago"]
        clock[0] = datetime(2026, 11, 30, 9, 6, 0)  # the next minute: computed again, at the new time
        assert not is_cached(callback, args, "2026-11-30T09:06")
        assert freshness() == ["Updated 6 minutes ago"]
        assert is_cached(callback, args, "2026-11-30T09:06")
        assert seconds_kept(callback, args, "2026-11-30T09:06") <= 120  # not the day a figure is kept


def seconds_kept(callback, args, minute: str) -> float:
    """How long the cache keeps the answer (FileCache: the expiry in its file's header, as its prune reads it)."""
    name = f"answer:{callback.__module__}.{callback.__qualname__}@{minute}"
    with server.test_request_context("/_dash-update-component", method="POST"):
        key = cache_key(name, inspect.signature(callback), args, {})
        with open(cache.cache._get_filename(key), "rb") as file:
            expires = struct.unpack("I", file.read(4))[0]
    return expires - time.time()
