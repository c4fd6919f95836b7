"""The read API's grouped queries under concurrency, against a real gunicorn (2 workers), beside a
hello-world Flask app (bench/hello_wsgi.py) served with the same gunicorn settings.

Clients: --clients threads (default 8), each with its own requests.Session (keep-alive), for
--seconds (default 15) per scenario; latency p50/p95 and requests/s. The client runs on the same
machine as the server (2 cores here), the same for every scenario, so the ratios hold better than
the absolute figures.
Scenarios:
- hello world: GET / of bench/hello_wsgi.py;
- uncached: grouped queries that differ on every request (each of the services that send records,
  three query shapes, shifting date ranges), so no cache of any kind can answer;
- cached: one query repeated, as browsers and proxies repeat a dashboard's; as a browser revalidating
  (If-None-Match: the ETag, answered 304 without running the query) and plain repeats (200, answered
  from the server-side cache, data_access.record_queries.cached_query).
The app runs with RATE_LIMIT_QUERY raised: the default (300 a minute a client address) would answer 429.
Target reported, not asserted: cached req/s >= 50 % of hello world's.

    .venv/bin/python bench/bench_api_load.py --services 1000
"""
from __future__ import annotations

import itertools
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import arguments, database_kind, gunicorn, machine  # noqa: E402
from bench.generate import END, prepared, record_slugs  # noqa: E402
from bench.measure import percentiles  # noqa: E402

# the read API's rate limit (300 a minute a client address by default) would answer 429 here
UNLIMITED = {"RATE_LIMIT_QUERY": "10000000 per minute"}
SHAPES = [
    "period=week&group_by=channel&collect=count:sum&start_at={start}&end_at={end}",
    "period=month&group_by=channel&collect=count:sum&flatten=true&start_at={start}&end_at={end}",
    "group_by=channel&collect=count:sum&start_at={start}&end_at={end}",
]


def uncached_paths(slugs: list[str]):
    """An endless stream of distinct grouped queries over the services' transactions by channel."""
    for n in itertools.count():
        slug = slugs[n % len(slugs)]
        end = END - timedelta(weeks=n // len(slugs) % 200)
        start = end - timedelta(weeks=52 + n % 7)
        query = SHAPES[n % len(SHAPES)].format(start=start.strftime("%Y-%m-%dT00:00:00Z"),
                                              end=end.strftime("%Y-%m-%dT00:00:00Z"))
        yield f"/data/{slug}/transactions-by-channel?{query}"


def load(base: str, paths, clients: int, seconds: float, revalidate: bool = False) -> dict:
    """`clients` threads requesting the next of `paths` until `seconds` pass."""
    import requests
    lock, times, statuses = threading.Lock(), [], {}
    deadline = time.perf_counter() + seconds
    etags = {}

    def client():
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                with lock:
                    path = next(paths)
                headers = {"If-None-Match": etags[path]} if revalidate and path in etags else {}
                began = time.perf_counter()
                answer = session.get(base + path, headers=headers, timeout=60)
                elapsed = time.perf_counter() - began
                with lock:
                    times.append(elapsed)
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                    if revalidate and answer.headers.get("ETag"):
                        etags[path] = answer.headers["ETag"]
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        for future in [pool.submit(client) for _ in range(clients)]:
            future.result()
    took = time.perf_counter() - began
    p50, p95 = percentiles(times)
    return {"requests": len(times), "rps": len(times) / took, "p50": p50, "p95": p95, "statuses": statuses}


def show(label: str, found: dict, hello: dict | None = None) -> None:
    share = f"  {found['rps'] / hello['rps']:6.1%} of hello world" if hello else ""
    print(f"  {label:44} {found['rps']:8.1f} req/s  p50 {found['p50']:7.1f} ms  p95 {found['p95']:7.1f} ms  "
          f"{found['requests']:6,} requests {found['statuses']}{share}", flush=True)


def main() -> None:
    args = arguments(__doc__.split("\n")[0], clients={"type": int, "default": 8},
                     seconds={"type": float, "default": 15.0})
    if args.record_services is None:
        args.record_services = 50
    print(f"bench_api_load  {machine()}\n{args.clients} client threads, {args.seconds:.0f} s a scenario; "
          "target: cached req/s >= 50 % of hello world")
    for count in args.services:
        with prepared(count, args, "api") as url:
            slugs = record_slugs(count, args.record_services)
            print(f"  {database_kind(url)}, N={count:,}; queries over {len(slugs)} services' weekly records")
            env = {"DATABASE_URL": url, **UNLIMITED}
            with gunicorn("bench.hello_wsgi:app", env=env) as base:
                load(base, itertools.repeat("/"), args.clients, 2)  # warm up
                hello = load(base, itertools.repeat("/"), args.clients, args.seconds)
            show("hello world (Flask, same gunicorn settings)", hello)
            with gunicorn(env=env) as base:
                one = next(uncached_paths(slugs))
                load(base, itertools.repeat(one), args.clients, 2)  # warm up the workers
                show("uncached: a distinct grouped query each", load(base, uncached_paths(slugs), args.clients,
                                                                      args.seconds), hello)
                show("cached: one query, revalidated (304)", load(base, itertools.repeat(one), args.clients,
                                                                 args.seconds, revalidate=True), hello)
                show("cached: one query repeated (200)", load(base, itertools.repeat(one), args.clients,
                                                             args.seconds), hello)


if __name__ == "__main__":
    main()
