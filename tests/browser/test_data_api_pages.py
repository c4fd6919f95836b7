"""The data API seen by people, in headless Chromium against gunicorn: a service sends data and its
dashboard shows it with its freshness; a service team uploads a file on the admin page."""
import json
import re
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from data_access.data_sets import create_data_set, get_data_set, issue_token
from data_access.db import get_engine
from data_access.records import count_records
from data_access.users import create_user
from tests.browser.helpers import download_csv, plotted

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SERVICE = "carer-s-allowance-new-claims"
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def sent(sqlite_server, sqlite_url):
    """Carer's Allowance sends 8 weeks of claims by channel through the write API."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", sqlite_url)
        token = _token_for_sent_data()
    weeks = [datetime(2026, 9, 7) + timedelta(weeks=n) for n in range(8)]
    body = [{"_timestamp": f"{week:%Y-%m-%d}T00:00:00Z", "period": "week", "channel": channel, "count": count}
            for week in weeks for channel, count in (("digital", 3000 + 10 * week.day), ("phone", 500), ("paper", 2))]
    request = urllib.request.Request(f"{sqlite_server}/data/{SERVICE}/transactions-by-channel",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["records"] == 24
    monthly = {}
    for record in body:
        month = record["_timestamp"][:7]
        monthly.setdefault(month, {}).setdefault(record["channel"], 0)
        monthly[month][record["channel"]] += record["count"]
    return monthly


def _token_for_sent_data() -> str:
    with get_engine().begin() as conn:
        data_set = get_data_set(SERVICE, "transactions-by-channel", conn) or create_data_set(
            conn, SERVICE, "transactions-by-channel", auto_ids=["_timestamp", "channel"], max_age_expected=86400)
        return issue_token(conn, data_set, "browser test")


def test_a_dashboard_shows_the_data_its_service_sent_with_its_freshness(page, sqlite_server, sent, tmp_path):
    page.goto(f"{sqlite_server}/services/{SERVICE}")
    section = page.locator("#sent-data")
    expect(section.locator("h2").first).to_have_text("Data sent by the service")
    expect(page.locator("#sent-transactions-by-channel-freshness")).to_have_text(
        "Updated less than a minute ago. Next update due in 23 hours.")
    page.locator("#sent-transactions-by-channel-data summary").click()
    rows = page.locator("#sent-transactions-by-channel-table tbody tr")
    expect(rows).to_have_count(len(sent))
    downloaded = download_csv(page, "#sent-transactions-by-channel-download-csv", tmp_path)
    for row, (month, channels) in zip(downloaded, sorted(sent.items())):
        assert row["Period start"].startswith(month)
        assert float(row["Digital"]) == channels["digital"] and float(row["Phone"]) == channels["phone"]
        # paper sends 2 a week: a month of 4 or 5 weeks is 8 or 10, never small
        assert float(row["Paper"]) == channels["paper"]
        assert float(row["Total"]) == sum(channels.values())


def test_an_upload_on_the_admin_page_lists_errors_then_stores_a_good_file(page, sqlite_server, sqlite_url,
                                                                          monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    username, group = f"team-{uuid.uuid4().hex[:6]}", f"upload-{uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn:
        create_user(conn, username, PASSWORD, "editor")
        data_set = create_data_set(conn, group, "example")
    page.goto(f"{sqlite_server}/admin/data-sets/{group}/example")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text(f"{group}/example")

    broken = ((FIXTURES / "example-upload.csv").read_text(encoding="utf-8")
              + "2013-01-09,2013-01-09,beans,3,\nnot-a-date,x,jane@example.com,4,\n")
    broken_path = tmp_path / "broken.csv"
    broken_path.write_text(broken, encoding="utf-8")
    page.set_input_files("#file", str(broken_path))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-errors")).to_contain_text("The file was not stored")
    expect(page.locator("#upload-errors tbody tr")).to_have_count(1)
    expect(page.locator("#upload-errors tbody tr")).to_contain_text("key")
    expect(page.locator("#upload-errors tbody tr")).to_contain_text("email")
    expect(page.locator("#record-count")).to_have_text("0")

    page.set_input_files("#file", str(FIXTURES / "example-upload.xlsx"))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("4 record(s) stored")
    expect(page.locator("#record-count")).to_have_text("4")
    with get_engine().connect() as conn:
        assert count_records(conn, data_set) == 4


def test_the_year_before_overlay_reaches_the_charts_of_sent_data(page, sqlite_server, sent):
    """Each chart has its own callback for the overlay: the browser asks for each box in a request of
    its own, and for no box of a type of data the service does not send."""
    page.goto(f"{sqlite_server}/services/{SERVICE}")
    expect(page.locator("#sent-transactions-by-channel-graph")).to_be_visible(timeout=30_000)
    asked, failed = [], []
    page.on("request", lambda r: asked.append(r.post_data_json["output"])
            if "/_dash-update-component" in r.url else None)
    page.on("response", lambda r: failed.append(r.status)
            if "/_dash-update-component" in r.url and r.status >= 400 else None)
    page.get_by_label("Show the same period a year before on the charts").check()
    page.wait_for_function(
        "() => document.querySelector('#sent-transactions-by-channel-download-csv').href.includes('year-before')")
    expect(page.locator("#take-up-download-csv")).to_have_attribute("href", re.compile("year-before"))
    boxes = sorted(output.strip(".").split(".")[0] for output in asked)  # "..a.children...b.data.." for two
    assert boxes == ["service-channels-card", "service-sent-transactions-by-channel", "service-take-up-card"], asked
    assert not failed
    assert "Total, a year before" in plotted(page, "sent-transactions-by-channel-graph")
    assert "Digital take-up, a year before" in plotted(page, "take-up-graph")
    expect(page.locator("#sent-transactions-by-channel-table thead th").last).to_have_text("Total, a year before")
