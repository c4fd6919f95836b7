"""A self-service dashboard and its big screen in headless Chromium: an imported real dashboard
draws its records; its tabs work from the keyboard; the big screen rotates its figures."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import plotted
from tests.pages.test_dashboard import SMALL_WEEK, carers_dashboard, every_week, kpi_records

pytestmark = pytest.mark.browser


def test_an_imported_dashboard_draws_its_records(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    stored, data = carers_dashboard()
    page.goto(f"{sqlite_server}/dashboards/{stored['slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(stored["title"])
    page.wait_for_selector("#module-volumetrics-graph .js-plotly-plot")
    traces = plotted(page, "module-volumetrics-graph")
    counts = data["counts"]
    weeks = every_week(counts)
    assert list(traces) == ["Paper form", "Digital"]
    assert traces["Paper form"]["y"] == [counts.get((w, "paper")) for w in weeks]
    assert traces["Digital"]["y"] == [None if w == SMALL_WEEK else counts.get((w, "digital")) for w in weeks]

    page.locator("#module-volumetrics-data").get_by_text("Show the data").click()  # as a user would
    first = page.locator("#module-volumetrics-table tbody tr").nth(0)
    expect(first).to_be_visible()
    expect(first.locator("td").nth(2)).to_have_text(f"{counts[(weeks[0], 'paper')]:,}")
    expect(page.locator("#module-transactions-per-year-figure")).to_have_text(
        f"{kpi_records()[0]['number_of_transactions'] / 1e6:.2f}m")
    page.screenshot(path="/tmp/dashboard.png", full_page=True)

    link = page.get_by_role("link", name="24 hours")
    link.focus()
    page.keyboard.press("Enter")  # a tab is a link to its panel: the other panel hides
    expect(page.locator("#module-service-availability-panel-24-hours")).to_be_visible()
    expect(page.locator("#module-service-availability-panel-30-days")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_have_text(stored["title"])  # no re-render


def test_the_big_screen_rotates_to_the_next_figure(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    stored, _ = carers_dashboard()
    page.goto(f"{sqlite_server}/big-screen/{stored['slug']}?rotate=3&interval=60")
    expect(page.locator("#big-screen-title")).to_have_text("Transactions per year")
    expect(page.locator("#big-screen-value")).to_have_text(f"{kpi_records()[0]['number_of_transactions'] / 1e6:.2f}m")
    expect(page.locator(".govuk-header")).to_be_hidden()
    page.screenshot(path="/tmp/big-screen.png")
    expect(page.locator("#big-screen-title")).to_have_text("Total cost", timeout=10_000)
    expect(page.locator("#big-screen-count")).to_have_text("Figure 2 of 4")

    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_have_attribute("aria-pressed", "true")
    paused_on = page.locator("#big-screen-title").inner_text()
    page.wait_for_timeout(4000)  # more than a turn: the figure stays
    expect(page.locator("#big-screen-title")).to_have_text(paused_on)
