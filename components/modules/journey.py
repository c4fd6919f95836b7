"""journey: a funnel of the steps of a transaction, each step the sum of the groups whose
`matching-attribute` value is (or ends with) the step's groupId."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, plotted, ratio, total
from components.palette import CATEGORICAL
from domain.suppression import SUPPRESSED

DEFAULT_VALUE = "uniqueEvents:sum"


def extra_query(module: dict) -> list[tuple[str, str]]:
    """Without query parameters (as real journeys were configured), group by the matching attribute."""
    params = (module.get("data-source") or {}).get("query-params") or {}
    extra = []
    if not params.get("group_by") and module.get("matching-attribute"):
        extra.append(("group_by", module["matching-attribute"]))
    if not params.get("collect"):
        extra.append(("collect", module.get("value-attribute", DEFAULT_VALUE)))
    return extra


def steps_of(module: dict) -> list[tuple[str, str]]:
    return [(a["groupId"], a.get("label") or a["groupId"]) for a in (module.get("axes") or {}).get("y", [])
            if a.get("groupId")]


def _group_value(row: dict, key: str):
    """A group's total: its own key, else the sum of its periods."""
    if key in row:
        return row[key]
    return total([value.get(key) for value in row.get("values", [])])


def journey_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    key = module.get("value-attribute", DEFAULT_VALUE)
    attribute = module.get("matching-attribute", "eventCategory")
    names = [(str(r.get(attribute, "")), _group_value(r, key)) for r in rows]
    steps = steps_of(module) or [(name, name) for name, _ in names]
    counts = [total([v for name, v in names if name == step or name.endswith(step)]) for step, _ in steps]
    first = counts[0] if counts else None
    shares = [ratio(c, first) for c in counts]
    frame = pd.DataFrame({"Step": [label for _, label in steps], "Users": counts,
                         "Share of the first step (%)": [round(s * 100, 1) if isinstance(s, float) else s
                                                          for s in shares]})
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


def journey_view(module: dict, rows: list[dict]) -> View:
    frame = journey_frame(module, rows)
    figure = go.Figure(go.Bar(y=frame["Step"], x=plotted(frame["Users"]), orientation="h",
                              marker_color=CATEGORICAL[0], name="Users",
                              hovertemplate="%{x:,.0f}<extra>%{y}</extra>"))
    figure = base_layout(figure, "", None)
    figure.update_yaxes(autorange="reversed", title=None, type="category", rangemode=None)
    figure.update_xaxes(type="linear", title="Users", rangemode="tozero")
    formats = {"Users": "integer", "Share of the first step (%)": "percent"}
    counted = [(s, u) for s, u in zip(frame["Step"], frame["Users"]) if u is not None]
    if len(counted) < 2 or all(u is None for _, u in counted):
        return View(frame, "No figures for the steps of this journey yet.", figure, formats)
    (first, start), (last, end) = counted[0], counted[-1]
    if SUPPRESSED in (start, end):
        summary = f"The number of users at “{first}” or at “{last}” is suppressed."
    else:
        share = f" ({end / start * 100:.1f}%)" if start else ""
        summary = f"Of {start:,.0f} users at the step “{first}”, {end:,.0f}{share} reached “{last}”."
    return View(frame, summary, figure, formats)
