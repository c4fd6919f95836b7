"""While the database is away, a page already open says so when it cannot update (an alert
from assets/callback-errors.js, fed by the 503 the callbacks answer), and the alert goes when
the data is back. Uses the fault tests' server behind a TCP proxy the test stops and starts."""
from playwright.sync_api import expect

from tests.browser.helpers import choose, wait_until_drawn
from tests.faults.conftest import proxied_postgresql, proxied_server  # noqa: F401 (fixtures)

SERVICE = "/services/vehicle-tax-renewals"


def test_an_open_page_says_when_it_cannot_update_and_recovers(page, proxied_postgresql, proxied_server):
    proxy, _, _ = proxied_postgresql
    page.goto(proxied_server.server.url + SERVICE)
    wait_until_drawn(page)
    alert = page.locator("#pp-update-error")
    expect(alert).to_have_count(0)
    proxy.stop()
    try:
        choose(page, "service-period", "Year to June 2017")
        expect(alert).to_contain_text("The data is temporarily unavailable")
        expect(alert).to_have_attribute("role", "alert")
    finally:
        proxy.start()
    choose(page, "service-period", "Year to March 2017")
    expect(alert).to_have_count(0, timeout=30_000)
    expect(page.locator("main")).to_contain_text("Year to March 2017")
