"""Figures per period: additive totals from the rollups, KPIs from domain.metrics.

The rollups (data_access.rollups) hold the measurements summed per (service, period) and per
(scope, period); queries read those rows and add them up as the caller needs. KPIs are ratios of
those sums, so aggregates are volume-weighted by construction.
"""
from __future__ import annotations

import itertools
from datetime import date

import pandas as pd
from sqlalchemy import case, false, func, select, true

from data_access.cache import memoized
from data_access.db import get_engine
from data_access.schema import TOTALS, organisations, services
from data_access.schema import scope_channel_totals as scope_channels
from data_access.schema import scope_illustrative_metrics as scope_illustrative
from data_access.schema import scope_period_totals as scope_totals
from data_access.schema import service_channel_totals as service_channels
from data_access.schema import service_illustrative_metrics as service_illustrative
from data_access.schema import service_period_totals as service_totals
from data_access.services import agency as agency_org
from data_access.services import department as department_org
from data_access.services import SERVICE_COLUMNS, organisation_id_of, service_id_of, services_query
from domain.channels import channel_order
from domain.metrics import METRICS, kpis
from domain.periods import YearEnding
from domain.suppression import threshold


def _frame(query) -> pd.DataFrame:
    with get_engine().connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    frame["period"] = [YearEnding.from_end(pd.Timestamp(end).date()) for end in frame["period_end"]]
    return frame


SCOPES = ("all", "department", "agency", "service")


@memoized
def scope_figures(kind: str, slug: str | None = None) -> pd.DataFrame:
    """One row per period, oldest first: the scope's totals and (volume-weighted) KPIs, and how
    many services reported transactions for the period."""
    if kind == "service":
        t = service_totals
        query = (select(t.c.period_start, t.c.period_end, *[t.c[name] for name in TOTALS],
                        case((t.c.volume.is_not(None), 1), else_=0).label("services"))
                 .join(services, services.c.id == t.c.service_id).where(services.c.slug == slug))
    else:
        t = scope_totals
        query = select(t.c.period_start, t.c.period_end, *[t.c[name] for name in TOTALS], t.c.services) \
            .where(scope_rows(kind, slug))
    return _with_periods(kpis(_frame(query.order_by(t.c.period_end, t.c.period_start))))


def scope_rows(kind: str, slug: str | None = None, t=scope_totals):
    """A condition on a scope rollup `t` (scope_period_totals unless given; any table with a scope
    and an organisation_id): the rows of all of government, a department or an agency."""
    if kind == "all":
        return t.c.scope == "all"
    if kind not in ("department", "agency"):
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {kind!r}")
    return (t.c.scope == kind) & (t.c.organisation_id == organisation_id_of(kind, slug))


def service_figures(slug: str) -> pd.DataFrame:
    """One row per period of a service, oldest first: totals and KPIs."""
    return scope_figures("service", slug)


def _channel_rows(kind: str, slug: str | None):
    """The channel rollup's table and a condition on it: the rows of one scope."""
    if kind == "service":
        return service_channels, service_channels.c.service_id == service_id_of(slug)
    return scope_channels, scope_rows(kind, slug, scope_channels)


@memoized
def scope_channel_volumes(kind: str, slug: str | None = None) -> pd.DataFrame:
    """Transactions per period and channel in a scope: period, channel, volume, illustrative.
    Read from the channel rollups (data_access.rollups); a period is its end, whatever its start."""
    t, rows = _channel_rows(kind, slug)
    query = (select(t.c.period_end, t.c.channel, func.sum(t.c.volume).label("volume"),
                    func.max(case((t.c.illustrative, 1), else_=0)).label("illustrative"))
             .where(rows).group_by(t.c.period_end, t.c.channel).order_by(t.c.period_end))
    frame = _with_periods(_frame(query))
    frame["illustrative"] = frame["illustrative"].astype(bool)
    order = {c: i for i, c in enumerate(channel_order(frame["channel"].unique()))}
    return frame.sort_values(["period_end", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s,
                             ignore_index=True)


def channel_volumes(slug: str) -> pd.DataFrame:
    """Transactions per period and channel of a service."""
    return scope_channel_volumes("service", slug)


@memoized
def illustrative_metrics(slug: str) -> frozenset[str]:
    """Metrics of a service whose figures include illustrative (generated) values."""
    return scope_illustrative_metrics("service", slug)


def scope_illustrative_metrics(kind: str, slug: str | None = None) -> frozenset[str]:
    """Metrics whose figures in a scope include illustrative values: read from the rollups of them
    (data_access.rollups), a few rows whatever the number of services."""
    if kind == "service":
        t = service_illustrative
        rows = t.c.service_id == service_id_of(slug)
    else:
        t, rows = scope_illustrative, scope_rows(kind, slug, scope_illustrative)
    with get_engine().connect() as conn:
        return frozenset(conn.execute(select(t.c.metric).distinct().where(rows)).scalars())


@memoized
def reporting_periods() -> list[YearEnding]:
    """Every period for which some service reports transactions, newest first."""
    query = (select(scope_totals.c.period_end).distinct()
             .where(scope_totals.c.scope == "all", scope_totals.c.services > 0)
             .order_by(scope_totals.c.period_end.desc()))
    with get_engine().connect() as conn:
        return [YearEnding.from_end(_as_date(end)) for end in conn.execute(query).scalars()]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


INDEX_SORTS = ("name", "department", "period", "transactions", "digital_take_up", "cost_per_transaction")
INDEX_PAGE_SIZE = 50


@memoized
def service_index(period_id: str | None = None, search: str = "", department: str | None = None,
                  agency: str | None = None, sort: str = "transactions",
                  descending: bool = True) -> pd.DataFrame:
    """Every matching service with its KPIs for one period (default: its latest reported year).

    Services that report nothing for the period stay in the list with empty figures, last.
    """
    return _index_frame(*_index_rows(period_id, (search, department, agency), sort, descending))


@memoized
def service_index_page(period_id: str | None = None, search: str = "", department: str | None = None,
                       agency: str | None = None, sort: str = "transactions", descending: bool = True,
                       page: int = 1, size: int = INDEX_PAGE_SIZE) -> pd.DataFrame:
    """One page (1 is the first) of `service_index`: the same rows in the same order, `size` a page."""
    offset = (max(page, 1) - 1) * size
    return _index_frame(*_index_rows(period_id, (search, department, agency), sort, descending, offset, size))


@memoized
def service_index_count(search: str = "", department: str | None = None, agency: str | None = None) -> int:
    """How many services `service_index` lists for these filters (every period lists them all)."""
    with get_engine().connect() as conn:
        return _count(conn, search, department, agency)


def scope_service_count(conn, kind: str, slug: str | None = None) -> int:
    """How many services a scope holds (all of government, a department or an agency), from the counts
    refresh_rollups keeps."""
    return _count(conn, "", slug if kind == "department" else None, slug if kind == "agency" else None)


def _count(conn, search, department, agency) -> int:
    """Without a search, one organisation's count of services (kept by refresh_rollups) answers."""
    if search or (department and agency):
        query = _filtered(select(func.count()).select_from(_services_from()), search, department, agency)
    elif department or agency:
        column = organisations.c.department_services if department else organisations.c.agency_services
        query = select(func.coalesce(func.max(column), 0)).where(organisations.c.slug == (department or agency))
    else:
        query = select(func.coalesce(func.sum(organisations.c.department_services), 0))
    return int(conn.execute(query).scalar_one())


def _services_from():
    return services.join(department_org, services.c.department_id == department_org.c.id) \
        .outerjoin(agency_org, services.c.agency_id == agency_org.c.id)


# The index in SQL, a page at a time. Sorted by a figure: first the rows that have it, read from the
# rollup in the figure's order (an index led by the period or `latest`, the department or agency, and
# the volume, digital take-up or cost, or the period and the name, gives a page reading about a page of
# rows, whatever the number of services), then the services without it or with it suppressed, by name.
# Sorted by name or department: the services.

def _index_rows(period_id, filters, sort, descending, offset=0, limit=None) -> tuple[list, list]:
    """The columns and rows of the index, from `offset`, at most `limit` (None: all)."""
    sort = sort if sort in INDEX_SORTS else "transactions"
    with get_engine().connect() as conn:
        search, department, agency = filters
        if sort == "department" and not search and not agency:
            return _by_department(conn, period_id, department, descending, offset, limit)
        by_id = (search, *_organisation_ids(conn, department, agency))
        if sort in ("name", "department"):
            result = conn.execute(_paged(_by_service(period_id, by_id, sort, descending), offset, limit))
            return list(result.keys()), result.all()
        key = _figure_keys()[sort]
        result = conn.execute(_paged(_with_figure(period_id, by_id, sort, key, descending), offset, limit))
        columns, rows = list(result.keys()), result.all()
        if limit is not None and len(rows) == limit:
            return columns, rows
        with_figure = offset + len(rows) if rows or not offset else \
            conn.execute(_with_figure(period_id, by_id, sort, key, descending, count=True)).scalar_one()
        if with_figure >= _count(conn, *filters):  # every service has the figure: none without it
            return columns, rows
        offset = offset - with_figure if not rows else 0  # the page starts among the rows without it
        missing = _by_service(period_id, by_id, "name", False).where(key.is_(None) | _hidden(sort))
        rows += conn.execute(_paged(missing, offset, None if limit is None else limit - len(rows))).all()
        return columns, rows


def _paged(query, offset, limit):
    return query.offset(offset or None).limit(limit)


def _by_department(conn, period_id, department, descending, offset, limit) -> tuple[list, list]:
    """The index sorted by department (all of them, or the one of this slug): the departments in order,
    each one's services by name, read from the index on (department_id, name_key, slug). A department
    before the page is skipped by its count of services (kept by refresh_rollups), unread: a page reads
    the departments and about a page of services, whatever the number of services. Departments of the
    same name (case ignored) share one list of their services by name, as the ORDER BY gives them."""
    key = _text_key(organisations.c.name)
    chosen = (select(key.label("key"), organisations.c.id, organisations.c.department_services)
              .where(organisations.c.department_services > 0).order_by(key.desc() if descending else key))
    if department:
        chosen = chosen.where(organisations.c.slug == department)
    by_name = _by_service(period_id, ("", None, None), "name", False)
    rows, start = [], 0
    for _, group in itertools.groupby(conn.execute(chosen).all(), key=lambda row: row.key):
        group = list(group)
        size = sum(row.department_services for row in group)
        if start + size > offset:
            names = by_name.where(services.c.department_id.in_([row.id for row in group]))
            rows += conn.execute(_paged(names, max(offset - start, 0),
                                        None if limit is None else limit - len(rows))).all()
            if limit is not None and len(rows) >= limit:
                break
        start += size
    return list(by_name.selected_columns.keys()), rows


def _chosen(period_id):
    """The rollup rows of the period, or of each service's latest period."""
    t = service_totals
    if period_id:
        period = YearEnding.parse(period_id)
        return (t.c.period_start == period.start) & (t.c.period_end == period.end)
    return t.c.latest == true()


def _index_columns():
    return [*SERVICE_COLUMNS, service_totals.c.period_end, *[service_totals.c[name] for name in TOTALS]]


def _organisation_ids(conn, *slugs) -> list:
    """The ids of these organisations (a slug that is none's: False; no slug: None). Given as
    values, the planner knows how many rows each holds and reads a big one in the index's order."""
    found = dict(conn.execute(select(organisations.c.slug, organisations.c.id)
                              .where(organisations.c.slug.in_([s for s in slugs if s]))).all()) if any(slugs) else {}
    return [found.get(slug, False) if slug else None for slug in slugs]


def _with_figure(period_id, filters, sort, key, descending, count=False):
    """The rollup rows of the period that have the sort's figure, in its order, then by name; the
    filters are (search, department id, agency id)."""
    t = service_totals
    rows = (t.join(services, services.c.id == t.c.service_id)
            .join(department_org, services.c.department_id == department_org.c.id)
            .outerjoin(agency_org, services.c.agency_id == agency_org.c.id))
    query = select(func.count()) if count else select(*_index_columns())
    query = query.select_from(rows).where(_chosen(period_id), key.is_not(None), ~_hidden(sort))
    # the rollup's own copy of the organisations, so that its index leads
    query = _filtered_by_id(query, filters, t.c.department_id, t.c.agency_id)
    if count:
        return query
    # no NULL here: a plain ASC or DESC, which an index scan gives in either direction on PostgreSQL; the
    # name is the rollup's copy (code-point order on both databases), which the indexes by period hold
    return query.order_by(key.desc() if descending else key.asc(), t.c.name_key, services.c.slug)


def _filtered_by_id(query, filters, department_column, agency_column):
    """The query's rows that match the filters (search, department id, agency id): the ids compared with
    these columns (an index led by one of them gives a big organisation's rows in its order)."""
    search, department, agency = filters
    for column, wanted in ((department_column, department), (agency_column, agency)):
        if wanted is False:
            query = query.where(false())
        elif wanted is not None:
            query = query.where(column == wanted)
    return _filtered(query, search, None, None)


def _by_service(period_id, filters, sort, descending):
    """Every matching service with its rollup row of the period (if any), in the index's order by name or
    department; the filters are (search, department id, agency id)."""
    query = (services_query().add_columns(service_totals.c.period_end, *[service_totals.c[n] for n in TOTALS])
             .outerjoin(service_totals, (service_totals.c.service_id == services.c.id) & _chosen(period_id)))
    query = _filtered_by_id(query, filters, services.c.department_id, services.c.agency_id)
    return query.order_by(*_index_order(sort, descending))


def _hidden(sort: str):
    """The rollup rows whose figure for this sort is shown as suppressed (a small count behind it, as
    domain.metrics names it): they go with the rows that have no figure, by name, so that their place
    in the list does not hint at the hidden value."""
    count_column = METRICS[sort].count if sort in METRICS else None
    if count_column is None:
        return false()
    count = func.coalesce(service_totals.c[count_column], 0)
    return (count > 0) & (count < threshold())


def _figure_keys() -> dict:
    t = service_totals
    # the ratios as refresh_rollups stores them (data_access.rollups.index_keys), indexed as the volume is
    return {"period": t.c.period_end, "transactions": t.c.volume,
            "digital_take_up": t.c.take_up, "cost_per_transaction": t.c.unit_cost}


def _index_order(sort: str, descending: bool) -> list:
    """ORDER BY of the index by name or department (never NULL): the name or the department's, then the
    name, A to Z, case ignored, in code-point order on both databases (as Python sorts: the services'
    name_key, which their indexes hold), then the slug."""
    name = services.c.name_key
    if sort == "name":  # descending, an index read backwards, the rare same names then by slug
        return [name.desc() if descending else name, services.c.slug]
    key = _text_key(department_org.c.name)
    return [key.desc() if descending else key, name, services.c.slug]


def _text_key(column):
    key = func.lower(column)
    return key.collate("C") if get_engine().dialect.name == "postgresql" else key


def _index_frame(columns: list, rows: list) -> pd.DataFrame:
    frame = kpis(pd.DataFrame(rows, columns=columns))
    frame["period"] = [YearEnding.from_end(_as_date(end)) if pd.notna(end) else None
                       for end in frame["period_end"]]
    return frame


def _filtered(query, search, department, agency):
    if search:
        query = query.where(func.lower(services.c.name).contains(search.strip().lower(), autoescape=True))
    if department:
        query = query.where(department_org.c.slug == department)
    if agency:
        query = query.where(agency_org.c.slug == agency)
    return query
