"""Admin pages through the real app (Flask test client), on SQLite and PostgreSQL."""
import io
import re
import uuid
from pathlib import Path

import pytest

from data_access.data_sets import audit_entries, get_data_set, verify_token
from data_access.db import get_engine
from data_access.records import count_records
from data_access.users import create_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def app_client(database):
    from app import server
    return server.test_client()


def user(role):
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    with get_engine().begin() as conn:
        create_user(conn, name, PASSWORD, role)
    return name


def csrf(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def sign_in(client, role):
    name = user(role)
    answer = client.post("/admin/sign-in", data={"username": name, "password": PASSWORD,
                                                 "csrf_token": csrf(client, "/admin/sign-in")})
    assert answer.status_code == 302
    return name


def create(client, group, data_type="transactions-by-channel", auto_ids="_timestamp, channel"):
    return client.post("/admin/data-sets/new", data={"data_group": group, "data_type": data_type,
                                                     "auto_ids": auto_ids, "max_age_expected": "86400",
                                                     "published": "yes", "queryable": "yes",
                                                     "csrf_token": csrf(client, "/admin/data-sets/new")})


def test_admin_pages_need_sign_in(app_client):
    answer = app_client.get("/admin/")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]


def test_a_wrong_password_is_refused(app_client):
    name = user("admin")
    answer = app_client.post("/admin/sign-in", data={"username": name, "password": "not it at all",
                                                     "csrf_token": csrf(app_client, "/admin/sign-in")})
    assert answer.status_code == 401 and "not right" in answer.get_data(as_text=True)


def test_a_form_without_the_csrf_token_is_refused(app_client):
    sign_in(app_client, "admin")
    answer = app_client.post("/admin/data-sets/new", data={"data_group": "x", "data_type": "y"})
    assert answer.status_code == 400
    assert get_data_set("x", "y") is None


def test_an_admin_creates_a_data_set_issues_a_token_once_and_revokes_it(app_client):
    sign_in(app_client, "admin")
    group = f"svc-{uuid.uuid4().hex[:8]}"
    answer = create(app_client, group)
    assert answer.status_code == 302
    data_set = get_data_set(group, "transactions-by-channel")
    assert data_set.auto_ids == ["_timestamp", "channel"] and data_set.max_age_expected == 86400
    path = f"/admin/data-sets/{group}/transactions-by-channel"
    page = app_client.post(f"{path}/tokens", data={"label": "collector", "csrf_token": csrf(app_client, path)})
    token = re.search(r'<code id="new-token">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    with get_engine().begin() as conn:
        found = verify_token(conn, data_set, token)
    assert found["label"] == "collector"
    assert token not in app_client.get(path).get_data(as_text=True)  # shown once
    token_id = found["id"]
    app_client.post(f"{path}/tokens/{token_id}/revoke", data={"csrf_token": csrf(app_client, path)})
    with get_engine().begin() as conn:
        assert verify_token(conn, data_set, token) is None


def test_a_bad_data_set_name_is_explained(app_client):
    sign_in(app_client, "admin")
    answer = create(app_client, "Not A Slug")
    assert answer.status_code == 400 and "a-z, 0-9" in answer.get_data(as_text=True)


def test_an_editor_uploads_but_cannot_create_data_sets_or_tokens(app_client):
    sign_in(app_client, "admin")
    group = f"svc-{uuid.uuid4().hex[:8]}"
    create(app_client, group, "example", auto_ids="")
    app_client.post("/admin/sign-out", data={"csrf_token": csrf(app_client, "/admin/")})
    editor = sign_in(app_client, "editor")
    assert app_client.get("/admin/data-sets/new").status_code == 403
    path = f"/admin/data-sets/{group}/example"
    with open(FIXTURES / "example-upload.csv", "rb") as file:
        answer = app_client.post(f"{path}/upload", data={"csrf_token": csrf(app_client, path),
                                                          "file": (file, "example-upload.csv")})
    assert answer.status_code == 302
    data_set = get_data_set(group, "example")
    with get_engine().connect() as conn:
        assert count_records(conn, data_set) == 4
    assert audit_entries(data_set.name)[0]["actor"] == f"user {editor}"
    assert app_client.post(f"{path}/tokens", data={"csrf_token": csrf(app_client, path)}).status_code == 403


def test_a_bad_upload_stores_nothing_and_lists_rows_and_columns(app_client):
    sign_in(app_client, "admin")
    group = f"svc-{uuid.uuid4().hex[:8]}"
    create(app_client, group)
    path = f"/admin/data-sets/{group}/transactions-by-channel"
    content = (b"_timestamp,channel,count,note\n2024-03-04T00:00:00Z,digital,10,\n"
               b"2024-03-11T00:00:00Z,phone,3,call 07700 900123 back\n2024-13-45,paper,8,\n")
    answer = app_client.post(f"{path}/upload", data={"csrf_token": csrf(app_client, path),
                                                      "file": (io.BytesIO(content), "weekly.csv")})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "The file was not stored" in page
    problems = re.findall(r'<tr class="govuk-table__row"><td class="govuk-table__cell">(\d+)</td>'
                          r'<td class="govuk-table__cell">([^<]+)</td>', page)
    assert problems == [("3", "note"), ("4", "_timestamp")]
    with get_engine().connect() as conn:
        assert count_records(conn, get_data_set(group, "transactions-by-channel")) == 0


def test_templates_download(app_client):
    answer = app_client.get("/data-templates/transactions-by-channel.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "channel" in answer.get_data(as_text=True)
    assert app_client.get("/data-templates/nope.csv").status_code == 404


def test_an_admin_changes_a_data_sets_settings(app_client):
    sign_in(app_client, "admin")
    group = f"svc-{uuid.uuid4().hex[:8]}"
    create(app_client, group)
    path = f"/admin/data-sets/{group}/transactions-by-channel/settings"
    page = app_client.get(path).get_data(as_text=True)
    assert 'value="86400"' in page and "_timestamp, channel" in page
    schema = '{"type": "object", "required": ["count"]}'
    bad = app_client.post(path, data={"json_schema": "{not json", "csrf_token": csrf(app_client, path)})
    assert bad.status_code == 400 and "not valid JSON" in bad.get_data(as_text=True)
    saved = app_client.post(path, data={"json_schema": schema, "max_age_expected": "3600", "realtime": "yes",
                                        "published": "yes", "queryable": "yes", "csrf_token": csrf(app_client, path)})
    assert saved.status_code == 302
    found = get_data_set(group, "transactions-by-channel")
    assert found.json_schema == {"type": "object", "required": ["count"]}
    assert (found.max_age_expected, found.realtime, found.auto_ids) == (3600, True, None)
