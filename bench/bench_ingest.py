"""Ingestion records/s through the write path, beside the bulk-insert floor.

The database holds N generated services (measurements; no records yet). Then, each on its own
sample of --ingest-services services, each service sending its 3 weekly bodies (transactions by
channel, satisfaction, completion: 8 records a week, Y years):
1. in process: what POST /data/<group>/<type> runs, minus HTTP: validate_records, then store_records
   + audit in one transaction per body (bench/generate.write_body);
2. over HTTP: the same bodies POSTed as JSON with a bearer token to a real gunicorn (2 workers, the
   tests' settings) on the same database, one client, then 2 clients at once (one per worker);
3. the floor: the same rows, precomputed, in one plain bulk insert per body on the DB-API cursor
   (sqlite3 executemany; psycopg COPY FROM STDIN).
Then cProfile of part 1 on a few services: the top functions by own time.

    .venv/bin/python bench/bench_ingest.py --services 1000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_ingest.py
"""
from __future__ import annotations

import cProfile
import io
import json
import pstats
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import arguments, database_kind, gunicorn, machine  # noqa: E402
from bench.generate import (AUTO_IDS, SCHEMAS, GenerateReport, bodies, prepared, services_frame, weekly,  # noqa: E402
                            write_body)

# the write API's rate limit (120 a minute by default) would refuse the benchmark's bodies
UNLIMITED = {"RATE_LIMIT_WRITE": "1000000 per minute"}
COLUMNS = ["data_set_id", "record_id", "timestamp", *[f"{k}_start_at" for k in
           ("hour", "day", "week", "month", "quarter", "year")], "data", "updated_at"]


def sample(count: int, size: int, years: int, part: int) -> list[tuple[str, dict]]:
    """(slug, {type: body}) of `size` services, the part-th slice of the services."""
    frame = services_frame(count)
    indexes = range(part * size, min((part + 1) * size, count))
    return [(frame["slug"].iloc[i], bodies(frame["slug"].iloc[i], weekly(i, years))) for i in indexes]


def records_in(services) -> int:
    return sum(len(body) for _, by_type in services for body in by_type.values())


def in_process(services) -> float:
    report = GenerateReport()
    for slug, by_type in services:
        for data_type, body in by_type.items():
            write_body(slug, data_type, body, report)
    print(f"    (validate {report.validate_seconds:.1f} s, store+audit {report.store_seconds:.1f} s)")
    return report.record_seconds


def over_http(url: str, services, clients: int) -> float:
    import requests
    from data_access.data_sets import create_data_set, issue_token
    from data_access.db import get_engine
    posts = []
    with get_engine().begin() as conn:
        for slug, by_type in services:
            for data_type, body in by_type.items():
                data_set = create_data_set(conn, slug, data_type, json_schema=SCHEMAS[data_type],
                                           auto_ids=AUTO_IDS[data_type])
                posts.append((f"{url}/data/{slug}/{data_type}", issue_token(conn, data_set, "bench"),
                              json.dumps(body).encode()))

    def post(item):
        address, token, content = item
        with requests.Session() as session:
            answer = session.post(address, data=content, timeout=120, headers={
                "Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert answer.status_code == 200, (answer.status_code, answer.text[:300])
        return answer.json()["records"]
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        stored = sum(pool.map(post, posts))
    assert stored == records_in(services)
    return time.perf_counter() - began


def floor(services) -> float:
    """The rows store_records writes, precomputed; then one bulk insert per body, timed."""
    from data_access.data_sets import create_data_set, utc_now
    from data_access.db import get_engine
    from ingest.records import period_starts, validate_records
    engine = get_engine()
    batches = []
    with engine.begin() as conn:
        for slug, by_type in services:
            for data_type, body in by_type.items():
                data_set = create_data_set(conn, slug, data_type, json_schema=SCHEMAS[data_type],
                                           auto_ids=AUTO_IDS[data_type])
                now = utc_now()
                batches.append([(data_set.id, r.record_id, r.timestamp, *period_starts(r.timestamp).values(),
                                 json.dumps(r.data), now) for r in validate_records(body, data_set.config)])
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:  # as SQLAlchemy stores datetimes on SQLite
        batches = [[tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if hasattr(v, "strftime") else v for v in row)
                    for row in batch] for batch in batches]
    began = time.perf_counter()
    for batch in batches:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            if sqlite:
                cursor.execute("BEGIN")
                cursor.executemany(f"INSERT INTO records ({', '.join(COLUMNS)}) VALUES "
                                   f"({', '.join('?' * len(COLUMNS))})", batch)
            else:
                with cursor.copy(f"COPY records ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - began


def profile(services) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    in_process(services)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(12)
    stats.sort_stats("cumulative").print_stats(25)
    return out.getvalue()


def line(label: str, seconds: float, count: int) -> None:
    print(f"  {label:58} {seconds:7.2f} s {count / seconds:10,.0f} rec/s", flush=True)


def main() -> None:
    args = arguments(__doc__.split("\n")[0], ingest_services={"type": int, "default": 40},
                     profile_services={"type": int, "default": 5})
    if args.record_services is None:
        args.record_services = 0  # the samples below are the records
    print(f"bench_ingest  {machine()}")
    for count in args.services:
        with prepared(count, args, "ingest") as url:
            size = min(args.ingest_services, count // 5)
            parts = [sample(count, size, args.years, part) for part in range(5)]
            count_each = records_in(parts[0])
            print(f"  {database_kind(url)}, N={count:,}: {size} services a part, {count_each:,} records "
                  f"({3 * size} bodies of {args.years * 52}-{args.years * 52 * 6} records)", flush=True)
            local = in_process(parts[0])
            line("1. in process: validate + store + audit, a transaction a body", local, count_each)
            with gunicorn(env={"DATABASE_URL": url, **UNLIMITED}) as server:
                one = over_http(server, parts[1], 1)
                line("2. HTTP POST JSON to gunicorn (2 workers), 1 client", one, records_in(parts[1]))
                two = over_http(server, parts[2], 2)
                line("   HTTP POST JSON to gunicorn (2 workers), 2 clients", two, records_in(parts[2]))
            low = floor(parts[3])
            how = "sqlite3 executemany" if url.startswith("sqlite") else "psycopg COPY"
            line(f"3. floor: {how}, a transaction a body", low, records_in(parts[3]))
            print(f"  ratios to the floor (time per record): in process {local / low * records_in(parts[3]) / count_each:.1f}x, "
                  f"HTTP 1 client {one / low * records_in(parts[3]) / records_in(parts[1]):.1f}x, "
                  f"HTTP 2 clients {two / low * records_in(parts[3]) / records_in(parts[2]):.1f}x", flush=True)
            few = parts[4][:args.profile_services]
            print(f"\n  cProfile of part 1 on {records_in(few):,} records ({len(few)} services):")
            print(profile(few))


if __name__ == "__main__":
    main()
