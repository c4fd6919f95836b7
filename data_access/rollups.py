"""Rollups of `measurements`: additive totals per (service, period), and per (scope, period) for all of
government, each department and each agency. The pages read these instead of grouping measurements
on every query (data_access.figures); KPIs stay ratios of the sums (domain.metrics.kpis).

`refresh_rollups(conn, service_ids)` rebuilds them from the measurements, inside the transaction
that wrote the measurements: call it in every function that writes `measurements` or `services`, before
`bump_generation`. Summing uses SQL SUM, so a total is NULL where nothing of its kind was measured.
It also keeps what the services index reads instead of scanning every service: each rollup row's
department and agency, and each organisation's count of services.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, and_, case, delete, false, func, insert, literal, or_, select, true, update

from data_access.schema import TOTALS, measurements as m, organisations, scope_period_totals as scope_totals
from data_access.schema import service_period_totals as service_totals
from data_access.schema import services
from domain.channels import DIGITAL, UNSPECIFIED
from domain.metrics import RATINGS

_TRANSACTIONS = m.c.metric == "transactions"


def _sum_where(condition):
    return func.sum(case((condition, m.c.value)))


def _service_period_select(service_ids: list[int] | None):
    """One row of additive totals per (service, period) of the measurements."""
    volume = _sum_where(_TRANSACTIONS)
    cost = func.max(case((m.c.metric == "cost_per_transaction", m.c.value)))
    query = select(
        m.c.service_id, services.c.department_id, services.c.agency_id,
        m.c.period_end, m.c.period_start, cost.label("cost_per_transaction"),
        volume.label("volume"),
        _sum_where(and_(_TRANSACTIONS, m.c.dimension != UNSPECIFIED)).label("channel_volume"),
        _sum_where(and_(_TRANSACTIONS, m.c.dimension == DIGITAL)).label("digital_volume"),
        case((cost.is_not(None), volume)).label("costed_volume"),
        (volume * cost).label("total_cost"),
        _sum_where(m.c.metric == "started").label("started"),
        _sum_where(m.c.metric == "completed").label("completed"),
        *[_sum_where(and_(m.c.metric == "rating", m.c.dimension == str(r))).label(f"rating_{r}") for r in RATINGS],
    ).join(services, services.c.id == m.c.service_id).group_by(
        m.c.service_id, services.c.department_id, services.c.agency_id, m.c.period_start, m.c.period_end)
    if service_ids is not None:
        query = query.where(m.c.service_id.in_(service_ids))
    return query


def _mark_latest(conn: Connection, service_ids: list[int] | None) -> None:
    """`latest` is true on each service's latest period with transactions (the index's default year)."""
    other = service_totals.alias("other")
    latest_end = (select(func.max(other.c.period_end))
                  .where(other.c.service_id == service_totals.c.service_id, other.c.volume.is_not(None))
                  .scalar_subquery())
    query = update(service_totals).values(latest=case(
        (and_(service_totals.c.volume.is_not(None), service_totals.c.period_end == latest_end), true()),
        else_=false()))
    if service_ids is not None:
        query = query.where(service_totals.c.service_id.in_(service_ids))
    conn.execute(query)


def _scope_select(scope: str, organisation_column, organisation_ids: list[int] | None):
    """Per (organisation, period): the sums of its services' rows, and how many services reported."""
    t = service_totals
    rated = or_(*[t.c[f"rating_{r}"].is_not(None) for r in RATINGS])
    organisation = organisation_column if organisation_column is not None else literal(None)
    query = (select(literal(scope).label("scope"), organisation.label("organisation_id"),
                    t.c.period_start, t.c.period_end,
                    *[func.sum(t.c[name]).label(name) for name in TOTALS],
                    func.count(t.c.volume).label("services"),
                    func.count(case((rated, 1))).label("rating_services"),
                    func.count(t.c.started).label("started_services"))
             .group_by(*([organisation_column] if organisation_column is not None else []),
                       t.c.period_start, t.c.period_end))
    if organisation_column is not None:
        query = query.join(services, services.c.id == t.c.service_id).where(organisation_column.is_not(None))
        if organisation_ids is not None:
            query = query.where(organisation_column.in_(organisation_ids))
    return query


SCOPE_COLUMNS = ["scope", "organisation_id", "period_start", "period_end", *TOTALS,
                 "services", "rating_services", "started_services"]


def _refresh_scopes(conn: Connection, service_ids: list[int] | None) -> None:
    organisations = {"department": services.c.department_id, "agency": services.c.agency_id}
    if service_ids is None:
        conn.execute(delete(scope_totals))
        chosen = {kind: None for kind in organisations}
    else:
        owners = conn.execute(select(services.c.department_id, services.c.agency_id)
                              .where(services.c.id.in_(service_ids))).all()
        chosen = {"department": sorted({d for d, _ in owners}),
                  "agency": sorted({a for _, a in owners if a is not None})}
        conn.execute(delete(scope_totals).where(scope_totals.c.scope == "all"))
        for kind, ids in chosen.items():
            conn.execute(delete(scope_totals).where(scope_totals.c.scope == kind,
                                                    scope_totals.c.organisation_id.in_(ids)))
    columns = [scope_totals.c[name] for name in SCOPE_COLUMNS]
    conn.execute(insert(scope_totals).from_select(columns, _scope_select("all", None, None)))
    for kind, column in organisations.items():
        if chosen[kind] is None or chosen[kind]:
            conn.execute(insert(scope_totals).from_select(columns, _scope_select(kind, column, chosen[kind])))


def _count_services(conn: Connection) -> None:
    """Each organisation's services, as department and as agency (the index's dropdowns and counts)."""
    def count(column):
        return select(func.count()).where(column == organisations.c.id).scalar_subquery()
    conn.execute(update(organisations).values(department_services=count(services.c.department_id),
                                              agency_services=count(services.c.agency_id)))


def refresh_rollups(conn: Connection, service_ids: Iterable[int] | None = None) -> None:
    """Rebuild the rollups of these services (default: all), and of all of government and the
    departments and agencies they belong to, from the measurements, in `conn`'s transaction."""
    ids = None if service_ids is None else sorted(set(service_ids))
    if ids == []:
        return
    query = delete(service_totals)
    conn.execute(query if ids is None else query.where(service_totals.c.service_id.in_(ids)))
    select_rows = _service_period_select(ids)
    conn.execute(insert(service_totals).from_select(
        [service_totals.c[c.name] for c in select_rows.selected_columns], select_rows))
    _mark_latest(conn, ids)
    _refresh_scopes(conn, ids)
    _count_services(conn)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE service_period_totals, scope_period_totals, organisations")
