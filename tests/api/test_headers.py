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


def _inline_scripts(page: str) -> list[str]:
    """The inline scripts a browser would run (not JSON data blocks, not scripts with a src)."""
    import re
    scripts = re.findall(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", page, re.S)
    return [body for attrs, body in scripts if "src=" not in attrs and "application/json" not in attrs]


@pytest.mark.parametrize("path", ["/", "/services/vehicle-tax-renewals", "/compare?services=vehicle-tax-renewals"])
def test_the_policy_allows_exactly_the_pages_own_inline_scripts(database, path):
    """No 'unsafe-inline' or 'unsafe-eval' for scripts: each inline script of the page is allowed by its hash
    (the browser tests fail on anything the policy refuses; this says why a page would be refused)."""
    import base64
    import hashlib
    from app import server
    answer = server.test_client().get(path)
    policy = dict(part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";"))
    scripts = policy["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    inline = _inline_scripts(answer.get_data(as_text=True))
    assert inline, "Dash's renderer starts from an inline script"
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts, body[:120]
