"""The read API's server-side cache and its ETags, on SQLite and PostgreSQL, with the app's real cache
(the file cache) on a bare Flask app: a repeated query and a revalidation never read the records, the
answer is byte for byte the uncached one, and a write changes both the answer and the ETag."""
import re
import uuid
from datetime import datetime

import flask
import pytest

from api.read import register_read
from data_access.cache import init_cache
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from data_access.service_data import dashboard_rows
from ingest.records import Record
from tests.sql_log import statements

READS_RECORDS = re.compile(r"\bFROM records\b", re.IGNORECASE)


def _app(cache_dir=None) -> flask.Flask:
    app = flask.Flask(f"read-{uuid.uuid4().hex[:6]}")
    if cache_dir is not None:
        app.config["TESTING"] = True
        init_cache(app)
    register_read(app)
    return app


@pytest.fixture
def cached_app(database, tmp_path, monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    return _app(tmp_path / "cache")


def channels_data_set(**settings):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"cache-{uuid.uuid4().hex[:10]}", "transactions-by-channel", **settings)
        store_records(conn, data_set, [Record(None, datetime(2024, 3, 4), {"channel": c, "count": n})
                                       for c, n in (("digital", 1200), ("phone", 300))])
    return data_set


def add_week(data_set, count: int) -> None:
    with get_engine().begin() as conn:
        store_records(conn, data_set, [Record(None, datetime(2024, 3, 11), {"channel": "digital", "count": count})])


def test_repeats_and_revalidations_do_not_read_the_records(cached_app):
    data_set = channels_data_set()
    url = f"/data/{data_set.name}?period=week&group_by=channel&collect=count:sum"
    client = cached_app.test_client()
    with statements() as seen:
        first = client.get(url)
    assert first.status_code == 200 and any(READS_RECORDS.search(s) for s in seen)
    etag = first.headers["ETag"]
    with statements() as seen:
        again = client.get(url)
        revalidated = client.get(url, headers={"If-None-Match": etag})
        reordered = client.get(f"/data/{data_set.name}?collect=count:sum&group_by=channel&period=week",
                               headers={"If-None-Match": etag})  # the same query spelt otherwise
        head = client.head(url)
    assert (again.status_code, again.data, again.headers["ETag"]) == (200, first.data, etag)
    assert revalidated.status_code == 304 and revalidated.data == b"" and reordered.status_code == 304
    assert revalidated.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert revalidated.headers["Access-Control-Allow-Origin"] == "*"
    assert head.status_code == 200 and head.headers["ETag"] == etag
    assert not any(READS_RECORDS.search(s) for s in seen), seen


def test_the_cached_answer_is_the_uncached_one_byte_for_byte(cached_app):
    data_set = channels_data_set(published=False)
    uncached = _app().test_client()
    client = cached_app.test_client()
    for query in ("period=week&group_by=channel&collect=count:sum&flatten=true", "group_by=channel&format=csv",
                  "", "period=month&collect=count:mean&collect=channel"):
        url = f"/data/{data_set.name}?{query}"
        plain = uncached.get(url)
        assert client.get(url).data == plain.data  # computed and cached
        cached = client.get(url)
        assert (cached.status_code, cached.data, cached.headers["ETag"]) == (200, plain.data, plain.headers["ETag"])
        assert cached.headers["Content-Type"] == plain.headers["Content-Type"]


def test_a_write_changes_the_answer_and_its_etag(cached_app):
    data_set = channels_data_set()
    url = f"/data/{data_set.name}?group_by=channel&collect=count:sum"
    client = cached_app.test_client()
    first = client.get(url)
    assert [g["count:sum"] for g in first.json["data"]] == [1200, 300]
    csv_etag = client.get(url + "&format=csv").headers["ETag"]
    assert csv_etag != first.headers["ETag"]  # another body, another ETag
    add_week(data_set, 800)
    after = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    assert [g["count:sum"] for g in after.json["data"]] == [2000, 300]


def test_a_services_dashboard_rows_are_cached_until_a_write(cached_app):
    data_set = channels_data_set(published=True)
    with cached_app.test_request_context():
        first = dashboard_rows(data_set)
    with cached_app.test_request_context(), statements() as seen:
        assert dashboard_rows(data_set) == first
    assert not any(READS_RECORDS.search(s) for s in seen)
    add_week(data_set, 800)
    with cached_app.test_request_context():
        after = dashboard_rows(data_set)
    assert sum(r["count:sum"] or 0 for r in after if r["channel"] == "digital") == 2000
    assert sum(r["count:sum"] or 0 for r in first if r["channel"] == "digital") == 1200
