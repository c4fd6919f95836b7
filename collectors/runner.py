"""Run a collector: claim its slot, fetch, validate as the write API does, store all or nothing.

A successful run stores its records, the audit entry and the run's success in ONE transaction; a
failed run stores nothing but its error, and is retried with back-off as attempt 2, 3... of the
same slot (new collector_runs rows) by the scheduler.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError
from tqdm import tqdm

from collectors import schedule, secrets, sources
from data_access import collectors as store
from data_access.data_sets import DataSet, audit, data_set_from_row, utc_now
from data_access.db import get_engine
from data_access.records import store_records
from data_access.schema import data_sets
from ingest.records import Record, ValidationFailed, validate_records

BACKFILL_CHUNK_DAYS = 7  # one run (and one request) per week of a backfill


@dataclass(frozen=True)
class Settings:
    """What tests (and operators) tune: the source's timeout, the retry back-off and attempts."""
    timeout: float = field(default_factory=lambda: float(os.environ.get("COLLECTOR_TIMEOUT", sources.DEFAULT_TIMEOUT)))
    retry_base: float = field(default_factory=lambda: float(os.environ.get("COLLECTOR_RETRY_BASE",
                                                                         schedule.RETRY_BASE_SECONDS)))
    max_attempts: int = schedule.MAX_ATTEMPTS


@dataclass(frozen=True)
class RunResult:
    run_id: int
    collector: str
    status: str  # succeeded or failed
    records_written: int
    error: str | None
    attempt: int = 1


class RunFailed(Exception):
    """Why a run stored nothing (shown in the run's row, the admin page and the CLI); `status` is
    the audit log's: 502 when the source failed, 400 when its records were invalid."""

    def __init__(self, message: str, status: int = 502):
        super().__init__(message)
        self.status = status


def run_due(collector: store.Collector, now: datetime | None = None,
            settings: Settings | None = None) -> RunResult | None:
    """Run a due collector's slot (or the retry of its failed one), unless another instance has it."""
    now, settings = now or utc_now(), settings or Settings()
    slot = store.plan_slot(collector.id, now, settings.max_attempts)
    if slot is None:
        return None
    return run_slot(collector, slot, now, settings)


def run_now(collector: store.Collector, settings: Settings | None = None) -> RunResult:
    """An unscheduled run (CLI, admin "run now"): a slot of its own, retried like any other if it fails."""
    now, settings = utc_now(), settings or Settings()
    result = run_slot(collector, store.Slot(now, 1), now, settings)
    if result is None:  # the same microsecond as another manual run: that run is this one
        raise RunFailed("another run of this collector started at the same moment")
    return result


def run_slot(collector: store.Collector, slot: store.Slot, now: datetime, settings: Settings,
             window: sources.DateRange | None = None) -> RunResult | None:
    """Claim the slot, then run it; None if another instance claimed it first."""
    range_from, range_to = (window.start_at, window.end_at) if window else (None, None)
    run_id = store.claim_slot(collector.id, slot, now, range_from, range_to)
    if run_id is None:
        return None
    try:
        data_set, records = _collect(collector, window, settings, now.date())
    except RunFailed as failed:
        return _failed(collector, run_id, slot, failed, settings, scheduled=window is None)
    except Exception as error:  # noqa: BLE001 - a bug must still end the run, not leave it "running"
        failed = RunFailed(f"unexpected error: {type(error).__name__}: {error}", 500)
        return _failed(collector, run_id, slot, failed, settings, scheduled=window is None)
    try:
        return _succeeded(collector, run_id, slot, data_set, records, scheduled=window is None)
    except SQLAlchemyError as error:  # rolled back: nothing stored
        failed = RunFailed(f"the records could not be stored ({type(error).__name__})", 500)
        return _failed(collector, run_id, slot, failed, settings, scheduled=window is None)


def _collect(collector: store.Collector, window, settings: Settings, today: date) -> tuple[DataSet, list[Record]]:
    """Fetch and validate: the data set and its records, or RunFailed saying why."""
    data_set = _data_set(collector)
    try:
        encrypted = store.credentials(collector)
        credentials = secrets.decrypt(encrypted) if encrypted else None
        rows = sources.fetch(collector.kind, collector.config, credentials, window, settings.timeout, today)
        records = validate_records(rows, data_set.config)
    except (sources.SourceError, secrets.SecretError) as error:
        raise RunFailed(str(error)) from None
    except ValidationFailed as failed:
        raise RunFailed(_validation_message(failed), 400) from None
    if window is not None and collector.kind not in sources.RANGED_KINDS:
        records = [r for r in records if window.holds(r.timestamp)]  # a file: keep the range's rows
    if any(r.record_id is None for r in records):
        raise RunFailed(f"records have no _id: give data set {data_set.name} identifying fields (auto_ids) "
                        "so that a re-run replaces what it wrote", 400)
    return data_set, records


def _data_set(collector: store.Collector) -> DataSet:
    with get_engine().connect() as conn:
        row = conn.execute(data_sets.select().where(data_sets.c.id == collector.data_set_id)).first()
    return data_set_from_row(row)


def _validation_message(failed: ValidationFailed) -> str:
    listed = "; ".join(f"record {e.index}, {e.field or 'record'}: {e.message}" for e in failed.errors[:5])
    more = f" (and {len(failed.errors) - 5} more)" if len(failed.errors) > 5 else ""
    return f"{len(failed.errors)} invalid record(s), nothing stored: {listed}{more}"


def _succeeded(collector, run_id: int, slot: store.Slot, data_set: DataSet, records: list[Record],
               scheduled: bool) -> RunResult:
    finished = utc_now()
    with get_engine().begin() as conn:  # the records, the audit entry and the run's success: all or nothing
        stored = store_records(conn, data_set, records) if records else 0
        stamps = [r.timestamp for r in records if r.timestamp is not None]
        audit(conn, actor=f"collector {collector.name}", action="collect", data_set=data_set.name, status=200,
              records=stored, first_timestamp=min(stamps, default=None), last_timestamp=max(stamps, default=None),
              detail=f"run {run_id}")
        store.finish_run(conn, run_id, "succeeded", stored, now=finished)
        if scheduled:
            store.set_next_run(conn, collector.id, schedule.next_slot(collector.schedule, finished))
    return RunResult(run_id, collector.name, "succeeded", stored, None, slot.attempt)


def _failed(collector, run_id: int, slot: store.Slot, failed: RunFailed, settings: Settings,
            scheduled: bool) -> RunResult:
    finished, error = utc_now(), str(failed)
    with get_engine().begin() as conn:
        store.finish_run(conn, run_id, "failed", 0, error, now=finished)
        audit(conn, actor=f"collector {collector.name}", action="refused", data_set=collector.data_set,
              status=failed.status, detail=f"run {run_id}: {error}")
        if scheduled:
            store.set_next_run(conn, collector.id, _after_failure(collector, slot, finished, settings))
    return RunResult(run_id, collector.name, "failed", 0, error, slot.attempt)


def _after_failure(collector, slot: store.Slot, finished: datetime, settings: Settings) -> datetime:
    if schedule.may_retry(slot.attempt, settings.max_attempts):
        return finished + schedule.retry_delay(slot.attempt, settings.retry_base)
    return schedule.next_slot(collector.schedule, finished)  # given up: the next regular slot


# --- backfill ------------------------------------------------------------------------------------

def chunks(window: sources.DateRange, days: int = BACKFILL_CHUNK_DAYS) -> list[sources.DateRange]:
    found, first = [], window.first
    while first <= window.last:
        last = min(window.last, first + timedelta(days=days - 1))
        found.append(sources.DateRange(first, last))
        first = last + timedelta(days=1)
    return found


def backfill(collector: store.Collector, first: date, last: date, settings: Settings | None = None,
             progress: bool = True) -> list[RunResult]:
    """Collect a date range: a source that takes a range is asked week by week; a file is read once
    and the rows whose timestamps fall in the range are kept. Each chunk is retried with back-off."""
    if last < first:
        raise ValueError("the range ends before it starts")
    window, settings = sources.DateRange(first, last), settings or Settings()
    parts = chunks(window) if collector.kind in sources.RANGED_KINDS else [window]
    results = []
    for part in tqdm(parts, desc=f"Backfill {collector.name}", unit=" chunk", disable=not progress):
        results.append(_backfill_chunk(collector, part, settings))
    return results


def _backfill_chunk(collector: store.Collector, part: sources.DateRange, settings: Settings) -> RunResult:
    scheduled_for = utc_now()  # a slot of its own: its retries are attempts 2, 3... of it
    for attempt in range(1, settings.max_attempts + 1):
        result = run_slot(collector, store.Slot(scheduled_for, attempt), utc_now(), settings, window=part)
        if result is None:
            raise RunFailed("another process is running the same backfill")
        if result.status == "succeeded" or not schedule.may_retry(attempt, settings.max_attempts):
            return result
        time.sleep(schedule.retry_delay(attempt, settings.retry_base).total_seconds())
    return result
