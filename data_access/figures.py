"""Figures per period: additive totals in SQL, KPIs from domain.metrics.

Every query first sums the measurements of each (service, period) into one row, then adds
those rows up as the caller needs (per period, per service). KPIs are ratios of those sums,
so aggregates are volume-weighted by construction.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, select, true

from data_access.cache import memoized
from data_access.db import get_engine
from data_access.schema import measurements as m
from data_access.schema import services
from data_access.services import agency as agency_org
from data_access.services import department as department_org
from data_access.services import services_query
from domain.channels import DIGITAL, UNSPECIFIED, channel_order
from domain.metrics import RATINGS, kpis
from domain.periods import YearEnding

_TRANSACTIONS = m.c.metric == "transactions"


def _sum_where(condition):
    return func.sum(case((condition, m.c.value)))


def per_service_period(*conditions):
    """Subquery: one row of additive totals per (service, period) among the matching rows."""
    return (select(
        m.c.service_id, m.c.period_start, m.c.period_end,
        _sum_where(_TRANSACTIONS).label("volume"),
        _sum_where(and_(_TRANSACTIONS, m.c.dimension != UNSPECIFIED)).label("channel_volume"),
        _sum_where(and_(_TRANSACTIONS, m.c.dimension == DIGITAL)).label("digital_volume"),
        func.max(case((m.c.metric == "cost_per_transaction", m.c.value))).label("cost_per_transaction"),
        _sum_where(m.c.metric == "started").label("started"),
        _sum_where(m.c.metric == "completed").label("completed"),
        *[_sum_where(and_(m.c.metric == "rating", m.c.dimension == str(r))).label(f"rating_{r}")
          for r in RATINGS],
    ).where(*conditions).group_by(m.c.service_id, m.c.period_start, m.c.period_end).subquery())


def summed_totals(sp):
    """Columns adding up per_service_period rows: the input of domain.metrics.kpis."""
    costed = sp.c.cost_per_transaction.is_not(None)
    return [
        func.sum(sp.c.volume).label("volume"),
        func.sum(sp.c.channel_volume).label("channel_volume"),
        func.sum(sp.c.digital_volume).label("digital_volume"),
        func.sum(case((costed, sp.c.volume))).label("costed_volume"),
        func.sum(sp.c.volume * sp.c.cost_per_transaction).label("total_cost"),
        func.sum(sp.c.started).label("started"),
        func.sum(sp.c.completed).label("completed"),
        *[func.sum(sp.c[f"rating_{r}"]).label(f"rating_{r}") for r in RATINGS],
    ]


def _frame(query) -> pd.DataFrame:
    with get_engine().connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    frame["period"] = [YearEnding.from_end(pd.Timestamp(end).date()) for end in frame["period_end"]]
    return frame


SCOPES = ("all", "department", "agency", "service")


def in_scope(kind: str, slug: str | None = None):
    """A condition on measurements: the figure is of a service in the scope (all of government,
    a department, an agency, or one service)."""
    if kind == "all":
        return true()
    ids = select(services.c.id)
    if kind == "service":
        ids = ids.where(services.c.slug == slug)
    elif kind == "department":
        ids = ids.join(department_org, services.c.department_id == department_org.c.id).where(department_org.c.slug == slug)
    elif kind == "agency":
        ids = ids.join(agency_org, services.c.agency_id == agency_org.c.id).where(agency_org.c.slug == slug)
    else:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {kind!r}")
    return m.c.service_id.in_(ids)


@memoized
def scope_figures(kind: str, slug: str | None = None) -> pd.DataFrame:
    """One row per period, oldest first: the scope's totals and (volume-weighted) KPIs, and how
    many services reported transactions for the period."""
    sp = per_service_period(in_scope(kind, slug))
    query = (select(sp.c.period_start, sp.c.period_end, *summed_totals(sp),
                    func.count(case((sp.c.volume.is_not(None), sp.c.service_id))).label("services"))
             .group_by(sp.c.period_start, sp.c.period_end).order_by(sp.c.period_end))
    return _with_periods(kpis(_frame(query)))


def service_figures(slug: str) -> pd.DataFrame:
    """One row per period of a service, oldest first: totals and KPIs."""
    return scope_figures("service", slug)


@memoized
def scope_channel_volumes(kind: str, slug: str | None = None) -> pd.DataFrame:
    """Transactions per period and channel in a scope: period, channel, volume, illustrative."""
    query = (select(m.c.period_end, m.c.dimension.label("channel"), func.sum(m.c.value).label("volume"),
                    func.max(case((m.c.illustrative, 1), else_=0)).label("illustrative"))
             .where(in_scope(kind, slug), _TRANSACTIONS)
             .group_by(m.c.period_end, m.c.dimension).order_by(m.c.period_end))
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
    query = (select(m.c.metric).distinct().join(services, services.c.id == m.c.service_id)
             .where(services.c.slug == slug, m.c.illustrative))
    with get_engine().connect() as conn:
        return frozenset(conn.execute(query).scalars())


@memoized
def reporting_periods() -> list[YearEnding]:
    """Every period for which some service reports transactions, newest first."""
    query = select(m.c.period_end).distinct().where(_TRANSACTIONS).order_by(m.c.period_end.desc())
    with get_engine().connect() as conn:
        return [YearEnding.from_end(_as_date(end)) for end in conn.execute(query).scalars()]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _latest_period_per_service():
    return (select(m.c.service_id, func.max(m.c.period_end).label("period_end"))
            .where(_TRANSACTIONS).group_by(m.c.service_id).subquery())


INDEX_SORTS = ("name", "department", "period", "transactions", "digital_take_up", "cost_per_transaction")


@memoized
def service_index(period_id: str | None = None, search: str = "", department: str | None = None,
                  agency: str | None = None, sort: str = "transactions",
                  descending: bool = True) -> pd.DataFrame:
    """Every matching service with its KPIs for one period (default: its latest reported year).

    Services that report nothing for the period stay in the list with empty figures, last.
    """
    if period_id:
        period = YearEnding.parse(period_id)
        sp = per_service_period(m.c.period_start == period.start, m.c.period_end == period.end)
    else:
        latest = _latest_period_per_service()
        sp = per_service_period(m.c.service_id == latest.c.service_id,
                                m.c.period_end == latest.c.period_end)
    totals = (select(sp.c.service_id, func.max(sp.c.period_end).label("period_end"), *summed_totals(sp))
              .group_by(sp.c.service_id).subquery())
    query = services_query().add_columns(*[c for c in totals.c if c.name != "service_id"]) \
        .outerjoin(totals, totals.c.service_id == services.c.id)
    query = _filtered(query, search, department, agency)
    frame = kpis(_frame(query))
    frame["period"] = [YearEnding.from_end(_as_date(end)) if pd.notna(end) else None
                       for end in frame["period_end"]]
    return _sorted(frame, sort if sort in INDEX_SORTS else "transactions", descending)


def _filtered(query, search, department, agency):
    if search:
        query = query.where(func.lower(services.c.name).contains(search.strip().lower(), autoescape=True))
    if department:
        query = query.where(department_org.c.slug == department)
    if agency:
        query = query.where(agency_org.c.slug == agency)
    return query


def _sorted(frame: pd.DataFrame, column: str, descending: bool) -> pd.DataFrame:
    column = "period_end" if column == "period" else column
    key = (lambda s: s.str.lower() if s.name in ("name", "department") else s)
    return frame.sort_values([column, "name"], ascending=[not descending, True], key=key,
                             na_position="last", ignore_index=True)
