"""WCAG 2.2 AA in headless Chromium: axe-core (vendored, tests/browser/vendor) finds no violation on any
page of the site, public or admin (signed in), once the page has finished drawing."""
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from data_access.annotations import grant_service
from data_access.db import get_engine
from data_access.users import create_user
from tests.browser.helpers import wait_until_drawn
from tests.pages.test_dashboard import carers_dashboard

pytestmark = [pytest.mark.browser, pytest.mark.bypass_csp]  # axe-core is injected inline

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_VERSION = "4.14.1"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SERVICE = "vehicle-tax-renewals"
EDITED = "carer-s-allowance-new-claims"  # a service whose notes the signed-in user edits
PASSWORD = "a long enough password"

PUBLIC = {
    "index": "/?department=dft",  # the same rows as "/", fewer of them: all 734 take axe 5 times longer
    "service": f"/services/{SERVICE}",
    "compare": "/compare?services=vehicle-tax-renewals,voter-registrations",
    "channels": "/channels?scope=department&slug=dft",
    "satisfaction": f"/satisfaction?scope=service&slug={EDITED}",
    "completion": "/completion",
    "department": "/departments/dft",
    "agency": "/agencies/dvla",
    "summary": "/summary",
    "dashboards": "/dashboards",
    "dashboard": "/dashboards/{dashboard}",
    "big screen": "/big-screen/{dashboard}",
    "data API": "/data-api",
    "about the data": "/about-the-data",
    "accessibility statement": "/accessibility",
    "not found": "/no-such-page",
    "sign in": "/admin/sign-in",
}
ADMIN = {
    "data sets": "/admin/",
    "upload": "/admin/data-sets/{group}/transactions-by-channel",
    "data set settings": "/admin/data-sets/{group}/transactions-by-channel/settings",
    "new data set": "/admin/data-sets/new",
    "dashboards (admin)": "/admin/dashboards",
    "dashboard editor": "/admin/dashboards/{dashboard}/edit",
    "new dashboard": "/admin/dashboards/new",
    "dashboard import": "/admin/dashboards/import",
    "collectors": "/admin/collectors",
    "freshness": "/admin/freshness",
    "notes": f"/admin/services/{EDITED}/notes",
}


@pytest.fixture(scope="module")
def site(sqlite_server, sqlite_url):
    """A published dashboard (with its data sets) and an admin who may edit a service's notes."""
    username = f"a11y-{uuid.uuid4().hex[:6]}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", sqlite_url)
        stored, data = carers_dashboard()
        with get_engine().begin() as conn:
            create_user(conn, username, PASSWORD, "admin")
            grant_service(conn, username, EDITED)
    return {"server": sqlite_server, "username": username, "dashboard": stored["slug"],
            "group": data["groups"]["carers-allowance"]}


def violations(page: Page, url: str) -> list[dict]:
    """axe-core's violations on the drawn page, with every "Show the data" table open: those of WCAG
    A and AA rules, and those of best-practice rules (counted, not failed)."""
    page.goto(url)
    if "/admin/" not in url:  # the admin pages are plain HTML from Flask
        wait_until_drawn(page)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")  # tables too
    page.add_script_tag(path=AXE)
    assert page.evaluate("axe.version") == AXE_VERSION
    found = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
        .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, tags: v.tags,
                                           targets: v.nodes.map(n => n.target.join(' '))})))""",
                          WCAG_TAGS + ["best-practice"])
    return found


# every chart: a figure named by its title, described by its summary, with its data in a table
UNDESCRIBED_CHARTS = """() => Array.from(document.querySelectorAll('.dash-graph')).map(graph => {
    const figure = graph.closest('figure');
    const text = ids => (ids || '').split(' ').map(id => document.getElementById(id)?.textContent || '')
                                   .join(' ').trim();
    const card = graph.closest('.pp-chart-card');
    const problems = [
        !figure && 'not in a <figure>',
        figure && !text(figure.getAttribute('aria-labelledby')) && 'no name (aria-labelledby)',
        figure && !text(figure.getAttribute('aria-describedby')) && 'no summary (aria-describedby)',
        !(card && card.querySelector('details table caption')) && 'no table of its data',
    ].filter(Boolean);
    return problems.length ? `#${graph.id}: ${problems.join(', ')}` : null;
}).filter(Boolean)"""


def report(name: str, found: list[dict]) -> str:
    lines = [f"{len(found)} accessibility violation(s) on {name}:"]
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {target}" for target in v["targets"][:10]]
        if len(v["targets"]) > 10:
            lines.append(f"    … and {len(v['targets']) - 10} more")
    return "\n".join(lines)


def _check(page: Page, name: str, url: str) -> None:
    found = violations(page, url)
    wcag = [v for v in found if set(v["tags"]) & set(WCAG_TAGS)]
    practice = [v for v in found if v not in wcag]
    print(f"{name}: {len(wcag)} WCAG violations, {len(practice)} best-practice: "
          f"{[v['id'] for v in practice]}")
    assert not wcag, report(name, wcag)
    undescribed = page.evaluate(UNDESCRIBED_CHARTS)
    assert not undescribed, f"charts on {name} without a name, summary or table: {undescribed}"


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_page_has_no_wcag_violation(page, site, name):
    _check(page, name, site["server"] + PUBLIC[name].format(**site))


def test_the_statement_names_the_checker_it_reports_on(page, sqlite_server):
    page.goto(sqlite_server + "/accessibility")
    expect(page.locator("main")).to_contain_text(f"axe-core {AXE_VERSION}")
    expect(page.locator("main")).to_contain_text("finds no failures on any of them")


def test_admin_pages_have_no_wcag_violation(page, site):
    page.goto(site["server"] + "/admin/sign-in")
    page.fill("#username", site["username"])
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/**")
    failures = []
    for name, path in ADMIN.items():
        try:
            _check(page, name, site["server"] + path.format(**site))
        except AssertionError as failure:
            failures.append(str(failure).split("\nassert")[0])
    assert not failures, "\n\n".join(failures)
