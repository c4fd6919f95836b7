"""SQL for the drill-down pages (channels, satisfaction, completion): scopes, how many services
each figure covers, channel volumes compared like for like, and journey steps sent through the
data API. Built on data_access.figures (`scope_rows`, `scope_illustrative_metrics`) and the same
rollups, so every page counts the same rows."""
from __future__ import annotations

from urllib.parse import parse_qsl

import pandas as pd
from sqlalchemy import case, false, func, or_, select, true

from data_access.cache import memoized
from data_access.db import get_engine
from data_access.figures import SCOPES, scope_illustrative_metrics, scope_rows, scope_service_count
from data_access.record_queries import run_query
from data_access.schema import data_sets
from data_access.schema import scope_channel_totals as scope_channels
from data_access.schema import service_channel_totals as service_channels
from data_access.schema import scope_period_totals as scope_totals
from data_access.schema import service_period_totals as service_totals
from data_access.schema import services
from data_access.services import (agencies, departments, get_service, organisation_id_of, service_id_of,
                                   services_query)
from domain.channels import channel_order
from domain.metrics import RATINGS
from domain.periods import YearEnding
from query.answers import data_rows
from query.parse import parse_query

ALL = "all"
JOURNEY = "journey"
# one row a stage and month: the stages' counts summed in SQL
JOURNEY_QUERY = "period=month&group_by=stage&collect=count:sum&flatten=true"


def _frame(query) -> pd.DataFrame:
    with get_engine().connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _period(end) -> YearEnding:
    return YearEnding.from_end(pd.Timestamp(end).date())


# --- scopes ------------------------------------------------------------------------------------

@memoized
def scope_options() -> list[dict]:
    """Every scope a page can show, as dropdown options: value 'kind:slug' ('all' alone)."""
    options = [{"label": "All of government", "value": ALL}]
    for row in departments().itertuples():
        options.append({"label": f"Department: {row.name}", "value": f"department:{row.slug}"})
    for row in agencies().itertuples():
        options.append({"label": f"Agency: {row.name}", "value": f"agency:{row.slug}"})
    with get_engine().connect() as conn:
        rows = conn.execute(services_query().order_by(services.c.name, services.c.slug)).mappings().all()
    for row in rows:
        owner = row["agency"] or row["department_abbreviation"] or row["department"]
        options.append({"label": f"Service: {row['name']} ({owner})", "value": f"service:{row['slug']}"})
    return options


def scope_name(kind: str, slug: str | None) -> str | None:
    """'All of government', a department's, agency's or service's name; None if there is none."""
    if kind == ALL:
        return "All of government"
    if kind == "service":
        service = get_service(slug or "")
        return service["name"] if service else None
    frame = departments() if kind == "department" else agencies() if kind == "agency" else None
    if frame is None or frame.empty:
        return None
    found = frame[frame["slug"] == slug]
    return found["name"].iloc[0] if len(found) else None


def resolve_scope(kind: str | None, slug: str | None) -> tuple[str, str | None, str]:
    """(kind, slug, name) for a URL's scope; anything unknown means all of government."""
    name = scope_name(kind or ALL, slug)
    if name is None or (kind or ALL) == ALL:
        return ALL, None, "All of government"
    return kind, slug, name


# --- how many services each figure covers --------------------------------------------------------

@memoized
def services_reporting(kind: str, slug: str | None = None) -> pd.DataFrame:
    """Per period, oldest first: how many services in the scope reported transactions, ratings,
    and digital transactions started (read from the rollups)."""
    if kind == "service":
        t = service_totals
        rated = or_(*[t.c[f"rating_{r}"].is_not(None) for r in RATINGS])
        counted = lambda condition: case((condition, 1), else_=0)  # noqa: E731
        query = (select(t.c.period_end, counted(t.c.volume.is_not(None)).label("transactions"),
                        counted(rated).label("ratings"), counted(t.c.started.is_not(None)).label("started"))
                 .join(services, services.c.id == t.c.service_id).where(services.c.slug == slug))
    else:
        t = scope_totals
        query = (select(t.c.period_end, t.c.services.label("transactions"), t.c.rating_services.label("ratings"),
                        t.c.started_services.label("started")).where(scope_rows(kind, slug)))
    frame = _frame(query.order_by(t.c.period_end))
    frame["period"] = [_period(end) for end in frame["period_end"]]
    return frame


@memoized
def illustrative_in_scope(kind: str, slug: str | None = None) -> frozenset[str]:
    """Metrics whose figures in the scope include illustrative (generated) values."""
    return scope_illustrative_metrics(kind, slug)


# --- channels compared like for like -------------------------------------------------------------

@memoized
def like_for_like_channels(kind: str, slug: str | None, first_id: str, second_id: str) -> pd.DataFrame:
    """Transactions by channel in two years, counting only the services of the scope that reported
    transactions in both: columns period, channel, volume, services (the same in every row).
    Read from the rollups. When the scope's rows answer (`_reported_in_both`: every service of the scope
    reported in both years, or none in one of them), the scope's volumes per channel of the two years: a
    few rows, whatever the number of services. Otherwise which services reported, from a service's
    totals of each year (read in an index led by the year and the scope's organisation), and their
    volumes per channel."""
    first, second = YearEnding.parse(first_id), YearEnding.parse(second_id)
    ends = [first.end, second.end]
    with get_engine().connect() as conn:
        count = _reported_in_both(conn, kind, slug, ends)
        if count is None:
            t = service_totals
            both = (select(t.c.service_id)
                    .where(_reporting_rows(kind, slug), t.c.period_end.in_(ends), t.c.volume.is_not(None))
                    .group_by(t.c.service_id).having(func.count(func.distinct(t.c.period_end)) == len(set(ends)))
                    .subquery())
            query = _volumes_by_channel(service_channels, ends).join(
                both, both.c.service_id == service_channels.c.service_id)
            count = conn.execute(select(func.count()).select_from(both)).scalar_one()
        else:  # all the scope's services, or none
            query = _volumes_by_channel(scope_channels, ends).where(scope_rows(kind, slug, scope_channels))
            query = query if count else query.where(false())
        result = conn.execute(query)
        frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    frame["period"] = [_period(end) for end in frame["period_end"]]
    frame["services"] = count
    order = {c: i for i, c in enumerate(channel_order(frame["channel"].unique()))}
    frame = frame.sort_values(["period_end", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s)
    return frame.reset_index(drop=True)[["period", "channel", "volume", "services"]]


def _volumes_by_channel(c, ends: list):
    """Transactions per period and channel of a channel rollup `c`, in the periods ending on `ends`."""
    return (select(c.c.period_end, c.c.channel, func.sum(c.c.volume).label("volume"))
            .where(c.c.period_end.in_(ends)).group_by(c.c.period_end, c.c.channel))


def _reported_in_both(conn, kind: str, slug: str | None, ends: list) -> int | None:
    """How many services of the scope (all of government, a department or an agency) reported
    transactions in both years ending on `ends`, when its rows of scope_period_totals answer: none when
    nobody did in one of them; every service of the scope (its count, kept by refresh_rollups) when each
    year's one row counts them all, and then the like-for-like volumes are the scope's; a year compared
    with itself, its row's count. Else (or for a service) None: each service's rows tell."""
    if kind not in ("all", "department", "agency"):
        return None
    s = scope_totals
    rows = conn.execute(select(s.c.period_end, s.c.services)
                        .where(scope_rows(kind, slug), s.c.period_end.in_(ends))).all()
    counts = {end: [n for row_end, n in rows if row_end == end] for end in set(ends)}
    if any(sum(n) == 0 for n in counts.values()):
        return 0
    if any(len(n) > 1 for n in counts.values()):  # periods of different starts end that day
        return None
    reported = {n for (n,) in counts.values()}
    if len(counts) == 1:
        return reported.pop()
    return reported.pop() if reported == {scope_service_count(conn, kind, slug)} else None


def _reporting_rows(kind: str, slug: str | None):
    """A condition on service_period_totals: the rows of the services of a scope (by the rollup's own
    copy of each service's department and agency, which its indexes lead with)."""
    t = service_totals
    if kind == "all":
        return true()
    if kind == "service":
        return t.c.service_id == service_id_of(slug)
    columns = {"department": t.c.department_id, "agency": t.c.agency_id}
    if kind not in columns:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {kind!r}")
    return columns[kind] == organisation_id_of(kind, slug)


# --- journeys: data sets of type `journey` sent through the data API -------------------------------

def journey_data_sets(service_slug: str) -> list[dict]:
    """The published journey data sets linked to a service: id, data_group, data_type."""
    query = (select(data_sets.c.id, data_sets.c.data_group, data_sets.c.data_type)
             .join(services, services.c.id == data_sets.c.service_id)
             .where(services.c.slug == service_slug, data_sets.c.published, data_sets.c.data_type == JOURNEY)
             .order_by(data_sets.c.data_group))
    with get_engine().connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def journey_counts(data_set_id: int) -> pd.DataFrame:
    """Records (`stage`, `count`) summed per stage and month by a data-API query: columns stage,
    month (its first day), count; months without records are left out. Not cached: services
    write new records at any time."""
    query = parse_query(parse_qsl(JOURNEY_QUERY))
    result = run_query(data_set_id, query)
    rows = [row for row in data_rows(result.query, result.rows) if row["_count"] and row["stage"] is not None]
    return pd.DataFrame({"stage": [str(row["stage"]) for row in rows],
                         "month": [row["_start_at"] for row in rows],
                         "count": [row["count:sum"] for row in rows]}, columns=["stage", "month", "count"])
