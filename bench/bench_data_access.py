"""Data access against its raw-SQL floor, on SQLite and (if reachable) PostgreSQL, uncached.

For each query behind the pages: p50 and p95 of the data_access function (SQL + building the
frame + KPIs) beside the same SQL run directly through the driver (fetch only), and their ratio.
Also the time to load the demo data set. Run: .venv/bin/python bench/bench_data_access.py
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.measure import percentiles, raw_floor, timed  # noqa: E402
from data_access import figures  # noqa: E402
from data_access.db import make_engine  # noqa: E402
from data_access.demo.load import load_demo  # noqa: E402
from data_access.migrate import upgrade  # noqa: E402

PG_URL = os.environ.get("PG_TEST_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RUNS = int(os.environ.get("BENCH_RUNS", "30"))

CASES = {
    "service index, latest year": lambda: figures.service_index.uncached(),
    "service index, DfT, sorted by take-up": lambda: figures.service_index.uncached(
        "2017-09", "", "dft", None, "digital_take_up", True),
    "service figures (one service)": lambda: figures.scope_figures.uncached("service", "vehicle-tax-renewals"),
    "channel volumes (one service)": lambda: figures.scope_channel_volumes.uncached("service", "vehicle-tax-renewals"),
}


def bench(label: str, url: str) -> None:
    os.environ["DATABASE_URL"] = url
    from data_access.db import get_engine
    engine = get_engine()
    print(f"\n{label}")
    print(f"{'query':42} {'p50 ms':>8} {'p95 ms':>8} {'floor p50':>10} {'floor p95':>10} {'ratio p50':>10}")
    for name, function in CASES.items():
        p50, p95 = percentiles(timed(function, RUNS))
        f50, f95 = percentiles(raw_floor(engine, function, RUNS))
        print(f"{name:42} {p50:8.2f} {p95:8.2f} {f50:10.2f} {f95:10.2f} {p50 / f50:9.2f}x")


def load(url: str) -> float:
    engine = make_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        upgrade(conn)
        report = load_demo(conn, progress=False)
    elapsed = time.perf_counter() - began
    engine.dispose()
    print(f"  demo load: {report.measurements:,} figures for {report.services} services in {elapsed:.2f} s "
          f"({report.measurements / elapsed:,.0f} figures/s)")
    return elapsed


def main() -> None:
    print(f"Runs per case: {RUNS}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        print("SQLite:")
        load(url)
        bench("SQLite (embedded default)", url)
    schema = f"pp_bench_{os.getpid()}"
    try:
        admin = create_engine(PG_URL)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001
        print(f"\nPostgreSQL not reachable ({error.__class__.__name__}); skipped")
        return
    try:
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        print("\nPostgreSQL:")
        load(url)
        bench("PostgreSQL (production)", url)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


if __name__ == "__main__":
    main()
