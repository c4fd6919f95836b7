"""Server time of the callbacks behind a filter change, on a service dashboard and on the index.

The same Python callback functions the Dash app registers (pages.service.change_period; for the
year-before overlay pages.service.compare_channels and compare_take_up, which redraw the two charts,
and pages.service.compare_sent_data[type], which redraw each type of sent data: the browser asks for
them all at once, so each is timed, and all one after the other for the CPU the change costs; on the index
pages.index.agencies_of_department + show_services, which a department change fires together), called
inside the app's Flask request context with the app's real cache (FileCache in a temp dir, or
Redis when REDIS_URL is set):
- warm: the cache holds the answers (what a second visitor gets): the callbacks' whole answers since
  pages.cached_answers, the figures they are built from before;
- cold: the cache is emptied before each call (the emptying is not timed): the first visitor after
  a write, who reads the figures and builds the answer;
beside
- floor: the SQL the cold call sends, replayed on the DB-API cursor (bench/measure.raw_floor);
- naive: the measurements (and services, organisations) tables read into pandas on each call, then
  filtered and aggregated in pandas into the same figures (domain.metrics.kpis for the KPIs); on the
  index, every row of the department (ours renders one page of INDEX_PAGE_SIZE rows, as the page
  does). A year change does not redraw the records charts (their callback follows the year-before
  overlay only), so neither version includes them; the overlay does, so the naive sent data reads the
  records table and sums the service's records by month in pandas.
Targets reported, never asserted: cold p95 <= 50 ms at N=1,000, <= 1.5x the floor, >= 20x faster
than naive, p95 at N=10,000 / N=1,000 <= 1.3.

    .venv/bin/python bench/bench_dashboard.py --services 1000 10000
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_dashboard.py
Settings: --runs (30), --naive-runs (5; 0 skips the naive version, which at N=10,000 with every
service's records reads 20.8 million records into pandas).
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from bench.common import arguments, database_kind, machine  # noqa: E402
from bench.generate import prepared, record_slugs  # noqa: E402
from bench.measure import percentiles, raw_floor, timed  # noqa: E402

TARGETS = "targets: cold p95 <= 50 ms at N=1,000; cold p95 <= 1.5x floor p95; naive >= 20x ours; N ratio <= 1.3"


# --- what the browser's filter change runs -----------------------------------------------------------

def cases(slug: str, department: str) -> dict:
    from data_access.figures import reporting_periods
    from pages import index, service
    periods = service.periods_with_transactions(service.service_figures(slug))
    year = periods[4].id  # a filter change: a year a little back from the latest
    latest = reporting_periods()[0].id
    sort = {"sort": "transactions", "order": "desc"}

    def service_period():
        return service.change_period(year, [], slug)

    overlay = {"channels chart": lambda: service.compare_channels(["year-before"], year, slug),
               "take-up chart": lambda: service.compare_take_up(["year-before"], year, slug)}
    sent_types = [d.data_type for d in service.service_data_sets(slug)]
    sent = {f"sent data, {data_type}": (lambda c=service.compare_sent_data[data_type]: c(["year-before"], slug))
            for data_type in sent_types}

    def every_overlay():  # one after the other: the CPU the change costs, whatever the workers
        return [callback() for callback in (*overlay.values(), *sent.values())]

    def index_department():
        options, agency = index.agencies_of_department(department, "")
        return index.show_services("", department, agency, latest, sort)
    return {f"service page: year -> {year}": (service_period, lambda: naive_service(slug, year)),
            **{f"service page: year before on, {name}, {year}": (callback, lambda: naive_service(slug, year))
               for name, callback in overlay.items()},
            **{f"service page: year before on, sent data, {data_type}": (sent[f"sent data, {data_type}"],
                                                                       lambda t=data_type: naive_sent(slug, t))
               for data_type in sent_types},
            "service page: year before on, every callback": (every_overlay, lambda: naive_overlay(slug, year)),
            f"index: department -> {department}, {latest}": (index_department,
                                                             lambda: naive_index(department, latest))}


# --- the naive pandas version --------------------------------------------------------------------------

def _tables():
    from data_access.db import get_engine
    with get_engine().connect() as conn:
        return (pd.read_sql("SELECT * FROM measurements", conn),
                pd.read_sql("SELECT id, slug, name, department_id, agency_id FROM services", conn),
                pd.read_sql("SELECT id, slug FROM organisations", conn))


def _totals(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per-(service, period) additive totals, then summed over `keys`, as figures.py does in SQL."""
    tx = frame["metric"] == "transactions"
    value = frame["value"]
    parts = pd.DataFrame({
        "service_id": frame["service_id"], "period_end": frame["period_end"],
        "volume": value.where(tx), "channel_volume": value.where(tx & (frame["dimension"] != "unspecified")),
        "digital_volume": value.where(tx & (frame["dimension"] == "digital")),
        "cost_per_transaction": value.where(frame["metric"] == "cost_per_transaction"),
        "started": value.where(frame["metric"] == "started"), "completed": value.where(frame["metric"] == "completed"),
        **{f"rating_{r}": value.where((frame["metric"] == "rating") & (frame["dimension"] == str(r)))
           for r in range(1, 6)}})
    sums = {c: "sum" for c in parts.columns if c not in ("service_id", "period_end", "cost_per_transaction")}
    sp = parts.groupby(["service_id", "period_end"]).agg({**sums, "cost_per_transaction": "max"}).reset_index()
    sp["costed_volume"] = sp["volume"].where(sp["cost_per_transaction"].notna())
    sp["total_cost"] = sp["volume"] * sp["cost_per_transaction"]
    return sp.groupby(keys).sum(numeric_only=True).reset_index()


def naive_service(slug: str, year: str):
    from domain.metrics import kpis
    m, s, _ = _tables()
    own = m[m["service_id"] == s.loc[s["slug"] == slug, "id"].iloc[0]]
    figures = kpis(_totals(own, ["period_end"]))
    channels = own[own["metric"] == "transactions"].groupby(["period_end", "dimension"])["value"].sum()
    end = str(pd.Period(year, "M").end_time.date() + pd.Timedelta(days=1))
    return figures[figures["period_end"].astype(str) <= end], channels


def naive_overlay(slug: str, year: str):
    return naive_service(slug, year), naive_sent(slug)


def naive_sent(slug: str, data_type: str | None = None):
    """The service's sent records (of one type, if given) by month (and channel): the records table
    read into pandas."""
    import json
    from sqlalchemy import text
    from data_access.db import get_engine
    with get_engine().connect() as conn:
        records = pd.read_sql("SELECT data_set_id, timestamp, data FROM records", conn)
        sets = pd.read_sql(text("SELECT d.id, d.data_type FROM data_sets d JOIN services s ON s.id = d.service_id "
                                "WHERE s.slug = :slug"), conn, params={"slug": slug})
    if data_type:
        sets = sets[sets["data_type"] == data_type]
    monthly = []
    for data_set_id in sets["id"]:
        own = records[records["data_set_id"] == data_set_id]
        fields = pd.DataFrame([d if isinstance(d, dict) else json.loads(d) for d in own["data"]])
        fields["month"] = pd.to_datetime(own["timestamp"].values).to_period("M")
        keys = ["month", "channel"] if "channel" in fields else ["month"]
        monthly.append(fields.groupby(keys).sum(numeric_only=True))
    return monthly


def naive_index(department: str, year: str):
    from domain.metrics import kpis
    m, s, o = _tables()
    ids = s[s["department_id"] == o.loc[o["slug"] == department, "id"].iloc[0]]["id"]
    end = str(pd.Period(year, "M").end_time.date() + pd.Timedelta(days=1))
    chosen = m[m["service_id"].isin(ids) & (m["period_end"].astype(str) == end)]
    frame = kpis(_totals(chosen, ["service_id"])).merge(s, left_on="service_id", right_on="id", how="right")
    return frame.sort_values(["volume", "name"], ascending=[False, True], na_position="last")


# --- the run ---------------------------------------------------------------------------------------------

def biggest_department() -> str:
    from data_access.services import departments
    return departments.uncached().sort_values("services", ascending=False)["slug"].iloc[0]


def measure(count: int, slug: str, runs: int, naive_runs: int) -> dict:
    from app import server
    from data_access.cache import cache
    from data_access.db import get_engine
    engine = get_engine()

    def request(function):
        """One Dash callback request: its own request context, as /_dash-update-component has."""
        def call():
            with server.test_request_context("/_dash-update-component", method="POST"):
                return function()
        return call

    def clear():
        with server.app_context():
            cache.clear()

    found = {}
    with server.app_context():
        named = cases(slug, biggest_department())
    for name, (callback, naive) in named.items():
        callback = request(callback)

        def cold(callback=callback):
            clear()
            return callback()
        warm = percentiles(timed(callback, runs))
        cold_times = []
        for _ in range(runs + 1):
            clear()
            began = time.perf_counter()
            callback()
            cold_times.append(time.perf_counter() - began)
        cold_p = percentiles(cold_times[1:])
        floor = percentiles(raw_floor(engine, cold, runs))
        naive_p = percentiles(timed(naive, naive_runs)) if naive_runs else None
        found[re.sub(r", \d{4}-\d{2}", "", name).split(" -> ")[0]] = {"warm": warm, "cold": cold_p, "floor": floor, "naive": naive_p}
        print(f"  {name}")
        rows = [("warm cache", warm), ("cold cache", cold_p), ("raw-SQL floor", floor)]
        for label, (p50, p95) in rows + ([(f"naive pandas ({naive_runs} runs)", naive_p)] if naive_p else []):
            print(f"    {label:28} p50 {p50:9.2f} ms   p95 {p95:9.2f} ms")
        versus_naive = (f"naive / ours (p50) cold {naive_p[0] / cold_p[0]:.1f}x, warm {naive_p[0] / warm[0]:.1f}x"
                        if naive_p else "naive not run (--naive-runs 0)")
        print(f"    ratios: cold p95 / floor p95 {cold_p[1] / floor[1]:.2f}x (warm {warm[1] / floor[1]:.2f}x); "
              f"{versus_naive}; "
              f"p95 {'<=' if cold_p[1] <= 50 else '>'} 50 ms cold, {'<=' if warm[1] <= 50 else '>'} 50 ms warm",
              flush=True)
    return found


def main() -> None:
    args = arguments(__doc__.split("\n")[0], runs={"type": int, "default": 30},
                     naive_runs={"type": int, "default": 5})
    print(f"bench_dashboard  {machine()}\n{TARGETS}; {args.runs} runs each (naive {args.naive_runs})")
    results = {}
    for count in args.services:
        with prepared(count, args, "dash") as url:
            slug = record_slugs(count, args.record_services)[0]
            print(f"  {database_kind(url)}, N={count:,}; service {slug} (sends weekly records); "
                  f"cache {'Redis' if 'REDIS_URL' in __import__('os').environ else 'FileCache'}")
            results[count] = measure(count, slug, args.runs, args.naive_runs)
    if len(results) > 1:
        small, big = min(results), max(results)
        print(f"\n  N={big:,} / N={small:,}, p95:")
        for name in results[small]:
            ratios = {k: results[big][name][k][1] / results[small][name][k][1] for k in ("warm", "cold", "floor", "naive")
                      if results[big][name][k] and results[small][name][k]}
            print(f"    {name:30} " + "  ".join(f"{k} {v:.2f}x" for k, v in ratios.items()))


if __name__ == "__main__":
    main()
