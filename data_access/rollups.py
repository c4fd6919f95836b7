"""Rollups of `measurements`: additive totals per (service, period), and per (scope, period) for all of
government, each department and each agency. The pages read these instead of grouping measurements
on every query (data_access.figures); KPIs stay ratios of the sums (domain.metrics.kpis).

`refresh_rollups(conn, service_ids)` rebuilds them from the measurements, inside the transaction
that wrote the measurements: call it in every function that writes `measurements` or `services`, before
`bump_generation`. Summing uses SQL SUM, so a total is NULL where nothing of its kind was measured.
It also keeps what the services index reads instead of scanning every service: each rollup row's
department and agency, and each service's name as the index sorts it (services.name_key, and a
copy on its rollup rows: a service renamed must be refreshed), and each organisation's count of
services; and the transactions per channel that the channel charts read, per (service, period,
channel) and per (scope, period, channel); and which metrics have illustrative values, per service
and per scope.

A service moved to another organisation is taken out of its old organisations' rows: they are found
from the department and agency its rollup rows carried before the refresh.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Integer, and_, case, delete, false, func, insert, literal, or_, select, true, update

from data_access.schema import TOTALS, measurements as m, organisations, scope_period_totals as scope_totals
from data_access.schema import scope_channel_totals as scope_channels
from data_access.schema import scope_illustrative_metrics as scope_illustrative
from data_access.schema import service_channel_totals as service_channels
from data_access.schema import service_illustrative_metrics as service_illustrative
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
        m.c.service_id, services.c.department_id, services.c.agency_id, services.c.name_key,
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
        m.c.service_id, services.c.department_id, services.c.agency_id, services.c.name_key, m.c.period_start,
        m.c.period_end)
    if service_ids is not None:
        query = query.where(m.c.service_id.in_(service_ids))
    return query


def _name_keys(conn: Connection, service_ids: list[int] | None) -> None:
    """services.name_key: lower(name), as the index sorts it (the column compares code point by code point)."""
    query = update(services).values(name_key=func.lower(services.c.name))
    conn.execute(query if service_ids is None else query.where(services.c.id.in_(service_ids)))


def _delete_services(conn: Connection, table, service_ids: list[int] | None) -> None:
    """Delete the rows of these services from a service rollup (all rows when None)."""
    query = delete(table)
    conn.execute(query if service_ids is None else query.where(table.c.service_id.in_(service_ids)))


def index_keys(t) -> dict:
    """The ratios of a service_period_totals row that the index sorts by, as stored in it: the KPIs as
    domain.metrics computes them from the row's totals (NULL where the denominator is 0 or NULL)."""
    return {"take_up": t.c.digital_volume / func.nullif(t.c.channel_volume, 0),
            "unit_cost": t.c.total_cost / func.nullif(t.c.costed_volume, 0)}


def _mark_latest(conn: Connection, service_ids: list[int] | None) -> None:
    """`latest` is true on each service's latest period with transactions (the index's default year);
    and the index's ratio keys, from the totals just stored."""
    other = service_totals.alias("other")
    latest_end = (select(func.max(other.c.period_end))
                  .where(other.c.service_id == service_totals.c.service_id, other.c.volume.is_not(None))
                  .scalar_subquery())
    query = update(service_totals).values(latest=case(
        (and_(service_totals.c.volume.is_not(None), service_totals.c.period_end == latest_end), true()),
        else_=false()), **index_keys(service_totals))
    if service_ids is not None:
        query = query.where(service_totals.c.service_id.in_(service_ids))
    conn.execute(query)


def _of_organisations(query, table, organisation_column, organisation_ids: list[int] | None):
    """A query of a service rollup `table` narrowed to the services that have an organisation of the
    kind `organisation_column` names (departments or agencies), these ones only unless None."""
    query = query.join(services, services.c.id == table.c.service_id).where(organisation_column.is_not(None))
    return query if organisation_ids is None else query.where(organisation_column.in_(organisation_ids))


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
    return query if organisation_column is None else _of_organisations(query, t, organisation_column, organisation_ids)


SCOPE_COLUMNS = ["scope", "organisation_id", "period_start", "period_end", *TOTALS,
                 "services", "rating_services", "started_services"]


_ORGANISATIONS = {"department": services.c.department_id, "agency": services.c.agency_id}


def _owners(conn: Connection, service_ids: list[int] | None, previous) -> dict[str, list[int] | None]:
    """The departments and agencies whose rows a refresh of these services rebuilds (None: all):
    the services' own, and `previous` ones (rows of (department_id, agency_id) read before the refresh)."""
    if service_ids is None:
        return {kind: None for kind in _ORGANISATIONS}
    owners = [*conn.execute(select(services.c.department_id, services.c.agency_id)
                            .where(services.c.id.in_(service_ids))).all(), *previous]
    return {"department": sorted({d for d, _ in owners if d is not None}),
            "agency": sorted({a for _, a in owners if a is not None})}


def _delete_scopes(conn: Connection, table, chosen: dict[str, list[int] | None]) -> None:
    """Delete all of government's rows, and those of the chosen organisations (all when None)."""
    if any(ids is None for ids in chosen.values()):
        conn.execute(delete(table))
        return
    conn.execute(delete(table).where(table.c.scope == "all"))
    for kind, ids in chosen.items():
        if ids:
            conn.execute(delete(table).where(table.c.scope == kind, table.c.organisation_id.in_(ids)))


def _rebuilt(chosen: dict[str, list[int] | None]) -> list[tuple]:
    """(kind, the services' column naming it, ids) of the organisation kinds a refresh rebuilds:
    all of them (ids None), or those with chosen organisations."""
    return [(kind, column, chosen[kind]) for kind, column in _ORGANISATIONS.items()
            if chosen[kind] is None or chosen[kind]]


def _refresh_scopes(conn: Connection, chosen: dict[str, list[int] | None]) -> None:
    _delete_scopes(conn, scope_totals, chosen)
    columns = [scope_totals.c[name] for name in SCOPE_COLUMNS]
    conn.execute(insert(scope_totals).from_select(columns, _scope_select("all", None, None)))
    for kind, column, ids in _rebuilt(chosen):
        conn.execute(insert(scope_totals).from_select(columns, _scope_select(kind, column, ids)))


# --- transactions per channel --------------------------------------------------------------------------

def _any_illustrative(column):
    return func.max(case((column, 1), else_=0)) == 1


def _refresh_service_channels(conn: Connection, service_ids: list[int] | None) -> None:
    """Per (service, period, channel): the transactions, and whether any of them is illustrative."""
    _delete_services(conn, service_channels, service_ids)
    rows = (select(m.c.service_id, m.c.period_end, m.c.period_start, m.c.dimension, func.sum(m.c.value),
                   _any_illustrative(m.c.illustrative))
            .where(_TRANSACTIONS)
            .group_by(m.c.service_id, m.c.period_end, m.c.period_start, m.c.dimension))
    if service_ids is not None:
        rows = rows.where(m.c.service_id.in_(service_ids))
    columns = ["service_id", "period_end", "period_start", "channel", "volume", "illustrative"]
    conn.execute(insert(service_channels).from_select([service_channels.c[c] for c in columns], rows))


_CHANNEL_COLUMNS = ["scope", "organisation_id", "period_start", "period_end", "channel", "volume", "illustrative"]


def _channel_scope_select(scope: str, organisation_column, organisation_ids: list[int] | None):
    """Per (organisation, period, channel): the sums of its services' rows."""
    t = service_channels
    query = (select(literal(scope), organisation_column, t.c.period_start, t.c.period_end, t.c.channel,
                    func.sum(t.c.volume), _any_illustrative(t.c.illustrative))
             .group_by(organisation_column, t.c.period_start, t.c.period_end, t.c.channel))
    return _of_organisations(query, t, organisation_column, organisation_ids)


def _all_channels_select():
    """All of government: the sums of the departments' rows (every service has one department), so a
    refresh reads a few rows per department instead of every service's."""
    t = scope_channels
    return (select(literal("all"), literal(None), t.c.period_start, t.c.period_end, t.c.channel,
                   func.sum(t.c.volume), _any_illustrative(t.c.illustrative))
            .where(t.c.scope == "department")
            .group_by(t.c.period_start, t.c.period_end, t.c.channel))


def _refresh_scope_channels(conn: Connection, chosen: dict[str, list[int] | None]) -> None:
    _delete_scopes(conn, scope_channels, chosen)
    columns = [scope_channels.c[name] for name in _CHANNEL_COLUMNS]
    for kind, column, ids in _rebuilt(chosen):
        conn.execute(insert(scope_channels).from_select(columns, _channel_scope_select(kind, column, ids)))
    conn.execute(insert(scope_channels).from_select(columns, _all_channels_select()))


# --- which metrics have illustrative values -------------------------------------------------------------

def _refresh_service_illustrative(conn: Connection, service_ids: list[int] | None) -> None:
    """Per service: each metric some of whose measurements are illustrative."""
    _delete_services(conn, service_illustrative, service_ids)
    rows = select(m.c.service_id, m.c.metric).distinct().where(m.c.illustrative)
    if service_ids is not None:
        rows = rows.where(m.c.service_id.in_(service_ids))
    conn.execute(insert(service_illustrative).from_select(
        [service_illustrative.c.service_id, service_illustrative.c.metric], rows))


def _refresh_scope_illustrative(conn: Connection, chosen: dict[str, list[int] | None]) -> None:
    """Per organisation, as department and as agency, then all of government (from the departments':
    every service has one): each metric that some of its services' have."""
    _delete_scopes(conn, scope_illustrative, chosen)
    t, s = service_illustrative, scope_illustrative
    columns = [s.c.scope, s.c.organisation_id, s.c.metric]
    for kind, column, ids in _rebuilt(chosen):
        rows = select(literal(kind), column, t.c.metric).distinct()
        conn.execute(insert(s).from_select(columns, _of_organisations(rows, t, column, ids)))
    rows = select(literal("all"), literal(None, Integer), s.c.metric).distinct().where(s.c.scope == "department")
    conn.execute(insert(s).from_select(columns, rows))


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
    _analyse_sources(conn)
    previous = [] if ids is None else conn.execute(
        select(service_totals.c.department_id, service_totals.c.agency_id).distinct()
        .where(service_totals.c.service_id.in_(ids))).all()
    _name_keys(conn, ids)
    _delete_services(conn, service_totals, ids)
    select_rows = _service_period_select(ids)
    conn.execute(insert(service_totals).from_select(
        [service_totals.c[c.name] for c in select_rows.selected_columns], select_rows))
    _mark_latest(conn, ids)
    chosen = _owners(conn, ids, previous)
    _refresh_scopes(conn, chosen)
    _refresh_service_channels(conn, ids)
    _refresh_scope_channels(conn, chosen)
    _refresh_service_illustrative(conn, ids)
    _refresh_scope_illustrative(conn, chosen)
    _count_services(conn)
    _analyse(conn)


ANALYSED = ("service_period_totals", "scope_period_totals", "service_channel_totals", "scope_channel_totals",
            "service_illustrative_metrics", "scope_illustrative_metrics", "organisations")
# and `services` on SQLite, which analyses nothing by itself (PostgreSQL's autovacuum does, and `services`
# changes little): without its statistics SQLite read every service for a page of the index of a year at
# N=10,000 (50 times the rows at N=1,000)
SQLITE_ANALYSED = (*ANALYSED, "services")
SQLITE_ANALYSIS_LIMIT = 1000  # rows sampled per index: ~4 ms for all the rollups, whatever their size


def _analyse_sources(conn: Connection) -> None:
    """Fresh statistics on what the rollups are read from, on PostgreSQL. Measurements loaded in the
    same transaction (the demo loader, a first upload, the benchmark's generator) are not in the
    statistics yet: planned for one row, the join of measurements to services scanned every service
    for every measurement, and the refresh at N=10,000 ran for over 18 minutes; analysed, a hash join
    in seconds. (SQLite joins by the services' primary key whatever its statistics.)"""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE measurements, services")


def _analyse(conn: Connection) -> None:
    """Fresh statistics on the rollups, which the planners need to choose among their many indexes.
    Without them SQLite reads a service's rollup row through an index led by `latest` (half the
    table) for every service: the index sorted by name took 195 ms at N=1,000 and over a minute at
    N=10,000; with them, 10 ms."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE " + ", ".join(ANALYSED))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        for table in SQLITE_ANALYSED:
            conn.exec_driver_sql(f"ANALYZE {table}")
