"""Collectors and their runs (SQL). Credentials are stored encrypted and only the runner reads them.

A run's slot (collector_id, scheduled_for, attempt) is unique: when several instances wake for the
same slot, the one whose INSERT succeeds runs it (claim_slot); the others get None.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, insert, select, true, update
from sqlalchemy.exc import IntegrityError

from data_access.data_sets import DataSet, utc_now
from data_access.db import get_engine
from data_access.schema import collector_runs, collectors, data_sets

NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
STALE_RUN = timedelta(hours=1)  # a run "running" for longer died with its process: retry it


class CollectorError(ValueError):
    """A collector cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class Collector:
    id: int
    name: str
    kind: str
    data_set_id: int
    data_set: str  # group/type
    schedule: str
    config: dict
    has_credentials: bool  # the credentials themselves never leave this module but by `credentials()`
    enabled: bool
    created_at: datetime
    next_run_at: datetime | None


@dataclass(frozen=True)
class Slot:
    scheduled_for: datetime
    attempt: int


def _query():
    return (select(collectors.c.id, collectors.c.name, collectors.c.kind, collectors.c.data_set_id,
                   (data_sets.c.data_group + "/" + data_sets.c.data_type).label("data_set"),
                   collectors.c.schedule, collectors.c.config,
                   collectors.c.credentials.is_not(None).label("has_credentials"), collectors.c.enabled,
                   collectors.c.created_at, collectors.c.next_run_at)
            .join(data_sets, data_sets.c.id == collectors.c.data_set_id))


def _collector(row) -> Collector:
    values = dict(row._mapping)
    return Collector(**{**values, "config": dict(values["config"] or {}), "has_credentials": bool(values["has_credentials"])})


def create_collector(conn: Connection, name: str, kind: str, data_set: DataSet, schedule: str, config: dict,
                     encrypted_credentials: str | None = None, now: datetime | None = None) -> Collector:
    """A new collector, due at once. The data set must name its records (auto_ids) so re-runs replace them."""
    if not NAME.match(name or ""):
        raise CollectorError(f"a collector's name must be 1 to 80 of a-z, 0-9 and '-', not {name!r}")
    if not data_set.auto_ids:
        raise CollectorError(f"data set {data_set.name} has no identifying fields (auto_ids): a collector's "
                             "re-runs would add its records again; set them first (e.g. _timestamp,channel)")
    now = now or utc_now()
    try:
        with conn.begin_nested():
            conn.execute(insert(collectors).values(name=name, kind=kind, data_set_id=data_set.id, schedule=schedule,
                                                   config=config, credentials=encrypted_credentials,
                                                   created_at=now, next_run_at=now))
    except IntegrityError:
        raise CollectorError(f"a collector named {name} exists already") from None
    return get_collector(name, conn)


def get_collector(name: str, conn: Connection | None = None) -> Collector | None:
    query = _query().where(collectors.c.name == name)
    if conn is not None:
        row = conn.execute(query).first()
    else:
        with get_engine().connect() as own:
            row = own.execute(query).first()
    return _collector(row) if row else None


def list_collectors() -> list[Collector]:
    with get_engine().connect() as conn:
        return [_collector(row) for row in conn.execute(_query().order_by(collectors.c.name))]


def credentials(collector: Collector) -> str | None:
    """The encrypted credentials, for the runner only (never for a template)."""
    with get_engine().connect() as conn:
        return conn.execute(select(collectors.c.credentials).where(collectors.c.id == collector.id)).scalar_one()


def set_enabled(conn: Connection, collector: Collector, enabled: bool) -> None:
    conn.execute(update(collectors).where(collectors.c.id == collector.id).values(enabled=enabled))


def set_next_run(conn: Connection, collector_id: int, at: datetime | None) -> None:
    conn.execute(update(collectors).where(collectors.c.id == collector_id).values(next_run_at=at))


def due_collectors(now: datetime) -> list[Collector]:
    query = _query().where(collectors.c.enabled, collectors.c.next_run_at <= now).order_by(collectors.c.next_run_at)
    with get_engine().connect() as conn:
        return [_collector(row) for row in conn.execute(query)]


# --- runs ----------------------------------------------------------------------------------------

def plan_slot(collector_id: int, now: datetime, max_attempts: int) -> Slot | None:
    """The slot a due collector runs now: a retry of its last failed scheduled run, or its next slot.

    One statement reads next_run_at and the last run together, so an instance never sees a run's
    end without the next_run_at written with it (both change in one transaction)."""
    last = (select(collector_runs.c.scheduled_for, collector_runs.c.attempt, collector_runs.c.status,
                   collector_runs.c.started_at)
            .where(collector_runs.c.collector_id == collector_id, collector_runs.c.range_from.is_(None))
            .order_by(collector_runs.c.id.desc()).limit(1).subquery())
    query = (select(collectors.c.next_run_at, collectors.c.enabled, last.c.scheduled_for, last.c.attempt,
                    last.c.status, last.c.started_at)
             .select_from(collectors.outerjoin(last, true())).where(collectors.c.id == collector_id))
    with get_engine().connect() as conn:
        row = conn.execute(query).first()
    if row is None or not row.enabled or row.next_run_at is None or row.next_run_at > now:
        return None
    if row.status == "running" and row.started_at > now - STALE_RUN:
        return None  # another instance is running it
    if row.status in ("failed", "running") and row.attempt < max_attempts:
        return Slot(row.scheduled_for, row.attempt + 1)
    return Slot(row.next_run_at, 1)


def claim_slot(collector_id: int, slot: Slot, now: datetime, range_from: datetime | None = None,
               range_to: datetime | None = None) -> int | None:
    """Insert the run's row (status running), committed at once; None if another instance has the slot."""
    try:
        with get_engine().begin() as conn:
            return conn.execute(insert(collector_runs).values(
                collector_id=collector_id, scheduled_for=slot.scheduled_for, attempt=slot.attempt,
                started_at=now, status="running", range_from=range_from, range_to=range_to)
                .returning(collector_runs.c.id)).scalar_one()
    except IntegrityError:
        return None


def finish_run(conn: Connection, run_id: int, status: str, records_written: int = 0, error: str | None = None,
               now: datetime | None = None) -> None:
    conn.execute(update(collector_runs).where(collector_runs.c.id == run_id).values(
        finished_at=now or utc_now(), status=status, records_written=records_written,
        error=(error or "")[:4000] or None))


def get_run(run_id: int) -> dict | None:
    with get_engine().connect() as conn:
        row = conn.execute(select(collector_runs).where(collector_runs.c.id == run_id)).first()
    return dict(row._mapping) if row else None


def recent_runs(collector_id: int | None = None, limit: int = 20) -> list[dict]:
    query = (select(collector_runs, collectors.c.name.label("collector"))
             .join(collectors, collectors.c.id == collector_runs.c.collector_id)
             .order_by(collector_runs.c.id.desc()).limit(limit))
    if collector_id is not None:
        query = query.where(collector_runs.c.collector_id == collector_id)
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def last_runs(per_collector: int = 5) -> dict[int, list[dict]]:
    """Each collector's latest runs, newest first."""
    ranked = select(collector_runs, func.row_number().over(
        partition_by=collector_runs.c.collector_id, order_by=collector_runs.c.id.desc()).label("rank")).subquery()
    query = select(ranked).where(ranked.c.rank <= per_collector).order_by(ranked.c.collector_id, ranked.c.id.desc())
    found: dict[int, list[dict]] = {}
    with get_engine().connect() as conn:
        for row in conn.execute(query):
            found.setdefault(row.collector_id, []).append(dict(row._mapping))
    return found


def next_runs_by_data_set() -> dict[int, datetime | None]:
    """For each data set fed by an enabled collector, the earliest next run."""
    query = (select(collectors.c.data_set_id, func.min(collectors.c.next_run_at))
             .where(collectors.c.enabled).group_by(collectors.c.data_set_id))
    with get_engine().connect() as conn:
        return {row[0]: row[1] for row in conn.execute(query)}


def failed_runs(limit: int = 50) -> list[dict]:
    query = (select(collector_runs, collectors.c.name.label("collector"))
             .join(collectors, and_(collectors.c.id == collector_runs.c.collector_id))
             .where(collector_runs.c.status == "failed").order_by(collector_runs.c.id.desc()).limit(limit))
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def editor_service_ids(user_id: int) -> set[int]:
    """The services an editor publishes for (service_editors), for the freshness page."""
    from data_access.schema import service_editors
    with get_engine().connect() as conn:
        return set(conn.execute(select(service_editors.c.service_id).where(service_editors.c.user_id == user_id))
                   .scalars())
