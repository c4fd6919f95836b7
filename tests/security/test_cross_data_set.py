"""A valid write token of data set A cannot write to data set B (another service's) by any method or
upload, and an editor of A's service cannot upload to B: refused (401/403), B unchanged, the refusal
audited without the token. Through the real app, on SQLite and PostgreSQL."""
import gzip
import json
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from data_access.annotations import grant_service
from data_access.data_sets import audit_entries, create_data_set, issue_token
from data_access.db import get_engine
from data_access.schema import records, services
from data_access.users import create_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "correct horse battery staple"
WEEK = [{"_timestamp": "2024-03-04T00:00:00Z", "channel": "digital", "count": 1200, "_id": "b1"},
        {"_timestamp": "2024-03-04T00:00:00Z", "channel": "phone", "count": 300, "_id": "b2"}]


@pytest.fixture
def client(database):
    from app import server
    client = server.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    return client


def two_services():
    with get_engine().connect() as conn:
        return conn.execute(select(services.c.slug).order_by(services.c.slug).limit(2)).scalars().all()


def data_set_of(slug):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, slug, f"test-{uuid.uuid4().hex[:10]}")
        return data_set, issue_token(conn, data_set, "test")


def contents(data_set):
    with get_engine().connect() as conn:
        return sorted((r.record_id, json.dumps(r.data, sort_keys=True)) for r in conn.execute(
            select(records.c.record_id, records.c.data).where(records.c.data_set_id == data_set.id)))


@pytest.fixture
def a_and_b(client):
    slug_a, slug_b = two_services()
    (a, token_a), (b, token_b) = data_set_of(slug_a), data_set_of(slug_b)
    assert a.service_id != b.service_id and b.service_id is not None
    stored = client.post(f"/data/{b.name}", json=WEEK, headers={"Authorization": f"Bearer {token_b}"})
    assert stored.status_code == 200
    return a, token_a, b, slug_a, slug_b


def test_a_token_of_a_cannot_write_to_b_by_any_method(client, a_and_b):
    a, token_a, b, *_ = a_and_b
    before = contents(b)
    bearer = {"Authorization": f"Bearer {token_a}"}
    attempts = [
        client.post(f"/data/{b.name}", json=[{**WEEK[0], "count": 1}], headers=bearer),
        client.put(f"/data/{b.name}", json=[], headers=bearer),
        client.post(f"/data/{b.name}", data=gzip.compress(json.dumps(WEEK).encode()),
                    headers={**bearer, "Content-Encoding": "gzip"}, content_type="application/json"),
        client.post(f"/data/{b.name}", data=(FIXTURES / "example-upload.csv").read_bytes(), headers=bearer,
                    content_type="text/csv"),
        client.post(f"/data/{b.name}", data=(FIXTURES / "example-upload.xlsx").read_bytes(), headers=bearer,
                    content_type=XLSX),
        client.patch(f"/data/{b.name}/b1", json={"count": 1}, headers=bearer),
        client.delete(f"/data/{b.name}/b2", headers=bearer),
    ]
    assert [answer.status_code for answer in attempts] == [401] * len(attempts)
    assert all(token_a not in answer.get_data(as_text=True) for answer in attempts)
    assert contents(b) == before
    refused = [e for e in audit_entries(b.name) if e["action"] == "refused"]
    assert len(refused) == len(attempts) and {e["status"] for e in refused} == {401}
    assert token_a not in json.dumps(audit_entries(b.name), default=str)
    assert contents(a) == []  # nor did it land in A


def _sign_in(client, role, slug=None):
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    with get_engine().begin() as conn:
        create_user(conn, name, PASSWORD, role)
        if slug:
            grant_service(conn, name, slug)
    page = client.get("/admin/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/admin/sign-in", data={"username": name, "password": PASSWORD,
                                               "csrf_token": token}).status_code == 302
    return name


def _upload(client, data_set):
    path = f"/admin/data-sets/{data_set.name}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)
    with open(FIXTURES / "example-upload.csv", "rb") as file:
        return client.post(f"{path}/upload", data={"csrf_token": token, "file": (file, "example-upload.csv")})


def test_an_editor_of_a_cannot_upload_to_b_but_can_to_a(client, a_and_b):
    a, _, b, slug_a, _ = a_and_b
    before = contents(b)
    editor = _sign_in(client, "editor", slug_a)
    refused = _upload(client, b)
    assert refused.status_code == 403 and contents(b) == before
    entry = audit_entries(b.name)[0]
    assert (entry["action"], entry["status"], entry["actor"]) == ("refused", 403, f"user {editor}")
    assert _upload(client, a).status_code == 302 and len(contents(a)) == 4
