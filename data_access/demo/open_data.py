"""The demo figures, open through the data API as the original platform published them:
`transactional-services/summaries` (a record per service and year) and
`transactional-services/transactions-by-channel` (a record per service, year and channel).

They are built from the stored measurements, so the API answers the figures the pages show, with
the same suppression: a small count, and the other counts that would give it away, are published as
"suppressed" (domain/suppression.py), as the charts show them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select

from data_access.data_sets import create_data_set, get_data_set
from data_access.records import store_records
from data_access.schema import data_sets, measurements, organisations, services
from domain.suppression import SUPPRESSED, hidden_parts
from ingest.records import Record

GROUP = "transactional-services"
SUMMARIES, CHANNELS = "summaries", "transactions-by-channel"


def _number(value: float):
    """Whole numbers as integers, so the API keeps their type (and can suppress small counts)."""
    return int(value) if float(value).is_integer() else value


def _stored(conn: Connection):
    query = (select(services.c.slug, organisations.c.slug.label("department"), measurements.c.period_start,
                    measurements.c.period_end, measurements.c.metric, measurements.c.dimension,
                    measurements.c.value, measurements.c.illustrative)
             .join(services, services.c.id == measurements.c.service_id)
             .join(organisations, organisations.c.id == services.c.department_id)
             .where(measurements.c.metric.in_(["transactions", "cost_per_transaction"]))
             .order_by(services.c.slug, measurements.c.period_end))
    return conn.execute(query)


def _base(row) -> dict:
    return {"service": row.slug, "department": row.department, "period": "year",
            "_start_at": f"{row.period_start.isoformat()}T00:00:00+00:00",
            "_end_at": f"{row.period_end.isoformat()}T00:00:00+00:00"}


def demo_records(conn: Connection) -> tuple[list[Record], list[Record]]:
    summaries: dict[tuple, dict] = {}
    channels = []
    for row in _stored(conn):
        when = datetime.combine(row.period_start, datetime.min.time())
        key = (row.slug, row.period_start)
        summary = summaries.setdefault(key, {**_base(row), "_timestamp": when})
        if row.metric == "cost_per_transaction":
            summary["cost_per_transaction"] = row.value
            continue
        summary["number_of_transactions"] = summary.get("number_of_transactions", 0) + row.value
        if row.dimension == "digital":
            summary["number_of_digital_transactions"] = _number(row.value)
        channels.append(Record(f"{row.slug}.{row.period_start}.{row.dimension}", when, {
            **_base(row), "channel": row.dimension, "count": _number(row.value), "illustrative": row.illustrative}))
    summary_records = []
    for (slug, start), fields in summaries.items():
        when = fields.pop("_timestamp")
        if "number_of_transactions" in fields:
            fields["number_of_transactions"] = _number(fields["number_of_transactions"])
        summary_records.append(Record(f"{slug}.{start}", when, fields))
    return summary_records, channels


def _suppressed(summaries: list[Record], channels: list[Record]) -> tuple[list[Record], list[Record]]:
    """The records with small counts (and what would reveal them) as 'suppressed', like the charts."""
    by_year: dict[tuple, list[Record]] = {}
    for record in channels:
        by_year.setdefault((record.data["service"], record.data["_start_at"]), []).append(record)
    shown_counts, hidden_totals = {}, set()
    for key, parts in by_year.items():
        counts = {r.data["channel"]: r.data["count"] for r in parts}
        hidden, hide_total = hidden_parts(counts, sum(counts.values()))
        shown_counts.update({(*key, c): SUPPRESSED if c in hidden else v for c, v in counts.items()})
        if hide_total:
            hidden_totals.add(key)
    shown_channels = [Record(r.record_id, r.timestamp, {**r.data, "count": shown_counts[
        (r.data["service"], r.data["_start_at"], r.data["channel"])]}) for r in channels]
    shown_summaries = []
    for record in summaries:
        data, key = dict(record.data), (record.data["service"], record.data["_start_at"])
        if key in hidden_totals:
            data["number_of_transactions"] = SUPPRESSED
        if "number_of_digital_transactions" in data:
            data["number_of_digital_transactions"] = shown_counts[(*key, "digital")]
        shown_summaries.append(Record(record.record_id, record.timestamp, data))
    return shown_summaries, shown_channels


def publish_demo_data_sets(conn: Connection) -> int:
    """(Re)create the two demo data sets from the stored figures; returns the records written."""
    conn.execute(delete(data_sets).where(data_sets.c.data_group == GROUP))
    summary_records, channel_records = _suppressed(*demo_records(conn))
    written = 0
    for data_type, records in ((SUMMARIES, summary_records), (CHANNELS, channel_records)):
        data_set = create_data_set(conn, GROUP, data_type, service_id=None)
        written += store_records(conn, data_set, records)
    return written
