"""Tables. Organisations and services describe who runs what; `measurements` holds every
aggregated figure as (service, metric, dimension, period) -> value.

One long table serves every data type: transactions by channel (metric `transactions`,
dimension = channel), cost per transaction, completion (`started`, `completed`) and
satisfaction ratings (metric `rating`, dimension '1'..'5'). Data sets pushed through the data
API map their records onto the same rows, so every page reads one source.
"""
from sqlalchemy import (BigInteger, Boolean, Column, Date, Float, ForeignKey, Index, Integer,
                        MetaData, String, Table, Text, UniqueConstraint, false)

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
)

services = Table(
    "services", metadata,
    Column("id", Integer, primary_key=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("department_id", Integer, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Integer, ForeignKey("organisations.id"), index=True),
    Column("service_type", String(120)),
    Column("description", Text),
    Column("url", String(500)),
    Column("customer_type", String(120)),
    Column("business_model", String(120)),
    Column("notes_on_costs", Text),
    Column("other_notes", Text),
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
