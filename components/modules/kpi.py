"""kpi (the latest record's value, its period, and its change on the record before) and
bar_chart_with_number (a value of each record as bars, the latest as a big number)."""
from __future__ import annotations

from datetime import datetime

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, format_value, number, period_columns, period_label, plotted, when
from components.palette import CATEGORICAL, DARK_BLUE
from domain.suppression import SUPPRESSED

ARROWS = {"up": "▲", "down": "▼"}


def record_span(row: dict) -> tuple[datetime | None, datetime | None]:
    """A record's period: its `_start_at`/`_end_at`, or its `_timestamp` and `end_at` (the original's)."""
    start = when(row.get("_start_at")) or when(row.get("_timestamp"))
    return start, when(row.get("_end_at")) or when(row.get("end_at"))


def span_words(start: datetime | None, end: datetime | None) -> str:
    """'1 October 2012 to 30 September 2013' (the end is exclusive), or the start date alone."""
    if start is None:
        return "an unknown period"
    first = f"{start.day} {start:%B %Y}"
    if end is None:
        return first
    last = end - pd.Timedelta(days=1)
    return f"{first} to {last.day} {last:%B %Y}"


def _value_key(module: dict) -> str:
    return module.get("value-attribute", "")


def _percent(module: dict) -> bool:
    return (module.get("format") or {}).get("type") == "percent"


def record_frame(module: dict, rows: list[dict], label: str, oldest_first: bool) -> pd.DataFrame:
    """The records with the value (as percent points when the format is a percent), in time order."""
    key = _value_key(module)
    kept = [(record_span(r), number(r.get(key))) for r in rows if key in r]
    kept = [(span, v) for span, v in kept if span[0] is not None]
    kept.sort(key=lambda item: item[0][0], reverse=not oldest_first)
    frame = pd.DataFrame(period_columns([span for span, _ in kept], None))
    frame["Period"] = [span_words(*span) for span, _ in kept]
    scale = 100 if _percent(module) else 1
    frame[label] = [round(v * scale, 2) if isinstance(v, float) and scale != 1 else v for _, v in kept]
    return frame.astype(object).where(frame.notna(), None)


def change_words(value, previous) -> str | None:
    if not isinstance(value, float) or not isinstance(previous, float) or previous == 0:
        return None
    change = (value - previous) / abs(previous) * 100
    if round(change, 1) == 0:
        return "no change on the period before"
    direction = "up" if change > 0 else "down"
    return f"{ARROWS[direction]} {direction} {abs(change):.1f}% on the period before"


def kpi_view(module: dict, rows: list[dict]) -> View:
    """Newest first, as the original's `sort_by=_timestamp:descending` query gives them."""
    label = module["title"] + (" (%)" if _percent(module) else "")
    frame = record_frame(module, rows, label, oldest_first=False)
    fmt = module.get("format") or {}
    cell_fmt = {**fmt, "magnitude": False} if isinstance(fmt, dict) else fmt
    if frame.empty:
        return View(frame, "No figures yet.", formats={label: cell_fmt})
    value, period = frame[label].iloc[0], frame["Period"].iloc[0]
    previous = frame[label].iloc[1] if len(frame) > 1 else None
    shown = format_value(value, fmt)
    change = change_words(value, previous)
    summary = f"{module['title']}: {shown if value != SUPPRESSED else 'suppressed'} for {period}"
    summary += f", {change}." if change else "."
    lead = (shown, period + (f" · {change}" if change else ""))
    return View(frame, summary, None, {label: cell_fmt}, {"value": value, "format": fmt, "period": period},
                lead=lead)


def bar_view(module: dict, rows: list[dict]) -> View:
    """Oldest first (`sort_by=_timestamp:ascending`): a bar a record, the latest as a number."""
    axes = (module.get("axes") or {}).get("y") or []
    label = (axes[0].get("label") if axes else None) or module["title"]
    label += " (%)" if _percent(module) else ""
    frame = record_frame(module, rows, label, oldest_first=True)
    fmt = module.get("format") or {"type": "number"}
    if frame.empty:
        return View(frame, "No figures yet.", formats={label: fmt})
    period_name = module.get("axis-period")
    if period_name:
        starts = [when(s) for s in frame["Period start"]]
        frame["Period"] = [period_label(s, s + pd.DateOffset(months=3), period_name) for s in starts]
    value, period = frame[label].iloc[-1], frame["Period"].iloc[-1]
    colours = [CATEGORICAL[1]] * (len(frame) - 1) + [DARK_BLUE]
    figure = go.Figure(go.Bar(x=frame["Period"], y=plotted(frame[label]), marker_color=colours, name=label,
                              hovertemplate="%{y:,.2f}<extra></extra>" if _percent(module) else
                              "%{y:,.0f}<extra></extra>"))
    figure = base_layout(figure, label, None)
    shown = format_value(value, fmt)
    summary = (f"{label.removesuffix(' (%)')}: {shown if value != SUPPRESSED else 'suppressed'} in {period}, "
               f"the latest of {len(frame)} periods shown.")
    first = frame[label].iloc[0]
    if len(frame) > 1 and isinstance(first, float):
        summary += f" It was {format_value(first, fmt)} in {frame['Period'].iloc[0]}."
    lead = (shown, period)
    return View(frame, summary, figure, {label: fmt}, {"value": value, "format": fmt, "period": period}, lead=lead)
