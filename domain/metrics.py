"""The KPIs: each defined once (formula, unit, format) and computed from additive totals.

Data access returns *additive* totals per period (volumes, costs, counts of ratings...).
Every KPI is a ratio of sums of those totals, so the same formula gives a service's figure
and a volume-weighted figure for any group of services: never a mean of percentages.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from domain.suppression import SUPPRESSED, suppress_columns

RATINGS = (1, 2, 3, 4, 5)
RATING_COLUMNS = [f"rating_{r}" for r in RATINGS]

# the additive totals every KPI is built from (columns of a "totals" frame)
TOTAL_COLUMNS = ["volume", "channel_volume", "digital_volume", "costed_volume", "total_cost",
                 "started", "completed", *RATING_COLUMNS]


# The formulas work on a dict of float arrays, one per total (numpy: a tenth of pandas' time).
Totals = dict[str, np.ndarray]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is missing or zero."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator != 0, numerator / denominator, np.nan)


def _responses(t: Totals) -> np.ndarray:
    ratings = np.vstack([t[column] for column in RATING_COLUMNS])
    return np.where(np.isnan(ratings).all(axis=0), np.nan, np.nansum(ratings, axis=0))


def _satisfaction(t: Totals) -> np.ndarray:
    weighted = sum(np.nan_to_num(t[f"rating_{r}"]) * r for r in RATINGS)
    mean_rating = _ratio(weighted, _responses(t))
    return (mean_rating - 1) / 4


def format_count(value: float, words: bool = False) -> str:
    """'47.1m' (or '47.1 million' with words=True); below a million, exact: '12,033'."""
    if value is None or math.isnan(value):
        return "No data"
    for size, suffix, word in ((1e9, "bn", " billion"), (1e6, "m", " million")):
        if abs(value) >= size:
            return f"{value / size:.1f}{word if words else suffix}"
    return f"{value:,.0f}"


def format_money(value: float) -> str:
    if value is None or math.isnan(value):
        return "No data"
    if abs(value) >= 1e3:
        return "£" + format_count(value)
    return f"£{value:,.2f}"


def format_percent(value: float) -> str:
    if value is None or math.isnan(value):
        return "No data"
    return f"{value * 100:.1f}%"


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str  # "count", "gbp" or "percent"
    definition: str
    compute: Callable[[Totals], np.ndarray]
    higher_is_better: bool | None = None
    count: str | None = None  # the count of people or events behind it, which must not be small

    def format(self, value, exact: bool = False) -> str:
        """The value for people: '47.1m', '£1.10', '81.9%' (with exact=True, '47,055,169')."""
        if value == SUPPRESSED:
            return "Suppressed"
        value = float("nan") if value is None else float(value)
        if exact and self.unit == "count":
            return "No data" if math.isnan(value) else f"{value:,.0f}"
        if exact and self.unit == "gbp":
            return "No data" if math.isnan(value) else f"£{value:,.2f}"
        return {"count": format_count, "gbp": format_money, "percent": format_percent}[self.unit](value)

    def change(self, old, new) -> tuple[str, str] | None:
        """(direction, size) of the change from old to new: ('up', '2.3%'),
        ('down', '1.2 percentage points'), ('no change', ''); None if it can't be said."""
        if _missing(old) or _missing(new) or SUPPRESSED in (old, new):
            return None
        if self.unit == "percent":
            size, text = (new - old) * 100, f"{abs(new - old) * 100:.1f} percentage points"
        elif old == 0:
            return None
        else:
            size = (new - old) / abs(old) * 100
            text = f"{abs(size):.1f}%"
        if round(size, 1) == 0:
            return "no change", ""
        return ("up" if size > 0 else "down"), text


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


METRICS = {m.id: m for m in [
    Metric("transactions", "Transactions per year", "count",
           "Transactions completed in the 12 months, all channels.",
           lambda t: t["volume"], True, "volume"),
    Metric("total_cost", "Total cost", "gbp",
           "Transactions × cost per transaction, as supplied by the department.",
           lambda t: np.where(t["costed_volume"] > 0, t["total_cost"], np.nan), None, "costed_volume"),
    Metric("cost_per_transaction", "Cost per transaction", "gbp",
           "Total cost ÷ transactions with a reported cost (volume-weighted across services).",
           lambda t: _ratio(t["total_cost"], t["costed_volume"]), False),
    Metric("digital_take_up", "Digital take-up", "percent",
           "Digital transactions ÷ all transactions whose channel is reported.",
           lambda t: _ratio(t["digital_volume"], t["channel_volume"]), True, "channel_volume"),
    Metric("completion_rate", "Completion rate", "percent",
           "Digital transactions completed ÷ digital transactions started.",
           lambda t: _ratio(t["completed"], t["started"]), True, "started"),
    Metric("user_satisfaction", "User satisfaction", "percent",
           "(Mean rating − 1) ÷ 4, from ratings 1 (very dissatisfied) to 5 (very satisfied).",
           _satisfaction, True, "responses"),
]}

KPI_ORDER = ["transactions", "total_cost", "cost_per_transaction", "digital_take_up",
             "completion_rate", "user_satisfaction"]


def kpis(totals: pd.DataFrame) -> pd.DataFrame:
    """Add a column per KPI to a frame of additive totals (one row per period or service); totals it
    lacks are added, empty."""
    t = {column: pd.to_numeric(totals[column], errors="coerce").to_numpy(dtype=float) if column in totals
         else np.full(len(totals), np.nan) for column in TOTAL_COLUMNS}
    added = {column: t[column] for column in TOTAL_COLUMNS if column not in totals}
    added.update({metric_id: METRICS[metric_id].compute(t).astype(float) for metric_id in KPI_ORDER})
    added["responses"] = _responses(t)
    if totals.index.is_unique and not any(column in totals for column in added):
        # one concat: a column at a time (assign) cost a third of a small frame's figures
        return pd.concat([totals, pd.DataFrame(added, index=totals.index)], axis=1)
    return totals.assign(**added)


def suppress_kpis(frame: pd.DataFrame) -> pd.DataFrame:
    """KPIs (and the transactions count) made of a small count of people or events are suppressed."""
    out = frame
    for metric_id in KPI_ORDER:
        metric = METRICS[metric_id]
        if metric.count and metric_id in out:
            out = suppress_columns(out, [metric_id], counts=out[metric.count])
    return out
