"""realtime: the latest count of unique visitors (records of `unique_visitors`, newest first, as
the original's `sort_by=_timestamp:descending` query gives them), and the counts before it."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, number, plotted, when
from components.palette import CATEGORICAL
from domain.suppression import SUPPRESSED

FIELD = "unique_visitors"
SHOWN = 48  # the records tabulated and plotted


def realtime_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    kept = [(when(r.get("_timestamp")), number(r.get(FIELD))) for r in rows if FIELD in r]
    kept = sorted([k for k in kept if k[0] is not None], reverse=True)[:SHOWN]
    kept.reverse()
    return pd.DataFrame({"Time": [t.strftime("%H:%M %-d %b %Y") for t, _ in kept],
                         "Time (UTC)": [t.isoformat(sep=" ", timespec="minutes") for t, _ in kept],
                         "Users online": [v for _, v in kept]}).astype(object)


def realtime_view(module: dict, rows: list[dict]) -> View:
    frame = realtime_frame(module, rows)
    formats = {"Users online": "integer"}
    if frame.empty:
        return View(frame, "No counts of users online yet.", formats=formats)
    value, at = frame["Users online"].iloc[-1], frame["Time"].iloc[-1]
    shown = "suppressed (fewer than 5)" if value == SUPPRESSED else f"{value:,.0f}"
    summary = f"{shown} users online at {at}, the latest count"
    numbers = [v for v in frame["Users online"] if isinstance(v, float)]
    if len(numbers) > 1:
        summary += f"; between {min(numbers):,.0f} and {max(numbers):,.0f} in the {len(frame)} counts shown"
    figure = go.Figure(go.Scatter(x=frame["Time"], y=plotted(frame["Users online"]), mode="lines",
                                  name="Users online", line={"color": CATEGORICAL[0], "width": 3},
                                  hovertemplate="%{y:,.0f}<extra></extra>"))
    figure = base_layout(figure, "Users online", None)
    figure.update_layout(height=240)
    lead_value = "Suppressed" if value == SUPPRESSED else f"{value:,.0f}"
    return View(frame, summary + ".", figure, formats, {"value": value, "format": "integer", "period": f"at {at}"},
                lead=(lead_value, f"users online at {at}"))
