"""Each source kind against a real local HTTP server: what is asked, and how answers map to records."""
from datetime import date

import pytest

from collectors import sources
from collectors.sources import DateRange, SourceError
from tests.collectors.http_server import KINDS, SourceServer, serve_kind

TODAY = date(2026, 11, 29)


@pytest.fixture
def server():
    with SourceServer() as running:
        yield running


def fetch(kind, config, credentials=None, window=None, timeout=1.0):
    return sources.fetch(kind, config, credentials, window, timeout, TODAY)


def test_a_csv_file_is_mapped_with_fixed_fields_and_a_timestamp_format(server):
    config, credentials, _ids, _n = serve_kind("csv_url", server)
    assert fetch("csv_url", config) == [
        {"channel": "online", "count": 120, "_timestamp": "2026-11-02T00:00:00+00:00", "period": "day"},
        {"channel": "phone", "count": 30, "_timestamp": "2026-11-02T00:00:00+00:00", "period": "day"},
        {"channel": "online", "count": 130, "_timestamp": "2026-11-03T00:00:00+00:00", "period": "day"},
    ]


def test_a_json_file_sends_its_bearer_token_and_finds_its_records(server):
    config, credentials, _ids, _n = serve_kind("json_url", server)
    rows = fetch("json_url", config, credentials)
    assert rows[0] == {"channel": "online", "count": 5, "_timestamp": "2026-11-02T00:00:00+00:00"}
    assert server.hits("/export.json")[0]["headers"]["Authorization"] == "Bearer file-secret"


def test_an_excel_file_is_read_from_its_first_sheet(server):
    config, *_ = serve_kind("excel_url", server)
    rows = fetch("excel_url", config)
    assert len(rows) == 4
    assert rows[1] == {"channel": "paper", "count": 52, "_timestamp": "2026-11-02T00:00:00+00:00", "period": "week"}


def test_a_mapped_column_the_file_lacks_is_an_error(server):
    config, *_ = serve_kind("csv_url", server)
    with pytest.raises(SourceError, match="no column 'Volume in pounds'"):
        fetch("csv_url", {**config, "columns": {"Volume in pounds": "count"}})


def test_a_date_not_in_the_given_format_is_an_error(server):
    config, *_ = serve_kind("csv_url", server)
    with pytest.raises(SourceError, match="row 1, column 'Date'"):
        fetch("csv_url", {**config, "timestamp": {"column": "Date", "format": "%d/%m/%Y"}})


def test_another_performance_platform_answer_is_flattened_and_fill_ins_dropped(server):
    config, *_ = serve_kind("performance_platform", server)
    rows = fetch("performance_platform", config)
    assert rows == [
        {"channel": "online", "count": 140, "_timestamp": "2026-11-02T00:00:00+00:00"},
        {"channel": "online", "count": 160, "_timestamp": "2026-11-09T00:00:00+00:00"},
        {"channel": "phone", "count": 25, "_timestamp": "2026-11-02T00:00:00+00:00"},
    ]
    query = server.hits("/data/other-service/transactions-by-channel")[0]["query"]
    assert query == {"period": ["week"], "group_by": ["channel"], "collect": ["count:sum"], "duration": ["3"]}


def test_another_performance_platform_is_asked_for_a_backfills_range(server):
    config, *_ = serve_kind("performance_platform", server)
    fetch("performance_platform", config, window=DateRange(date(2026, 10, 1), date(2026, 10, 31)))
    query = server.hits("/data/other-service/transactions-by-channel")[0]["query"]
    assert query["start_at"] == ["2026-10-01T00:00:00Z"] and query["end_at"] == ["2026-11-01T00:00:00Z"]
    assert "duration" not in query


def test_without_a_mapping_a_read_api_key_loses_its_method(server):
    server.serve_json("/data/a/b", {"data": [{"_start_at": "2026-11-02T00:00:00+00:00", "_count": 1,
                                              "successful_web:sum": 715274.0}]})
    assert fetch("performance_platform", {"url": server.url("/data/a/b")}) == [
        {"successful_web": 715274.0, "_timestamp": "2026-11-02T00:00:00+00:00"}]


def test_matomo_gets_its_parameters_and_its_token_in_the_body_not_the_url(server):
    config, credentials, _ids, _n = serve_kind("matomo", server)
    rows = fetch("matomo", config, credentials)
    assert rows == [
        {"visits": 10, "visitors": 7, "channel": "digital", "_timestamp": "2026-11-27T00:00:00+00:00"},
        {"visits": 11, "visitors": 8, "channel": "digital", "_timestamp": "2026-11-28T00:00:00+00:00"},
        {"visits": 12, "visitors": 9, "channel": "digital", "_timestamp": "2026-11-29T00:00:00+00:00"},
    ]
    hit = server.hits("/index.php")[0]
    assert hit["method"] == "POST" and hit["form"]["token_auth"] == ["matomo-secret"]
    assert {k: v[0] for k, v in hit["query"].items()} == {
        "module": "API", "method": "VisitsSummary.get", "idSite": "3", "period": "day",
        "date": "2026-11-27,2026-11-29", "format": "JSON"}
    assert "matomo-secret" not in str(hit["query"])


def test_matomo_rows_with_a_dimension_map_to_one_record_each(server):
    server.serve_json("/index.php", {"2026-11-28": [{"label": "Search Engines", "nb_visits": 40},
                                                    {"label": "Direct Entry", "nb_visits": 12}],
                                     "2026-11-29": []})
    rows = fetch("matomo", {"url": server.url("/index.php"), "site_id": 1, "method": "Referrers.getReferrerType",
                            "metrics": {"nb_visits": "visits"}, "dimensions": {"label": "source"}, "days": 2},
                 {"token_auth": "t"})
    assert rows == [{"visits": 40, "source": "Search Engines", "_timestamp": "2026-11-28T00:00:00+00:00"},
                    {"visits": 12, "source": "Direct Entry", "_timestamp": "2026-11-28T00:00:00+00:00"}]


def test_a_matomo_error_answer_is_a_source_error(server):
    config, *_ = serve_kind("matomo", server)
    with pytest.raises(SourceError, match="can't access"):
        fetch("matomo", config, {"token_auth": "wrong"})


def test_plausible_timeseries_sends_the_api_key_as_a_bearer_token(server):
    config, credentials, _ids, _n = serve_kind("plausible", server)
    rows = fetch("plausible", config, credentials, window=DateRange(date(2026, 11, 1), date(2026, 11, 2)))
    assert rows == [
        {"visitors": 3, "pageviews": 9, "channel": "digital", "_timestamp": "2026-11-01T00:00:00+00:00"},
        {"visitors": 4, "pageviews": 10, "channel": "digital", "_timestamp": "2026-11-02T00:00:00+00:00"},
    ]
    hit = server.hits("/api/v1/stats/timeseries")[0]
    assert hit["headers"]["Authorization"] == "Bearer plausible-secret"
    assert {k: v[0] for k, v in hit["query"].items()} == {
        "site_id": "example.service.gov.uk", "period": "custom", "interval": "date",
        "date": "2026-11-01,2026-11-02", "metrics": "visitors,pageviews"}


def test_plausible_breakdown_asks_day_by_day(server):
    server.serve("/api/v1/stats/breakdown", lambda request: (
        b'{"results": [{"source": "Google", "visitors": 30}, {"source": "Direct / None", "visitors": 11}]}'))
    rows = fetch("plausible", {"url": server.base, "site_id": "s", "metrics": {"visitors": "visitors"},
                               "property": "visit:source", "dimension": "source", "days": 2}, {"api_key": "k"})
    assert len(rows) == 4 and rows[0] == {"visitors": 30, "source": "Google", "_timestamp": "2026-11-28T00:00:00+00:00"}
    assert [h["query"]["date"][0] for h in server.hits("/api/v1/stats/breakdown")] == ["2026-11-28", "2026-11-29"]
    assert server.hits("/api/v1/stats/breakdown")[0]["query"]["property"] == ["visit:source"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_malformed_answer_is_a_source_error(server, kind):
    config, credentials, _ids, _n = serve_kind(kind, server)
    server.malformed = True
    with pytest.raises(SourceError):
        fetch(kind, config, credentials)


@pytest.mark.parametrize("kind", KINDS)
def test_a_slow_source_times_out_and_may_be_retried(server, kind):
    config, credentials, _ids, _n = serve_kind(kind, server)
    server.slow = 1.0
    with pytest.raises(SourceError, match="did not answer within 0.2 s") as raised:
        fetch(kind, config, credentials, timeout=0.2)
    assert raised.value.retryable


def test_an_http_error_names_the_status_but_never_the_query(server):
    server.serve("/secret.csv", b"nope", "text/plain", status=503)
    with pytest.raises(SourceError) as raised:
        fetch("csv_url", {"url": server.url("/secret.csv?key=hush")})
    assert "HTTP 503" in str(raised.value) and "hush" not in str(raised.value) and raised.value.retryable


def test_an_unreachable_source_is_a_retryable_error():
    with SourceServer() as gone:
        url = gone.url("/x.csv")
    with pytest.raises(SourceError, match="could not be reached") as raised:
        fetch("csv_url", {"url": url})
    assert raised.value.retryable


def test_configurations_are_checked():
    sources.check_config("matomo", {"url": "u", "site_id": 1, "method": "VisitsSummary.get", "metrics": {"a": "b"}})
    with pytest.raises(ValueError, match="needs site_id, method"):
        sources.check_config("matomo", {"url": "u", "metrics": {"a": "b"}})
    with pytest.raises(ValueError, match="kind must be one of"):
        sources.check_config("ftp", {})
    with pytest.raises(ValueError, match="encrypted credentials"):
        sources.check_config("plausible", {"url": "u", "site_id": "s", "metrics": {"v": "v"}, "api_key": "k"})
