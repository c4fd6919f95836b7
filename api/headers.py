"""Security headers on every response (pages, API, exports, admin)."""
from flask import Flask, request


def secure_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # pages may be framed by this site only (the dashboard editor previews in a frame)
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
    if request.is_secure:  # behind TLS (ProxyFix or a TLS-terminating server sets the scheme)
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def register_headers(server: Flask) -> None:
    server.after_request(secure_headers)
