"""Comparing services in headless Chromium: pick by typing, switch to indexed, narrow the range,
download a chart's CSV, and open the same URL again; the same period a year before and each
service's notes on the charts."""
import math
import uuid
from datetime import date

import pytest
from playwright.sync_api import expect

from data_access.annotations import add_annotation, delete_annotation
from data_access.db import get_engine
from data_access.figures import reporting_periods, service_figures
from domain.periods import YearEnding
from tests.browser.helpers import choose, download_csv, plotted, wait_for_query, wait_until_drawn

pytestmark = pytest.mark.browser

RENDERED = 15_000  # ms: six services' charts take a while on a busy test machine
SERVICES = {"vehicle-tax-renewals": "Vehicle tax renewals", "voter-registrations": "Voter registrations"}


def pick(page, typed: str, option: str) -> None:
    page.click("#compare-services")
    page.keyboard.type(typed)
    page.get_by_role("option").filter(has_text=option).first.click()
    page.keyboard.press("Escape")
    expect(page.locator("#compare-services-value")).to_contain_text(option)


def gaps_as_none(values: list) -> list:
    """Plotly's gaps (NaN or null) as None, so that lists of figures compare."""
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v for v in values]


def indexed_volumes(slug: str, periods: list) -> list:
    """Transactions over the service's first figure in the periods, x 100, to 2 decimals; None for a gap."""
    volumes = service_figures(slug).set_index("period")["volume"]
    shown = [None if p not in volumes.index or math.isnan(volumes[p]) else float(volumes[p]) for p in periods]
    base = next(v for v in shown if v)
    return [None if v is None else round(v / base * 100, 2) for v in shown]


def test_compare_two_services_indexed_over_a_range_and_share_it(page, sqlite_server, sqlite_url, monkeypatch,
                                                                tmp_path):
    page.goto(sqlite_server + "/compare")
    expect(page.locator("#compare-prompt")).to_be_visible(timeout=RENDERED)
    pick(page, "vehicle tax ren", "Vehicle tax renewals (Department for Transport)")
    expect(page.locator("#compare-status")).to_have_text("Choose one more service to compare.")
    pick(page, "voter reg", "Voter registrations (Cabinet Office)")
    expect(page.locator("#compare-status")).to_contain_text("Comparing 2 services", timeout=RENDERED)

    choose(page, "compare-mode", "Indexed")
    expect(page.locator("#compare-transactions-title")).to_contain_text("indexed (first year shown = 100)",
                                                                        timeout=RENDERED)
    choose(page, "compare-from", "Year to March 2014")
    choose(page, "compare-to", "Year to June 2017")
    query = {"services": ",".join(SERVICES), "from": "2014-03", "to": "2017-06", "mode": "indexed"}
    wait_for_query(page, query)
    expect(page.locator("#compare-transactions-summary")).to_contain_text("in the year to June 2017", timeout=RENDERED)

    rows = download_csv(page, "#compare-transactions-download-csv", tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    periods = sorted(p for p in reporting_periods() if YearEnding(2014, 3) <= p <= YearEnding(2017, 6))
    assert [r["Year ending"] for r in rows] == [p.short_label for p in periods]
    traces = plotted(page, "compare-transactions-graph")
    for slug, name in SERVICES.items():
        expected = indexed_volumes(slug, periods)
        assert [float(r[name]) if r[name] else None for r in rows] == expected  # a gap is empty, never 0
        assert gaps_as_none(traces[name]["y"]) == expected
    assert rows[0]["Voter registrations"] == ""  # no figure for the year to March 2014

    page.goto(sqlite_server + "/compare?" + "&".join(f"{k}={v}" for k, v in query.items()))  # the shared link
    expect(page.locator("#compare-mode-value")).to_contain_text("Indexed", timeout=RENDERED)
    expect(page.locator("#compare-from-value")).to_contain_text("Year to March 2014")
    expect(page.locator("#compare-to-value")).to_contain_text("Year to June 2017")
    expect(page.locator("#compare-services-value")).to_contain_text("Voter registrations")
    again = plotted(page, "compare-transactions-graph")
    assert {n: gaps_as_none(t["y"]) for n, t in again.items()} == {n: gaps_as_none(t["y"]) for n, t in traces.items()}
    wait_for_query(page, query)


def test_a_seventh_service_is_refused_with_a_message(page, sqlite_server):
    six = ["vehicle-tax-renewals", "voter-registrations", "pet-passports", "cattle-tracing-system",
           "vehicle-tax-refunds", "domestic-applications-for-uk-passports"]
    page.goto(sqlite_server + "/compare?services=" + ",".join(six))
    expect(page.locator("#compare-status")).to_contain_text("Comparing 6 services", timeout=RENDERED)
    page.click("#compare-services")
    page.keyboard.type("driving licence checks by")
    page.get_by_role("option").filter(has_text="Driving licence checks by licence holders").first.click()
    expect(page.locator("#compare-services-error")).to_contain_text(
        "You can compare up to 6 services: remove one before adding another. "
        "Not added: Driving licence checks by licence holders.")
    page.keyboard.press("Escape")
    expect(page.locator("#compare-services-value")).not_to_contain_text("Driving licence checks")
    expect(page.locator("#compare-status")).to_contain_text("Comparing 6 services", timeout=RENDERED)


def year_before_volumes(slug: str, periods: list) -> list:
    """The service's transactions in the period that ended twelve months before each period; None for a gap."""
    volumes = service_figures(slug).set_index("period")["volume"]
    earlier = [p.shifted(-12) for p in periods]
    return [None if p not in volumes.index or math.isnan(volumes[p]) else float(volumes[p]) for p in earlier]


def test_the_same_period_a_year_before_and_each_services_notes(page, sqlite_server, sqlite_url, monkeypatch,
                                                               tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    text = f"Registration drive {uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn:
        note_id = add_annotation(conn, "voter-registrations", date(2017, 2, 1), text, "editor")
    try:
        query = {"services": ",".join(SERVICES), "from": "2016-09", "to": "2017-09"}
        page.goto(sqlite_server + "/compare?" + "&".join(f"{k}={v}" for k, v in query.items()))
        expect(page.locator("#compare-status")).to_contain_text("Comparing 2 services", timeout=RENDERED)
        page.get_by_label("Show the same period a year before on the charts").check()
        wait_for_query(page, {**query, "compare": "year-before"})
        page.wait_for_function("""() => document.querySelector('#compare-transactions-graph .js-plotly-plot')
                                  ._fullData.length === 4""", timeout=RENDERED)
        traces = plotted(page, "compare-transactions-graph")
        periods = sorted(p for p in reporting_periods() if YearEnding(2016, 9) <= p <= YearEnding(2017, 9))
        rows = download_csv(page, "#compare-transactions-download-csv", tmp_path)
        for slug, name in SERVICES.items():
            expected = year_before_volumes(slug, periods)  # Sep 2015, before the range, is read too
            assert gaps_as_none(traces[f"{name}, a year before"]["y"]) == expected
            assert [float(r[f"{name}, a year before"]) if r[f"{name}, a year before"] else None
                    for r in rows] == expected
        expect(page.locator("#compare-transactions-summary")).to_contain_text("same period a year before")
        labels = page.evaluate("""() => document.querySelector('#compare-transactions-graph .js-plotly-plot')
                                       ._fullLayout.annotations.map(a => a.text)""")
        assert "Voter registrations, note 1" in labels
        expect(page.locator("#compare-transactions-notes")).to_contain_text(
            f"Voter registrations, note 1, 1 February 2017: {text}")

        page.reload()  # the URL keeps the overlay
        wait_until_drawn(page)  # the server's plain HTML has the checkbox ticked before Dash draws
        expect(page.get_by_label("Show the same period a year before on the charts")).to_be_checked(timeout=RENDERED)
        page.wait_for_function("""() => document.querySelector('#compare-transactions-graph .js-plotly-plot')
                                  ._fullData.length === 4""", timeout=RENDERED)
    finally:
        with get_engine().begin() as conn:
            delete_annotation(conn, "voter-registrations", note_id)
