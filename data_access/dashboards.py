"""Dashboards: stored configurations, their publication (draft, published, embargoed) and editors."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from dashboards.config import ConfigError, validate_dashboard
from data_access.cache import bump_generation
from data_access.data_sets import utc_now
from data_access.db import get_engine
from data_access.schema import dashboards, organisations, services


class DashboardError(ValueError):
    """A configuration that cannot be stored: every problem is listed."""

    def __init__(self, errors: list[ConfigError]):
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors


def related_links(config: dict) -> list[dict]:
    """Related links: ours (a list of {title, url}) or the original's relatedPages."""
    if isinstance(config.get("related-links"), list):
        return [{"title": str(l.get("title", "")), "url": str(l.get("url", ""))} for l in config["related-links"]]
    pages = config.get("relatedPages") or {}
    found = [pages["transaction"]] if isinstance(pages.get("transaction"), dict) else []
    found += [p for p in pages.get("other", []) if isinstance(p, dict)]
    return [{"title": str(p.get("title", "")), "url": str(p.get("url", ""))} for p in found]


def _organisation_id(conn: Connection, config: dict) -> int | None:
    department = config.get("department") or {}
    abbreviation = department.get("abbr") if isinstance(department, dict) else None
    if not abbreviation:
        return None
    return conn.execute(select(organisations.c.id).where(
        func.lower(organisations.c.abbreviation) == abbreviation.lower())).scalar()


def _service_id(conn: Connection, config: dict) -> int | None:
    slug = config.get("service") or config.get("slug")
    return conn.execute(select(services.c.id).where(services.c.slug == slug)).scalar()


def save_dashboard(conn: Connection, config: dict, author: str, status: str | None = None,
                   release_at: datetime | None = None) -> dict:
    """Create or replace the dashboard of `config["slug"]`; DashboardError lists every problem."""
    errors = validate_dashboard(config)
    if status not in (None, "draft", "published"):
        errors.append(ConfigError("status", "must be draft or published"))
    if errors:
        raise DashboardError(errors)
    now = utc_now()
    about = config.get("about-the-data") or "\n\n".join(
        config[k] for k in ("other-notes", "costs") if isinstance(config.get(k), str))
    values = {"title": config["title"].strip(), "dashboard_type": config.get("dashboard-type", "transaction"),
              "organisation_id": _organisation_id(conn, config), "service_id": _service_id(conn, config),
              "description": config.get("description"), "about_the_data": about or None,
              "related_links": related_links(config), "modules": config.get("modules", []), "updated_at": now,
              "updated_by": author}
    existing = conn.execute(select(dashboards.c.id, dashboards.c.status).where(
        dashboards.c.slug == config["slug"])).first()
    if status is None:
        status = existing.status if existing else ("published" if config.get("published") is True else "draft")
    if existing:
        conn.execute(update(dashboards).where(dashboards.c.id == existing.id).values(
            **values, status=status, release_at=release_at))
    else:
        conn.execute(insert(dashboards).values(slug=config["slug"], created_at=now, status=status,
                                               release_at=release_at, draft_key=secrets.token_urlsafe(24), **values))
    bump_generation(conn)
    return get_dashboard(config["slug"], conn)


def get_dashboard(slug: str, conn: Connection | None = None) -> dict | None:
    query = (select(dashboards, services.c.slug.label("service_slug"), organisations.c.name.label("organisation"),
                    organisations.c.abbreviation.label("organisation_abbreviation"))
             .outerjoin(services, services.c.id == dashboards.c.service_id)
             .outerjoin(organisations, organisations.c.id == dashboards.c.organisation_id)
             .where(dashboards.c.slug == slug))
    if conn is not None:
        row = conn.execute(query).first()
    else:
        with get_engine().connect() as own:
            row = own.execute(query).first()
    return dict(row._mapping) if row else None


def is_public(dashboard: dict, now: datetime | None = None) -> bool:
    """Published, or a draft whose embargo (release time) has passed."""
    now = now or utc_now()
    return dashboard["status"] == "published" or (dashboard["release_at"] is not None
                                                  and dashboard["release_at"] <= now)


def public_dashboards(now: datetime | None = None) -> list[dict]:
    now = now or utc_now()
    query = (select(dashboards.c.slug, dashboards.c.title, dashboards.c.dashboard_type, dashboards.c.description)
             .where(or_(dashboards.c.status == "published", dashboards.c.release_at <= now))
             .order_by(dashboards.c.title))
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def all_dashboards() -> list[dict]:
    query = select(dashboards.c.slug, dashboards.c.title, dashboards.c.status, dashboards.c.release_at,
                   dashboards.c.updated_at, dashboards.c.updated_by).order_by(dashboards.c.title)
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def delete_dashboard(conn: Connection, slug: str) -> bool:
    deleted = conn.execute(delete(dashboards).where(dashboards.c.slug == slug)).rowcount == 1
    if deleted:
        bump_generation(conn)
    return deleted


def exported_config(dashboard: dict) -> dict:
    """The configuration to export: it imports back as the same dashboard."""
    config = {"slug": dashboard["slug"], "title": dashboard["title"], "dashboard-type": dashboard["dashboard_type"],
              "description": dashboard["description"], "about-the-data": dashboard["about_the_data"],
              "related-links": dashboard["related_links"] or [], "modules": dashboard["modules"],
              "published": dashboard["status"] == "published"}
    if dashboard.get("service_slug"):
        config["service"] = dashboard["service_slug"]
    if dashboard.get("organisation_abbreviation"):
        config["department"] = {"title": dashboard["organisation"], "abbr": dashboard["organisation_abbreviation"]}
    return {k: v for k, v in config.items() if v is not None}
