"""Build the demo database: real organisations, services and figures, plus illustrative ones."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, delete, insert
from tqdm import tqdm

from data_access.cache import bump_generation
from data_access.demo import govuk_pp
from data_access.demo.govuk_pp import slugify
from data_access.demo.illustrative import ServiceProfile
from data_access.demo.open_data import publish_demo_data_sets
from data_access.rollups import refresh_rollups
from data_access.schema import (measurements, organisations, scope_period_totals, service_period_totals,
                                 services)
from domain.channels import DIGITAL, UNSPECIFIED

ILLUSTRATIVE_SOURCE = "demo-illustrative"


@dataclass
class LoadReport:
    organisations: int = 0
    services: int = 0
    measurements: int = 0
    records: int = 0  # in the demo's open data sets (data_access/demo/open_data.py)
    notes: list[str] = field(default_factory=list)


def insert_organisations(conn: Connection, frame: pd.DataFrame) -> tuple[dict, dict]:
    """The departments and agencies of a frame of services: ({name: id}, {(department, agency): id}).
    Also used by bench/generate.py, so that generated data is loaded as the demo is."""
    departments, agencies = {}, {}
    for (name, abbreviation), _ in frame.groupby(["department", "department_abbreviation"]):
        departments[name] = conn.execute(insert(organisations).values(
            slug=slugify(abbreviation), name=name, abbreviation=abbreviation, kind="department",
        ).returning(organisations.c.id)).scalar_one()
    used = {slugify(a) for _, a in frame[["department", "department_abbreviation"]].drop_duplicates().values}
    agency_rows = frame.dropna(subset=["agency"])[["department", "agency", "agency_abbreviation"]]
    for department, agency, abbreviation in agency_rows.drop_duplicates(["department", "agency"]).values:
        slug = slugify(abbreviation or agency)
        for candidate in (slugify(agency), f"{slug}-{slugify(department)}"):
            if slug not in used:
                break
            slug = candidate
        used.add(slug)
        agencies[(department, agency)] = conn.execute(insert(organisations).values(
            slug=slug, name=agency, abbreviation=abbreviation, kind="agency",
            parent_id=departments[department],
        ).returning(organisations.c.id)).scalar_one()
    return departments, agencies


def service_rows(frame, departments, agencies) -> list[dict]:
    """The services table's rows of a frame of services, with their organisations' ids."""
    columns = ["slug", "name", *govuk_pp.SERVICE_FIELDS.values()]
    return [{**{c: row[c] for c in columns},
             "department_id": departments[row["department"]],
             "agency_id": agencies.get((row["department"], row["agency"]))}
            for row in frame.to_dict("records")]


def _row(service_id, metric, period, value, dimension="", illustrative=False):
    return {"service_id": service_id, "metric": metric, "dimension": dimension,
            "period_start": period.start, "period_end": period.end, "value": float(value),
            "illustrative": illustrative,
            "source": ILLUSTRATIVE_SOURCE if illustrative else govuk_pp.SOURCE}


def measurement_rows(service_id: int, profile: ServiceProfile, figures: pd.DataFrame,
                     notes: list[str], slug: str) -> list[dict]:
    """Rows for one service's periods: real volumes and costs, illustrative splits and surveys."""
    rows = []
    for step, figure in enumerate(figures.sort_values("period").itertuples()):
        period, volume, digital = figure.period, figure.volume, figure.digital_volume
        if not pd.isna(figure.cost_per_transaction):
            rows.append(_row(service_id, "cost_per_transaction", period, figure.cost_per_transaction))
        if pd.isna(volume):
            continue
        if pd.isna(digital) or digital > volume:
            if not pd.isna(digital):
                notes.append(f"{slug}, {period.label}: digital volume {digital:,.0f} exceeds "
                             f"volume {volume:,.0f}; stored without a channel split")
            rows.append(_row(service_id, "transactions", period, volume, UNSPECIFIED))
            continue
        rows.append(_row(service_id, "transactions", period, digital, DIGITAL))
        for channel, value in profile.split_non_digital(volume - digital, step).items():
            rows.append(_row(service_id, "transactions", period, value, channel, True))
        if digital >= 1:
            started, completed = profile.completion(digital, step)
            rows.append(_row(service_id, "started", period, started, illustrative=True))
            rows.append(_row(service_id, "completed", period, completed, illustrative=True))
            for rating, count in enumerate(profile.ratings(digital, step), start=1):
                rows.append(_row(service_id, "rating", period, count, str(rating), True))
    return rows


def load_demo(conn: Connection, csv_path=govuk_pp.CSV_PATH, progress: bool = True) -> LoadReport:
    """Replace all organisations, services and figures with the demo set, in one transaction."""
    raw = govuk_pp.read_csv(csv_path)
    frame = govuk_pp.services_frame(raw)
    figures = govuk_pp.figures_frame(raw, frame["slug"])
    report = LoadReport()
    for table in (scope_period_totals, service_period_totals, measurements, services, organisations):
        conn.execute(delete(table))
    departments, agencies = insert_organisations(conn, frame)
    report.organisations = len(departments) + len(agencies)
    ids = dict(conn.execute(insert(services).returning(services.c.slug, services.c.id),
                            service_rows(frame, departments, agencies)).all())
    report.services = len(ids)
    by_slug = dict(tuple(figures.groupby("slug")))
    batch: list[dict] = []
    for row in tqdm(frame.itertuples(), total=len(frame), desc="Services", unit=" services",
                    disable=not progress):
        if row.slug in by_slug:
            batch += measurement_rows(ids[row.slug], ServiceProfile(row.slug, row.service_type),
                                      by_slug[row.slug], report.notes, row.slug)
        if len(batch) >= 20_000:
            report.measurements += flush_measurements(conn, batch)
    report.measurements += flush_measurements(conn, batch)
    refresh_rollups(conn)
    report.records = publish_demo_data_sets(conn)
    bump_generation(conn)
    return report


def flush_measurements(conn: Connection, batch: list[dict]) -> int:
    """Insert a batch of measurement rows and empty it; how many there were."""
    count = len(batch)
    if batch:
        conn.execute(insert(measurements), batch)
        batch.clear()
    return count
