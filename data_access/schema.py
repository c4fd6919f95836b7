"""Tables. Organisations and services describe who runs what; `measurements` holds every
aggregated figure as (service, metric, dimension, period) -> value.

One long table serves every data type: transactions by channel (metric `transactions`,
dimension = channel), cost per transaction, completion (`started`, `completed`) and
satisfaction ratings (metric `rating`, dimension '1'..'5'). Data sets pushed through the data
API map their records onto the same rows, so every page reads one source.
"""
from sqlalchemy import (JSON, BigInteger, Boolean, Column, Date, DateTime, Float, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, UniqueConstraint, false, true)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
})

organisations = Table(
    "organisations", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(80), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("abbreviation", String(40)),
    Column("kind", String(20), nullable=False),  # department or agency
    Column("parent_id", Integer, ForeignKey("organisations.id")),
    # how many services name it as their department, and as their agency: kept by refresh_rollups
    Column("department_services", Integer, nullable=False, server_default="0"),
    Column("agency_services", Integer, nullable=False, server_default="0"),
)

# A name as the services index sorts it, A to Z with case ignored, in code-point order as Python sorts:
# lower(name), compared byte by byte (COLLATE "C" on PostgreSQL; SQLite's BINARY already is).
NAME_KEY = String(300).with_variant(String(300, collation="C"), "postgresql")

services = Table(
    "services", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    # lower(name), kept by data_access.rollups.refresh_rollups (as the counts of services are): the index
    # sorted by name or by department reads a page from an index on it, led by the department or agency
    Column("name_key", NAME_KEY),
    Column("department_id", Integer, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Integer, ForeignKey("organisations.id"), index=True),
    Column("service_type", String(120)),
    Column("description", Text),
    Column("url", String(500)),
    Column("customer_type", String(120)),
    Column("business_model", String(120)),
    Column("notes_on_costs", Text),
    Column("other_notes", Text),
    *[Index(None, *organisation, "name_key", "slug") for organisation in ((), ("department_id",), ("agency_id",))],
)

measurements = Table(
    "measurements", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=False),
    Column("metric", String(40), nullable=False),
    Column("dimension", String(60), nullable=False, server_default=""),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),  # exclusive
    Column("value", Float, nullable=False),
    Column("illustrative", Boolean, nullable=False, server_default=false()),
    Column("source", String(120), nullable=False),
    UniqueConstraint("service_id", "metric", "dimension", "period_start", "period_end", "source",
                     name="uq_measurements_row"),
    Index(None, "service_id", "period_end", "metric"),
    Index(None, "period_end", "metric"),
)


# --- rollups of measurements: additive totals per (service, period) and per (scope, period) -------
# Kept in step with `measurements` by data_access.rollups.refresh_rollups, in the transaction of every
# write. The pages read these instead of grouping measurements on each query; KPIs stay ratios of the
# sums (domain.metrics.kpis). A NULL total means no measurement of that kind, as in a SQL SUM.

TOTALS = ("volume", "channel_volume", "digital_volume", "costed_volume", "total_cost", "started", "completed",
          "rating_1", "rating_2", "rating_3", "rating_4", "rating_5")

service_period_totals = Table(
    "service_period_totals", metadata,
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("period_end", Date, primary_key=True),  # exclusive
    Column("period_start", Date, primary_key=True),
    Column("cost_per_transaction", Float),
    *[Column(name, Float) for name in TOTALS],
    Column("latest", Boolean, nullable=False, server_default=false()),  # the service's latest year with transactions
    # the service's department and agency, copied so that the index reads a page in a figure's order from
    # one index (data_access.figures): (period or latest, organisation or none, figure)
    Column("department_id", Integer),
    Column("agency_id", Integer),
    # the index's sort keys that are ratios of the totals above, stored to be indexed (INDEX_KEYS)
    Column("take_up", Float),  # digital take-up: digital_volume / channel_volume, NULL when that is 0
    Column("unit_cost", Float),  # the KPI cost per transaction: total_cost / costed_volume, NULL when that is 0
    # the service's services.name_key, copied as its organisations are (_name_key_indexes)
    Column("name_key", NAME_KEY),
    *[Index(None, lead, *organisation, key) for key in ("volume", "take_up", "unit_cost")
      for lead in ("period_end", "latest") for organisation in ((), ("department_id",), ("agency_id",))],
)


def _name_key_indexes(t: Table) -> None:
    """The index sorted by period, then by name: (period or latest, organisation or none, period_end,
    name_key) gives a page in that order reading a page of rows; by `latest` the period varies, and
    newest first needs its own index, period_end descending and name_key ascending. Named here: by the
    naming convention some names would pass PostgreSQL's 63 characters."""
    for organisation in ((), ("department_id",), ("agency_id",)):
        of, named = [t.c[name] for name in organisation], "".join(f"_{name}" for name in organisation)
        Index(f"ix_{t.name}_period_end{named}_name_key", t.c.period_end, *of, t.c.name_key)
        Index(f"ix_{t.name}_latest{named}_end_name", t.c.latest, *of, t.c.period_end, t.c.name_key)
        Index(f"ix_{t.name}_latest{named}_end_desc_name", t.c.latest, *of, t.c.period_end.desc(), t.c.name_key)


_name_key_indexes(service_period_totals)

SCOPE_KINDS = ("all", "department", "agency")


def _scope_columns() -> list[Column]:
    """What names the scope of a row of a scope's rollup: all of government, or its organisation."""
    return [Column("id", Integer, primary_key=True),
            Column("scope", String(20), nullable=False),  # all, department or agency
            Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="CASCADE"))]  # NULL for all


def _scope_period_columns() -> list[Column]:
    """What names a row of a scope's rollup of a period: the scope and the period."""
    return [*_scope_columns(), Column("period_start", Date, nullable=False), Column("period_end", Date, nullable=False)]


scope_period_totals = Table(
    "scope_period_totals", metadata,
    *_scope_period_columns(),
    *[Column(name, Float) for name in TOTALS],
    Column("services", Integer, nullable=False),  # services reporting transactions
    Column("rating_services", Integer, nullable=False),  # ... ratings
    Column("started_services", Integer, nullable=False),  # ... digital transactions started
    Index(None, "scope", "organisation_id", "period_end"),
)

# Transactions per channel (metric `transactions`, dimension = channel): per (service, period, channel),
# and per (scope, period, channel) for all of government, each department and each agency. The channel
# charts read these (data_access.figures.scope_channel_volumes). `illustrative`: some of the volume is.

service_channel_totals = Table(
    "service_channel_totals", metadata,
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("period_end", Date, primary_key=True),  # exclusive
    Column("period_start", Date, primary_key=True),
    Column("channel", String(60), primary_key=True),
    Column("volume", Float, nullable=False),
    Column("illustrative", Boolean, nullable=False),
)

scope_channel_totals = Table(
    "scope_channel_totals", metadata,
    *_scope_period_columns(),
    Column("channel", String(60), nullable=False),
    Column("volume", Float, nullable=False),
    Column("illustrative", Boolean, nullable=False),
    Index(None, "scope", "organisation_id", "period_end"),
)

# The metrics that have some illustrative (generated) values: per service, and per scope (all of
# government, each department, each agency). The pages' notes on generated figures read these
# (data_access.figures.illustrative_metrics, data_access.drilldowns.illustrative_in_scope).

service_illustrative_metrics = Table(
    "service_illustrative_metrics", metadata,
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("metric", String(40), primary_key=True),
)

scope_illustrative_metrics = Table(
    "scope_illustrative_metrics", metadata,
    *_scope_columns(),
    Column("metric", String(40), nullable=False),
    Index(None, "scope", "organisation_id"),
)

# --- the data API: data sets of records (Backdrop's model), their write tokens and an audit log ---

JSON_DOCUMENT = JSON().with_variant(JSONB(), "postgresql")

data_sets = Table(
    "data_sets", metadata,
    Column("id", Integer, primary_key=True),
    Column("data_group", String(60), nullable=False),
    Column("data_type", String(60), nullable=False),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="SET NULL"), index=True),
    Column("json_schema", JSON_DOCUMENT),  # JSON Schema every record must meet
    Column("auto_ids", JSON_DOCUMENT),  # list of field names combined into _id
    Column("published", Boolean, nullable=False, server_default=true()),
    Column("queryable", Boolean, nullable=False, server_default=true()),
    Column("realtime", Boolean, nullable=False, server_default=false()),
    Column("max_age_expected", Integer),  # seconds
    Column("created_at", DateTime, nullable=False),  # all datetimes are naive UTC
    Column("last_written_at", DateTime),
    UniqueConstraint("data_group", "data_type", name="uq_data_sets_name"),
)

write_tokens = Table(
    "write_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("data_set_id", Integer, ForeignKey("data_sets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 hex of the token
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
    Column("last_used_at", DateTime),
)

PERIOD_KEYS = ("hour", "day", "week", "month", "quarter", "year")

records = Table(
    "records", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("data_set_id", Integer, ForeignKey("data_sets.id", ondelete="CASCADE"), nullable=False),
    Column("record_id", String(400), nullable=False),  # the record's _id
    Column("timestamp", DateTime),  # _timestamp, UTC
    *[Column(f"{key}_start_at", DateTime) for key in PERIOD_KEYS],
    Column("data", JSON_DOCUMENT, nullable=False),  # the record's own fields (no _ fields)
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("data_set_id", "record_id", name="uq_records_id"),
    Index(None, "data_set_id", "timestamp"),
)

# The monthly rollup of a dashboard data set's records (data_access.record_months): per (data set, month,
# group) the totals of its dashboard query, kept in the transaction of every write to its records. JSON,
# not JSON_DOCUMENT: PostgreSQL's JSONB rewrites numbers (a float 1e16 would come back an int).
record_months = Table(
    "record_months", metadata,
    Column("id", Integer, primary_key=True),
    Column("data_set_id", Integer, ForeignKey("data_sets.id", ondelete="CASCADE"), nullable=False),
    Column("month_start", DateTime, nullable=False),  # as records.month_start_at
    # the group field and its value as answered ({"channel": "online"}; {} when the query has no group): an
    # object, as SQLite's JSON columns turn a lone number's text into a number (1.0 would come back 1)
    Column("group_fields", JSON, nullable=False),
    Column("group_text", Text),  # the group's value as text as the database orders it (ties of equal numbers)
    Column("totals", JSON, nullable=False),  # {"_count": n, "<field>:sum": sum or null, ...} as answered
    Index(None, "data_set_id", "month_start"),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),  # "token 12 (label)" or "user alice"; never a token
    Column("action", String(20), nullable=False),  # write, replace, patch, delete, upload, refused
    Column("data_set", String(130), nullable=False),  # group/type
    Column("status", Integer, nullable=False),  # the HTTP status answered
    Column("records", Integer, nullable=False, server_default="0"),
    Column("first_timestamp", DateTime),
    Column("last_timestamp", DateTime),
    Column("detail", Text),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(20), nullable=False),  # admin or editor
    Column("created_at", DateTime, nullable=False),
)

# --- notes on a service's charts, and who may edit which service ---------------------------------

annotations = Table(
    "annotations", metadata,
    Column("id", Integer, primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("date", Date, nullable=False),
    Column("text", String(300), nullable=False),
    Column("author", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
)

service_editors = Table(
    "service_editors", metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)

# --- collectors: pull from a source on a schedule into a data set (issue: automated collection) ---

collectors = Table(
    "collectors", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(80), nullable=False, unique=True),
    Column("kind", String(40), nullable=False),  # csv_url, json_url, excel_url, performance_platform, matomo, plausible
    Column("data_set_id", Integer, ForeignKey("data_sets.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("schedule", String(20), nullable=False),  # every_5_minutes, hourly, daily, weekly
    Column("config", JSON_DOCUMENT, nullable=False),  # url, mappings, metrics...: never credentials
    Column("credentials", Text),  # encrypted (Fernet), never shown
    Column("enabled", Boolean, nullable=False, server_default=true()),
    Column("created_at", DateTime, nullable=False),
    Column("next_run_at", DateTime, index=True),
)

collector_runs = Table(
    "collector_runs", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("collector_id", Integer, ForeignKey("collectors.id", ondelete="CASCADE"), nullable=False),
    Column("scheduled_for", DateTime, nullable=False),  # the run's slot: one instance claims it
    Column("attempt", Integer, nullable=False, server_default="1"),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("status", String(20), nullable=False),  # running, succeeded, failed
    Column("records_written", Integer, nullable=False, server_default="0"),
    Column("error", Text),
    Column("range_from", DateTime),  # a backfill's range
    Column("range_to", DateTime),
    UniqueConstraint("collector_id", "scheduled_for", "attempt", name="uq_collector_runs_slot"),
    Index(None, "collector_id", "started_at"),
)

# --- self-service dashboards: configuration stored in the database ---------------------------------

dashboards = Table(
    "dashboards", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("dashboard_type", String(40), nullable=False),  # transaction, service-group, department, agency, content, other
    Column("organisation_id", Integer, ForeignKey("organisations.id", ondelete="SET NULL")),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="SET NULL"), index=True),
    Column("description", Text),
    Column("about_the_data", Text),
    Column("related_links", JSON_DOCUMENT),  # [{"title", "url"}]
    Column("modules", JSON_DOCUMENT, nullable=False),  # the ordered list of modules (validated by schema)
    Column("status", String(20), nullable=False, server_default="draft"),  # draft or published
    Column("release_at", DateTime),  # embargo: a draft published by itself at this time (UTC)
    Column("draft_key", String(64), nullable=False),  # the unlisted URL's secret for a draft
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(120)),
)

# --- the data generation: one row, bumped in the transaction of every write of shown data ----------
# Cached figures are keyed on it (data_access/cache.py), so a commit makes them all out of date at once,
# on every worker and every machine.

data_generation = Table(
    "data_generation", metadata,
    Column("id", Integer, primary_key=True),  # always 1
    Column("generation", BigInteger, nullable=False),
)
