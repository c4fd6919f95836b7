"""Security headers on every response (pages, API, exports, admin), and long caching of fingerprinted files."""
from flask import Flask, current_app, request

# Dash works under this: its one inline script is allowed by hash (app.csp_hashes(), set in app.py);
# Plotly and Dash set inline styles, so styles may be inline; images of charts are data: or blob: URLs.
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'self'"],
}


def content_security_policy(script_hashes=()) -> str:
    """script_hashes as Dash's csp_hashes() gives them, quoted ("'sha256-...'")."""
    policy = {**POLICY, "script-src": POLICY["script-src"] + list(dict.fromkeys(script_hashes))}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


def secure_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # pages may be framed by this site only (the dashboard editor previews in a frame)
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    hashes = current_app.config.get("CSP_SCRIPT_HASHES", ())
    response.headers.setdefault("Content-Security-Policy",
                                content_security_policy(hashes() if callable(hashes) else hashes))
    if request.is_secure:  # behind TLS (ProxyFix or a TLS-terminating server sets the scheme)
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


# Dash fingerprints these by a query argument (an asset's mtime, Dash's version): a new file, a new URL
FINGERPRINTED = {"_dash_assets.static": "m", "/_favicon.ico": "v"}


def cache_fingerprinted(response):
    """A year in the browser's cache for Dash's fingerprinted assets (its component suites have it already):
    served as Flask's no-cache files, compressed as a stream, they were fetched again in full on every page."""
    argument = FINGERPRINTED.get(request.endpoint)
    if argument and argument in request.args and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def register_headers(server: Flask) -> None:
    server.after_request(secure_headers)
    server.after_request(cache_fingerprinted)
