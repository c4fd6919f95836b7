"""Generated data API queries from the OpenAPI document (schemathesis strategies, valid and invalid)
against a real gunicorn server on SQLite: never a 5xx. The queries go to data sets that hold data, so
most reach the database. (schemathesis' pytest plugin does not run under pytest 9, so its strategies
drive hypothesis directly.)"""
import time
import uuid

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from tests.faults.servers import start_server
from tests.fuzz.conftest import COUNTS, examples

SLOWEST = []
DATA_SETS = []


def fuzz_data_sets(database_url):
    """Two data sets of a few hundred records of mixed fields (the demo sets are too big to read whole
    thousands of times): numbers, text, booleans, nulls, periods of a week."""
    from datetime import datetime, timedelta

    from data_access.data_sets import create_data_set
    from data_access.db import make_engine
    from data_access.records import store_records
    from ingest.records import Record
    engine = make_engine(database_url)
    names = []
    with engine.begin() as conn:
        for data_type in ("transactions-by-channel", "customer-satisfaction"):
            data_set = create_data_set(conn, f"fuzz-{uuid.uuid4().hex[:8]}", data_type)
            start = datetime(2023, 1, 2)
            store_records(conn, data_set, [Record(f"r{i}", start + timedelta(days=7 * (i // 4)), {
                "channel": ["digital", "phone", "paper", None][i % 4], "count": i * 37 % 1000,
                "value": (i % 7) / 3, "key": f"k{i % 5}", "flag": i % 2 == 0}) for i in range(400)])
            names.append((data_set.data_group, data_set.data_type))
    engine.dispose()
    return names


@pytest.fixture(scope="module")
def fuzz_server(sqlite_url, tmp_path_factory):
    """A server of its own: the query rate limit is lifted for the fuzzer."""
    DATA_SETS.extend(fuzz_data_sets(sqlite_url))
    server = start_server(sqlite_url, tmp_path_factory.mktemp("fuzz-server"),
                          {"RATE_LIMIT_QUERY": "1000000 per minute"})
    yield server
    server.stop()


def query_operation(url):
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    [operation] = [r.ok() for r in schema.include(method="GET", path="/data/{data_group}/{data_type}")
                   .get_all_operations()]
    return operation


def test_generated_queries_never_5xx(fuzz_server):
    operation = query_operation(fuzz_server.url)
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    session = requests.Session()

    @settings(max_examples=examples(), deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases, data_set=st.sampled_from(DATA_SETS))
    def query(case, data_set):
        COUNTS["queries GET /data/{data_group}/{data_type}"] += 1
        case.path_parameters = {"data_group": data_set[0], "data_type": data_set[1]}
        started = time.monotonic()
        response = case.call(base_url=fuzz_server.url, session=session, timeout=60)
        SLOWEST.append((time.monotonic() - started, case.as_curl_command()))
        assert response.status_code < 500, (case.as_curl_command(), response.text[:500])
        # 414: gunicorn refuses a request line over 4,094 bytes before the app sees it (a clear client error)
        assert response.status_code in (200, 304, 400, 404, 414), (case.as_curl_command(), response.status_code)

    query()
    SLOWEST.sort(reverse=True)
    print("slowest queries:", *SLOWEST[:3], sep="\n")
