"""Health: GET /_status answers 200 when the app is up and its database answers, 503 if not."""
from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from data_access.db import get_engine


def status():
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", message="The database is not answering."), 503
    return jsonify(status="ok", message="The app is up and its database answers.")


def register_status(server: Flask) -> None:
    server.add_url_rule("/_status", view_func=status)
