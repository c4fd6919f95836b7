"""The collectors and freshness admin pages through the real app (Flask test client), on both databases.

admin.collectors is imported here, before the app is built, so its views are on the blueprint even
before register_admin imports it."""
import re
import uuid
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

import admin.collectors  # noqa: F401 - registers the views (see the module docstring)
from collectors import secrets
from data_access import collectors as store
from data_access.annotations import grant_service
from data_access.data_sets import create_data_set, utc_now
from data_access.db import get_engine
from data_access.records import count_records
from data_access.schema import data_sets, services
from tests.admin.test_admin import csrf, sign_in
from tests.collectors.http_server import SourceServer, serve_kind


@pytest.fixture
def app_client(database, monkeypatch):
    monkeypatch.setenv("COLLECTOR_SECRET_KEY", Fernet.generate_key().decode())
    monkeypatch.setenv("COLLECTOR_TIMEOUT", "0.5")
    monkeypatch.setenv("COLLECTOR_RETRY_BASE", "0.01")
    from app import server
    return server.test_client()


@pytest.fixture
def made_data_sets(database):
    """Data sets a test makes, deleted afterwards (with their collectors, runs and records) so that
    no other test sees them out of date."""
    made = []
    yield made
    with get_engine().begin() as conn:
        conn.execute(data_sets.delete().where(data_sets.c.id.in_([d.id for d in made])))


@pytest.fixture
def collector(app_client, made_data_sets):
    """A Matomo collector on a local server; disabled afterwards so no later tick runs it."""
    with SourceServer() as server:
        config, credentials, auto_ids, _ = serve_kind("matomo", server)
        with get_engine().begin() as conn:
            data_set = create_data_set(conn, f"adm-{uuid.uuid4().hex[:10]}", "visits", auto_ids=auto_ids,
                                       max_age_expected=86400)
            made = store.create_collector(conn, f"adm-{uuid.uuid4().hex[:10]}", "matomo", data_set, "daily",
                                          config, secrets.encrypt(credentials))
        made_data_sets.append(data_set)
        yield made, data_set, server


def records(data_set):
    with get_engine().connect() as conn:
        return count_records(conn, data_set)


def test_an_admin_runs_a_collector_now_and_sees_its_runs(app_client, collector):
    made, data_set, server = collector
    sign_in(app_client, "admin")
    token = csrf(app_client, "/admin/collectors")
    answer = app_client.post(f"/admin/collectors/{made.name}/run", data={"csrf_token": token})
    assert answer.status_code == 302 and records(data_set) == 3
    page = app_client.get("/admin/collectors").get_data(as_text=True)
    section = page[page.index(f'id="collector-{made.name}"'):]
    assert "Succeeded" in section and "3 record(s) written" in page and made.data_set in section
    assert "matomo-secret" not in page and "Stored, encrypted" in section


def test_a_failed_run_is_flagged_with_its_error(app_client, collector):
    made, data_set, server = collector
    sign_in(app_client, "admin")
    server.malformed = True
    token = csrf(app_client, "/admin/collectors")
    app_client.post(f"/admin/collectors/{made.name}/run", data={"csrf_token": token})
    page = app_client.get("/admin/collectors").get_data(as_text=True)
    failed = page[page.index('id="failed-runs"'):page.index("</table>", page.index('id="failed-runs"'))]
    assert made.name in failed and "Failed" in failed and "not JSON" in failed
    assert "pp-run--failed" in page[page.index(f'id="collector-{made.name}"'):]
    assert records(data_set) == 0


def test_an_admin_backfills_a_date_range(app_client, collector):
    made, data_set, server = collector
    sign_in(app_client, "admin")
    token = csrf(app_client, "/admin/collectors")
    answer = app_client.post(f"/admin/collectors/{made.name}/backfill",
                             data={"csrf_token": token, "from": "2026-10-01", "to": "2026-10-10"}, follow_redirects=True)
    assert answer.status_code == 200 and "written in 2 run(s)." in answer.get_data(as_text=True)
    assert records(data_set) == 6 + 3  # the server has no visits on each chunk's fourth day
    assert "backfill 2026-10-01 to 2026-10-08" in answer.get_data(as_text=True)


def test_a_backfill_with_bad_dates_says_so(app_client, collector):
    made, _, server = collector
    sign_in(app_client, "admin")
    answer = app_client.post(f"/admin/collectors/{made.name}/backfill",
                             data={"csrf_token": csrf(app_client, "/admin/collectors"), "from": "1 Oct", "to": ""})
    assert answer.status_code == 400 and "YYYY-MM-DD" in answer.get_data(as_text=True)
    assert server.requests == []


def test_forms_need_the_csrf_token_and_an_admin(app_client, collector):
    made, _, server = collector
    sign_in(app_client, "admin")
    assert app_client.post(f"/admin/collectors/{made.name}/run").status_code == 400
    assert server.requests == []
    other = app_client.application.test_client()
    sign_in(other, "editor")
    assert other.get("/admin/collectors").status_code == 403


def test_the_collectors_page_needs_sign_in(app_client):
    answer = app_client.get("/admin/collectors")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]


def test_freshness_shows_each_data_set_as_up_to_date_due_or_overdue(app_client, collector, made_data_sets):
    made, data_set, _ = collector
    sign_in(app_client, "admin")
    fresh_type, stale_type = f"f-{uuid.uuid4().hex[:8]}", f"s-{uuid.uuid4().hex[:8]}"
    with get_engine().begin() as conn:
        fresh = create_data_set(conn, "freshness-test", fresh_type, max_age_expected=86400)
        stale = create_data_set(conn, "freshness-test", stale_type, max_age_expected=3600)
        made_data_sets.extend([fresh, stale])
        conn.execute(data_sets.update().where(data_sets.c.id == fresh.id).values(last_written_at=utc_now()))
        conn.execute(data_sets.update().where(data_sets.c.id == stale.id)
                     .values(last_written_at=utc_now() - timedelta(hours=3)))
    page = app_client.get("/admin/freshness").get_data(as_text=True)
    assert status_of(page, fresh.name) == "up to date"
    assert status_of(page, stale.name) == "overdue"
    assert status_of(page, data_set.name) == "overdue"  # never written yet (its collector's run is due)
    app_client.post(f"/admin/collectors/{made.name}/run", data={"csrf_token": csrf(app_client, "/admin/collectors")})
    assert status_of(app_client.get("/admin/freshness").get_data(as_text=True), data_set.name) == "up to date"


def status_of(page: str, name: str) -> str:
    row = re.search(r'<tr class="govuk-table__row" data-status="([^"]+)">\s*<td[^>]*><a[^>]*>' + re.escape(name) + "<", page)
    assert row, f"{name} is not on the page"
    return row.group(1)


def test_a_publisher_sees_only_the_data_sets_of_their_services(app_client, made_data_sets):
    with get_engine().begin() as conn:
        slug = conn.execute(select(services.c.slug).where(func.length(services.c.slug) <= 60)
                            .order_by(services.c.id).limit(1)).scalar_one()
        theirs = create_data_set(conn, slug, f"t-{uuid.uuid4().hex[:8]}", max_age_expected=60)
        other = create_data_set(conn, f"other-{uuid.uuid4().hex[:8]}", "visits", max_age_expected=60)
        made_data_sets.extend([theirs, other])
    name = sign_in(app_client, "editor")
    with get_engine().begin() as conn:
        grant_service(conn, name, slug)
    page = app_client.get("/admin/freshness").get_data(as_text=True)
    assert status_of(page, theirs.name) == "overdue" and other.name not in page
