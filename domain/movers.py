"""Changes between two years for a group of services, like for like, and the services that moved most.

Different services report different years, so a group's total changes when a service starts or
stops reporting. A like-for-like comparison counts only the services that report the figure in
both years. Inputs are frames with a row per service (`slug`, `name`...) and the additive totals of
domain.metrics (as data_access.figures.service_index gives them): plain data, no SQL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from domain.metrics import METRICS, TOTAL_COLUMNS, kpis
from domain.periods import YearEnding
from domain.suppression import is_small

# the default year: the latest in which the services that reported a year earlier, handling at
# least this share of that year's transactions, reported again
COVERAGE_THRESHOLD = 0.9
# a service's rate moves a lot on a few transactions: movers handle at least this many in both years
MIN_VOLUME = 1_000
MOVER_METRICS = ("digital_take_up", "cost_per_transaction")
# the count each KPI is a share of: what "at least MIN_VOLUME" is measured on
DENOMINATORS = {"transactions": "volume", "total_cost": "costed_volume",
                "cost_per_transaction": "costed_volume", "digital_take_up": "channel_volume"}


def year_before(period: YearEnding) -> YearEnding:
    """The same twelve months a year earlier: year on year, never overlapping."""
    return period.shifted(-12)


def reporting(frame: pd.DataFrame, metric_id: str) -> pd.DataFrame:
    """The services of a frame that report the KPI (a number, not a gap)."""
    values = pd.to_numeric(frame[metric_id], errors="coerce") if metric_id in frame else pd.Series(dtype=float)
    return frame[values.notna()] if len(values) else frame.iloc[0:0]


def group_figure(frame: pd.DataFrame) -> pd.Series:
    """The group's totals and KPIs: the KPIs of the summed totals (volume-weighted)."""
    totals = {c: frame[c].sum(min_count=1) if c in frame else math.nan for c in TOTAL_COLUMNS}
    return kpis(pd.DataFrame([totals])).iloc[0]


@dataclass(frozen=True)
class Comparison:
    """A KPI of a group in two years, counting only the services that report it in both."""

    metric_id: str
    previous: float
    current: float
    services: int  # reporting the KPI in both years
    previous_services: int  # reporting it in the year before
    current_services: int  # reporting it in the chosen year
    suppressed: bool = False  # made of a small count: not to be shown

    @property
    def change(self) -> tuple[str, str] | None:
        return METRICS[self.metric_id].change(self.previous, self.current)


def like_for_like(current: pd.DataFrame, previous: pd.DataFrame, metric_id: str) -> Comparison | None:
    """The KPI over the services reporting it in both years; None when no service does."""
    now, before = reporting(current, metric_id), reporting(previous, metric_id)
    both = set(now["slug"]) & set(before["slug"])
    if not both:
        return None
    new = group_figure(now[now["slug"].isin(both)])
    old = group_figure(before[before["slug"].isin(both)])
    count = DENOMINATORS.get(metric_id, "volume")
    return Comparison(metric_id, float(old[metric_id]), float(new[metric_id]), len(both), len(before), len(now),
                      is_small(old[count]) or is_small(new[count]))


def retained_share(current: pd.DataFrame, previous: pd.DataFrame) -> float | None:
    """Of the transactions reported in the year before, the share made by services that report
    transactions again this year (None when the year before has none)."""
    before = reporting(previous, "transactions")
    total = before["volume"].sum()
    if not total:
        return None
    again = set(reporting(current, "transactions")["slug"])
    return float(before[before["slug"].isin(again)]["volume"].sum() / total)


def latest_well_covered(periods: list[YearEnding], services_in: Callable[[YearEnding], pd.DataFrame],
                        threshold: float = COVERAGE_THRESHOLD) -> tuple[YearEnding | None, float | None]:
    """(year, share): the latest of `periods` (newest first) whose retained share of the year
    before's transactions is at least `threshold`; else the latest year, with share None.
    `services_in(period)` gives the services' totals for a year."""
    known = set(periods)
    for period in periods:
        if year_before(period) not in known:
            continue
        share = retained_share(services_in(period), services_in(year_before(period)))
        if share is not None and share >= threshold:
            return period, share
    return (periods[0] if periods else None), None


def service_changes(current: pd.DataFrame, previous: pd.DataFrame, metric_id: str,
                    min_volume: float = MIN_VOLUME) -> pd.DataFrame:
    """A row per service with the KPI in both years: its identity, `previous`, `current`,
    `change` (percentage points for rates, % otherwise) and `improvement` (the change, signed so
    that better is positive). Services with fewer than `min_volume` transactions behind the KPI in
    either year are left out; so are costs of zero (a change from or to £0 is not a rate)."""
    metric, count = METRICS[metric_id], DENOMINATORS.get(metric_id, "volume")
    keep = [c for c in ("slug", "name", "department", "department_slug", "agency", "agency_slug")
            if c in current]
    now = reporting(current, metric_id)
    now = now[now[count] >= min_volume][keep + [metric_id, "volume"]]
    before = reporting(previous, metric_id)
    before = before[before[count] >= min_volume][["slug", metric_id]]
    both = now.merge(before, on="slug", suffixes=("", "_before"))
    both = both.rename(columns={metric_id: "current", f"{metric_id}_before": "previous"})
    if metric.unit == "percent":
        both["change"] = (both["current"] - both["previous"]) * 100
    else:
        both = both[(both["previous"] > 0) & (both["current"] > 0)]
        both["change"] = (both["current"] - both["previous"]) / both["previous"] * 100
    both["improvement"] = both["change"] if metric.higher_is_better else -both["change"]
    return both.reset_index(drop=True)


def movers(changes: pd.DataFrame, count: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(improvers, decliners): the `count` services that improved most and declined most, biggest
    first (ties by name). A change that rounds to 0.0 is no move."""
    moved = changes[changes["improvement"].abs().round(1) > 0]
    improvers = moved[moved["improvement"] > 0].sort_values(["improvement", "name"], ascending=[False, True])
    decliners = moved[moved["improvement"] < 0].sort_values(["improvement", "name"], ascending=[True, True])
    return improvers.head(count).reset_index(drop=True), decliners.head(count).reset_index(drop=True)


def largest(services: pd.DataFrame, count: int = 10) -> pd.DataFrame:
    """The `count` services with the most transactions (ties by name)."""
    shown = reporting(services, "transactions")
    return shown.sort_values(["volume", "name"], ascending=[False, True]).head(count).reset_index(drop=True)
