"""Benchmark data: N services x Y years of weekly data, loaded through the code paths real data takes.

- Organisations (departments and their agencies) and services: the demo loader's own inserts
  (data_access/demo/load.py `insert_organisations`, `service_rows`).
- `measurements`, what the pages read: for every rolling year ending each quarter, the service's
  volume and digital volume (the sums of its weekly records below) and a cost per transaction, turned
  into rows by the demo loader's `measurement_rows` (channel split, completion, satisfaction) and
  bulk-inserted as `load_demo` does (batches of 20,000).
- Weekly records, what services send through the write API: per service three data sets
  (transactions-by-channel with 6 channels, customer-satisfaction with ratings 1-5, completion with
  started/completed), each written as the write API writes a body: `validate_records` (the data set's
  JSON Schema, auto_ids) then `store_records` and `audit` in one transaction per data set. No HTTP.

Deterministic: everything comes from seeded generators (--seed). Run on its own to time the loads:
    .venv/bin/python bench/generate.py --services 1000            # fresh SQLite file, dropped after
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/generate.py
    .venv/bin/python bench/generate.py --services 10000 --record-services 1000
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from bench.common import _CACHE_DIR, ROOT, arguments, bench_database, database_kind, machine  # noqa: E402

from sqlalchemy import func, insert, select  # noqa: E402

from data_access.data_sets import audit, create_data_set  # noqa: E402
from data_access.db import get_engine  # noqa: E402
from data_access.demo.govuk_pp import slugify  # noqa: E402
from data_access.demo.illustrative import _CHANNEL_MIX, ServiceProfile  # noqa: E402
from data_access.demo.load import flush_measurements, insert_organisations, service_rows, measurement_rows  # noqa: E402
from data_access.records import store_records  # noqa: E402
from data_access.rollups import refresh_rollups  # noqa: E402
from data_access.schema import measurements, records  # noqa: E402
from domain.periods import YearEnding  # noqa: E402
from ingest.records import validate_records  # noqa: E402

END = datetime(2026, 11, 23)  # a Monday: the weekly data ends with the week before it
SEED = 20261129
MAX_RECORD_SERVICES = 1_000  # above this, weekly records are loaded for a sample (see --record-services)
CHANNELS = ("digital", "phone", "paper", "face_to_face", "post_office", "assisted_digital")
SCHEMAS = {
    "transactions-by-channel": json.loads((ROOT / "docs/govuk-pp-schemas/transactions-by-channel.json").read_text()),
    "customer-satisfaction": json.loads((ROOT / "docs/govuk-pp-schemas/customer-satisfaction.json").read_text()),
    "completion": {"type": "object", "required": ["started", "completed"],
                   "properties": {"started": {"type": "integer"}, "completed": {"type": "integer"},
                                  "period": {"type": "string"}}},
}
AUTO_IDS = {"transactions-by-channel": ["_timestamp", "channel"], "customer-satisfaction": ["_timestamp"],
            "completion": ["_timestamp"]}

DEPARTMENTS = [
    ("Department for Transport", "DfT"), ("Department for Work and Pensions", "DWP"),
    ("HM Revenue and Customs", "HMRC"), ("Home Office", "HO"), ("Ministry of Justice", "MOJ"),
    ("Department for Education", "DfE"), ("Department of Health and Social Care", "DHSC"),
    ("Department for Environment, Food and Rural Affairs", "Defra"), ("Cabinet Office", "CO"),
    ("Department for Business and Trade", "DBT"), ("Ministry of Housing, Communities and Local Government", "MHCLG"),
    ("Department for Culture, Media and Sport", "DCMS"), ("Foreign, Commonwealth and Development Office", "FCDO"),
    ("Ministry of Defence", "MOD"), ("Department for Energy Security and Net Zero", "DESNZ"),
    ("Department for Science, Innovation and Technology", "DSIT"), ("HM Treasury", "HMT"),
    ("Office of the Public Guardian", "OPG"), ("Land Registry", "HMLR"), ("Companies House", "CH"),
]
AGENCY_KINDS = ["Licensing", "Inspection", "Records", "Payments", "Registration", "Standards", "Grants",
                "Enforcement", "Support", "Appeals"]
VERBS = ["Apply for", "Renew", "Register", "Pay for", "Book", "Claim", "Report", "Check", "Change", "Cancel"]
THINGS = ["a driving licence", "a vehicle tax disc", "a passport", "a fishing licence", "carer's allowance",
          "a student loan", "a business rate relief", "a court hearing", "a marriage certificate", "a trade mark",
          "a planning permission", "a farm subsidy", "a pension credit", "a visa extension", "an export licence",
          "a lasting power of attorney", "a company name", "a land title", "a waste permit", "a grant for research",
          "a blue badge", "a tax return", "a childcare account", "a flood warning", "an MOT reminder",
          "a firearms certificate", "a TV licence refund", "a jury summons", "a benefit overpayment", "a birth"]
REGIONS = ["England", "Wales", "Scotland", "Northern Ireland", "London", "North West", "North East",
           "Yorkshire", "Midlands", "South West", "South East", "East of England"]


@dataclass
class GenerateReport:
    services: int = 0
    organisations: int = 0
    measurements: int = 0
    measurement_seconds: float = 0.0
    record_services: int = 0
    data_sets: int = 0
    records: int = 0
    validate_seconds: float = 0.0
    store_seconds: float = 0.0  # store_records + audit, with the commit
    notes: list[str] = field(default_factory=list)

    @property
    def record_seconds(self) -> float:
        return self.validate_seconds + self.store_seconds


# --- organisations and services --------------------------------------------------------------------

def services_frame(count: int, seed: int = SEED) -> pd.DataFrame:
    """`count` services spread over the departments and their agencies, as govuk_pp.services_frame gives."""
    rng = np.random.default_rng(seed)
    agencies = {}
    for name, abbreviation in DEPARTMENTS:
        kinds = rng.choice(AGENCY_KINDS, size=int(rng.integers(0, 5)), replace=False)
        agencies[name] = [(f"{abbreviation} {kind} Agency", f"{abbreviation}{kind[0]}A") for kind in kinds]
    weights = rng.pareto(1.2, len(DEPARTMENTS)) + 0.2  # a few big departments, many small ones
    departments = rng.choice(len(DEPARTMENTS), size=count, p=weights / weights.sum())
    types = list(_CHANNEL_MIX) + [None]
    rows, seen = [], set()
    for i in range(count):
        department, abbreviation = DEPARTMENTS[departments[i]]
        options = agencies[department]
        agency = options[int(rng.integers(len(options)))] if options and rng.random() < 0.6 else (None, None)
        name = f"{VERBS[i % len(VERBS)]} {THINGS[(i // len(VERBS)) % len(THINGS)]}"
        if i >= len(VERBS) * len(THINGS):
            name += f" ({REGIONS[(i // (len(VERBS) * len(THINGS))) % len(REGIONS)]})"
        slug = slugify(name)
        while slug in seen:
            slug = f"{slugify(name)}-{i}"
        seen.add(slug)
        rows.append({"slug": slug, "name": name, "department": department, "department_abbreviation": abbreviation,
                     "agency": agency[0], "agency_abbreviation": agency[1],
                     "service_type": types[int(rng.integers(len(types)))],
                     "url": f"https://www.gov.uk/{slug}", "description": f"{name} online, by phone or by post.",
                     "notes_on_costs": None, "other_notes": None,
                     "customer_type": "Individuals" if rng.random() < 0.7 else "Businesses",
                     "business_model": "Paid for by taxes" if rng.random() < 0.8 else "Fees"})
    return pd.DataFrame(rows).astype(object).where(lambda f: f.notna(), None)


# --- weekly figures of one service -----------------------------------------------------------------

@dataclass
class Weekly:
    starts: list[datetime]
    channels: np.ndarray  # weeks x 6 channels, counts
    ratings: np.ndarray  # weeks x 5, counts of ratings 1..5
    started: np.ndarray
    completed: np.ndarray
    cost: float  # cost per transaction at the start, in pounds


def weekly(index: int, years: int, seed: int = SEED) -> Weekly:
    rng = np.random.default_rng([seed, index])
    weeks = years * 52
    t = np.arange(weeks)
    yearly = 10 ** rng.uniform(3, 7.3)  # 1,000 to 20 million transactions a year
    level = yearly / 52 * (1 + rng.uniform(-0.04, 0.12)) ** (t / 52) \
        * (1 + rng.uniform(0.05, 0.3) * np.sin(2 * np.pi * t / 52 + rng.uniform(0, 6.3))) \
        * rng.lognormal(0, 0.05, weeks)
    take_up = 1 / (1 + np.exp(-(rng.uniform(-1.5, 1.5) + rng.uniform(0.1, 0.6) * t / 52)))
    others = rng.dirichlet([4, 3, 1.5, 1, 0.5], weeks)
    shares = np.column_stack([take_up, (1 - take_up)[:, None] * others])
    channels = np.rint(level[:, None] * shares).astype(np.int64)
    digital = channels[:, 0]
    responses = np.maximum(np.rint(digital * rng.uniform(0.002, 0.02)), 12).astype(np.int64)
    quality = np.clip(rng.uniform(0.55, 0.9) + rng.uniform(-0.02, 0.03) * t / 52, 0.2, 0.97)
    tilt = (quality - 0.5) * 6
    weights = np.exp(tilt[:, None] * (np.arange(1, 6) - 3) / 2)
    ratings = np.array([rng.multinomial(n, w / w.sum()) for n, w in zip(responses, weights)])
    rate = np.clip(rng.uniform(0.6, 0.9) + rng.normal(0, 0.01, weeks), 0.3, 0.95)
    started = np.rint(digital / rate).astype(np.int64)
    starts = [END - timedelta(weeks=weeks - w) for w in range(weeks)]
    return Weekly(starts, channels, ratings, started, digital.copy(), float(rng.lognormal(2.2, 0.8)))


def periods(years: int) -> list[YearEnding]:
    """The rolling years ending each quarter that the weekly data covers whole."""
    first, last = (END - timedelta(weeks=years * 52)).date(), END.date()
    found, month = [], date(first.year, 1, 1)
    while month <= last:
        period = YearEnding(month.year, month.month)
        if period.month % 3 == 0 and period.start >= first and period.end <= last:
            found.append(period)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


def year_figures(data: Weekly, year_periods: list[YearEnding]) -> pd.DataFrame:
    """The frame measurement_rows reads: period, volume, digital_volume, cost_per_transaction."""
    starts = np.array([s.date() for s in data.starts])
    total, digital = data.channels.sum(axis=1), data.channels[:, 0]
    rows = []
    for step, period in enumerate(year_periods):
        inside = (starts >= period.start) & (starts < period.end)
        volume, online = float(total[inside].sum()), float(digital[inside].sum())
        rows.append({"period": period, "volume": volume, "digital_volume": online,
                     "cost_per_transaction": round(data.cost * (1 - 0.5 * online / max(volume, 1)) *
                                                   (0.99 ** step), 2)})
    return pd.DataFrame(rows)


# --- the records bodies, as a service would send them -----------------------------------------------

def _stamp(moment: datetime) -> str:
    return moment.isoformat() + "+00:00"


def bodies(slug: str, data: Weekly) -> dict[str, list[dict]]:
    stamps = [_stamp(s) for s in data.starts]
    return {
        "transactions-by-channel": [
            {"_timestamp": stamp, "period": "week", "channel": channel, "count": int(count)}
            for stamp, row in zip(stamps, data.channels.tolist()) for channel, count in zip(CHANNELS, row)],
        "customer-satisfaction": [
            {"_timestamp": stamp, "period": "week", "slug": slug,
             **{f"rating_{r + 1}": int(n) for r, n in enumerate(row)}, "total": int(sum(row)),
             "comments": int(sum(row) // 10)} for stamp, row in zip(stamps, data.ratings.tolist())],
        "completion": [
            {"_timestamp": stamp, "period": "week", "started": int(s), "completed": int(c)}
            for stamp, s, c in zip(stamps, data.started.tolist(), data.completed.tolist())],
    }


def write_body(slug: str, data_type: str, body: list[dict], report: GenerateReport) -> None:
    """As POST /data/<slug>/<type> does, minus HTTP and the token: validate, then store and audit in one
    transaction. The data set belongs to the service whose slug is its group."""
    engine = get_engine()
    with engine.begin() as conn:
        data_set = create_data_set(conn, slug, data_type, json_schema=SCHEMAS[data_type],
                                   auto_ids=AUTO_IDS[data_type], max_age_expected=14 * 86400)
    began = time.perf_counter()
    validated = validate_records(body, data_set.config)
    report.validate_seconds += time.perf_counter() - began
    began = time.perf_counter()
    with engine.begin() as conn:
        stored = store_records(conn, data_set, validated)
        audit(conn, actor="bench generator", action="write", data_set=data_set.name, status=200, records=stored,
              first_timestamp=validated[0].timestamp, last_timestamp=validated[-1].timestamp)
    report.store_seconds += time.perf_counter() - began
    report.data_sets += 1
    report.records += stored


# --- the whole set -------------------------------------------------------------------------------------

def record_sample(count: int, wanted: int | None) -> int:
    return min(count, MAX_RECORD_SERVICES) if wanted is None else min(count, wanted)


def generate(count: int, years: int = 5, record_services: int | None = None, seed: int = SEED,
             progress: bool = True) -> GenerateReport:
    """Load `count` services into the (empty, migrated) database of DATABASE_URL."""
    report = GenerateReport()
    frame = services_frame(count, seed)
    year_periods = periods(years)
    engine = get_engine()
    began = time.perf_counter()
    with engine.begin() as conn:
        departments, agencies = insert_organisations(conn, frame)
        report.organisations = len(departments) + len(agencies)
        from data_access.schema import services
        ids = dict(conn.execute(insert(services).returning(services.c.slug, services.c.id),
                                service_rows(frame, departments, agencies)).all())
        report.services = len(ids)
        batch: list[dict] = []
        for index, row in enumerate(frame.itertuples()):
            figures = year_figures(weekly(index, years, seed), year_periods)
            batch += measurement_rows(ids[row.slug], ServiceProfile(row.slug, row.service_type), figures,
                                      report.notes, row.slug)
            if len(batch) >= 20_000:
                report.measurements += flush_measurements(conn, batch)
        report.measurements += flush_measurements(conn, batch)
        refresh_rollups(conn)  # as the demo loader does, in the same transaction
    report.measurement_seconds = time.perf_counter() - began
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    if progress:
        print(f"  measurements: {report.measurements:,} rows for {report.services:,} services, "
              f"{len(year_periods)} rolling years, {report.measurement_seconds:.1f} s "
              f"({report.measurements / report.measurement_seconds:,.0f} rows/s)", flush=True)

    report.record_services = record_sample(count, record_services)
    step = max(1, count // report.record_services) if report.record_services else 1
    chosen = list(range(0, count, step))[:report.record_services]
    slugs = frame["slug"].tolist()
    for n, index in enumerate(chosen):
        for data_type, body in bodies(slugs[index], weekly(index, years, seed)).items():
            write_body(slugs[index], data_type, body, report)
        if progress and (n + 1) % max(1, len(chosen) // 10) == 0:
            print(f"  records: {n + 1:,}/{len(chosen):,} services, {report.records:,} records, "
                  f"{report.records / report.record_seconds:,.0f} rec/s", flush=True)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    return report


def record_slugs(count: int, record_services: int | None, seed: int = SEED) -> list[str]:
    """The slugs of the services generate() loaded records for."""
    wanted = record_sample(count, record_services)
    step = max(1, count // wanted) if wanted else 1
    return services_frame(count, seed)["slug"].iloc[list(range(0, count, step))[:wanted]].tolist()


@contextlib.contextmanager
def prepared(count: int, args, label: str):
    """A database holding the generated set for `count` services: generated now into a fresh database
    (dropped afterwards unless --keep), or with --reuse the one DATABASE_URL names, as it is."""
    if args.reuse:
        url = os.environ["DATABASE_URL"]
        os.environ["CACHE_DIR"] = _CACHE_DIR
        print(f"\n{database_kind(url)}: reusing the generated data of {count:,} services at DATABASE_URL", flush=True)
        from data_access.migrate import upgrade
        with get_engine().begin() as conn:
            upgrade(conn)  # the schema may have moved on since it was generated
        yield url
        return
    with bench_database(f"{label}{count}", keep=args.keep) as url:
        print(f"\n{database_kind(url)}: generating {count:,} services x {args.years} years weekly", flush=True)
        report = generate(count, args.years, args.record_services, progress=False)
        describe(report, count, args.years)
        yield url


def describe(report: GenerateReport, count: int, years: int) -> None:
    per_service = years * 52 * (len(CHANNELS) + 2)
    print(f"  {report.organisations} organisations, {report.services:,} services, "
          f"{report.measurements:,} measurements in {report.measurement_seconds:.1f} s")
    if report.records:
        rate = report.records / report.record_seconds
        print(f"  weekly records: {report.records:,} in {report.data_sets:,} data sets of {report.record_services:,} "
              f"services, {report.record_seconds:.1f} s ({rate:,.0f} rec/s; validate {report.validate_seconds:.1f} s, "
              f"store+audit {report.store_seconds:.1f} s)")
    if report.record_services < count:
        missing = (count - report.record_services) * per_service
        print(f"  SAMPLE ONLY: weekly records were loaded for {report.record_services:,} of {count:,} services; "
              f"all {count:,} would be {count * per_service:,} records, about "
              f"{missing / (report.records / report.record_seconds) / 60 + report.record_seconds / 60:,.0f} min "
              "at the rate measured" if report.records else "")


def main() -> None:
    args = arguments(__doc__.split("\n")[0], seed={"type": int, "default": SEED})
    print(f"generate  {machine()}")
    for count in args.services:
        with bench_database(f"gen{count}", keep=args.keep) as url:
            print(f"\n{database_kind(url)}: {count:,} services x {args.years} years weekly", flush=True)
            began = time.perf_counter()
            report = generate(count, args.years, args.record_services, args.seed)
            describe(report, count, args.years)
            with get_engine().connect() as conn:
                stored = conn.execute(select(func.count()).select_from(records)).scalar_one()
                rows = conn.execute(select(func.count()).select_from(measurements)).scalar_one()
            print(f"  check: {rows:,} measurements, {stored:,} records stored; total {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
