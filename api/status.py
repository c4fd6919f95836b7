"""Health: /_status (the app is up and its database answers) and /_status/data-sets (freshness)."""
from __future__ import annotations

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from data_access.data_sets import list_data_sets, utc_now
from data_access.db import get_engine


def status():
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return jsonify(status="error", message="The database is not answering."), 503
    return jsonify(status="ok", message="The app is up and its database answers.")


def freshness(data_set, now) -> dict:
    """How out of date a data set is against its max_age_expected (None: not monitored)."""
    age = (now - data_set.last_written_at).total_seconds() if data_set.last_written_at else None
    stale = data_set.max_age_expected is not None and (age is None or age > data_set.max_age_expected)
    return {"name": data_set.name, "data_group": data_set.data_group, "data_type": data_set.data_type,
            "last_updated": data_set.last_written_at.isoformat() + "+00:00" if data_set.last_written_at else None,
            "max_age_expected": data_set.max_age_expected, "seconds_old": None if age is None else int(age),
            "seconds_out_of_date": (int(age - data_set.max_age_expected) if stale and age is not None else
                                    None), "stale": stale}


def data_sets_status():
    try:
        now = utc_now()
        checked = [freshness(d, now) for d in list_data_sets()]
    except SQLAlchemyError:
        return jsonify(status="error", message="The database is not answering."), 503
    stale = [c for c in checked if c["stale"]]
    body = {"status": "ok" if not stale else "stale",
            "message": f"{len(stale)} of {len(checked)} data sets are out of date" if stale else
                       f"all {len(checked)} data sets are up to date", "data_sets": checked}
    return jsonify(body), 200 if not stale else 503


def register_status(server: Flask) -> None:
    server.add_url_rule("/_status", view_func=status)
    server.add_url_rule("/_status/data-sets", view_func=data_sets_status)
