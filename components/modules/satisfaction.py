"""user_satisfaction_graph and user_satisfaction: the satisfaction score over time, from the
rating_1..rating_5 sums (value-attribute `rating`, the score of domain/metrics.py: mean rating
mapped onto 0 to 100%), or from the configured value-attribute (a score from 0 to 1)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import base_layout
from components.modules.common import View, number, period_columns, period_of, period_words, plotted, total, when
from components.modules.timeseries import spans_of
from components.palette import CATEGORICAL
from domain.metrics import RATINGS, kpis
from domain.suppression import SUPPRESSED, threshold

SCORE = "User satisfaction (%)"
RATING_COLLECT = [f"rating_{r}:sum" for r in RATINGS]


def extra_query(module: dict) -> list[tuple[str, str]]:
    """The rating sums, when the configuration leaves them to the module (as the original did)."""
    params = (module.get("data-source") or {}).get("query-params") or {}
    if module.get("value-attribute", "rating") == "rating" and not params.get("collect"):
        return [("collect", c) for c in RATING_COLLECT]
    return []


def _by_start(rows: list[dict]) -> dict:
    return {when(r.get("_start_at")): r for r in rows if when(r.get("_start_at"))}


def satisfaction_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    spans = spans_of(rows)
    by_start = _by_start(rows)
    frame = pd.DataFrame(period_columns(spans, period_of(module)))
    key = module.get("value-attribute", "rating")
    if key != "rating":
        scores = [number(by_start[s].get(key)) for s, _ in spans]
        frame[SCORE] = [round(v * 100, 2) if isinstance(v, float) and v <= 1 else v for v in scores]
        return frame.astype(object).where(frame.notna(), None)
    ratings = {r: [number(by_start[s].get(f"rating_{r}:sum")) for s, _ in spans] for r in RATINGS}
    frame["Responses"] = [total(values) for values in zip(*ratings.values())]
    for r in RATINGS:
        frame[f"Rating {r}"] = ratings[r]
    frame[SCORE] = [_score(row) for row in zip(*ratings.values())]
    return frame.astype(object).where(frame.notna(), None)


def _score(counts) -> float | str | None:
    """The score of one period; suppressed when a rating or the responses are."""
    responses = total(counts)
    if responses == SUPPRESSED or (isinstance(responses, float) and 0 < responses < threshold()):
        return SUPPRESSED
    if not responses:
        return None
    totals = pd.DataFrame({f"rating_{r}": [c or 0.0] for r, c in zip(RATINGS, counts)})
    return round(float(kpis(totals)["user_satisfaction"].iloc[0]) * 100, 2)


def satisfaction_view(module: dict, rows: list[dict]) -> View:
    frame = satisfaction_frame(module, rows)
    figure = go.Figure(go.Scatter(x=frame["Period"], y=plotted(frame[SCORE]), mode="lines+markers",
                                  name="User satisfaction", line={"color": CATEGORICAL[0], "width": 3},
                                  hovertemplate="%{y:.1f}%<extra></extra>"))
    figure = base_layout(figure, SCORE, None)
    figure.update_yaxes(range=[0, 100])
    counts = {c: "integer" for c in frame.columns if c == "Responses" or c.startswith("Rating ")}
    formats = {**counts, SCORE: "percent"}
    rated = [(v, s) for v, s in zip(frame[SCORE], frame["Period start"]) if v is not None]
    notes = ["The score is the mean rating, from 1 (very dissatisfied) to 5 (very satisfied), shown from "
             "0% to 100%."] if counts else []
    if not rated:
        return View(frame, "User satisfaction: no ratings for these periods yet.", figure, formats, notes=notes)
    value, start = rated[-1]
    words = period_words(when(start), None, period_of(module) or "day")
    summary = f"User satisfaction was {'suppressed' if value == SUPPRESSED else f'{value:.1f}%'} in {words}"
    if "Responses" in frame:
        responses = [v for v in frame["Responses"] if isinstance(v, float)]
        summary += f"; {sum(responses):,.0f} responses over the {len(frame)} periods shown"
    return View(frame, summary + ".", figure, formats, {"value": value, "format": "percent", "period": words},
                notes=notes)
