"""The data API against its raw floors, on SQLite (a temp file) and PostgreSQL (a throwaway schema).

1. Ingestion: one CSV upload of BENCH_RECORDS records (default 1,000,000) through the real code path,
   ingest.uploads.parse_csv -> ingest.records.validate_records (transactions-by-channel JSON Schema,
   auto_ids _timestamp + channel) -> data_access.records.store_records in one transaction, stage by
   stage; beside the raw floors: the same rows, precomputed, bulk-inserted into the same `records`
   table by SQLAlchemy Core `insert(records)` executemany, and by the driver's fastest plain path
   (sqlite3 executemany; psycopg COPY). Parsing and validation touch no database: they run once and
   their time is added to each database's store time.
2. Grouped queries: p50/p95 of query.parse.parse_query + data_access.record_queries.run_query +
   query.answers.answer beside the same SQL replayed on the DB-API cursor (fetched), and the ratio;
   on a realistic data set (5 years of weekly data x 6 channels, one of 200 such data sets in the
   table) and on the big data set of part 1 (hourly, 6 channels).
3. The HTTP write path: POST of a ~10 MiB JSON array (gzip) to /data/<group>/<type> through the
   real app (`from app import server`, Flask test client), beside the same body through the
   in-process pipeline (json.loads + validate_records + store_records).

Figures only, no assertions on times. Run:
    .venv/bin/python bench/bench_data_api.py
    BENCH_RECORDS=100000 BENCH_RUNS=10 .venv/bin/python bench/bench_data_api.py   # a quick run
Settings (environment): BENCH_RECORDS, BENCH_RUNS (query runs, 30), BENCH_BIG_RUNS (query runs on
the big data set, 10), BENCH_HTTP_RUNS (3), BENCH_QUERY_DATA_SETS (200),
PG_TEST_URL, BENCH_SKIP_PG=1.
"""
from __future__ import annotations

import gc
import gzip
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# the app's file cache must not land in instance/, nor its keys in a shared Redis
_CACHE_DIR = tempfile.TemporaryDirectory(prefix="pp-bench-cache-")
os.environ["CACHE_DIR"] = _CACHE_DIR.name
os.environ.pop("REDIS_URL", None)

import sqlalchemy  # noqa: E402
from sqlalchemy import create_engine, event, insert, text  # noqa: E402

from bench.measure import percentiles, raw_floor, timed  # noqa: E402
from data_access.data_sets import create_data_set, issue_token, utc_now  # noqa: E402
from data_access.db import get_engine  # noqa: E402
from data_access.migrate import upgrade  # noqa: E402
from data_access.record_queries import run_query  # noqa: E402
from data_access.records import count_records, store_records  # noqa: E402
from data_access.schema import records  # noqa: E402
from ingest.records import period_starts, validate_records  # noqa: E402
from ingest.uploads import MAX_ROWS, parse_csv  # noqa: E402
from query.answers import answer  # noqa: E402
from query.parse import parse_query  # noqa: E402

PG_URL = os.environ.get("PG_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
N_RECORDS = int(os.environ.get("BENCH_RECORDS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "30"))
BIG_RUNS = int(os.environ.get("BENCH_BIG_RUNS", "10"))  # each run scans up to all of part 1's records
HTTP_RUNS = int(os.environ.get("BENCH_HTTP_RUNS", "3"))
QUERY_DATA_SETS = int(os.environ.get("BENCH_QUERY_DATA_SETS", "200"))
SCHEMA = json.loads((ROOT / "docs/govuk-pp-schemas/transactions-by-channel.json").read_text())
AUTO_IDS = ["_timestamp", "channel"]
CHANNELS = ("digital", "telephone", "paper", "face-to-face", "post-office", "assisted-digital")
END = datetime(2026, 11, 23)  # a Monday: the data ends with the week before it
HTTP_BODY_TARGET = 10 * 1024 * 1024 - 64 * 1024  # bytes of JSON: just under the 10 MiB limit
COLUMNS = ["data_set_id", "record_id", "timestamp", *[f"{k}_start_at" for k in
           ("hour", "day", "week", "month", "quarter", "year")], "data", "updated_at"]

# queries that dashboards send; {year_start}/{year_end} are the last year of the data
QUERIES = {
    "a year weekly, by channel": "period=week&group_by=channel&collect=count:sum"
                                 "&start_at={year_start}&end_at={year_end}",
    "all time by channel": "group_by=channel&collect=count:sum",
    "12 months to now": "period=month&collect=count:sum&duration=12",
}


# --- small helpers ---------------------------------------------------------------------------------

def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>10,.0f} rec/s" if seconds > 0 else "-"


def line(label: str, seconds: float, count: int, note: str = "") -> None:
    print(f"  {label:46} {seconds:8.2f} s {rate(count, seconds)}  {note}".rstrip())


class SqlTimer:
    """Time spent in the driver (cursor execute), by statement verb, while active."""

    def __init__(self, engine):
        self.engine, self.seconds, self._began = engine, {}, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_):
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._began.append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        verb = statement.lstrip().split(None, 1)[0].upper()
        self.seconds[verb] = self.seconds.get(verb, 0.0) + time.perf_counter() - self._began.pop()


# --- the data ----------------------------------------------------------------------------------------

def upload_csv(count: int) -> bytes:
    """An hourly transactions-by-channel export: 6 channels an hour, ending on END."""
    hours = -(-count // len(CHANNELS))
    start = END - timedelta(hours=hours)
    lines = ["# transactions by channel, hourly; exported by the service's own reporting", "_timestamp,channel,count,period"]
    for i in range(count):
        moment = start + timedelta(hours=i // len(CHANNELS))
        lines.append(f"{moment.isoformat()}Z,{CHANNELS[i % len(CHANNELS)]},{(i * 7919) % 4999 + 1},hour")
    return ("\n".join(lines) + "\n").encode()


def json_body() -> tuple[bytes, int]:
    """A JSON array of hourly records just under HTTP_BODY_TARGET bytes, and how many it holds."""
    items, size, i = [], 2, 0
    start = datetime(2015, 1, 5)
    while True:
        item = json.dumps({"_timestamp": (start + timedelta(hours=i // len(CHANNELS))).isoformat() + "+00:00",
                           "channel": CHANNELS[i % len(CHANNELS)], "count": (i * 7919) % 4999 + 1,
                           "period": "hour"})
        if size + len(item) + 2 > HTTP_BODY_TARGET:
            break
        items.append(item)
        size += len(item) + 2
        i += 1
    return ("[" + ", ".join(items) + "]").encode(), len(items)


def floor_rows(data_set_id: int, validated) -> list[dict]:
    """The same rows store_records writes, precomputed (not timed)."""
    now = utc_now()
    return [{"data_set_id": data_set_id, "record_id": r.record_id, "timestamp": r.timestamp,
             **{f"{k}_start_at": v for k, v in period_starts(r.timestamp).items()},
             "data": r.data, "updated_at": now} for r in validated]


def driver_values(dialect: str, rows: list[dict]) -> list[tuple]:
    """The rows as the driver takes them: JSON as text, datetimes as SQLAlchemy stores them on SQLite."""
    def stamp(value):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if value is not None else None
    if dialect == "sqlite":
        return [tuple(json.dumps(row[c]) if c == "data" else stamp(row[c]) if isinstance(row[c], datetime)
                      else row[c] for c in COLUMNS) for row in rows]
    return [tuple(json.dumps(row[c]) if c == "data" else row[c] for c in COLUMNS) for row in rows]


def empty_records(engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE records"))
        else:
            conn.execute(text("DELETE FROM records"))


def new_data_set(group: str, data_type: str = "transactions-by-channel"):
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, group, data_type, json_schema=SCHEMA, auto_ids=AUTO_IDS)
        token = issue_token(conn, data_set, "bench")
    return data_set, token


# --- 1. ingestion ------------------------------------------------------------------------------------

def parse_and_validate(content: bytes, data_set_config) -> tuple[list, dict]:
    stages = {}
    gc.collect()
    began = time.perf_counter()
    rows, numbers = parse_csv(content, max_rows=N_RECORDS)
    stages["parse_csv"] = time.perf_counter() - began
    began = time.perf_counter()
    validated = validate_records(rows, data_set_config, row_numbers=numbers)
    stages["validate_records"] = time.perf_counter() - began
    assert len(validated) == N_RECORDS
    return validated, stages


def ingestion(engine, validated, stages: dict) -> dict:
    dialect = engine.dialect.name
    upload, _ = new_data_set("bench-upload")
    floor_set, _ = new_data_set("bench-floor")
    count = len(validated)

    rows = floor_rows(floor_set.id, validated)
    gc.collect()
    began = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(records), rows)
    core_floor = time.perf_counter() - began
    with engine.connect() as conn:
        assert count_records(conn, floor_set) == count
    empty_records(engine)

    values = driver_values(dialect, rows)
    del rows
    gc.collect()
    began = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if dialect == "sqlite":
            cursor.execute("BEGIN")
            cursor.executemany(f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                               values)
            how = "sqlite3 executemany"
        else:
            with cursor.copy(f"COPY records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            how = "psycopg COPY FROM STDIN"
        raw.commit()
    finally:
        raw.close()
    driver_floor = time.perf_counter() - began
    del values
    with engine.connect() as conn:
        assert count_records(conn, floor_set) == count
    empty_records(engine)

    gc.collect()
    began = time.perf_counter()
    with SqlTimer(engine) as sql, engine.begin() as conn:
        stored = store_records(conn, upload, validated)
    store = time.perf_counter() - began
    assert stored == count

    pipeline = stages["parse_csv"] + stages["validate_records"] + store
    print(f"\n  1. Ingestion: {count:,} records, one CSV file, parse_csv(max_rows={N_RECORDS:,}) "
          f"(MAX_ROWS default is {MAX_ROWS:,})")
    line("parse_csv (shared by both databases)", stages["parse_csv"], count)
    line("validate_records (shared by both databases)", stages["validate_records"], count)
    other = store - sum(sql.seconds.values())
    line("store_records, one transaction, with commit", store, count,
         f"(DELETE by _id {sql.seconds.get('DELETE', 0):.2f} s, INSERT {sql.seconds.get('INSERT', 0):.2f} s, "
         f"COMMIT+other SQL {sum(v for k, v in sql.seconds.items() if k not in ('DELETE', 'INSERT')):.2f} s, "
         f"Python {other:.2f} s)")
    line("pipeline total (parse + validate + store)", pipeline, count)
    line("floor: Core insert(records) executemany", core_floor, count)
    line(f"floor: driver, {how}", driver_floor, count)
    print(f"  {'ratio pipeline / Core floor':46} {pipeline / core_floor:8.2f}x"
          f"   (store alone / Core floor {store / core_floor:.2f}x)")
    print(f"  {'ratio pipeline / driver floor':46} {pipeline / driver_floor:8.2f}x"
          f"   (store alone / driver floor {store / driver_floor:.2f}x)")
    print(f"  peak memory (ru_maxrss) so far: {peak_mib():,.0f} MiB")
    return {"pipeline": pipeline, "store": store, "upload": upload}


# --- 2. grouped queries --------------------------------------------------------------------------------

def query_data(engine) -> int:
    """QUERY_DATA_SETS data sets of 5 years of weekly data x 6 channels; the id of the middle one."""
    weeks = 5 * 52 + 1
    began = time.perf_counter()
    ids = []
    with engine.begin() as conn:
        for n in range(QUERY_DATA_SETS):
            ids.append(create_data_set(conn, f"service-{n:03d}", "transactions-by-channel",
                                       json_schema=SCHEMA, auto_ids=AUTO_IDS).id)
    now = utc_now()
    rows = []
    for n, data_set_id in enumerate(ids):
        for w in range(weeks):
            moment = END - timedelta(weeks=weeks - w)
            for c, channel in enumerate(CHANNELS):
                rows.append({"data_set_id": data_set_id, "record_id": f"{moment.isoformat()}.{channel}",
                             "timestamp": moment, **{f"{k}_start_at": v for k, v in period_starts(moment).items()},
                             "data": {"channel": channel, "count": (n * 31 + w * 7 + c * 1009) % 9000 + 10,
                                      "period": "week"}, "updated_at": now})
    with engine.begin() as conn:
        conn.execute(insert(records), rows)
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE records"))
    print(f"\n  2. Grouped queries: setup {len(rows):,} records in {QUERY_DATA_SETS} data sets of {weeks} weeks x "
          f"{len(CHANNELS)} channels ({time.perf_counter() - began:.1f} s"
          f"{'; ANALYZE records, as autovacuum would' if engine.dialect.name == 'postgresql' else ''})")
    return ids[len(ids) // 2]


def queries(engine, data_set_id: int, label: str, runs: int) -> None:
    year_end = END
    year_start = END - timedelta(weeks=52)
    fill = {"year_start": year_start.isoformat() + "Z", "year_end": year_end.isoformat() + "Z"}
    print(f"  {label}, {runs} runs each")
    print(f"    {'query':28} {'rows':>5} {'p50 ms':>9} {'p95 ms':>9} {'floor p50':>10} {'floor p95':>10} "
          f"{'ratio p50':>10}")
    for name, template in QUERIES.items():
        pairs = parse_qsl(template.format(**fill))

        def through_api(pairs=pairs):
            query = parse_query(pairs, now=END)
            result = run_query(data_set_id, query)
            return answer(result.query, result.rows)
        shown = through_api()
        p50, p95 = percentiles(timed(through_api, runs))
        f50, f95 = percentiles(raw_floor(engine, through_api, runs))
        print(f"    {name:28} {len(shown['data']):5d} {p50:9.2f} {p95:9.2f} {f50:10.2f} {f95:10.2f} "
              f"{p50 / f50:9.2f}x")


# --- 3. the HTTP write path ------------------------------------------------------------------------

def http_write(body: bytes, count: int, tag: str) -> None:
    from app import server
    client = server.test_client()
    packed = gzip.compress(body, 6)
    http, in_process = [], []
    for run in range(HTTP_RUNS):
        data_set, token = new_data_set(f"bench-http-{tag}-{run}")
        gc.collect()
        began = time.perf_counter()
        response = client.post(f"/data/{data_set.name}", data=packed, content_type="application/json",
                               headers={"Authorization": f"Bearer {token}", "Content-Encoding": "gzip"})
        http.append(time.perf_counter() - began)
        assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:500])
        assert response.json["records"] == count

        data_set, _ = new_data_set(f"bench-local-{tag}-{run}")
        gc.collect()
        began = time.perf_counter()
        validated = validate_records(json.loads(gzip.decompress(packed).decode("utf-8")), data_set.config)
        with get_engine().begin() as conn:
            store_records(conn, data_set, validated)
        in_process.append(time.perf_counter() - began)
    h, p = statistics.median(http), statistics.median(in_process)
    print(f"\n  3. HTTP write: POST /data/<group>/<type>, {len(body) / 2**20:.2f} MiB JSON "
          f"({len(packed) / 2**20:.2f} MiB gzip), {count:,} records, median of {HTTP_RUNS} (new data set each)")
    line("POST via Flask test client against app.server", h, count)
    line("in process: gunzip + json.loads + validate + store", p, count)
    print(f"  {'ratio HTTP / in-process':46} {h / p:8.2f}x")


# --- the run ---------------------------------------------------------------------------------------

def bench(label: str, url: str, validated, stages: dict, body: bytes, body_count: int) -> None:
    os.environ["DATABASE_URL"] = url
    engine = get_engine()
    with engine.begin() as conn:
        upgrade(conn)
    print(f"\n{label}")
    part1 = ingestion(engine, validated, stages)
    small = query_data(engine)
    queries(engine, small, "realistic data set: 5 years weekly x 6 channels (1,566 records of "
            f"{QUERY_DATA_SETS * 1566 + N_RECORDS:,} in the table)", RUNS)
    queries(engine, part1["upload"].id, f"big data set of part 1: {N_RECORDS:,} hourly records, 6 channels an hour",
            BIG_RUNS)
    http_write(body, body_count, engine.dialect.name)
    print(f"  CSV pipeline of part 1 for comparison: {N_RECORDS / part1['pipeline']:,.0f} rec/s")
    print(f"  peak memory (ru_maxrss) so far: {peak_mib():,.0f} MiB")
    engine.dispose()


def main() -> None:
    started = time.perf_counter()
    print(f"bench_data_api  {date.today().isoformat()}  {platform.node()}  {platform.machine()}, "
          f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB RAM")
    import sqlite3
    print(f"python {sys.version.split()[0]}, SQLAlchemy {sqlalchemy.__version__}, SQLite {sqlite3.sqlite_version}")
    print(f"records {N_RECORDS:,}; query runs {RUNS} (big data set {BIG_RUNS}); HTTP runs {HTTP_RUNS}")

    began = time.perf_counter()
    content = upload_csv(N_RECORDS)
    body, body_count = json_body()
    print(f"generated: CSV {len(content) / 2**20:,.1f} MiB, JSON body {len(body) / 2**20:.2f} MiB "
          f"({time.perf_counter() - began:.1f} s, not timed)")
    from ingest.records import DataSetConfig
    config = DataSetConfig("bench-upload", "transactions-by-channel", SCHEMA, tuple(AUTO_IDS))
    validated, stages = parse_and_validate(content, config)
    del content
    print(f"parse_csv {stages['parse_csv']:.2f} s, validate_records {stages['validate_records']:.2f} s; "
          f"peak memory {peak_mib():,.0f} MiB")

    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite (temp file, WAL)", f"sqlite:///{folder}/bench.db", validated, stages, body, body_count)

    if os.environ.get("BENCH_SKIP_PG"):
        print("\nPostgreSQL skipped (BENCH_SKIP_PG)")
    else:
        schema = f"pp_bench_api_{os.getpid()}"
        try:
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                version = conn.execute(text("SHOW server_version")).scalar()
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as error:  # noqa: BLE001
            print(f"\nPostgreSQL not reachable ({error.__class__.__name__}); skipped")
        else:
            try:
                bench(f"PostgreSQL {version} (schema {schema}, dropped at the end)",
                      f"{PG_URL}?options=-csearch_path%3D{schema}", validated, stages, body, body_count)
            finally:
                get_engine().dispose()
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    print(f"\ntotal {time.perf_counter() - started:.0f} s; peak memory (ru_maxrss) {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
