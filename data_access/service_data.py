"""The data a service sends through the data API, read for its dashboard by data-API queries.

A data set feeds the dashboard of the service it is linked to (data_sets.service_id: by default
the service whose slug is its data group) when it is published and its type is one of these.
Its records' fields: transactions-by-channel `channel`, `count`; customer-satisfaction
`rating_1` .. `rating_5`; completion `started`, `completed` (counts per period).
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from sqlalchemy import select

from data_access.cache import memoized
from data_access.data_sets import DataSet, data_set_from_row
from data_access.db import get_engine
from data_access.record_queries import run_query
from data_access.schema import data_sets, services
from query.answers import data_rows
from query.parse import parse_query

DASHBOARD_QUERIES = {
    "transactions-by-channel": "period=month&group_by=channel&collect=count:sum&flatten=true",
    "customer-satisfaction": "period=month&" + "&".join(f"collect=rating_{r}:sum" for r in range(1, 6)),
    "completion": "period=month&collect=started:sum&collect=completed:sum",
}


def service_data_sets(slug: str) -> list[DataSet]:
    """The published data sets of a service whose type its dashboard shows, in a stable order."""
    query = (select(data_sets).join(services, services.c.id == data_sets.c.service_id)
             .where(services.c.slug == slug, data_sets.c.published,
                    data_sets.c.data_type.in_(list(DASHBOARD_QUERIES)))
             .order_by(data_sets.c.data_type, data_sets.c.data_group))
    with get_engine().connect() as conn:
        return [data_set_from_row(row) for row in conn.execute(query)]


def dashboard_rows(data_set: DataSet) -> list[dict]:
    """The answer rows (periods filled, datetimes kept) of the data set's dashboard query."""
    return _dashboard_rows(data_set.id, data_set.data_type)


@memoized
def _dashboard_rows(data_set_id: int, data_type: str) -> list[dict]:
    """Cached by the data set's id and type (small arguments, not the DataSet): every write to it bumps
    the data generation."""
    query = parse_query(parse_qsl(DASHBOARD_QUERIES[data_type]))
    result = run_query(data_set_id, query)
    return data_rows(result.query, result.rows)
