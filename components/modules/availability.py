"""availability: uptime (%) and response time from monitoring records (`downtime`, `uptime`,
`unmonitored` checks and `avgresponse` in milliseconds, as the original platform's Pingdom data):
the period's uptime is uptime / (uptime + downtime), a ratio of sums."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, number, period_columns, period_of, plotted, when
from components.modules.timeseries import spans_of
from components.palette import CATEGORICAL

COLLECT = ["downtime:sum", "uptime:sum", "unmonitored:sum", "avgresponse:mean"]
DURATIONS = {"hour": "24", "day": "30"}  # the original's two tabs: 24 hours, 30 days
UPTIME, RESPONSE = "Uptime (%)", "Response time (ms)"


def extra_query(module: dict) -> list[tuple[str, str]]:
    params = (module.get("data-source") or {}).get("query-params") or {}
    extra = [] if params.get("collect") else [("collect", c) for c in COLLECT]
    period = params.get("period")
    if period in DURATIONS and not any(params.get(k) for k in ("duration", "start_at", "end_at")):
        extra.append(("duration", DURATIONS[period]))
    return extra


def _uptime(up, down):
    if not isinstance(up, float) or not isinstance(down, float) or up + down == 0:
        return None
    return round(up / (up + down) * 100, 2)


def availability_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    by_start = {when(r.get("_start_at")): r for r in rows}
    spans = spans_of(rows)
    frame = pd.DataFrame(period_columns(spans, period_of(module)))
    up = [number(by_start[s].get("uptime:sum")) for s, _ in spans]
    down = [number(by_start[s].get("downtime:sum")) for s, _ in spans]
    frame[UPTIME] = [_uptime(u, d) for u, d in zip(up, down)]
    response = [number(by_start[s].get("avgresponse:mean")) for s, _ in spans]
    frame[RESPONSE] = [round(v) if isinstance(v, float) else v for v in response]
    frame["Checks up"], frame["Checks down"] = up, down
    return frame.astype(object).where(frame.notna(), None)


def availability_view(module: dict, rows: list[dict]) -> View:
    frame = availability_frame(module, rows)
    formats = {UPTIME: "percent", RESPONSE: "integer", "Checks up": "integer", "Checks down": "integer"}
    up = sum(v for v in frame["Checks up"] if isinstance(v, float))
    down = sum(v for v in frame["Checks down"] if isinstance(v, float))
    overall = _uptime(float(up), float(down))
    figure = go.Figure(go.Scatter(x=frame["Period"], y=plotted(frame[RESPONSE]), mode="lines+markers",
                                  name="Response time", line={"color": CATEGORICAL[0], "width": 3},
                                  hovertemplate="%{y:,.0f} ms<extra></extra>"))
    figure = base_layout(figure, RESPONSE, None)
    if overall is None:
        return View(frame, "No monitoring figures for these periods yet.", figure, formats)
    times = [v for v in frame[RESPONSE] if isinstance(v, (int, float))]
    mean = f"; the mean of the periods' response times was {sum(times) / len(times):,.0f} ms" if times else ""
    span = f"{frame['Period'].iloc[0]} to {frame['Period'].iloc[-1]}"
    summary = f"The service was up {overall:.2f}% of the time from {span}{mean}."
    return View(frame, summary, figure, formats, {"value": overall, "format": "percent", "period": span},
                lead=(f"{overall:.2f}%", f"uptime, {span}"))
