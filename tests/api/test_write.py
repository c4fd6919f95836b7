"""The write API against the real app's routes, on SQLite and PostgreSQL."""
import gzip
import json
import uuid
from pathlib import Path

import pytest
from flask import Flask

from api.status import register_status
from api.write import MAX_BODY, register_write
from data_access.data_sets import audit_entries, create_data_set, issue_token, revoke_token
from data_access.db import get_engine
from data_access.records import count_records, get_record

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.fixture
def client(database):
    app = Flask("write-test")
    register_write(app)
    register_status(app)
    return app.test_client()


def new_data_set(**settings):
    """A data set of its own for one test (the databases are shared by the session)."""
    group = f"test-{uuid.uuid4().hex[:12]}"
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, group, "transactions-by-channel", **settings)
        token = issue_token(conn, data_set, "test")
    return data_set, token


def stored(data_set):
    with get_engine().connect() as conn:
        return count_records(conn, data_set)


def post(client, data_set, body, token, method="post", **headers):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return getattr(client, method)(f"/data/{data_set.name}", data=data,
                                   headers={"Authorization": f"Bearer {token}", **headers},
                                   content_type=headers.pop("content_type", "application/json"))


WEEK = [{"_timestamp": "2024-03-04T00:00:00Z", "channel": "digital", "count": 1200},
        {"_timestamp": "2024-03-04T00:00:00Z", "channel": "phone", "count": 300}]


def test_a_valid_write_is_stored_and_audited_without_the_token(client):
    data_set, token = new_data_set()
    answer = post(client, data_set, WEEK, token)
    assert answer.status_code == 200 and answer.json["records"] == 2
    assert stored(data_set) == 2
    [entry] = audit_entries(data_set.name)
    assert (entry["action"], entry["status"], entry["records"]) == ("write", 200, 2)
    assert str(entry["first_timestamp"]).startswith("2024-03-04")
    assert token not in json.dumps(entry, default=str)


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer wrong-token", "Basic dXNlcjpwYXNz"])
def test_a_missing_or_wrong_token_gets_401_and_is_audited(client, header):
    data_set, _ = new_data_set()
    headers = {"Authorization": header} if header else {}
    answer = client.post(f"/data/{data_set.name}", json=WEEK, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert stored(data_set) == 0
    assert audit_entries(data_set.name)[0]["action"] == "refused"


def test_a_token_of_another_data_set_cannot_write(client):
    data_set, _ = new_data_set()
    _, other_token = new_data_set()
    assert post(client, data_set, WEEK, other_token).status_code == 401
    assert stored(data_set) == 0


def test_a_revoked_token_cannot_write(client):
    data_set, token = new_data_set()
    with get_engine().begin() as conn:
        from data_access.data_sets import list_tokens
        revoke_token(conn, list_tokens(data_set)[0]["id"])
    assert post(client, data_set, WEEK, token).status_code == 401


def test_an_unknown_data_set_is_404(client):
    answer = client.post("/data/no-such-group/no-such-type", json=WEEK, headers={"Authorization": "Bearer x"})
    assert answer.status_code == 404 and "no-such-group/no-such-type" in answer.json["message"]


@pytest.mark.parametrize("body, message", [(b"{not json", "not JSON"), (b'"a string"', "JSON object"),
                                           (b"42", "JSON object")])
def test_a_body_that_is_not_a_record_list_is_400(client, body, message):
    data_set, token = new_data_set()
    answer = post(client, data_set, body, token)
    assert answer.status_code == 400 and message in answer.json["message"]


def test_all_or_nothing_with_every_error_listed(client):
    data_set, token = new_data_set()
    body = [WEEK[0], {"_timestamp": "yesterday", "channel": "digital"}, {"Bad Name": 1, "_secret": 2}]
    answer = post(client, data_set, body, token)
    assert answer.status_code == 400
    errors = answer.json["errors"]
    assert {e["index"] for e in errors} == {1, 2}
    assert {"_timestamp"} <= {e["field"] for e in errors if e["index"] == 1}
    assert {"Bad Name", "_secret"} <= {e["field"] for e in errors if e["index"] == 2}
    assert stored(data_set) == 0


def test_personal_data_is_refused_and_nothing_is_stored(client):
    data_set, token = new_data_set()
    body = [WEEK[0], {**WEEK[1], "note": "call jane.doe@example.com about her claim"}]
    answer = post(client, data_set, body, token)
    assert answer.status_code == 400 and stored(data_set) == 0
    [error] = answer.json["errors"]
    assert (error["index"], error["field"]) == (1, "note") and "email" in error["message"]


def test_same_id_replaces_the_record_and_auto_ids_make_the_id(client):
    data_set, token = new_data_set(auto_ids=["_timestamp", "channel"])
    post(client, data_set, WEEK, token)
    post(client, data_set, [{**WEEK[0], "count": 1500}], token)
    assert stored(data_set) == 2
    plain, plain_token = new_data_set()
    post(client, plain, [{**WEEK[0], "_id": "week-10-digital"}], plain_token)
    post(client, plain, [{**WEEK[0], "_id": "week-10-digital", "count": 7}], plain_token)
    with get_engine().connect() as conn:
        assert get_record(conn, plain, "week-10-digital").data["count"] == 7
    post(client, plain, WEEK, plain_token)  # no _id and no auto_ids: added
    assert stored(plain) == 3


def test_gzip_bodies_are_accepted_and_capped_after_decompression(client):
    data_set, token = new_data_set()
    answer = post(client, data_set, gzip.compress(json.dumps(WEEK).encode()), token, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 200 and stored(data_set) == 2
    bomb = gzip.compress(b"[" + b" " * (MAX_BODY + 10) + b"]")
    answer = post(client, data_set, bomb, token, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413 and stored(data_set) == 2
    assert post(client, data_set, b"[" + b" " * MAX_BODY + b"]", token).status_code == 413


def test_put_replaces_the_data_set_and_put_empty_list_empties_it(client):
    data_set, token = new_data_set()
    post(client, data_set, WEEK, token)
    assert post(client, data_set, [WEEK[0]], token, method="put").status_code == 200
    assert stored(data_set) == 1
    assert post(client, data_set, [], token, method="put").status_code == 200
    assert stored(data_set) == 0


def test_patch_and_delete_one_record(client):
    data_set, token = new_data_set()
    post(client, data_set, [{**WEEK[0], "_id": "a"}, {**WEEK[1], "_id": "b"}], token)
    answer = client.patch(
        f"/data/{data_set.name}/a", json={"count": 1250}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    with get_engine().connect() as conn:
        record = get_record(conn, data_set, "a")
    assert record.data["count"] == 1250 and record.data["channel"] == "digital"
    assert str(record.timestamp).startswith("2024-03-04")
    bad = client.patch(f"/data/{data_set.name}/a", json={"count": {"nested": 1}},
                       headers={"Authorization": f"Bearer {token}"})
    assert bad.status_code == 400
    gone = client.delete(f"/data/{data_set.name}/b", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 200 and stored(data_set) == 1
    missing = client.delete(f"/data/{data_set.name}/b", headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404
    assert client.delete(f"/data/{data_set.name}/a").status_code == 401


def test_csv_and_excel_uploads_through_the_api(client):
    data_set, token = new_data_set()
    csv_answer = post(client, data_set, (FIXTURES / "example-upload.csv").read_bytes(), token,
                      content_type="text/csv")
    assert csv_answer.status_code == 200 and csv_answer.json["records"] == 4
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    xlsx_answer = post(client, data_set, (FIXTURES / "example-upload.xlsx").read_bytes(), token, content_type=xlsx)
    assert xlsx_answer.status_code == 200 and xlsx_answer.json["records"] == 4
    assert stored(data_set) == 8


def test_an_upload_error_names_the_row_and_the_column(client):
    data_set, token = new_data_set()
    bad = b"_timestamp,channel,count\n2024-03-04T00:00:00Z,digital,10\nnot-a-date,phone,3\n"
    answer = post(client, data_set, bad, token, content_type="text/csv")
    assert answer.status_code == 400 and stored(data_set) == 0
    assert [(e["index"], e["field"]) for e in answer.json["errors"]] == [(3, "_timestamp")]


def test_data_sets_status_reports_stale_data_sets(client):
    fresh, token = new_data_set(max_age_expected=3600)
    post(client, fresh, WEEK, token)
    never, _ = new_data_set(max_age_expected=60)
    answer = client.get("/_status/data-sets")
    by_name = {d["name"]: d for d in answer.json["data_sets"]}
    assert by_name[fresh.name]["stale"] is False and by_name[fresh.name]["seconds_old"] < 60
    assert by_name[never.name]["stale"] is True
    assert answer.status_code == 503 and "out of date" in answer.json["message"]
