"""Every public page works without JavaScript (issue #6): Chromium with JavaScript disabled gets the
page's headline figures and tables as plain HTML from the server, equal to the database's figures,
with links that work; and with JavaScript the live app replaces that HTML without errors.

The pages are read from the real app under gunicorn: the pages of key figures on SQLite and on
PostgreSQL with Redis, the others on SQLite.
"""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from data_access.figures import scope_figures, service_figures, service_index
from domain.metrics import KPI_ORDER, METRICS, suppress_kpis
from domain.periods import YearEnding

pytestmark = pytest.mark.browser

SERVICE = "vehicle-tax-renewals"
OTHER = "carer-s-allowance-new-claims"
GROUP_KPIS = ("transactions", "digital_take_up", "cost_per_transaction")


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request, monkeypatch) -> str:
    """The app's address, with DATABASE_URL set to its database for the expected figures."""
    monkeypatch.setenv("DATABASE_URL", request.getfixturevalue(f"{request.param}_url"))
    return request.getfixturevalue(f"{request.param}_server")


@pytest.fixture
def sqlite_site(sqlite_url, sqlite_server, monkeypatch) -> str:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_server


@pytest.fixture
def no_js(browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def open_page(page, url: str, status: int = 200):
    answer = page.goto(url)
    assert answer.status == status, f"{url}: {answer.status}"
    assert page.evaluate("() => typeof window.dash_clientside") == "undefined"  # no script ran
    expect(page.locator("h1")).to_have_count(1)
    return answer


def rows(page, table_id: str) -> list[list[str]]:
    """Each body row of the table as its cells' text (row header first)."""
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr", "trs => trs.map(tr => Array.from(tr.cells).map(c => c.textContent.trim()))")


def row_of(page, table_id: str, first_cell: str) -> list[str]:
    found = [r for r in rows(page, table_id) if r[0] == first_cell]
    assert found, f"no row {first_cell!r} in #{table_id}"
    return found[0]


IMAGE_EXPORT = re.compile(r"^/exports/[^?]+\.(png|svg)(\?|$)")
CHECKED: set[str] = set()  # the addresses already fetched, once for the whole run


def links_work(page, base: str, limit: int = 8) -> None:
    """Every link has an address; in-page ones have their target; up to `limit` addresses of the
    site not fetched before answer 200 (data exports download; images take seconds to draw, and
    tests/components/test_exports.py draws them)."""
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(hrefs), f"links without an address on {page.url}"
    for anchor in {h for h in hrefs if h.startswith("#")}:
        expect(page.locator(anchor)).to_have_count(1)
    internal = [h for h in dict.fromkeys(hrefs) if h.startswith("/") and not h.startswith("/admin")
                and not IMAGE_EXPORT.match(h)]
    for href in [h for h in internal if h not in CHECKED][:limit]:
        answer = page.context.request.get(base + href)
        assert answer.status == 200, f"{href} on {page.url}: {answer.status}"
        CHECKED.add(href)


def kpi_value(row, metric_id: str) -> str:
    return METRICS[metric_id].format(row[metric_id])


def test_the_services_list_without_javascript(no_js, sqlite_site):
    site = sqlite_site
    open_page(no_js, site + "/")
    expected = suppress_kpis(service_index()).head(50)  # the page's default: largest first, its first page
    cells = no_js.eval_on_selector_all(
        "#services-table tbody tr",
        "trs => trs.map(tr => [tr.querySelector('th a').getAttribute('href'), tr.cells[3].dataset.value])")
    assert [href for href, _ in cells] == [f"/services/{slug}" for slug in expected["slug"]]
    shown = [float(v) if v else None for _, v in cells]
    assert shown == [None if v == "suppressed" or v != v else float(v) for v in expected["transactions"]]
    expect(no_js.locator("#services-count")).to_have_text(
        f"Showing all {len(service_index()):,} services: 1 to 50 on this page")
    links_work(no_js, site)

    # the column headers sort by links, and the filters are forms
    no_js.locator("#services-table thead a", has_text="Service").click()
    assert parse_qs(urlsplit(no_js.url).query) == {"sort": ["name"], "order": ["asc"]}
    names = no_js.eval_on_selector_all("#services-table tbody th", "ths => ths.map(th => th.textContent)")
    assert names == list(service_index(sort="name", descending=False)["name"])[:50]
    no_js.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").click()
    assert parse_qs(urlsplit(no_js.url).query) == {"sort": ["name"], "order": ["asc"], "page": ["2"]}
    names = no_js.eval_on_selector_all("#services-table tbody th", "ths => ths.map(th => th.textContent)")
    assert names == list(service_index(sort="name", descending=False)["name"])[50:100]
    no_js.select_option("#services-department", "dft")
    no_js.locator("#services-department").locator("xpath=..").get_by_role("button", name="Show").click()
    assert parse_qs(urlsplit(no_js.url).query) == {"sort": ["name"], "order": ["asc"], "department": ["dft"]}
    expected = service_index(None, "", "dft", None, "name", False)
    assert no_js.locator("#services-table tbody tr").count() == min(len(expected), 50)
    expect(no_js.locator("#services-count")).to_contain_text(f"Showing {len(expected):,} of")


def test_a_service_dashboard_without_javascript(no_js, site):
    figures = suppress_kpis(service_figures(SERVICE))
    by_period = {row["period"]: row for row in figures.to_dict("records")}
    for query, period in (("", YearEnding(2017, 9)), ("?period=2016-03", YearEnding(2016, 3))):
        open_page(no_js, f"{site}/services/{SERVICE}{query}")
        expect(no_js.locator("#kpis-heading")).to_have_text(f"Key figures: {period.phrase}")
        for metric_id in KPI_ORDER:
            expect(no_js.locator(f"#kpi-{metric_id}-value")).to_have_text(kpi_value(by_period[period], metric_id))
        take_up = row_of(no_js, "take-up-table", period.short_label)
        assert take_up[1:] == [f"{by_period[period]['digital_volume']:,.0f}",
                               f"{by_period[period]['channel_volume']:,.0f}",
                               f"{by_period[period]['digital_take_up']:.1%}"]
        total = row_of(no_js, "channels-table", period.short_label)
        assert f"{by_period[period]['transactions']:,.0f}" in total
        expect(no_js.locator("#channels-data")).to_have_attribute("open", "")  # the chart needs JavaScript
        expect(no_js.locator("#channels-summary")).not_to_be_empty()
        expect(no_js.locator(".js-plotly-plot")).to_have_count(0)
    links_work(no_js, site)


def test_compare_without_javascript(no_js, sqlite_site):
    site = sqlite_site
    open_page(no_js, f"{site}/compare?services={SERVICE},{OTHER}")
    ranking = rows(no_js, "compare-ranking-table")
    assert len(ranking) == 2
    for slug in (SERVICE, OTHER):
        latest = suppress_kpis(service_figures(slug)).iloc[-1]
        name = service_index().set_index("slug").loc[slug, "name"]
        assert f"{latest['transactions']:,.0f}" in row_of(no_js, "compare-ranking-table", name)
    assert len(rows(no_js, "compare-transactions-table")) > 5
    links_work(no_js, site)


def test_the_drill_downs_without_javascript(no_js, sqlite_site):
    site = sqlite_site
    latest = YearEnding(2017, 9)

    def at(kind, slug, figures=None):
        figures = scope_figures(kind, slug) if figures is None else figures
        return figures[figures["period"] == latest].iloc[0]

    open_page(no_js, site + "/channels")
    everything = at("all", None)
    expect(no_js.locator("#channels-kpi")).to_contain_text(
        f"{everything['volume']:,.0f} transactions in the {latest.phrase} ({everything['services']} services")
    assert len(rows(no_js, "channels-volume-table")) > 5
    links_work(no_js, site)

    open_page(no_js, site + "/satisfaction?scope=department&slug=dft")
    expect(no_js.locator("#satisfaction-scope-name")).to_have_text("Department for Transport")
    dft = at("department", "dft")
    assert f"{dft['user_satisfaction']:.1%}" in row_of(no_js, "satisfaction-score-table", latest.short_label)
    links_work(no_js, site)

    open_page(no_js, f"{site}/completion?scope=service&slug={SERVICE}")
    expect(no_js.locator("#completion-scope-name")).to_have_text("Vehicle tax renewals")
    service = at("service", SERVICE, service_figures(SERVICE))
    assert f"{service['completion_rate']:.1%}" in row_of(no_js, "completion-rate-table", latest.short_label)
    links_work(no_js, site)


@pytest.mark.parametrize("path, kind, slug, prefix", [
    ("/departments/dft?period=2016-03", "department", "dft", "organisation"),
    ("/agencies/dvla?period=2016-03", "agency", "dvla", "organisation"),
    ("/summary?period=2016-03", "all", None, "summary"),
])
def test_organisations_and_the_summary_without_javascript(no_js, site, path, kind, slug, prefix):
    period = YearEnding(2016, 3)
    open_page(no_js, site + path)
    expect(no_js.locator(f"#{prefix}-kpis-heading")).to_have_text(f"Key figures: {period.phrase}")
    figures = scope_figures(kind, slug)
    row = figures[figures["period"] == period].iloc[0]
    for metric_id in GROUP_KPIS:
        expect(no_js.locator(f"#group-{metric_id}-value")).to_have_attribute(
            "title", METRICS[metric_id].format(row[metric_id], exact=True))
    tables = no_js.locator("table")
    assert tables.count() >= 2
    for table_id in no_js.eval_on_selector_all("table[id]", "ts => ts.map(t => t.id)"):
        assert rows(no_js, table_id), f"#{table_id} has no rows"
    links_work(no_js, site)


def test_dashboards_without_javascript(no_js, sqlite_site):
    site = sqlite_site
    from tests.pages.test_dashboard import carers_dashboard, kpi_records
    stored, data = carers_dashboard()
    open_page(no_js, site + "/dashboards")
    no_js.locator(f"a[href='/dashboards/{stored['slug']}']").click()
    assert no_js.url == f"{site}/dashboards/{stored['slug']}"
    expect(no_js.locator("h1")).to_have_text(stored["title"])
    expect(no_js.locator("#module-transactions-per-year-figure")).to_have_text(
        f"{kpi_records()[0]['number_of_transactions'] / 1e6:.2f}m")
    first_week = min(start for start, _ in data["counts"])
    assert f"{data['counts'][(first_week, 'paper')]:,}" in rows(no_js, "module-volumetrics-table")[0]
    links_work(no_js, site)


@pytest.mark.parametrize("path, heading, link", [
    ("/data-api", "Data API", "/openapi.json"),
    ("/about-the-data", "About the data", "/accessibility"),
    ("/accessibility", "Accessibility statement", "/data-api"),
])
def test_the_information_pages_without_javascript(no_js, sqlite_server, path, heading, link):
    open_page(no_js, sqlite_server + path)
    expect(no_js.locator("h1")).to_have_text(heading)
    expect(no_js.locator(f"a[href='{link}']").first).to_be_attached()
    links_work(no_js, sqlite_server)


def test_an_unknown_page_is_not_found_without_javascript(no_js, sqlite_server):
    open_page(no_js, sqlite_server + "/no-such-page", status=404)
    expect(no_js.locator("h1")).to_have_text("Page not found")
    open_page(no_js, sqlite_server + "/services/no-such-service", status=404)  # a page, of no service
    expect(no_js.locator("h1")).to_have_text("Service not found")


def test_with_javascript_the_live_app_replaces_the_server_html(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    console_errors = []
    page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{sqlite_server}/services/{SERVICE}?period=2016-03")
    page.wait_for_selector("#channels-graph .js-plotly-plot")  # drawn by the live app
    expect(page.locator("#service-period-value")).to_contain_text("Year to March 2016")  # Dash's dropdown
    expect(page.locator("form.pp-static-form")).to_have_count(0)
    latest = {r["period"]: r for r in suppress_kpis(service_figures(SERVICE)).to_dict("records")}
    expect(page.locator("#kpi-transactions-value")).to_have_text(kpi_value(latest[YearEnding(2016, 3)],
                                                                           "transactions"))
    duplicates = page.evaluate("""() => {
        const ids = Array.from(document.querySelectorAll('[id]'), e => e.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i);
    }""")
    assert duplicates == []
    assert console_errors == []
