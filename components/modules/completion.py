"""completion_rate: over time, the sum of the groups whose `matching-attribute` value matches the
numerator pattern, over the sum of those matching the denominator pattern (completion, digital take-up)."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, period_columns, period_of, period_words, plotted, ratio, total, when
from components.modules.timeseries import spans_of, values_by_group
from components.palette import CATEGORICAL
from domain.suppression import SUPPRESSED


def rate_label(module: dict) -> str:
    axes = (module.get("axes") or {}).get("y") or []
    label = axes[0].get("label") if axes else None
    return f"{label or 'Completion rate'} (%)"


def completion_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    key = module.get("value-attribute", "count:sum")
    groups = values_by_group(rows, module.get("matching-attribute"), key)
    spans = spans_of(rows)
    top = [g for g in groups if re.search(module.get("numerator-matcher", "$^"), g)]
    bottom = [g for g in groups if re.search(module.get("denominator-matcher", "$^"), g)]
    frame = pd.DataFrame(period_columns(spans, period_of(module)))
    frame["Numerator"] = [total([groups[g].get(s) for g in top]) if top else None for s, _ in spans]
    frame["Denominator"] = [total([groups[g].get(s) for g in bottom]) if bottom else None for s, _ in spans]
    rates = [ratio(n, d) for n, d in zip(frame["Numerator"], frame["Denominator"])]
    frame[rate_label(module)] = [round(r * 100, 2) if isinstance(r, float) else r for r in rates]
    return frame.astype(object).where(frame.notna(), None)


def completion_view(module: dict, rows: list[dict]) -> View:
    frame = completion_frame(module, rows)
    label = rate_label(module)
    name = label.removesuffix(" (%)")
    figure = go.Figure(go.Scatter(x=frame["Period"], y=plotted(frame[label]), mode="lines+markers", name=name,
                                  line={"color": CATEGORICAL[0], "width": 3},
                                  hovertemplate="%{y:.1f}%<extra></extra>"))
    figure = base_layout(figure, label, None)
    figure.update_yaxes(range=[0, 100])
    attribute = module.get("matching-attribute")
    note = (f"Numerator: the {attribute} values matching “{module.get('numerator-matcher')}”; denominator: those "
            f"matching “{module.get('denominator-matcher')}”.")
    rated = [(v, s) for v, s in zip(frame[label], frame["Period start"]) if v is not None]
    formats = {"Numerator": "integer", "Denominator": "integer", label: "percent"}
    if not rated:
        return View(frame, f"{name}: no figures for these periods yet.", figure, formats, notes=[note])
    value, start = rated[-1]
    words = period_words(when(start), None, period_of(module) or "day")
    shown = "suppressed" if value == SUPPRESSED else f"{value:.1f}%"
    summary = f"{name} was {shown} in {words}, the latest period with data"
    numbers = [v for v, _ in rated if v != SUPPRESSED]
    if len(numbers) > 1:
        summary += f"; over the {len(frame)} periods shown it ranged from {min(numbers):.1f}% to {max(numbers):.1f}%"
    return View(frame, summary + ".", figure, formats, {"value": value, "format": "percent", "period": words},
                notes=[note])
