"""The dashboard editor in headless Chromium against gunicorn: an editor signs in, creates a
dashboard, adds and reorders modules, previews it with live data, saves a draft that a signed-out
visitor cannot see, publishes it, and the public sees it at /dashboards/<slug>."""
import json
import urllib.request
import uuid

import pytest
from playwright.sync_api import expect

from data_access.annotations import grant_service
from data_access.db import get_engine
from data_access.users import create_user

pytestmark = pytest.mark.browser
SERVICE = "carer-s-allowance-new-claims"
PASSWORD = "a long enough password"
QUERY = f"filter_by=service:{SERVICE}&sort_by=_timestamp:descending"


def _latest(server: str) -> dict:
    """The service's latest yearly summary, as the data API gives it."""
    url = f"{server}/data/transactional-services/summaries?{QUERY}&limit=1"
    with urllib.request.urlopen(url) as answer:
        return json.load(answer)["data"][0]


def _add_kpi(page, title: str, attribute: str) -> None:
    page.select_option("#module-type", "kpi")
    page.fill("#module-title", title)
    page.select_option("#module-data-set", "transactional-services/summaries")
    page.fill("#module-query", QUERY)
    page.fill("#module-options", json.dumps({"value-attribute": attribute, "format": {"type": "number"}}))
    page.get_by_role("button", name="Add the module").click()
    expect(page.locator("#notice")).to_contain_text(f"Module “{title}” added")


def test_an_editor_builds_previews_and_publishes_a_dashboard(page, browser, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    username, slug = f"editor-{uuid.uuid4().hex[:6]}", f"claims-{uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn:
        create_user(conn, username, PASSWORD, "editor")
        grant_service(conn, username, SERVICE)
    page.goto(f"{sqlite_server}/admin/dashboards/new")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a dashboard")

    page.fill("#slug", slug)
    page.fill("#title", "Carer's Allowance claims")
    page.select_option("#service", SERVICE)
    _add_kpi(page, "Transactions per year", "number_of_transactions")
    _add_kpi(page, "Digital transactions", "number_of_digital_transactions")
    titles = page.locator(".pp-editor-module__title")
    expect(titles).to_have_text(["Transactions per year", "Digital transactions"])
    page.get_by_role("button", name="Move up Digital transactions").click()
    expect(titles).to_have_text(["Digital transactions", "Transactions per year"])
    expect(page.locator("#title")).to_have_value("Carer's Allowance claims")

    page.get_by_role("button", name="Preview").click()
    preview = page.frame_locator("#preview-frame")
    expect(preview.locator("#preview-banner")).to_contain_text("Not saved")
    expect(preview.locator("#dashboard-title")).to_have_text("Carer's Allowance claims")
    expect(preview.locator("#dashboard-modules h2")).to_have_text(["Digital transactions", "Transactions per year"])
    latest = _latest(sqlite_server)
    expect(preview.locator("#module-transactions-per-year-table tbody tr").first).to_contain_text(
        f"{latest['number_of_transactions']:,}")
    expect(preview.locator("#module-digital-transactions-table tbody tr").first).to_contain_text(
        f"{latest['number_of_digital_transactions']:,}")

    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("saved as a draft")
    visitor = browser.new_context()
    try:
        public = visitor.new_page()
        public.goto(f"{sqlite_server}/dashboards/{slug}")
        expect(public.get_by_role("heading", level=1)).to_have_text("Page not found")
        page.get_by_role("button", name="Publish").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text(f"is published at /dashboards/{slug}")
        public.goto(f"{sqlite_server}/dashboards/{slug}")
        expect(public.locator("#dashboard-title")).to_have_text("Carer's Allowance claims")
        expect(public.locator("#dashboard-modules h2")).to_have_text(["Digital transactions", "Transactions per year"])
    finally:
        visitor.close()
