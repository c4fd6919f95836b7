"""Security headers on every kind of response of the real app."""
import pytest


@pytest.mark.parametrize("path", ["/", "/_status", "/openapi.json", "/data/nothing/here", "/admin/sign-in",
                                  "/exports/service-channels.csv?service=vehicle-tax-renewals"])
def test_every_response_carries_the_security_headers(database, path):
    from app import server
    answer = server.test_client().get(path)
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in answer.headers["Content-Security-Policy"]
    assert answer.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in answer.headers  # plain HTTP here


def test_hsts_behind_tls(database):
    from app import server
    answer = server.test_client().get("/_status", base_url="https://platform.example")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
