"""GET /data/<group>/<type>: the read view over a bare Flask app, on SQLite and PostgreSQL."""
import csv
import io
import uuid
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from ingest.records import Record
from query.parse import PARAMETERS

CHANNELS = {"ca_clerical_received": [3546, 3183, 3003, 3047], "ca_e_claims_received": [1472, 1763, 1629, 1906]}


def new_data_set(**settings):
    records = [Record(None, datetime(2013, 10, 14) + timedelta(weeks=week), {"key": key, "value": figure})
               for key, figures in CHANNELS.items() for week, figure in enumerate(figures)]
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-{uuid.uuid4().hex[:12]}", "transactions-by-channel", **settings)
        store_records(conn, data_set, records)
    return data_set


@pytest.fixture
def claims(database):
    return new_data_set()


def url(data_set) -> str:
    return f"/data/{data_set.data_group}/{data_set.data_type}"


def test_answers_data_with_cache_and_cors_headers(client, claims):
    answer = client.get(url(claims) + "?group_by=key&period=week&collect=value:sum")
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    assert answer.headers["Cache-Control"] == "max-age=1800, must-revalidate"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    body = answer.get_json()
    assert set(body) == {"data"}
    assert body["data"][0]["key"] == "ca_clerical_received"
    assert body["data"][0]["value:sum"] == sum(CHANNELS["ca_clerical_received"])
    assert body["data"][0]["values"][0]["_start_at"] == "2013-10-14T00:00:00+00:00"


def test_etag_and_not_modified(client, claims):
    first = client.get(url(claims) + "?period=week")
    etag = first.headers["ETag"]
    assert etag.strip('"')
    again = client.get(url(claims) + "?period=week", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(url(claims) + "?period=month", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_realtime_data_sets_are_cached_for_two_minutes(client, database):
    answer = client.get(url(new_data_set(realtime=True)))
    assert answer.headers["Cache-Control"] == "max-age=120, must-revalidate"


def test_unpublished_data_sets_carry_a_warning_and_no_cache(client, database):
    answer = client.get(url(new_data_set(published=False)) + "?period=week")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "unpublished" in answer.get_json()["warning"]
    assert len(answer.get_json()["data"]) == 4


def test_unknown_data_sets_answer_404(client, database):
    for path in ("/data/no-such-group/no-such-type", "/data/Bad_Name/x"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.get_json()["message"].startswith("no data set ")
        assert answer.headers["Access-Control-Allow-Origin"] == "*"


def test_data_sets_that_are_not_queryable_answer_404(client, database):
    data_set = new_data_set(queryable=False)
    answer = client.get(url(data_set))
    assert answer.status_code == 404
    assert answer.get_json() == {"message": f"data set {data_set.name} is not open to queries"}


@pytest.mark.parametrize("query, message", [
    ("period=fortnight", "'period' must be one of hour, day, week, month, quarter, year"),
    ("group_by=_timestamp", "'group_by' cannot be an internal field: '_timestamp'"),
    ("start_at=yesterday", "'start_at' is not an ISO 8601 datetime: 'yesterday'"),
    ("filter_by=key:a&filter_by_prefix=key:b", "use either 'filter_by' or 'filter_by_prefix', not both"),
    ("colour=red", None),
])
def test_invalid_queries_answer_400_with_a_message(client, claims, query, message):
    answer = client.get(url(claims) + "?" + query)
    assert answer.status_code == 400
    assert answer.headers["Cache-Control"] == "no-cache"
    assert answer.get_json()["message"] == message if message else answer.get_json()["message"]


def test_csv_answers_the_same_rows(client, claims):
    answer = client.get(url(claims) + "?group_by=key&period=week&collect=value:sum&format=csv")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    assert answer.headers["ETag"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert len(rows) == 8
    assert rows[0] == {"key": "ca_clerical_received", "_start_at": "2013-10-14T00:00:00+00:00",
                       "_end_at": "2013-10-21T00:00:00+00:00", "_count": "1", "value:sum": "3546"}


def test_head_and_cors_preflight(client, claims):
    head = client.head(url(claims))
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"]
    preflight = client.options(url(claims), headers={"Origin": "https://example.org",
                                                     "Access-Control-Request-Method": "GET",
                                                     "Access-Control-Request-Headers": "If-None-Match"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert preflight.headers["Access-Control-Allow-Headers"] == "If-None-Match"


def test_the_same_answer_on_both_databases(client, claims):
    body = client.get(url(claims) + "?group_by=key&period=month&collect=value:mean&collect=value").get_json()
    assert body["data"][1]["value:mean"] == pytest.approx(sum(CHANNELS["ca_e_claims_received"]) / 4)
    assert body["data"][1]["value:set"] == sorted(CHANNELS["ca_e_claims_received"])


# --- property: random queries through the view answer 200 or 400, never 500 -----------------------

_data_sets = {}


def shared_data_set():
    """One data set a database for all examples (hypothesis runs many inside one test)."""
    url_now = get_engine().url.render_as_string()
    if url_now not in _data_sets:
        _data_sets[url_now] = new_data_set()
    return _data_sets[url_now]


VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["true", "false", "csv", "week", "month", "quarter", "hour", "1", "3", "0", "-1",
                     "key", "value", "value:sum", "value:mean", "value:count", "value:set", "key:ascending",
                     "_count:descending", "value:sum:descending", "key:ca_", "key:ca_e_claims_received",
                     "2013-10-14T00:00:00Z", "2013-11-01T00:00:00+01:00", "0001-01-01T00:00:00Z",
                     "9999-12-31T00:00:00Z"]),
)
PAIRS = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=PAIRS)
def test_random_queries_answer_200_or_400(client, database, pairs):
    answer = client.get(url(shared_data_set()), query_string=pairs)
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)[:500]
    if answer.status_code == 400:
        assert answer.get_json()["message"]
