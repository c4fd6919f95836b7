"""Comparing services: frame builders, figures and summaries for 2 to 6 services side by side.

Every chart's frame is built here from each service's figures; it is exactly what the chart
plots, what its table shows and what its exports hold. Periods with no figure are gaps (NaN),
never 0; small counts are "suppressed" (domain.suppression), and so is anything made from them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.chart_card import COUNT_AXIS, base_layout
from components.palette import CATEGORICAL, DARK_GREY, channel_colour
from components.service_charts import channel_frame, channel_series
from components.year_before import YEAR_BEFORE, add_year_before, overlay_year_before, year_before_clause, \
    year_before_sentence
from domain.channels import CHANNELS, ILLUSTRATIVE_CHANNELS, channel_name
from domain.indexing import base_position, indexed, share, usable
from domain.metrics import METRICS, format_count, suppress_kpis
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, numeric

PERIOD_COLUMNS = ["Year ending", "Period start", "Period end"]
MEASURES = ["transactions", "digital_take_up", "cost_per_transaction", "completion_rate", "user_satisfaction"]
SHORT_NAMES = {"transactions": "Transactions", "digital_take_up": "Digital take-up",
               "cost_per_transaction": "Cost per transaction", "completion_rate": "Completion rate",
               "user_satisfaction": "User satisfaction"}
MODES = {"absolute": "Values", "indexed": "Indexed (first year shown = 100)", "share": "Share of channel"}
MAX_SERVICES, MIN_SERVICES = 6, 2

# line styles and markers as well as colours, so that no series is told apart by colour alone
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "star"]


@dataclass
class Compared:
    """One chosen service and its figures (straight from data access, not yet suppressed)."""

    slug: str
    name: str
    figures: pd.DataFrame  # one row per period: totals and KPIs (data_access.figures.service_figures)
    channels: pd.DataFrame = field(default_factory=pd.DataFrame)  # period, channel, volume
    notes: list[dict] = field(default_factory=list)  # its dated notes (data_access.annotations)


def effective_mode(measure: str, mode: str) -> str:
    """Only transactions have a channel mix; the rates are shares already, and cost per transaction
    is not a share of anything, so for them "share of channel" shows their values."""
    if mode == "share" and measure != "transactions":
        return "absolute"
    return mode if mode in MODES else "absolute"


def mode_note(measure: str, mode: str) -> str | None:
    if mode != "share" or measure == "transactions":
        return None
    if measure == "cost_per_transaction":
        return "Cost per transaction is not a share of channel: the chart shows its values."
    if measure == "digital_take_up":
        return "Digital take-up is already the digital share of transactions with a reported channel."
    return f"{SHORT_NAMES[measure]} is already a percentage: the chart shows its values."


def unit_label(measure: str, mode: str) -> str:
    """The y axis title: what the numbers are."""
    if effective_mode(measure, mode) == "indexed":
        return "Index (first year shown = 100)"
    return {"count": "Transactions in the year", "gbp": "£ per transaction",
            "percent": f"{SHORT_NAMES[measure]} (%)"}[METRICS[measure].unit]


# --- frames ------------------------------------------------------------------------------------

def period_columns(periods: list[YearEnding]) -> dict:
    return {"Year ending": [p.short_label for p in periods],
            "Period start": [p.start.isoformat() for p in periods],
            "Period end": [p.last_day.isoformat() for p in periods]}


def shown_values(service: Compared, measure: str, periods: list[YearEnding], percent: bool = True) -> list:
    """The service's figure for each period (suppression applied; NaN where it reports none);
    rates in % (2 decimals) unless percent=False."""
    if service.figures.empty:
        return [math.nan] * len(periods)
    figures = suppress_kpis(service.figures).set_index("period")[measure]
    values = [figures.get(p, math.nan) for p in periods]
    values = [math.nan if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in values]
    if percent and METRICS[measure].unit == "percent":
        return [v if v == SUPPRESSED or not usable(v) else round(float(v) * 100, 2) for v in values]
    return [v if v == SUPPRESSED else float(v) for v in values]


def series_frame(services: list[Compared], periods: list[YearEnding], measure: str, mode: str) -> pd.DataFrame:
    """A row per period, a column per service: values, or each service indexed to its first
    figure in the range (computed from unrounded rates)."""
    frame = pd.DataFrame(period_columns(periods))
    for service in services:
        if effective_mode(measure, mode) == "indexed":
            column = indexed(shown_values(service, measure, periods, percent=False))
        else:
            column = shown_values(service, measure, periods)
        frame[service.name] = pd.Series(column, dtype=object) if SUPPRESSED in column else column
    return frame


def channel_share_frame(services: list[Compared], periods: list[YearEnding]) -> pd.DataFrame:
    """A row per (period, service): each channel's share of the service's transactions, in %."""
    rows, channels = [], []
    for service in services:
        if service.channels.empty:
            continue
        wide = channel_frame(service.channels).set_index("Year ending")
        channels += [c for c in channel_series(wide.reset_index()) if c not in channels]
        for period in periods:
            if period.short_label in wide.index:
                row = wide.loc[period.short_label]
                rows.append((period, service.name, {c: share(row.get(c, math.nan), row["Total"]) for c in
                                                    channel_series(wide.reset_index())}))
    names = [n for n in CHANNELS.values() if n in channels] + [c for c in channels if c not in CHANNELS.values()]
    order = {s.name: i for i, s in enumerate(services)}
    rows.sort(key=lambda r: (r[0], order[r[1]]))
    frame = pd.DataFrame(period_columns([r[0] for r in rows]))
    frame["Service"] = [r[1] for r in rows]
    for name in names:
        column = [r[2].get(name, math.nan) for r in rows]
        if any(usable(v) or v == SUPPRESSED for v in column):  # a channel no one reports in the range is left out
            frame[f"{name} (%)"] = pd.Series(column, dtype=object)
    return frame


def measure_frame(services: list[Compared], periods: list[YearEnding], measure: str, mode: str,
                  year_before: bool = False) -> pd.DataFrame:
    """The chart's frame; with `year_before`, the same period a year before beside it."""
    if effective_mode(measure, mode) == "share":
        frame = channel_share_frame(services, periods)
        return with_share_year_before(frame, services, periods) if year_before else frame
    frame = series_frame(services, periods, measure, mode)
    return with_series_year_before(frame, services, periods, measure, mode) if year_before else frame


# --- the same period a year before --------------------------------------------------------------

YEAR_BEFORE_SHARE = "Digital (%)"  # the share drawn a year before on the channel mix


def with_year_before_periods(periods: list[YearEnding]) -> list[YearEnding]:
    """The periods and those that ended twelve months before them, in order."""
    return sorted(set(periods) | {p.shifted(-12) for p in periods})


def on_base(range_values: list, values: list) -> list:
    """`values` indexed on the base of `range_values` (its first usable, non-zero figure = 100)."""
    base = base_position(range_values)
    if base is None:
        return [SUPPRESSED if v == SUPPRESSED else math.nan for v in values]
    return indexed([range_values[base], *values])[1:]


def _object_if_suppressed(values: list):
    return pd.Series(values, dtype=object) if SUPPRESSED in values else values


def with_series_year_before(frame: pd.DataFrame, services: list[Compared], periods: list[YearEnding],
                            measure: str, mode: str) -> pd.DataFrame:
    """'<service>, a year before' after the services' columns: each service's figure for the period
    that ended twelve months earlier (add_year_before), read from before the range where need be;
    indexed on the same base as the service's own line. No figure then: a gap."""
    wider = with_year_before_periods(periods)
    indexed_mode = effective_mode(measure, mode) == "indexed"
    out = frame.copy()
    for service in services:
        values = shown_values(service, measure, wider, percent=not indexed_mode)
        if indexed_mode:
            values = on_base(shown_values(service, measure, periods, percent=False), values)
        full = add_year_before(pd.DataFrame({**period_columns(wider), service.name: values}), service.name)
        earlier = dict(zip(full["Year ending"], full[service.name + YEAR_BEFORE]))
        out[service.name + YEAR_BEFORE] = _object_if_suppressed([earlier[label] for label in out["Year ending"]])
    return out


def with_share_year_before(frame: pd.DataFrame, services: list[Compared], periods: list[YearEnding]) -> pd.DataFrame:
    """'Digital (%), a year before' on each service's rows: its digital share of the period that
    ended twelve months earlier (a gap where it has none)."""
    wider = channel_share_frame(services, with_year_before_periods(periods))
    if YEAR_BEFORE_SHARE not in frame or YEAR_BEFORE_SHARE not in wider:
        return frame
    earlier = {}
    for name, rows in wider.groupby("Service", sort=False):
        rows = add_year_before(rows, YEAR_BEFORE_SHARE)
        earlier.update({(label, name): value for label, value in
                        zip(rows["Year ending"], rows[YEAR_BEFORE_SHARE + YEAR_BEFORE])})
    out = frame.copy()
    out[YEAR_BEFORE_SHARE + YEAR_BEFORE] = _object_if_suppressed(
        [earlier.get(key, math.nan) for key in zip(frame["Year ending"], frame["Service"])])
    return out


def share_series(frame: pd.DataFrame) -> list[str]:
    """The channel columns of a channel share frame."""
    return [c for c in frame.columns if c.endswith(" (%)")]


# --- figures -----------------------------------------------------------------------------------

def line_figure(frame: pd.DataFrame, services: list[str], measure: str, mode: str) -> go.Figure:
    """A line per service on the same axes; gaps where a service has no figure."""
    figure = go.Figure()
    unit = METRICS[measure].unit
    indexed_mode = effective_mode(measure, mode) == "indexed"
    hover = ("%{y:.2f}" if indexed_mode else {"count": "%{y:,.0f}", "gbp": "£%{y:,.2f}",
                                              "percent": "%{y:.2f}%"}[unit])
    for i, name in enumerate(services):
        figure.add_scatter(x=frame["Year ending"], y=numeric(frame[name]), name=name, mode="lines+markers",
                           connectgaps=False, line={"color": CATEGORICAL[i % 6], "width": 3, "dash": DASHES[i % 6]},
                           marker={"size": 8, "symbol": SYMBOLS[i % 6]},
                           hovertemplate=hover + "<extra>" + name + "</extra>")
    for i, name in enumerate(services):
        if name + YEAR_BEFORE in frame:  # thinner, dotted, hollow markers: the same period a year before
            overlay_year_before(figure, frame, name, name + YEAR_BEFORE, colour=CATEGORICAL[i % 6],
                                symbol=SYMBOLS[i % 6] + "-open", dash="dot")
    base_layout(figure, unit_label(measure, mode), **(COUNT_AXIS if unit == "count" and not indexed_mode else {}))
    if indexed_mode:
        figure.add_hline(y=100, line={"color": DARK_GREY, "width": 1, "dash": "dot"})
        figure.update_yaxes(rangemode="normal")
    elif unit == "percent":
        figure.update_yaxes(range=[0, 100], ticksuffix="%")
    elif unit == "gbp":
        figure.update_yaxes(tickprefix="£")
    figure.update_xaxes(categoryorder="array", categoryarray=list(frame["Year ending"]))
    return figure


def channel_mix_figure(frame: pd.DataFrame, services: list[str], periods: list[YearEnding],
                       illustrative: set[str] = frozenset()) -> go.Figure:
    """A panel per service, sharing both axes: 100% stacked bars of its channel mix each year."""
    rows = max(len(services), 1)
    figure = make_subplots(rows=rows, cols=1, shared_xaxes=True, shared_yaxes=True, vertical_spacing=0.08,
                           subplot_titles=services or None)
    labels = [p.short_label for p in periods]
    names = {name: cid for cid, name in CHANNELS.items()}
    for row, service in enumerate(services, start=1):
        own = frame[frame["Service"] == service].set_index("Year ending").reindex(labels)
        for column in share_series(frame):
            channel = column.removesuffix(" (%)")
            label = f"{channel} (illustrative)" if channel in illustrative else channel
            figure.add_bar(x=labels, y=numeric(own[column]), name=label, legendgroup=label, showlegend=row == 1,
                           marker_color=channel_colour(names.get(channel, channel)),
                           hovertemplate="%{y:.2f}%<extra>" + f"{service}: {label}" + "</extra>", row=row, col=1)
        if YEAR_BEFORE_SHARE + YEAR_BEFORE in frame:
            overlay_year_before(figure, own, YEAR_BEFORE_SHARE, x=labels, row=row, col=1, showlegend=row == 1,
                                legendgroup="year-before")
    figure.update_layout(barmode="stack")
    base_layout(figure, "")
    figure.update_layout(height=140 + 170 * rows, margin={"t": 40})
    figure.update_yaxes(range=[0, 100], ticksuffix="%", rangemode="tozero", gridcolor="#D7D7D7", showgrid=True)
    figure.update_xaxes(type="category", categoryorder="array", categoryarray=labels)
    return figure


def measure_figure(frame: pd.DataFrame, services: list[str], periods: list[YearEnding], measure: str,
                   mode: str, illustrative: set[str] = frozenset()) -> go.Figure:
    if effective_mode(measure, mode) == "share":
        return channel_mix_figure(frame, services, periods, illustrative)
    return line_figure(frame, services, measure, mode)


# --- summaries ---------------------------------------------------------------------------------

def _format(measure: str, value) -> str:
    metric = METRICS[measure]
    if value == SUPPRESSED:
        return "suppressed"
    if metric.unit == "count":
        return format_count(value, words=True)
    return metric.format(value / 100 if metric.unit == "percent" else value)


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _usable_points(frame: pd.DataFrame, column: str, periods: list[YearEnding]) -> list[tuple[YearEnding, float]]:
    return [(p, float(v)) for p, v in zip(periods, frame[column]) if usable(v)]


def _missing_sentence(services: list[str], frame: pd.DataFrame, periods: list[YearEnding]) -> str:
    missing = [s for s in services if not _usable_points(frame, s, periods)]
    if not missing:
        return ""
    verb = "has" if len(missing) == 1 else "have"
    return f" {_listed(missing)} {verb} no figures to show in this range."


def _leader_sentence(frame: pd.DataFrame, services: list[str], measure: str, last: YearEnding,
                     indexed_mode: bool) -> str:
    values = {s: float(frame[s].iloc[-1]) for s in services if usable(frame[s].iloc[-1])}
    if not values:
        return f"No service has a figure for the {last.phrase}."
    if len(values) == 1:
        (name, value), = values.items()
        return f"In the {last.phrase} only {name} has a figure: {_format_value(measure, value, indexed_mode)}."
    best_high = METRICS[measure].higher_is_better is not False or indexed_mode
    top = max(values.values()) if best_high else min(values.values())
    leaders = [s for s, v in values.items() if v == top]
    if indexed_mode:
        what = "the highest index"
    elif measure == "transactions":
        what = "the most transactions"
    else:
        what = f"the {'highest' if best_high else 'lowest'} {SHORT_NAMES[measure].lower()}"
    return (f"In the {last.phrase}, {_listed(leaders)} had {what}: "
            f"{_format_value(measure, top, indexed_mode)}.")


def _format_value(measure: str, value: float, indexed_mode: bool) -> str:
    return f"{value:.1f}" if indexed_mode else _format(measure, value)


def series_summary(frame: pd.DataFrame, services: list[str], periods: list[YearEnding], measure: str,
                   mode: str) -> str:
    """Who is highest (or lowest cost) in the last year of the range, and each service's first
    and last figures in it."""
    if not periods:
        return "There are no years in the chosen range."
    indexed_mode = effective_mode(measure, mode) == "indexed"
    text = _leader_sentence(frame, services, measure, periods[-1], indexed_mode)
    if indexed_mode:
        text = "Each service's first year with a figure in the range is 100. " + text
    trends = []
    for name in services:
        points = _usable_points(frame, name, periods)
        if len(points) > 1:
            (first, old), (last, new) = points[0], points[-1]
            change = "" if indexed_mode else _change_words(measure, old, new)
            trends.append(f"{name} went from {_format_value(measure, old, indexed_mode)} in the {first.phrase} to "
                          f"{_format_value(measure, new, indexed_mode)} in the {last.phrase}{change}")
    if trends:
        text += " " + "; ".join(trends) + "."
    text += _missing_sentence(services, frame, periods)
    if any(name + YEAR_BEFORE in frame for name in services):
        fmt = lambda value: _format_value(measure, value, indexed_mode)  # noqa: E731
        clauses = [year_before_clause(frame, name, fmt, what=name) for name in services]
        text += year_before_sentence(clauses, SERIES_YEAR_BEFORE)
    return text


SERIES_YEAR_BEFORE = "The dotted lines with hollow markers show each service in the same period a year before"


def _change_words(measure: str, old: float, new: float) -> str:
    metric = METRICS[measure]
    scale = 100 if metric.unit == "percent" else 1
    change = metric.change(old / scale, new / scale)
    if change is None:
        return ""
    direction, size = change
    return " (no change)" if direction == "no change" else f" ({direction} {size})"


def channel_share_summary(frame: pd.DataFrame, services: list[str], periods: list[YearEnding]) -> str:
    """The digital share of each service's transactions in the last year of the range."""
    if not periods:
        return "There are no years in the chosen range."
    last = periods[-1]
    rows = frame[frame["Year ending"] == last.short_label].set_index("Service")
    parts, missing = [], []
    for name in services:
        value = rows["Digital (%)"].get(name, math.nan) if "Digital (%)" in rows else math.nan
        if value == SUPPRESSED:
            parts.append(f"suppressed for {name}")
        elif usable(value):
            parts.append(f"{value:.1f}% for {name}")
        else:
            missing.append(name)
    text = (f"In the {last.phrase}, the digital share of transactions was {_listed(parts)}."
            if parts else f"No service has a channel split for the {last.phrase}.")
    if missing:
        text += f" {_listed(missing)} {'has' if len(missing) == 1 else 'have'} no figures for that year."
    text += " Each bar shows a service's transactions split by channel, adding up to 100%."
    if YEAR_BEFORE_SHARE + YEAR_BEFORE in frame:
        clauses = [year_before_clause(frame[frame["Service"] == name], YEAR_BEFORE_SHARE, lambda v: f"{v:.1f}%",
                                      what=name) for name in services]
        text += year_before_sentence(clauses, "The dashed line shows the digital share in the same period a year "
                                              "before")
    return text


def measure_summary(frame: pd.DataFrame, services: list[str], periods: list[YearEnding], measure: str,
                    mode: str) -> str:
    if effective_mode(measure, mode) == "share":
        return channel_share_summary(frame, services, periods)
    return series_summary(frame, services, periods, measure, mode)


# --- ranking -----------------------------------------------------------------------------------

def value_column(measure: str, illustrative: set[str] = frozenset()) -> str:
    unit = {"count": "", "gbp": " (£)", "percent": " (%)"}[METRICS[measure].unit]
    name = METRICS[measure].name if measure == "transactions" else SHORT_NAMES[measure]
    return f"{name}{unit}" + (" (illustrative)" if measure in illustrative else "")


def rank_column(measure: str) -> str:
    return f"{SHORT_NAMES[measure]}: rank"


def ranking_frame(services: list[Compared], period: YearEnding, order_by: str = "transactions",
                  illustrative: set[str] = frozenset()) -> pd.DataFrame:
    """A row per service: each KPI for the year and its rank among the services (1 = best: the
    most transactions, the lowest cost...). No rank where a service has no figure or it is suppressed."""
    frame = pd.DataFrame({"Service": [s.name for s in services]})
    for measure in MEASURES:
        values = [shown_values(s, measure, [period])[0] for s in services]
        known = pd.Series([float(v) if usable(v) else math.nan for v in values])
        ascending = METRICS[measure].higher_is_better is False
        frame[value_column(measure, illustrative)] = pd.Series(values, dtype=object) if SUPPRESSED in values else values
        frame[rank_column(measure)] = known.rank(method="min", ascending=ascending).to_numpy()
    order_by = order_by if order_by in MEASURES else "transactions"
    return frame.sort_values([rank_column(order_by), "Service"], na_position="last", kind="stable",
                             ignore_index=True)


def ranking_summary(frame: pd.DataFrame, period: YearEnding, illustrative: set[str] = frozenset()) -> str:
    """Who leads on each KPI in the year, in one sentence."""
    leads: dict[tuple[str, ...], list[str]] = {}
    for measure in MEASURES:
        first = frame[frame[rank_column(measure)] == 1]
        if first.empty:
            continue
        value = first[value_column(measure, illustrative)].iloc[0]
        detail = _format(measure, value) + (", the lowest" if measure == "cost_per_transaction" else "")
        if measure in illustrative:
            detail += ", illustrative"
        leads.setdefault(tuple(first["Service"]), []).append(f"{SHORT_NAMES[measure].lower()} ({detail})")
    if not leads:
        return f"None of these services has figures for the {period.phrase}."
    clauses = [f"{_listed(list(who))} {'lead' if len(who) > 1 else 'leads'}{' jointly' if len(who) > 1 else ''} "
               f"on {_listed(what)}" for who, what in leads.items()]
    text = f"In the {period.phrase}, " + "; ".join(clauses) + "."
    absent = [name for name, row in frame.set_index("Service").iterrows()
              if all(not usable(row[value_column(m, illustrative)]) and row[value_column(m, illustrative)] != SUPPRESSED
                     for m in MEASURES)]
    if absent:
        text += f" {_listed(absent)} {'has' if len(absent) == 1 else 'have'} no figures for that year."
    return text


def illustrative_channel_names(illustrative_metrics: set[str]) -> set[str]:
    """Channel names whose volumes are generated for the demo, when a service's transactions are."""
    return {channel_name(c) for c in ILLUSTRATIVE_CHANNELS} if "transactions" in illustrative_metrics else set()
