"""A department's page and the ministers' summary in headless Chromium (the app under gunicorn, SQLite)."""
import pytest
from playwright.sync_api import expect

from data_access.figures import scope_figures
from domain.periods import YearEnding
from tests.browser.helpers import choose, plotted, wait_for_query

pytestmark = pytest.mark.browser


def year_row(kind, slug, period):
    figures = scope_figures(kind, slug)
    return figures[figures["period"] == period].iloc[0]


def test_a_department_its_year_in_the_url_and_a_link_to_a_service(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    page.goto(sqlite_server + "/departments/dft")
    expect(page.locator("h1")).to_have_text("Department for Transport")
    expect(page.locator("#organisation-kpis-heading")).to_have_text("Key figures: year to September 2017")

    choose(page, "organisation-period", "Year to March 2016")
    expect(page.locator("#organisation-kpis-heading")).to_have_text("Key figures: year to March 2016")
    row = year_row("department", "dft", YearEnding(2016, 3))
    expect(page.locator("#group-transactions-value")).to_have_attribute("title", f"{row['volume']:,.0f}")
    expect(page.locator("#organisation-weighting")).to_contain_text(f"the {row['services']} services that reported")
    wait_for_query(page, {"period": "2016-03"})

    page.reload()  # the same URL gives the same view
    expect(page.locator("#organisation-period-value")).to_contain_text("Year to March 2016")
    expect(page.locator("#organisation-kpis-heading")).to_have_text("Key figures: year to March 2016")

    page.locator("#organisation-services-table").get_by_role("link", name="Vehicle tax renewals", exact=True).click()
    expect(page).to_have_url(sqlite_server + "/services/vehicle-tax-renewals")
    expect(page.locator("h1")).to_have_text("Vehicle tax renewals")


def test_the_summary_says_its_headline_and_prints_without_navigation(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    page.goto(sqlite_server + "/summary?period=2016-03")
    expect(page.locator("#summary-period-value")).to_contain_text("Year to March 2016")
    row = year_row("all", None, YearEnding(2016, 3))
    expect(page.locator("#summary-sentences li").first).to_have_text(
        f"In the year to March 2016, {row['services']} services reported {row['volume'] / 1e9:.1f} billion "
        "transactions.")

    choose(page, "summary-period", "Year to March 2017")  # the default year: the address loses its query
    expect(page.locator("#summary-kpis-heading")).to_have_text("Key figures: year to March 2017")
    wait_for_query(page, {})
    page.locator("#summary-largest-table").get_by_role("link", name="HM Revenue and Customs").first.click()
    expect(page).to_have_url(sqlite_server + "/departments/hmrc")
    expect(page.locator("h1")).to_have_text("HM Revenue and Customs")

    page.goto(sqlite_server + "/summary")
    expect(page.locator(".pp-nav")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".pp-nav", "#summary-period", ".pp-downloads >> nth=0", ".govuk-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("#summary-largest-table")).to_be_visible()
    assert page.locator(".pp-kpi").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"


def test_a_department_with_the_same_period_a_year_before(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    page.goto(sqlite_server + "/departments/dft?period=2016-03&compare=year-before")  # a shared link
    expect(page.get_by_label("Show the same period a year before on the charts")).to_be_checked()
    page.wait_for_selector("#organisation-trend-graph .js-plotly-plot")
    traces = plotted(page, "organisation-trend-graph")
    labels = traces["Transactions"]["x"]
    before = year_row("department", "dft", YearEnding(2015, 3))["volume"]
    assert traces["Transactions, a year before"]["y"][labels.index("Mar 2016")] == before
    expect(page.locator("#organisation-trend-summary")).to_contain_text("The dashed lines show the same period")

    page.get_by_label("Show the same period a year before on the charts").uncheck()
    wait_for_query(page, {"period": "2016-03"})
    page.wait_for_function("""() => document.querySelector('#organisation-trend-graph .js-plotly-plot')
                              ._fullData.length === 2""")
