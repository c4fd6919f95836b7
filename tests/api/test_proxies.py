"""TRUSTED_PROXIES: behind N proxies, rate limits count each client (X-Forwarded-For), not the proxy.

The real limiter (api/limits.py, counting in memory) on a small Flask app whose one route has the read
API's endpoint name; the same setting on the real app under gunicorn is in tests/security.
"""
import flask
import pytest

from api.limits import register_limits, trust_proxies

PROXY = "192.0.2.10"  # the load balancer: every request reaches the app from it


@pytest.fixture
def make_client(monkeypatch):
    def make(proxies: str | None):
        monkeypatch.delenv("REDIS_URL", raising=False)
        monkeypatch.setenv("RATE_LIMIT_QUERY", "2 per minute")
        if proxies is None:
            monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
        else:
            monkeypatch.setenv("TRUSTED_PROXIES", proxies)
        app = flask.Flask(__name__)
        app.add_url_rule("/data/<group>/<kind>", "data_read",
                         lambda group, kind: f"{flask.request.remote_addr} {flask.request.scheme}")
        register_limits(app)
        trust_proxies(app)
        return app.test_client()
    return make


def _get(client, forwarded_for: str, proto: str = "http"):
    return client.get("/data/a/b", environ_base={"REMOTE_ADDR": PROXY},
                      headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": proto})


def test_behind_one_proxy_each_client_has_its_own_count(make_client):
    client = make_client("1")
    first = [_get(client, "198.51.100.1") for _ in range(3)]
    assert [a.status_code for a in first] == [200, 200, 429]
    assert first[0].text == "198.51.100.1 http"
    assert _get(client, "198.51.100.2").status_code == 200  # another client, its own count
    # a client cannot escape its limit by sending its own X-Forwarded-For: the proxy appends the real one
    assert _get(client, "203.0.113.99, 198.51.100.1").status_code == 429


def test_the_scheme_comes_from_the_proxy(make_client):
    assert _get(make_client("1"), "198.51.100.1", proto="https").text == "198.51.100.1 https"


def test_behind_two_proxies_the_address_the_outer_one_saw_counts(make_client):
    client = make_client("2")
    answer = _get(client, "198.51.100.7, 192.0.2.20")  # client, then the outer proxy as the inner one saw it
    assert answer.text == "198.51.100.7 http"


def test_by_default_forwarded_headers_are_ignored(make_client):
    client = make_client(None)
    answers = [_get(client, f"198.51.100.{n}", proto="https") for n in range(1, 4)]
    assert answers[0].text == f"{PROXY} http"  # anyone can send the headers: not trusted
    assert [a.status_code for a in answers] == [200, 200, 429]  # one count for everyone behind the proxy


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_a_wrong_setting_is_refused_with_a_clear_message(make_client, value):
    with pytest.raises(ValueError, match="TRUSTED_PROXIES must be a whole number"):
        make_client(value)
