"""A user's main path in headless Chromium against the app under gunicorn (SQLite, the default)."""
import csv
import re

import pytest
from playwright.sync_api import expect

from data_access.figures import channel_volumes, service_figures
from domain.periods import YearEnding
from tests.browser.helpers import (choose, column_numbers, download_csv, plotted, wait_for_query,
                                   wait_until_drawn, wait_until_sorted)

pytestmark = pytest.mark.browser

TRANSACTIONS, TAKE_UP, COST = 3, 4, 5  # cell positions in a services table row (0 = agency column's left)


def test_index_lists_every_service_largest_first_a_page_at_a_time(page, sqlite_server):
    page.goto(sqlite_server + "/")
    expect(page.locator("#services-count")).to_have_text("Showing all 734 services: 1 to 50 on this page")
    expect(page.locator("#services-table tbody tr")).to_have_count(50)
    volumes = [v for v in column_numbers(page, TRANSACTIONS) if v is not None]
    assert volumes == sorted(volumes, reverse=True) and volumes[0] == 1_540_077_106
    pager = page.get_by_role("navigation", name="Pagination")
    expect(pager.locator("[aria-current='page']")).to_have_text("1")
    pager.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"/\?page=2$"))
    expect(page.locator("#services-count")).to_have_text("Showing all 734 services: 51 to 100 on this page")
    expect(pager.locator("[aria-current='page']")).to_have_text("2")
    later = [v for v in column_numbers(page, TRANSACTIONS) if v is not None]
    assert later == sorted(later, reverse=True) and later[0] <= volumes[-1]


def test_search_filter_and_sort_are_kept_in_the_url(page, sqlite_server):
    page.goto(sqlite_server + "/")
    page.fill("#services-search", "vehicle")
    expect(page.locator("#services-count")).to_have_text(re.compile(r"Showing \d+ of 734 services"))
    names = page.locator("#services-table tbody th").all_inner_texts()
    assert names and all("vehicle" in n.lower() for n in names)
    choose(page, "services-department", "Department for Transport")
    choose(page, "services-agency", "Driver and Vehicle Licensing Agency")
    page.get_by_role("button", name="Cost per transaction").click()
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Cost per transaction")
    assert len(wait_until_sorted(page, COST, descending=True)) > 1
    page.get_by_role("button", name="Cost per transaction").click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Cost per transaction")
    assert len(wait_until_sorted(page, COST, descending=False)) > 1
    wait_for_query(page, {"q": "vehicle", "department": "dft", "agency": "dvla",
                           "sort": "cost_per_transaction", "order": "asc"})
    rows = page.locator("#services-table tbody th").all_inner_texts()

    page.reload()  # the same URL gives the same view
    expect(page.locator("#services-search")).to_have_value("vehicle")
    expect(page.locator("#services-agency-value")).to_contain_text("Driver and Vehicle Licensing Agency")
    assert page.locator("#services-table tbody th").all_inner_texts() == rows


def test_choosing_a_period_shows_that_year_for_every_service(page, sqlite_server):
    page.goto(sqlite_server + "/?department=dft&agency=dvla")
    choose(page, "services-period", "Year to March 2015")
    expect(page.locator("#services-table caption")).to_have_text("Services, year to March 2015")
    periods = set(page.locator("#services-table tbody td.pp-period").all_inner_texts())
    assert periods <= {"Mar 2015", "—"}
    wait_for_query(page, {"department": "dft", "agency": "dvla", "period": "2015-03"})


def test_a_service_dashboard_its_period_and_its_csv(page, sqlite_server, sqlite_url, monkeypatch, tmp_path):
    page.goto(sqlite_server + "/?q=vehicle+tax+renewals")
    page.get_by_role("link", name="Vehicle tax renewals", exact=True).click()
    expect(page).to_have_url(sqlite_server + "/services/vehicle-tax-renewals")
    expect(page.locator("h1")).to_have_text("Vehicle tax renewals")
    expect(page.locator("#kpi-transactions-value")).to_have_text("47.1m")
    expect(page.locator("#kpi-transactions-value")).to_have_attribute("title", "47,055,169")
    expect(page.locator("#kpi-cost_per_transaction-value")).to_have_text("£1.10")
    expect(page.locator("#kpi-digital_take_up-value")).to_have_text("81.9%")
    expect(page.locator("#kpi-digital_take_up-change")).to_have_text("▲ up 0.7 percentage points on year to June 2017")
    expect(page.locator("#kpi-user_satisfaction")).to_contain_text("Illustrative")

    choose(page, "service-period", "Year to June 2017")
    expect(page.locator("#kpis-heading")).to_have_text("Key figures: year to June 2017")
    expect(page.locator("#kpi-transactions-value")).to_have_attribute("title", "47,148,204")
    expect(page.locator("#kpi-cost_per_transaction-value")).to_have_text("£1.14")
    wait_for_query(page, {"period": "2017-06"})
    expect(page.locator("#channels-summary")).to_contain_text("In the year to June 2017 there were 47.1 million")

    page.locator("#channels-data summary").click()
    table = page.locator("#channels-table")
    expect(table).to_be_visible()
    rows = download_csv(page, "#channels-download-csv", tmp_path)

    # the CSV, the table on the page, the plotted figure and the database agree
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    stored = channel_volumes("vehicle-tax-renewals")
    traces = plotted(page, "channels-graph")
    table_rows = table.locator("tbody tr").all()
    assert len(rows) == len(table_rows) == len(traces["Digital"]["y"]) == 20
    names = {"digital": "Digital", "phone": "Phone", "paper": "Paper", "face_to_face": "Face to face"}
    for i, row in enumerate(rows):
        period = YearEnding.parse(row["Period end"][:7])
        cells = table_rows[i].locator("td, th").all_inner_texts()
        assert cells[0] == row["Year ending"] == period.short_label
        for channel, name in names.items():
            expected = stored[(stored["period"] == period) & (stored["channel"] == channel)]["volume"].sum()
            assert float(row[name]) == expected
            trace_name = name if channel == "digital" else f"{name} (illustrative)"
            assert traces[trace_name]["y"][i] == expected
            assert cells[1 + list(names).index(channel)] == f"{expected:,.0f}"
    total = service_figures("vehicle-tax-renewals").set_index("period").loc[YearEnding(2017, 9), "volume"]
    assert float(rows[-1]["Total"]) == total == 47_055_169


# the focused element can be seen (not transparent nor hidden), shows its focus (an outline, not
# 'none' nor transparent, or a box shadow, on the element or, for a Dash text box, on the wrapper that
# draws its border), and its text keeps a 4.5:1 contrast with the background behind it
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
    const seen = c => c && c !== 'transparent' && rgba(c)[3] > 0;
    const shows = el => {
        const s = getComputedStyle(el);
        return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && seen(s.outlineColor))
            || (s.boxShadow !== 'none' && seen((s.boxShadow.match(/rgba?\\([^)]*\\)/) || [''])[0]));
    };
    const luminance = c => {
        const [r, g, b] = rgba(c).slice(0, 3).map(v => v / 255)
            .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    let behind = e;
    while (behind && !seen(getComputedStyle(behind).backgroundColor)) behind = behind.parentElement;
    const [light, dark] = [luminance(getComputedStyle(e).color),
                           luminance(behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)')]
                          .sort((a, b) => b - a);
    const text = (e.innerText || '').trim();
    const contrast = (light + 0.05) / (dark + 0.05);
    const wrapper = e.closest('.dash-input-container');
    const name = e.getAttribute('aria-label') || text || e.value || e.closest('label')?.innerText || '';
    return {element: `${e.tagName.toLowerCase()}#${e.id || ''}.${e.className}`, name: name.trim().slice(0, 60),
            contrast: Math.round(contrast * 100) / 100,
            shown: e.checkVisibility({opacityProperty: true, visibilityProperty: true})
                   && (shows(e) || (wrapper !== null && shows(wrapper))) && (!text || contrast >= 4.5)};
}"""


def tab_to(page, selector: str, most: int = 60, back: bool = False) -> None:
    """Press Tab (Shift+Tab when `back`) until the focused element matches `selector`; every element
    focused on the way must show its focus."""
    unseen = []
    for _ in range(most):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused and not focused["shown"]:  # it may be fading in (Plotly's mode bar does)
            page.wait_for_timeout(500)
            focused = page.evaluate(FOCUSED)
        if focused and not focused["shown"]:
            unseen.append(focused)
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            assert not unseen, f"focus is not visible on: {unseen}"
            return
    raise AssertionError(f"{selector} not reached in {most} presses of Tab")


FOCUSED_OPTION = "() => document.activeElement.closest('.dash-dropdown-content label')?.innerText.trim() || ''"


def arrow_to(page, option_text: str, most: int = 40) -> None:
    """In an open dropdown, press the down arrow until the focused option's text starts with
    `option_text` (the dropdown moves its focus in the next frame after each key)."""
    page.wait_for_function(f"() => ({FOCUSED_OPTION})() !== ''"
                           " || document.activeElement.matches('.dash-dropdown-search')")
    for _ in range(most):
        if page.evaluate(FOCUSED_OPTION).startswith(option_text):
            return
        page.keyboard.press("ArrowDown")
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    raise AssertionError(f"option {option_text!r} not reached with the arrow keys")


def test_the_main_path_works_with_the_keyboard_alone(page, sqlite_server, sqlite_url, monkeypatch, tmp_path):
    """Index: search, filter and sort; open a service; change its period, tick the year-before
    overlay and download a chart's CSV: Tab, Shift+Tab, Enter, Space, arrows and typing only."""
    page.goto(sqlite_server + "/")
    wait_until_drawn(page)
    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    assert page.evaluate(FOCUSED)["shown"]
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()
    tab_to(page, "#services-search")
    page.keyboard.type("vehicle")
    expect(page.locator("#services-count")).to_have_text(re.compile(r"Showing \d+ of 734 services"))
    tab_to(page, "#services-department")
    page.keyboard.press("Enter")
    expect(page.locator(".dash-dropdown-search")).to_be_focused()
    page.keyboard.type("Transport")
    expect(page.get_by_role("option")).to_have_count(1)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.locator("#services-department-value")).to_contain_text("Department for Transport")
    expect(page.locator("#services-department")).to_be_focused()  # focus goes back to the control
    tab_to(page, "#services-table thead th:last-child button")
    page.keyboard.press("Enter")
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Cost per transaction")
    wait_for_query(page, {"q": "vehicle", "department": "dft", "sort": "cost_per_transaction"})
    tab_to(page, "#services-search", back=True)  # Shift+Tab goes back the same way
    tab_to(page, "#services-table a[href='/services/vehicle-tax-renewals']")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Vehicle tax renewals")
    expect(page).to_have_title("Vehicle tax renewals – Performance Platform")  # set by Dash's router
    wait_until_drawn(page)
    tab_to(page, "#service-period")
    page.keyboard.press("Enter")
    expect(page.locator(".dash-dropdown-content")).to_be_visible()
    arrow_to(page, "Year to June 2017")
    page.keyboard.press("Enter")
    expect(page.locator("#kpis-heading")).to_have_text("Key figures: year to June 2017")
    wait_for_query(page, {"period": "2017-06"})
    tab_to(page, "#service-compare input")
    page.keyboard.press("Space")
    expect(page.locator("#service-compare input")).to_be_checked()
    wait_for_query(page, {"period": "2017-06", "compare": "year-before"})
    page.wait_for_function("() => document.querySelector('#take-up-download-csv').href.includes('year-before')")
    tab_to(page, "#take-up-download-csv")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    with open(path, encoding="utf-8") as file:
        rows = list(csv.DictReader(line for line in file if not line.startswith("#")))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    figures = service_figures("vehicle-tax-renewals").set_index("period")
    assert float(rows[-1]["Digital take-up (%), a year before"]) == round(
        figures.loc[YearEnding(2016, 9), "digital_take_up"] * 100, 2)


def test_two_services_are_compared_with_the_keyboard_alone(page, sqlite_server):
    page.goto(sqlite_server + "/compare")
    wait_until_drawn(page)
    tab_to(page, "#compare-services")
    for typed, option in (("vehicle tax", "Vehicle tax renewals"), ("voter", "Voter registrations")):
        page.keyboard.press("Enter")
        expect(page.locator(".dash-dropdown-search")).to_be_focused()
        page.keyboard.type(typed)
        expect(page.get_by_role("option").filter(has_text=option)).to_have_count(1)  # found on the server
        arrow_to(page, option)
        expect(page.locator(":focus")).to_have_attribute("type", "checkbox")
        page.keyboard.press("Space")
        page.keyboard.press("Escape")
        expect(page.locator("#compare-services-value")).to_contain_text(option)
        expect(page.locator("#compare-services")).to_be_focused()
    page.wait_for_function("() => new URLSearchParams(location.search).get('services') === "
                           "'vehicle-tax-renewals,voter-registrations'")
    wait_until_drawn(page)
    assert set(plotted(page, "compare-transactions-graph")) == {"Vehicle tax renewals", "Voter registrations"}
