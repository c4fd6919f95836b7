"""Data sets, their write tokens and the audit log of writes."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from data_access.cache import bump_generation
from data_access.db import get_engine
from data_access.schema import audit_log, data_sets, services, write_tokens
from ingest.records import DataSetConfig

NAME = re.compile(r"^[a-z0-9-]{1,60}$")
SETTINGS = ("json_schema", "auto_ids", "published", "queryable", "realtime", "max_age_expected", "service_id")


class DataSetError(ValueError):
    """A data set cannot be created or configured as asked; the message says why."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class DataSet:
    id: int
    data_group: str
    data_type: str
    service_id: int | None
    json_schema: dict | None
    auto_ids: list[str] | None
    published: bool
    queryable: bool
    realtime: bool
    max_age_expected: int | None
    created_at: datetime
    last_written_at: datetime | None

    @property
    def name(self) -> str:
        return f"{self.data_group}/{self.data_type}"

    @property
    def config(self) -> DataSetConfig:
        return DataSetConfig(self.data_group, self.data_type, self.json_schema,
                             tuple(self.auto_ids) if self.auto_ids else None)


def data_set_from_row(row) -> DataSet:
    return DataSet(**{k: row._mapping[k] for k in DataSet.__dataclass_fields__})


def _check_settings(json_schema, auto_ids, max_age_expected) -> None:
    if json_schema is not None:
        from jsonschema import Draft7Validator
        from jsonschema.exceptions import SchemaError
        try:
            Draft7Validator.check_schema(json_schema)
        except SchemaError as error:
            raise DataSetError(f"json_schema is not a valid JSON Schema: {error.message}") from None
    if auto_ids is not None and (not isinstance(auto_ids, list) or not all(isinstance(f, str) for f in auto_ids)):
        raise DataSetError("auto_ids must be a list of field names")
    if max_age_expected is not None and (not isinstance(max_age_expected, int) or max_age_expected <= 0):
        raise DataSetError("max_age_expected must be a whole number of seconds above 0")


def create_data_set(conn: Connection, data_group: str, data_type: str, **settings) -> DataSet:
    """Create a data set; by default it belongs to the service whose slug is its data group."""
    for label, value in (("data group", data_group), ("data type", data_type)):
        if not NAME.match(value or ""):
            raise DataSetError(f"{label} must be 1 to 60 of a-z, 0-9 and '-', not {value!r}")
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise DataSetError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    _check_settings(settings.get("json_schema"), settings.get("auto_ids"), settings.get("max_age_expected"))
    if "service_id" not in settings:
        settings["service_id"] = conn.execute(
            select(services.c.id).where(services.c.slug == data_group)).scalar_one_or_none()
    try:
        with conn.begin_nested():
            conn.execute(insert(data_sets).values(data_group=data_group, data_type=data_type,
                                                  created_at=utc_now(), **settings))
    except IntegrityError:
        raise DataSetError(f"data set {data_group}/{data_type} exists already") from None
    bump_generation(conn)
    return get_data_set(data_group, data_type, conn)


def configure_data_set(conn: Connection, data_group: str, data_type: str, **changes) -> DataSet:
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise DataSetError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    _check_settings(changes.get("json_schema"), changes.get("auto_ids"), changes.get("max_age_expected"))
    found = get_data_set(data_group, data_type, conn)
    if found is None:
        raise DataSetError(f"no data set {data_group}/{data_type}")
    if changes:
        conn.execute(update(data_sets).where(data_sets.c.id == found.id).values(**changes))
        bump_generation(conn)
    return get_data_set(data_group, data_type, conn)


def get_data_set(data_group: str, data_type: str, conn: Connection | None = None) -> DataSet | None:
    query = select(data_sets).where(data_sets.c.data_group == data_group, data_sets.c.data_type == data_type)
    if conn is not None:
        row = conn.execute(query).first()
    else:
        with get_engine().connect() as own:
            row = own.execute(query).first()
    return data_set_from_row(row) if row else None


def list_data_sets(published_only: bool = False) -> list[DataSet]:
    query = select(data_sets).order_by(data_sets.c.data_group, data_sets.c.data_type)
    if published_only:
        query = query.where(data_sets.c.published)
    with get_engine().connect() as conn:
        return [data_set_from_row(row) for row in conn.execute(query)]


# --- write tokens ----------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(conn: Connection, data_set: DataSet, label: str = "") -> str:
    """A new random token for the data set. It is returned once; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    conn.execute(insert(write_tokens).values(data_set_id=data_set.id, token_hash=token_hash(token),
                                             label=label[:200], created_at=utc_now()))
    return token


def verify_token(conn: Connection, data_set: DataSet, token: str | None) -> dict | None:
    """The token's row (id, label) if it is a live token of this data set, else None."""
    if not token:
        return None
    row = conn.execute(select(write_tokens.c.id, write_tokens.c.label).where(
        write_tokens.c.token_hash == token_hash(token), write_tokens.c.data_set_id == data_set.id,
        write_tokens.c.revoked_at.is_(None))).first()
    if row is None:
        return None
    conn.execute(update(write_tokens).where(write_tokens.c.id == row.id).values(last_used_at=utc_now()))
    return {"id": row.id, "label": row.label}


def revoke_token(conn: Connection, token_id: int) -> bool:
    result = conn.execute(update(write_tokens).where(write_tokens.c.id == token_id,
                                                     write_tokens.c.revoked_at.is_(None))
                          .values(revoked_at=utc_now()))
    return result.rowcount == 1


def list_tokens(data_set: DataSet) -> list[dict]:
    query = (select(write_tokens.c.id, write_tokens.c.label, write_tokens.c.created_at,
                    write_tokens.c.revoked_at, write_tokens.c.last_used_at)
             .where(write_tokens.c.data_set_id == data_set.id).order_by(write_tokens.c.id))
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


# --- audit log -------------------------------------------------------------------------------------

def audit(conn: Connection, *, actor: str, action: str, data_set: str, status: int, records: int = 0,
          first_timestamp: datetime | None = None, last_timestamp: datetime | None = None,
          detail: str | None = None) -> None:
    """Record a write or a refused write. Never pass a token here."""
    conn.execute(insert(audit_log).values(at=utc_now(), actor=actor[:200], action=action, data_set=data_set[:130],
                                          status=status, records=records, first_timestamp=first_timestamp,
                                          last_timestamp=last_timestamp, detail=(detail or "")[:2000] or None))


def audit_entries(data_set: str | None = None, limit: int = 100) -> list[dict]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if data_set:
        query = query.where(audit_log.c.data_set == data_set)
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
