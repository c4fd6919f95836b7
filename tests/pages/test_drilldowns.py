"""The drill-down pages (channels, satisfaction, completion): their layouts read the URL's state, and
their exports, served by gunicorn on SQLite and on PostgreSQL, hold the figures worked out here."""
import csv
import io
import urllib.error
import urllib.request
import uuid
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import delete

import app  # noqa: F401 - registers the pages
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.drilldowns import like_for_like_channels
from data_access.figures import scope_channel_volumes, scope_figures, service_figures, service_index
from data_access.records import store_records
from data_access.schema import data_sets, records
from data_access.services import get_service
from domain.periods import YearEnding
from ingest.records import Record
from pages import channels, completion, satisfaction
from tests.dash_tree import find, links_in, text

SEPT_2017, SEPT_2015 = YearEnding(2017, 9), YearEnding(2015, 9)


def small_service() -> str:
    """A service whose latest ratings come from fewer than 100 people."""
    index = service_index("2017-09")
    return index[pd.to_numeric(index["responses"]) < 100].sort_values("slug")["slug"].iloc[0]


# --- layouts -----------------------------------------------------------------------------------------

def test_channels_page_follows_one_channel_from_the_url(database):
    page = channels.layout(scope="department", slug="dft", mode="percent", channel="phone",
                           **{"from": "2015-09", "to": "2017-09"})
    assert find(page, "channels-scope").value == "department:dft"
    assert (find(page, "channels-channel").value, find(page, "channels-mode").value) == ("phone", "percent")
    assert (find(page, "channels-from").value, find(page, "channels-to").value) == ("2015-09", "2017-09")
    volumes = scope_channel_volumes("department", "dft")
    latest = volumes[volumes["period"] == SEPT_2017]
    phone, total = latest[latest["channel"] == "phone"]["volume"].sum(), latest["volume"].sum()
    services = scope_figures("department", "dft").set_index("period").at[SEPT_2017, "services"]
    assert text(find(page, "channels-kpi")) == (
        f"Phone: {phone:,.0f} transactions in the year to September 2017, {phone / total:.1%} of all "
        f"{total:,.0f} ({services} services reporting).")
    shift = find(page, "channels-shift-graph").figure
    assert list(shift.data[0].x) == ["Phone"]
    volume = find(page, "channels-volume-graph").figure
    assert {t.meta: t.visible for t in volume.data}["phone"] is True
    assert {t.meta: t.visible for t in volume.data}["digital"] == "legendonly"


def test_channels_page_falls_back_to_its_defaults(database):
    page = channels.layout(scope="department", slug="no-such-department", mode="3d", channel="fax",
                           **{"from": "1999-01"})
    assert find(page, "channels-scope").value == "all"
    assert (find(page, "channels-channel").value, find(page, "channels-mode").value) == ("", "number")
    assert (find(page, "channels-from").value, find(page, "channels-to").value) == ("2015-09", "2017-09")
    assert text(find(page, "channels-unknown-scope")) == (
        "!Warning There is no department “no-such-department” on the platform: "
        "these are the figures for all of government.")


@pytest.mark.parametrize("page", [channels, satisfaction, completion], ids=lambda p: p.__name__.split(".")[-1])
def test_an_unknown_scope_is_said_plainly_and_a_known_one_is_not(database, page):
    name = page.__name__.split(".")[-1]
    unknown = page.layout(scope="agency", slug="dvla-typo")
    assert "There is no agency “dvla-typo”" in text(find(unknown, f"{name}-unknown-scope"))
    assert find(unknown, f"{name}-scope").value == "all"
    for known in (page.layout(scope="department", slug="dft"), page.layout()):
        assert find(known, f"{name}-unknown-scope") is None


@pytest.mark.parametrize("page", [channels, satisfaction, completion], ids=lambda p: p.__name__.split(".")[-1])
def test_the_links_to_the_other_drill_downs_keep_the_scope_and_the_year_before(database, page):
    name = page.__name__.split(".")[-1]
    links = [a.href for a in links_in(find(page.layout(scope="department", slug="dft", compare="year-before"),
                                         f"{name}-nav"))]
    assert len(links) == 2 and all(h.endswith("?scope=department&slug=dft&compare=year-before") for h in links)
    assert all("compare" not in a.href for a in links_in(find(page.layout(), f"{name}-nav")))


def test_changing_the_controls_puts_the_view_in_the_query_string(database):
    *_, query, name, _, _, first, _, second, _, channel = channels.show("agency:dvla", "percent", "2016-09",
                                                                        "2017-09", "digital")
    assert (name, first, second, channel) == ("Driver and Vehicle Licensing Agency", "2016-09", "2017-09", "digital")
    assert query == "?scope=agency&slug=dvla&mode=percent&channel=digital&from=2016-09"
    *_, query, name, _ = satisfaction.show("all")
    assert (query, name) == ("", "All of government")


def test_satisfaction_warns_where_few_people_answered(database):
    slug = small_service()
    page = satisfaction.layout(scope="service", slug=slug)
    assert "Fewer than 100 people answered" in text(find(page, "satisfaction-warning"))
    assert find(page, "satisfaction-ratings-graph") is not None
    assert find(satisfaction.layout(scope="department", slug="dft"), "satisfaction-warning") is None


def test_completion_says_plainly_when_there_are_no_steps(database):
    assert "choose a service" in text(find(completion.layout(scope="department", slug="dft"), "journey-none"))
    page = completion.layout(scope="service", slug="vehicle-tax-renewals")
    assert "This service sends no journey data" in text(find(page, "journey-none"))


# --- exports over HTTP, both databases ------------------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def served(request, monkeypatch):
    """(server URL) with DATABASE_URL set to the database that server reads."""
    url = request.getfixturevalue(f"{request.param}_url")
    server = request.getfixturevalue(f"{request.param}_server")
    monkeypatch.setenv("DATABASE_URL", url)
    return server


def get_csv(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        assert answer.headers["Content-Type"].startswith("text/csv")
        body = answer.read().decode("utf-8")
    return list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))


def test_channel_shift_csv_compares_the_same_services(served):
    rows = get_csv(served + "/exports/channels-shift.csv?scope=department&slug=dft&from=2015-09&to=2017-09")
    volumes = like_for_like_channels("department", "dft", "2015-09", "2017-09")
    totals = volumes.groupby("period")["volume"].sum()
    by_channel = {(r.period, r.channel): r.volume for r in volumes.itertuples()}
    digital = next(r for r in rows if r["Channel"] == "Digital")
    before = by_channel[(SEPT_2015, "digital")] / totals[SEPT_2015] * 100
    after = by_channel[(SEPT_2017, "digital")] / totals[SEPT_2017] * 100
    assert float(digital["Transactions, Sep 2017"]) == by_channel[(SEPT_2017, "digital")]
    assert float(digital["Share, Sep 2015 (%)"]) == pytest.approx(before, abs=0.005)
    assert float(digital["Change in share (percentage points)"]) == pytest.approx(after - before, abs=0.011)
    only_phone = get_csv(served + "/exports/channels-shift.csv?scope=department&slug=dft&channel=phone")
    assert [r["Channel"] for r in only_phone] == ["Phone"]


def test_satisfaction_csv_holds_the_score_and_responses(served):
    rows = {r["Year ending"]: r for r in get_csv(
        served + "/exports/satisfaction-score.csv?scope=service&slug=vehicle-tax-renewals")}
    figures = service_figures("vehicle-tax-renewals").set_index("period").loc[SEPT_2017]
    counts = [figures[f"rating_{r}"] for r in range(1, 6)]
    responses = sum(counts)
    mean = sum(r * c for r, c in zip(range(1, 6), counts)) / responses
    assert float(rows["Sep 2017"]["Responses"]) == responses
    assert float(rows["Sep 2017"]["User satisfaction (%)"]) == pytest.approx((mean - 1) / 4 * 100, abs=0.005)
    assert rows["Sep 2017"]["Fewer than 100 responses"] == ("yes" if responses < 100 else "no")


def test_completion_csv_sums_started_and_completed(served):
    rows = {r["Year ending"]: r for r in get_csv(served + "/exports/completion-rate.csv?scope=agency&slug=dvla")}
    started = completed = 0
    for slug in service_index(agency="dvla")["slug"]:
        own = service_figures(slug).set_index("period")
        if SEPT_2017 in own.index and pd.notna(own.at[SEPT_2017, "started"]):
            started += own.at[SEPT_2017, "started"]
            completed += own.at[SEPT_2017, "completed"]
    assert (float(rows["Sep 2017"]["Started"]), float(rows["Sep 2017"]["Completed"])) == (started, completed)
    assert float(rows["Sep 2017"]["Completion rate (%)"]) == pytest.approx(completed / started * 100, abs=0.005)


def test_a_journey_sent_through_the_data_api_becomes_a_funnel(served):
    service = get_service("vehicle-tax-renewals")
    group = f"test-journey-{uuid.uuid4().hex[:8]}"
    sent = {"1-start": 2000, "2-check-details": 1500, "3-pay": 1200, "4-confirmation": 1150}
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, group, "journey", service_id=service["id"])
        store_records(conn, data_set, [Record(None, datetime(2026, 11, day), {"stage": stage, "count": count // 2})
                                       for day in (2, 9) for stage, count in reversed(sent.items())])
    try:
        rows = get_csv(f"{served}/exports/completion-journey.csv?slug=vehicle-tax-renewals&group={group}")
        assert [r["Step"] for r in rows] == list(sent)
        assert [float(r["People"]) for r in rows] == list(sent.values())
        drops = [a - b for a, b in zip(sent.values(), list(sent.values())[1:])]
        assert [float(r["Drop-off from previous step"]) for r in rows[1:]] == drops
        page = completion.layout(scope="service", slug="vehicle-tax-renewals")
        assert find(page, "journey-funnel-graph").figure.data[0].type == "funnel"
        assert "The largest drop-off was between “1-start” and “2-check-details”: 500 people (25.0%)" in text(
            find(page, "journey-funnel-summary"))
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{served}/exports/completion-journey.csv?slug=passport-renewals&group={group}")
        assert error.value.code == 404
    finally:
        with get_engine().begin() as conn:
            conn.execute(delete(records).where(records.c.data_set_id == data_set.id))
            conn.execute(delete(data_sets).where(data_sets.c.id == data_set.id))
