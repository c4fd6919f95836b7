"""single_timeseries (one value over time) and grouped_timeseries (a value by category over time:
lines, stacked bars, or each category's share of the period's total with `one-hundred-percent`)."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import (View, known, number, period_columns, period_of, period_words, plotted,
                                       ratio, total, when)
from components.palette import CATEGORICAL
from domain.suppression import SUPPRESSED


# --- reading answers -----------------------------------------------------------------------------

def spans_of(rows: list[dict]) -> list[tuple]:
    """Every period of an answer (flat period rows, or groups with `values`), in time order."""
    found = {}
    for row in rows:
        for value in row.get("values", [row]):
            start = when(value.get("_start_at"))
            if start is not None:
                found[start] = when(value.get("_end_at"))
    return sorted(found.items())


def values_by_group(rows: list[dict], category: str | None, key: str) -> dict[str, dict]:
    """{category value: {period start: value}}; an ungrouped answer is one group, ''."""
    groups: dict[str, dict] = {}
    for row in rows:
        name = str(row.get(category, "")) if category else ""
        by_start = groups.setdefault(name, {})
        for value in row.get("values", [row]):
            start = when(value.get("_start_at"))
            if start is not None:
                by_start[start] = total([by_start.get(start), value.get(key)]) if start in by_start else number(
                    value.get(key))
    return groups


def mapped(name: str, mapping: dict) -> str:
    """A category value through `group-mapping` (its keys may be patterns: '16-18|18-24')."""
    for pattern, target in (mapping or {}).items():
        if name == pattern or re.fullmatch(pattern, name):
            return target
    return name


def series_of(module: dict, groups: dict) -> list[tuple[str, str]]:
    """(groupId, label) of each series: the configured y axes, else every category found."""
    axes = [a for a in (module.get("axes") or {}).get("y", []) if a.get("groupId")]
    if axes:
        return [(a["groupId"], a.get("label") or a["groupId"]) for a in axes]
    ids = []
    for name in groups:
        target = mapped(name, module.get("group-mapping"))
        if target not in ids:
            ids.append(target)
    return [(i, i.replace("-", " ").replace("_", " ").capitalize()) for i in ids]


def category_of(module: dict) -> str | None:
    params = (module.get("data-source") or {}).get("query-params") or {}
    group_by = params.get("group_by")
    return module.get("category") or (group_by[0] if isinstance(group_by, list) else group_by)


# --- grouped_timeseries --------------------------------------------------------------------------

def grouped_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    """A period a row; a column a series (its groups summed); Total; with `one-hundred-percent`,
    each series as a share of Total (%)."""
    key = module.get("value-attribute", "count:sum")
    groups = values_by_group(rows, category_of(module), key)
    spans = spans_of(rows)
    frame = pd.DataFrame(period_columns(spans, period_of(module)))
    series = series_of(module, groups)
    for group_id, label in series:
        members = [g for g in groups if mapped(g, module.get("group-mapping")) == group_id]
        frame[label] = [total([groups[g].get(s) for g in members]) if members else None for s, _ in spans]
    frame["Total"] = [total(row) for row in frame[[label for _, label in series]].itertuples(index=False)]
    if module.get("one-hundred-percent"):
        for _, label in series:
            frame[f"{label} (%)"] = [_share(v, t) for v, t in zip(frame[label], frame["Total"])]
    return frame.astype(object).where(frame.notna(), None)


def _share(value, whole):
    share = ratio(value, whole)
    return round(share * 100, 1) if isinstance(share, float) else share


def grouped_view(module: dict, rows: list[dict]) -> View:
    frame = grouped_frame(module, rows)
    labels = [c for c in frame.columns[3:] if c != "Total" and not c.endswith(" (%)")]
    percent = bool(module.get("one-hundred-percent"))
    shown = [f"{c} (%)" for c in labels] if percent else labels
    formats = {c: "integer" for c in [*labels, "Total"]} | {c: "percent" for c in shown if percent}
    figure = _grouped_figure(frame, shown, bool(module.get("use_stack")), percent)
    return View(frame, _grouped_summary(module, frame, shown, percent), figure, formats, period="")


def _grouped_figure(frame: pd.DataFrame, columns: list[str], stacked: bool, percent: bool) -> go.Figure:
    figure = go.Figure()
    for i, column in enumerate(columns):
        colour = CATEGORICAL[i % len(CATEGORICAL)]
        name = column.removesuffix(" (%)")
        hover = "%{y:,.1f}%" if percent else "%{y:,.0f}"
        if stacked:
            figure.add_bar(x=frame["Period"], y=plotted(frame[column]), name=name, marker_color=colour,
                           hovertemplate=hover + f"<extra>{name}</extra>")
        else:
            figure.add_scatter(x=frame["Period"], y=plotted(frame[column]), name=name, mode="lines+markers",
                               line={"color": colour, "width": 3, "dash": ["solid", "dash", "dot", "dashdot"][i % 4]},
                               hovertemplate=hover + f"<extra>{name}</extra>")
    figure.update_layout(barmode="stack")
    return base_layout(figure, "Share of the total (%)" if percent else "Number", None)


def _grouped_summary(module: dict, frame: pd.DataFrame, columns: list[str], percent: bool) -> str:
    with_data = frame[[any(v is not None for v in row) for row in frame[columns].itertuples(index=False)]]
    if with_data.empty:
        return "No figures for these periods yet."
    last = with_data.iloc[-1]
    start = when(last["Period start"])
    unit = "%" if percent else ""
    parts = [f"{c.removesuffix(' (%)')} {_words(last[c], unit)}" for c in columns]
    words = period_words(start, None, period_of(module) or "day")
    text = f"In {words}, the latest period with data: " + ", ".join(parts)
    if not percent:
        text += f"; {_words(last['Total'])} in all"
    first, final = frame["Period"].iloc[0], frame["Period"].iloc[-1]
    return text + f". The chart shows {len(frame)} periods from {first} to {final}."


def _words(value, unit: str = "") -> str:
    if value == SUPPRESSED:
        return "suppressed"
    if value is None:
        return "no figure"
    return f"{value:,.1f}%" if unit else f"{value:,.0f}"


# --- single_timeseries ---------------------------------------------------------------------------

def single_label(module: dict) -> str:
    axes = (module.get("axes") or {}).get("y") or []
    label = axes[0].get("label") if axes else None
    minutes = (module.get("format-options") or {}).get("type") == "duration"
    return (label or module["title"]) + (" (minutes)" if minutes else "")


def single_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    """A period a row and the value (summed over groups, if the query groups); durations, sent in
    milliseconds as the original platform's were, in minutes."""
    key = module.get("value-attribute", "count:sum")
    groups = values_by_group(rows, None, key)
    spans = spans_of(rows)
    frame = pd.DataFrame(period_columns(spans, period_of(module)))
    values = [groups.get("", {}).get(s) for s, _ in spans]
    if (module.get("format-options") or {}).get("type") == "duration":
        values = [round(v / 60000, 2) if isinstance(v, float) else v for v in values]
    frame[single_label(module)] = values
    return frame.astype(object).where(frame.notna(), None)


def single_view(module: dict, rows: list[dict]) -> View:
    frame = single_frame(module, rows)
    column = frame.columns[-1]
    duration = (module.get("format-options") or {}).get("type") == "duration"
    fmt = "duration" if duration else "number"
    figure = go.Figure(go.Scatter(x=frame["Period"], y=plotted(frame[column]), mode="lines+markers",
                                  name=column, line={"color": CATEGORICAL[0], "width": 3},
                                  hovertemplate="%{y:,.2f}<extra></extra>"))
    figure = base_layout(figure, column, None)
    latest = [(p, v, s) for p, v, s in zip(frame["Period"], frame[column], frame["Period start"]) if v is not None]
    summary, headline = "No figures for these periods yet.", None
    if latest:
        _, value, start = latest[-1]
        words = period_words(when(start), None, period_of(module) or "day")
        shown = f"{value:,.1f}" if duration and isinstance(value, float) else _words(value)
        summary = f"{column} was {shown} in {words}, the latest period with data"
        numbers = known(v for _, v, _ in latest)
        if len(numbers) > 1:
            summary += f"; it ranged from {min(numbers):,.2f} to {max(numbers):,.2f} over {len(frame)} periods"
        summary += "."
        headline = {"value": value, "format": fmt, "period": words}
    return View(frame, summary, figure, {column: fmt}, headline)
