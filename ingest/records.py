"""Validate a write body into records: every error listed, or nothing at all.

The types here are shared by the write API, uploads and storage (docs/data-api-design.md).
"""
from __future__ import annotations

import base64
import functools
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from ingest.privacy import find_personal_data
from ingest.schema_check import quick_check

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


# --- validation -------------------------------------------------------------------------------

FIELD_NAME = re.compile(r"[a-z_][a-z0-9_]+")  # used with fullmatch: "$" would let "name\n" through
SENT_RESERVED = ("_timestamp", "_start_at", "_end_at", "_id")
TIME_FIELDS = ("_timestamp", "_start_at", "_end_at")
MAX_ID_LENGTH = 400
MAX_ERRORS = 1000  # a body can hold thousands of bad records; the first ones are enough to fix it
MAX_SAFE_INTEGER = 2**53 - 1  # beyond it JavaScript clients, and sums in SQLite, go wrong
# whole numbers of fewer than 8 digits never look personal: a date of birth (19800312) is the shortest
# pattern of ingest.privacy a number can match (tests/ingest/test_fast_paths.py checks this)
SHORTEST_PERSONAL_NUMBER = 10_000_000


class ErrorList:
    """Collects errors up to a cap; raises them all together."""

    def __init__(self, limit: int = MAX_ERRORS):
        self.errors: list[RecordError] = []
        self.limit = limit
        self.left_out = 0

    def add(self, index: int | None, field: str | None, message: str) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(RecordError(index, field, message))
        else:
            self.left_out += 1

    @property
    def count(self) -> int:
        return len(self.errors) + self.left_out

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        errors = list(self.errors)
        if self.left_out:
            errors.append(RecordError(None, None, f"{self.left_out} more error(s) not listed"))
        raise ValidationFailed(errors)


def validate_records(
    body, config: DataSetConfig, row_numbers: list[int] | None = None
) -> list[Record]:
    """The body (what json.loads gave, or parsed upload rows) as records; every error, or nothing."""
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        message = "the body must be a JSON object (one record) or a list of objects"
        raise ValidationFailed([RecordError(None, None, message)])
    schema = _schema_validator(config.json_schema)
    errors = ErrorList()
    records = []
    for position, item in enumerate(body):
        index = _index(position, row_numbers)
        record = _validate_record(item, index, config, schema, errors)
        if record is not None:
            records.append(record)
    errors.raise_if_any()
    return records


def _index(position: int, row_numbers: list[int] | None) -> int:
    if row_numbers is not None and position < len(row_numbers):
        return row_numbers[position]
    return position


def _validate_record(item, index, config, schema, errors: ErrorList) -> Record | None:
    if not isinstance(item, dict):
        errors.add(index, None, f"a record must be a JSON object, not {_kind(item)}")
        return None
    errors_before = errors.count
    for name, value in item.items():
        _check_field(name, value, index, errors)
    times = {name: _utc(item[name], name, index, errors) for name in TIME_FIELDS if name in item}
    record_id = _record_id(item, times, index, config, errors)
    if schema is not None:
        _check_schema(item, schema, index, errors)
    if errors.count > errors_before:
        return None
    data = {k: v for k, v in item.items() if k not in SENT_RESERVED}
    data.update({k: times[k].isoformat() + "+00:00" for k in ("_start_at", "_end_at") if k in times})
    return Record(record_id=record_id, timestamp=times.get("_timestamp"), data=data)


BAD_NAME = ("field names must be lower-case letters, digits and underscores, at least 2 characters, "
            "not starting with a digit")
RESERVED_NAME = "names starting with '_' are reserved: only _timestamp, _start_at, _end_at and _id may be sent"
MEMO_LENGTH = 100  # text up to this long has its verdict remembered: records repeat names and values


def _check_field(name, value, index, errors: ErrorList) -> None:
    problem = _name_problem(name) if isinstance(name, str) else BAD_NAME
    if problem:
        errors.add(index, str(name), problem)
    problem = _value_problem(str(name), value)
    if problem:
        errors.add(index, str(name), problem)


@functools.lru_cache(maxsize=1024)
def _name_problem(name: str) -> str | None:
    if not FIELD_NAME.fullmatch(name):
        return BAD_NAME
    if name.startswith("_") and name not in SENT_RESERVED:
        return RESERVED_NAME
    return None


def _value_problem(name: str, value) -> str | None:
    if isinstance(value, str) and len(value) <= MEMO_LENGTH and len(name) <= MEMO_LENGTH:
        return _short_text_problem(name, value)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            return f"whole numbers must be between -{MAX_SAFE_INTEGER} and {MAX_SAFE_INTEGER}"
        if abs(value) < SHORTEST_PERSONAL_NUMBER:
            return None  # a count: too few digits for any pattern of ingest.privacy
        return _personal(name, str(value))  # a card number sent as a number is still one
    if isinstance(value, float):
        return None if math.isfinite(value) else "numbers must be finite (not NaN or Infinity)"
    if isinstance(value, str):
        return _personal(name, value)
    if isinstance(value, (dict, list)):
        return "values must be a string, number, true, false or null: nested objects and lists are not allowed"
    return f"values must be a string, number, true, false or null, not {type(value).__name__}"


@functools.lru_cache(maxsize=8192)
def _short_text_problem(name: str, value: str) -> str | None:
    return _personal(name, value)


def _personal(name: str, value: str) -> str | None:
    reason = find_personal_data(name, value)
    if reason:
        return f"{reason}: the platform takes aggregated, anonymised figures only, never personal data"
    return None


def _utc(value, name: str, index, errors: ErrorList) -> datetime | None:
    """An ISO 8601 datetime with an offset or Z, as naive UTC."""
    parsed = _parse_text_timestamp(value) if isinstance(value, str) and len(value) <= 64 else parse_timestamp(value)
    if parsed is None:
        message = "must be an ISO 8601 date and time with an offset or Z, e.g. 2013-01-01T00:00:00+00:00"
        errors.add(index, name, message)
    return parsed


@functools.lru_cache(maxsize=8192)
def _parse_text_timestamp(value: str) -> datetime | None:
    return parse_timestamp(value)  # records of a body share a few timestamps


def parse_timestamp(value) -> datetime | None:
    """`value` as naive UTC if it is an ISO 8601 datetime string with an offset or Z, else None."""
    if not isinstance(value, str) or not value.strip() == value or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            return None
        return parsed.astimezone(timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None


def _record_id(item: dict, times: dict, index, config, errors: ErrorList) -> str | None:
    if "_id" in item:  # a sent _id wins over auto_ids: the client named the record itself
        record_id = item["_id"]
        if not isinstance(record_id, str) or not record_id.strip():
            errors.add(index, "_id", "must be a non-empty string")
        elif len(record_id) > MAX_ID_LENGTH:
            errors.add(index, "_id", f"must be at most {MAX_ID_LENGTH} characters long")
        return record_id
    if config.auto_ids:
        return _auto_id(item, times, index, config.auto_ids, errors)
    return None


def _auto_id(item: dict, times: dict, index, auto_ids, errors: ErrorList) -> str | None:
    """urlsafe base64 of the auto_ids values joined by '.' (as Backdrop did, but unambiguous)."""
    parts = []
    for name in auto_ids:
        if item.get(name) is None:
            errors.add(index, name, f"this data set builds each record's _id from {', '.join(auto_ids)}: "
                       f"'{name}' must have a value")
            continue
        parts.append(_id_part(item[name], times.get(name)))
    if len(parts) < len(auto_ids) or any(part is None for part in parts):
        return None
    joined = ".".join(parts)
    return base64.urlsafe_b64encode(joined.encode("utf-8")).decode("ascii")


def _id_part(value, time: datetime | None) -> str | None:
    if time is not None:
        return time.isoformat() + "+00:00"
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        return json.dumps(value)  # true, 287, 1.5: as the client wrote them
    return None  # a nested or invalid value: already reported


# --- JSON Schema ------------------------------------------------------------------------------

KNOWN_SCHEMAS = {
    "http://json-schema.org/draft-03/schema",
    "http://json-schema.org/draft-04/schema",
    "http://json-schema.org/draft-06/schema",
    "http://json-schema.org/draft-07/schema",
    "https://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema",
}
ISO_FORMATS = FormatChecker()


@ISO_FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or parse_timestamp(value) is not None


@dataclass(frozen=True)
class SchemaValidator:
    """A data set's compiled JSON Schema validator, and the quick pass that spares most records it."""

    validator: object
    surely_valid: Callable[[dict], bool] | None


_VALIDATORS: dict[str, SchemaValidator] = {}  # by the schema's canonical JSON
MAX_VALIDATORS = 256


def _schema_validator(schema: dict | None) -> SchemaValidator | None:
    """The data set's schema checked and compiled once per process, then reused for every body."""
    if schema is None:
        return None
    key = json.dumps(schema, sort_keys=True)
    found = _VALIDATORS.get(key)
    if found is None:
        found = _compiled(json.loads(key))  # its own copy: the caller's dict may change later
        if len(_VALIDATORS) >= MAX_VALIDATORS:
            _VALIDATORS.clear()
        _VALIDATORS[key] = found
    return found


def _compiled(schema: dict) -> SchemaValidator:
    """A validator for the schema; an unknown "$schema" (the original platform's
    "http://json-schema.org/schema#", meaning "the latest") gets the latest draft."""
    declared = str(schema.get("$schema", "")).rstrip("#") if isinstance(schema, dict) else ""
    cls = validator_for(schema) if declared in KNOWN_SCHEMAS else Draft202012Validator
    try:
        cls.check_schema(schema)
    except SchemaError as error:
        message = f"the data set's JSON Schema is itself invalid ({error.message}); ask the platform team"
        raise ValidationFailed([RecordError(None, None, message)]) from None
    return SchemaValidator(cls(schema, format_checker=ISO_FORMATS), quick_check(schema, _is_date_time))


def _check_schema(item: dict, schema: SchemaValidator, index, errors: ErrorList) -> None:
    if schema.surely_valid is not None and schema.surely_valid(item):
        return
    for error in sorted(schema.validator.iter_errors(item), key=lambda e: list(map(str, e.path))):
        field = str(error.path[0]) if error.path else _required_field(error)
        message = error.message if len(error.message) <= 300 else error.message[:297] + "..."
        errors.add(index, field, f"does not match the data set's schema: {message}")


def _required_field(error) -> str | None:
    """The missing property a "required" error is about (its message names it)."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return None
    for name in error.validator_value:
        if name not in error.instance and repr(name) in error.message:
            return name
    return None


def _kind(value) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return type(value).__name__
