"""On a real gunicorn server (PostgreSQL, Redis-backed limits, small limits set by environment):
internal errors answer a plain message with a reference, never a trace or a token; rate limits answer
429 with a message and Retry-After, counted across every worker."""
import re
import uuid

import pytest
import requests

from data_access.db import get_engine
from data_access.users import create_user
from tests.faults.servers import start_server

SECRET = "Bearer s3cr3t-" + uuid.uuid4().hex
LIMITS = {"RATE_LIMIT_QUERY": "5 per minute", "RATE_LIMIT_WRITE": "4 per minute",
          "RATE_LIMIT_EXPORT": "3 per minute", "RATE_LIMIT_SIGN_IN": "3 per minute",
          "TRUSTED_PROXIES": "1"}  # as behind one load balancer; requests without X-Forwarded-For are unchanged
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def limited_server(postgresql_url, redis_url, tmp_path_factory):
    server = start_server(postgresql_url, tmp_path_factory.mktemp("security-server"),
                          {"REDIS_URL": redis_url, **LIMITS}, app="tests.security.boom_app:server")
    yield server
    server.stop()


@pytest.mark.parametrize("method, path, body", [
    ("get", "/boom-page", None),
    ("get", "/admin/boom", None),
    ("get", "/data/boom/boom/raise", None),
    ("get", "/exports/boom.csv", None),
    ("post", "/_dash-update-component", {"output": "boom-out.children", "outputs": {"id": "boom-out",
             "property": "children"}, "inputs": [{"id": "boom-in", "property": "value", "value": 1}],
             "changedPropIds": ["boom-in.value"], "state": []}),
])
def test_an_internal_error_answers_a_reference_never_a_trace_or_a_token(limited_server, method, path, body):
    answer = getattr(requests, method)(limited_server.url + path, json=body, timeout=30,
                                       headers={"Authorization": SECRET})
    assert answer.status_code == 500
    text = answer.text
    assert "Traceback" not in text and "RuntimeError" not in text and "s3cr3t" not in text
    reference = re.search(r"error reference ([0-9a-f]{12})", text).group(1)
    log = limited_server.log()
    assert f"internal error {reference}" in log and "RuntimeError: boom" in log  # the trace is logged
    wants_json = path.startswith(("/data/", "/_dash-"))
    assert answer.headers["Content-Type"].startswith("application/json" if wants_json else "text/html")


def _statuses(send, count):
    return [send() for _ in range(count)]


def test_data_api_queries_are_limited_across_every_worker(limited_server):
    url = limited_server.url + "/data/transactional-services/summaries?limit=1"
    answers = _statuses(lambda: requests.get(url, timeout=30), 12)
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 7  # one count for both workers (Redis)
    refused = answers[-1]
    assert "Too many requests" in refused.json()["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_behind_a_proxy_each_forwarded_client_is_counted_on_its_own(limited_server):
    url = limited_server.url + "/data/transactional-services/summaries?limit=1"

    def get(forwarded_for):
        return requests.get(url, timeout=30, headers={"X-Forwarded-For": forwarded_for}).status_code
    assert [get("198.51.100.21") for _ in range(6)] == [200] * 5 + [429]
    assert get("198.51.100.22") == 200  # another client behind the same proxy
    assert get("203.0.113.5, 198.51.100.21") == 429  # a forged first hop does not reset the count


def test_writes_are_limited(limited_server):
    url = limited_server.url + "/data/transactional-services/summaries"
    answers = _statuses(lambda: requests.post(url, json=[], timeout=30, headers={"Authorization": SECRET}), 6)
    assert [a.status_code for a in answers] == [401] * 4 + [429] * 2
    assert "s3cr3t" not in answers[-1].text and int(answers[-1].headers["Retry-After"]) > 0


def test_exports_are_limited_with_an_html_message(limited_server):
    url = limited_server.url + "/exports/service-channels.csv?service=vehicle-trade-licence-renewals"
    answers = _statuses(lambda: requests.get(url, timeout=60, headers={"Accept": "text/html"}), 4)
    allowed = int(answers[0].headers["X-RateLimit-Remaining"]) + 1  # other tests may have used some
    assert answers[0].headers["X-RateLimit-Limit"] == "3" and allowed >= 1
    assert [a.status_code for a in answers] == [200] * allowed + [429] * (4 - allowed)
    assert answers[-1].headers["Content-Type"].startswith("text/html")
    assert "Too many requests" in answers[-1].text and int(answers[-1].headers["Retry-After"]) > 0


def test_failed_sign_ins_are_limited_and_good_ones_do_not_count(limited_server, postgresql_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgresql_url)
    name = f"admin-{uuid.uuid4().hex[:8]}"
    with get_engine().begin() as conn:
        create_user(conn, name, PASSWORD, "admin")

    def attempt(password):
        session = requests.Session()
        page = session.get(limited_server.url + "/admin/sign-in", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return session.post(limited_server.url + "/admin/sign-in", allow_redirects=False, timeout=30,
                            data={"username": name, "password": password, "csrf_token": token}).status_code

    assert [attempt(PASSWORD) for _ in range(4)] == [302] * 4
    assert [attempt("wrong") for _ in range(4)] == [401] * 3 + [429]
    assert attempt(PASSWORD) == 429  # locked out until the window passes
