"""Organisations and services: who runs what.

The counts of services per organisation are kept on `organisations` by
data_access.rollups.refresh_rollups, so the dropdowns and totals never count every service."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from data_access.cache import memoized
from data_access.db import get_engine
from data_access.schema import organisations, services

department = aliased(organisations, name="department")
agency = aliased(organisations, name="agency")

SERVICE_COLUMNS = [
    services.c.id, services.c.slug, services.c.name, services.c.service_type, services.c.description,
    services.c.url, services.c.customer_type, services.c.business_model, services.c.notes_on_costs,
    services.c.other_notes,
    department.c.slug.label("department_slug"), department.c.name.label("department"),
    department.c.abbreviation.label("department_abbreviation"),
    agency.c.slug.label("agency_slug"), agency.c.name.label("agency"),
]


def services_query():
    """Services with their department and agency, ready for more WHERE clauses."""
    return (select(*SERVICE_COLUMNS)
            .join(department, services.c.department_id == department.c.id)
            .outerjoin(agency, services.c.agency_id == agency.c.id))


def service_id_of(slug: str):
    """The id of the service of this slug, as a scalar subquery (NULL when there is none)."""
    return select(services.c.id).where(services.c.slug == slug).scalar_subquery()


def organisation_id_of(kind: str, slug: str | None):
    """The id of the department or agency (`kind`) of this slug, as a scalar subquery."""
    return select(organisations.c.id).where(organisations.c.slug == slug, organisations.c.kind == kind).scalar_subquery()


def service_count() -> int:
    """Every service: the sum of the departments' counts (kept by data_access.rollups.refresh_rollups)."""
    query = select(func.coalesce(func.sum(organisations.c.department_services), 0))
    with get_engine().connect() as conn:
        return int(conn.execute(query).scalar_one())


@memoized
def get_service(slug: str) -> dict | None:
    with get_engine().connect() as conn:
        row = conn.execute(services_query().where(services.c.slug == slug)).mappings().first()
    return dict(row) if row else None


@memoized
def departments() -> pd.DataFrame:
    """Departments that run at least one service: slug, name, abbreviation, services."""
    query = (select(organisations.c.slug, organisations.c.name, organisations.c.abbreviation,
                    organisations.c.department_services.label("services"))
             .where(organisations.c.department_services > 0).order_by(organisations.c.name))
    with get_engine().connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all())


@memoized
def agencies(department_slug: str | None = None) -> pd.DataFrame:
    """Agencies that run at least one service (of one department if given)."""
    query = (select(agency.c.slug, agency.c.name, agency.c.abbreviation,
                    department.c.slug.label("department_slug"), agency.c.agency_services.label("services"))
             .join(department, agency.c.parent_id == department.c.id)
             .where(agency.c.agency_services > 0).order_by(agency.c.name))
    if department_slug:
        query = query.where(department.c.slug == department_slug)
    with get_engine().connect() as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(rows, columns=["slug", "name", "abbreviation", "department_slug", "services"])
