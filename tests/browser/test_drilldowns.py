"""The drill-down pages in headless Chromium against gunicorn (SQLite): channels of all of government
in billions ("3B", not the SI "3G"), then for a department,
switched to 100% and filtered to one channel; channels of an agency with the same period a year
before; satisfaction of a small service with its warning."""
import math

import pandas as pd
import pytest
from playwright.sync_api import expect

from data_access.drilldowns import like_for_like_channels
from data_access.figures import scope_channel_volumes, service_index
from data_access.services import get_service
from domain.periods import YearEnding
from tests.browser.helpers import choose, download_csv, plotted, wait_for_query

pytestmark = pytest.mark.browser


def test_channels_of_a_department_in_100_percent_then_one_channel(page, sqlite_server, sqlite_url, monkeypatch,
                                                                   tmp_path):
    page.goto(sqlite_server + "/channels")  # all of government: billions of transactions a year
    page.wait_for_selector("#channels-volume-graph .ytick text", timeout=30_000)
    ticks = page.locator("#channels-volume-graph .ytick text").all_text_contents()
    assert any(t.endswith("B") for t in ticks) and not any(t.endswith("G") for t in ticks), ticks

    page.goto(sqlite_server + "/channels?scope=department&slug=dft")
    # the first page a fresh server renders can take a while (cold caches, plotly's bundle)
    expect(page.locator("#channels-scope-name")).to_have_text("Department for Transport", timeout=30_000)
    expect(page.locator("#channels-kpi")).to_contain_text("All channels:")

    page.get_by_label("Share of all transactions (100%)").check()
    wait_for_query(page, {"scope": "department", "slug": "dft", "mode": "percent"})
    expect(page.locator("#channels-volume-title")).to_have_text("Transactions by channel over time")
    page.wait_for_function("() => document.querySelector('#channels-volume-graph .js-plotly-plot')"
                           "._fullLayout.yaxis.ticksuffix === '%'")
    traces = plotted(page, "channels-volume-graph")
    latest = [t["y"][-1] for t in traces.values() if t["y"][-1] is not None and not math.isnan(t["y"][-1])]
    assert sum(latest) == pytest.approx(100, abs=0.05)

    choose(page, "channels-channel", "Phone")  # the accessible twin of a click on the chart
    wait_for_query(page, {"scope": "department", "slug": "dft", "mode": "percent", "channel": "phone"})
    expect(page.locator("#channels-kpi")).to_contain_text("Phone:")
    expect(page.locator("#channels-shift-title")).to_have_text("Channel shift: phone")
    page.wait_for_function("() => document.querySelector('#channels-shift-graph .js-plotly-plot')"
                           "._fullData[0].x.length === 1")
    assert plotted(page, "channels-shift-graph")["Change in share (percentage points)"]["x"] == ["Phone"]

    page.locator("#channels-shift-data summary").click()
    rows = download_csv(page, "#channels-shift-download-csv", tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    volumes = like_for_like_channels("department", "dft", "2015-09", "2017-09")
    shares = {}
    for period in (YearEnding(2015, 9), YearEnding(2017, 9)):
        year = volumes[volumes["period"] == period]
        shares[period] = year[year["channel"] == "phone"]["volume"].sum() / year["volume"].sum() * 100
    assert [r["Channel"] for r in rows] == ["Phone"]
    assert float(rows[0]["Share, Sep 2015 (%)"]) == pytest.approx(shares[YearEnding(2015, 9)], abs=0.005)
    assert float(rows[0]["Change in share (percentage points)"]) == pytest.approx(
        shares[YearEnding(2017, 9)] - shares[YearEnding(2015, 9)], abs=0.011)
    cells = page.locator("#channels-shift-table tbody tr").first.locator("th, td").all_inner_texts()
    assert cells[0] == "Phone" and cells[-1] == f"{float(rows[0]['Change in share (percentage points)']):+.1f}"

    # the legend works as plotly's does, and the page follows it: with one channel showing, a click on
    # another shows them all again; a click on one of all shows it alone
    page.locator("#channels-volume-graph .legend .traces").filter(has_text="Digital").click()
    wait_for_query(page, {"scope": "department", "slug": "dft", "mode": "percent"})
    expect(page.locator("#channels-kpi")).to_contain_text("All channels:")
    page.locator("#channels-volume-graph .legend .traces").filter(has_text="Digital").click()
    wait_for_query(page, {"scope": "department", "slug": "dft", "mode": "percent", "channel": "digital"})
    expect(page.locator("#channels-channel-value")).to_contain_text("Digital")


def test_satisfaction_of_a_small_service_warns_of_too_few_responses(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    index = service_index("2017-09")
    slug = index[pd.to_numeric(index["responses"]) < 100].sort_values("slug")["slug"].iloc[0]
    page.goto(f"{sqlite_server}/satisfaction?scope=service&slug={slug}")
    expect(page.locator("#satisfaction-scope-name")).to_have_text(get_service(slug)["name"], timeout=30_000)
    expect(page.locator("#satisfaction-warning")).to_contain_text("Fewer than 100 people answered")
    expect(page.locator("#satisfaction-ratings-graph .js-plotly-plot")).to_be_visible(timeout=15_000)
    page.click("#satisfaction-scope")  # a long list: type to find the department, as a user would
    page.fill(".dash-dropdown-search", "Department for Transport")
    page.get_by_role("option").filter(has_text="Department: Department for Transport").first.click()
    wait_for_query(page, {"scope": "department", "slug": "dft"})
    expect(page.locator("#satisfaction-warning")).to_have_count(0)


def test_channels_of_an_agency_with_the_same_period_a_year_before(page, sqlite_server, sqlite_url, monkeypatch,
                                                                   tmp_path):
    page.goto(sqlite_server + "/channels?scope=agency&slug=dvla")
    expect(page.locator("#channels-scope-name")).to_have_text("Driver and Vehicle Licensing Agency", timeout=30_000)
    page.get_by_label("Show the same period a year before on the charts").check()
    wait_for_query(page, {"scope": "agency", "slug": "dvla", "compare": "year-before"})
    page.wait_for_function("""() => document.querySelector('#channels-volume-graph .js-plotly-plot')
                              ._fullData.some(t => t.name === 'Total, a year before')""")
    trace = plotted(page, "channels-volume-graph")["Total, a year before"]
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    volumes = scope_channel_volumes("agency", "dvla").groupby("period")["volume"].sum()
    periods = sorted(volumes.index)
    expected = [float(volumes[p.shifted(-12)]) if p.shifted(-12) in volumes.index else None for p in periods]
    assert expected[0] is None and expected[-1] == float(volumes[YearEnding(2016, 9)])
    assert [None if v is None or math.isnan(v) else v for v in trace["y"]] == expected
    expect(page.locator("#channels-volume-summary")).to_contain_text("The dashed line shows the same period a year")

    page.locator("#channels-volume-data summary").click()
    rows = download_csv(page, "#channels-volume-download-csv", tmp_path)
    assert [float(r["Total, a year before"]) if r["Total, a year before"] else None for r in rows] == expected

    page.reload()  # the URL keeps the overlay
    expect(page.get_by_label("Show the same period a year before on the charts")).to_be_checked()
