"""The data a service sends through the data API, read for its dashboard as a data-API query answers it.

A data set feeds the dashboard of the service it is linked to (data_sets.service_id: by default
the service whose slug is its data group) when it is published and its type is one of these.
Each type's query and its records' fields: data_access.record_months, whose monthly rollup of the
records the dashboard reads.
"""
from __future__ import annotations

from sqlalchemy import select

from data_access.cache import memoized
from data_access.data_sets import DataSet, data_set_from_row
from data_access.db import get_engine
from data_access.record_months import DASHBOARD_QUERIES, dashboard_answer
from data_access.schema import data_sets, services
from query.answers import data_rows

SENT_TYPES = tuple(DASHBOARD_QUERIES)  # the types of data set a dashboard shows, in its order


def service_data_sets(slug: str, data_type: str | None = None) -> list[DataSet]:
    """The published data sets of a service whose type its dashboard shows (only those of `data_type`
    when given), in a stable order."""
    query = (select(data_sets).join(services, services.c.id == data_sets.c.service_id)
             .where(services.c.slug == slug, data_sets.c.published,
                    data_sets.c.data_type.in_(SENT_TYPES))
             .order_by(data_sets.c.data_type, data_sets.c.data_group))
    if data_type is not None:
        query = query.where(data_sets.c.data_type == data_type)
    with get_engine().connect() as conn:
        return [data_set_from_row(row) for row in conn.execute(query)]


def dashboard_rows(data_set: DataSet) -> list[dict]:
    """The answer rows (periods filled, datetimes kept) of the data set's dashboard query."""
    return _dashboard_rows(data_set.id, data_set.data_type)


@memoized
def _dashboard_rows(data_set_id: int, data_type: str) -> list[dict]:
    """Cached by the data set's id and type (small arguments, not the DataSet): every write to it bumps
    the data generation."""
    result = dashboard_answer(data_set_id, data_type)
    return data_rows(result.query, result.rows)
