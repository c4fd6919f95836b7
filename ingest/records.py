"""Validate a write body into records: every error listed, or nothing at all.

The types here are shared by the write API, uploads and storage (docs/data-api-design.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

PERIOD_KEYS = ("hour", "day", "week", "month", "quarter", "year")


@dataclass(frozen=True)
class DataSetConfig:
    data_group: str
    data_type: str
    json_schema: dict | None = None
    auto_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class RecordError:
    """One problem: the record's index in the body (or the file's row number), the field, why."""

    index: int | None
    field: str | None
    message: str

    def as_dict(self) -> dict:
        return {"index": self.index, "field": self.field, "message": self.message}


class ValidationFailed(Exception):
    def __init__(self, errors: list[RecordError]):
        super().__init__(f"{len(errors)} error(s): " + "; ".join(e.message for e in errors[:3]))
        self.errors = errors


@dataclass(frozen=True)
class Record:
    record_id: str | None  # _id as sent or built from auto_ids; None for a new record
    timestamp: datetime | None  # _timestamp, naive UTC
    data: dict = field(default_factory=dict)  # own fields, plus _start_at/_end_at if sent


def period_starts(timestamp: datetime | None) -> dict[str, datetime | None]:
    """The start of the hour, day, week (Monday), month, quarter and year holding `timestamp`."""
    if timestamp is None:
        return {key: None for key in PERIOD_KEYS}
    day = timestamp.replace(hour=0, minute=0, second=0, microsecond=0)
    return {
        "hour": timestamp.replace(minute=0, second=0, microsecond=0),
        "day": day,
        "week": day - timedelta(days=day.weekday()),
        "month": day.replace(day=1),
        "quarter": day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1),
        "year": day.replace(month=1, day=1),
    }
