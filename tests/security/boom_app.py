"""The real app plus routes that raise, to see what a client is told of an internal error (served by
gunicorn in tests/security/test_errors_and_limits.py only). Each error message holds the request's
Authorization header, which must never reach the client."""
from dash import Input, Output
from flask import request

from app import app, server
from pages.exports import exporter


def _boom():
    raise RuntimeError(f"boom with {request.headers.get('Authorization')}")


@app.callback(Output("boom-out", "children"), Input("boom-in", "value"))
def _boom_callback(_value):
    _boom()


@exporter("boom")
def _boom_export(_params):
    _boom()


server.add_url_rule("/boom-page", "boom_page", _boom)
server.add_url_rule("/admin/boom", "admin_boom", _boom)
server.add_url_rule("/data/boom/boom/raise", "data_boom", _boom)
