"""Generated uploads (JSON, gzip-compressed JSON, CSV, Excel; valid, invalid and broken) through the
write API in-process, on SQLite and PostgreSQL: never a 5xx, and a refused upload changes nothing."""
import csv
import gzip
import io
import json
import uuid

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from api.errors import register_errors
from api.write import XLSX, register_write
from data_access.data_sets import create_data_set, issue_token
from data_access.db import get_engine
from data_access.schema import records
from tests.fuzz.conftest import COUNTS, examples

NAMES = st.one_of(st.sampled_from(["_timestamp", "_id", "_start_at", "_end_at", "channel", "count", "note",
                                   "rating", "comment", "Count", "_secret", "a", "x1", "bad name", ""]),
                  st.text(max_size=12))
TIMES = st.sampled_from(["2024-03-04T00:00:00Z", "2024-03-04", "04/03/2024", "2024-02-30", "yesterday",
                         "0001-01-01T00:00:00Z", "9999-12-31T23:59:59+14:00", "2024-03-04T10:00:00+01:00"])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30), TIMES,
                    st.sampled_from(["jane@example.org", "07700 900123", "SW1A 1AA", "4111 1111 1111 1111",
                                     "QQ123456C", "=1+2", "#comment", "0123", "1e400", "\x00", "\ufeff"]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=2), st.dictionaries(st.text(max_size=3), SCALARS, max_size=2))
RECORDS = st.lists(st.dictionaries(NAMES, VALUES, max_size=5), max_size=8)
# plausible records, so that some uploads are accepted
GOOD = st.lists(st.fixed_dictionaries({"_timestamp": TIMES, "channel": st.sampled_from(["digital", "phone"]),
                                       "count": st.integers(-5, 10**6)},
                                      optional={"_id": st.text("abc123-", min_size=1, max_size=6)}), max_size=8)
BODIES = st.one_of(RECORDS, GOOD, GOOD.map(lambda rs: rs[0] if rs else {}), SCALARS)


def _json(body) -> bytes:
    return json.dumps(body, allow_nan=True).encode()


def _csv(rows) -> bytes:
    rows = rows if isinstance(rows, list) else [rows]
    rows = [r for r in rows if isinstance(r, dict)]
    header = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in header])
    return out.getvalue().encode("utf-8", "surrogatepass")


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook
    rows = rows if isinstance(rows, list) else [rows]
    rows = [r for r in rows if isinstance(r, dict)]
    header = list(dict.fromkeys(k for r in rows for k in r))
    book = Workbook()
    sheet = book.active
    try:
        sheet.append(header)
        for row in rows:
            sheet.append([v if isinstance(v, (int, float, str, bool)) or v is None else str(v)
                          for v in (row.get(k) for k in header)])
    except Exception:  # noqa: BLE001 - openpyxl refuses some characters: a plain sheet then
        book = Workbook()
        book.active.append(["_timestamp", "count"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _damaged(content: bytes, cut: int, noise: bytes) -> bytes:
    return content[: cut % (len(content) + 1)] + noise


ENCODERS = {"json": (_json, "application/json", {}),
            "gzip-json": (lambda body: gzip.compress(_json(body)), "application/json", {"Content-Encoding": "gzip"}),
            "csv": (_csv, "text/csv", {}),
            "xlsx": (_xlsx, XLSX, {})}


@pytest.fixture
def client(database):
    app = Flask("fuzz")
    register_write(app)
    register_errors(app)
    return app.test_client()


_data_sets = {}


def data_set_for(fmt):
    """One data set per format and database (hypothesis runs every example inside one test)."""
    key = (get_engine().url.render_as_string(), fmt)
    if key not in _data_sets:
        with get_engine().begin() as conn:
            data_set = create_data_set(conn, f"fuzz-{uuid.uuid4().hex[:10]}", "transactions-by-channel")
            _data_sets[key] = (data_set, issue_token(conn, data_set, "fuzz"))
    return _data_sets[key]


def contents(data_set):
    with get_engine().connect() as conn:
        return sorted((r.record_id, json.dumps(r.data, sort_keys=True)) for r in conn.execute(
            select(records.c.record_id, records.c.data).where(records.c.data_set_id == data_set.id)))


@pytest.mark.parametrize("fmt", list(ENCODERS))
def test_generated_uploads_never_5xx_and_refused_ones_change_nothing(client, database, fmt):
    data_set, token = data_set_for(fmt)
    encode, content_type, headers = ENCODERS[fmt]

    @settings(max_examples=max(1, examples() // len(ENCODERS)), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(body=BODIES, method=st.sampled_from(["post", "put"]), damage=st.booleans(),
           cut=st.integers(0, 10**6), noise=st.binary(max_size=16))
    def upload(body, method, damage, cut, noise):
        COUNTS[f"uploads {fmt} ({database})"] += 1
        content = encode(body)
        if damage:
            content = _damaged(content, cut, noise)
        before = contents(data_set)
        answer = getattr(client, method)(f"/data/{data_set.name}", data=content, content_type=content_type,
                                         headers={"Authorization": f"Bearer {token}", **headers})
        assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
        after = contents(data_set)
        if answer.status_code != 200:
            assert after == before, "a refused upload changed the data set"
            assert answer.get_json()["message"]
        elif method == "put":
            assert len(after) == answer.get_json()["records"]
        else:
            assert len(before) <= len(after) <= len(before) + answer.get_json()["records"]

    upload()
