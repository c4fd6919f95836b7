"""KPI tiles: one figure, its period, and its change on the previous period and on a year before."""
from __future__ import annotations

from dash import html

from domain.metrics import Metric
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, threshold

ARROWS = {"up": "▲", "down": "▼", "no change": "▶"}


def change_text(metric: Metric, value, previous, previous_period: YearEnding | None) -> str:
    """'▲ up 2.3% on year to June 2017', or why there is no comparison."""
    if previous_period is None:
        return "No earlier period to compare with"
    change = metric.change(previous, value)
    against = f"year to {previous_period.ending}"
    if change is None:
        return f"No figure for the {against} to compare with"
    direction, size = change
    if direction == "no change":
        return f"{ARROWS[direction]} no change on {against}"
    return f"{ARROWS[direction]} {direction} {size} on {against}"


def kpi_tile(metric: Metric, value, previous, period: YearEnding, previous_period: YearEnding | None,
             illustrative: bool = False, year_before=None, year_before_period: YearEnding | None = None) -> html.Li:
    """The figure, its period, its change on the previous period and, if given, on a year before."""
    parts = [
        html.H3(metric.name, className="pp-kpi__name"),
        html.P(metric.format(value), className="pp-kpi__value", id=f"kpi-{metric.id}-value",
               title=metric.format(value, exact=True)),
        html.P(period.label, className="pp-kpi__period"),
        html.P(change_text(metric, value, previous, previous_period), className="pp-kpi__change",
               id=f"kpi-{metric.id}-change"),
    ]
    if year_before_period is not None and year_before_period != previous_period:
        parts.append(html.P(change_text(metric, value, year_before, year_before_period),
                            className="pp-kpi__change", id=f"kpi-{metric.id}-change-year"))
    if value == SUPPRESSED:
        parts.insert(2, html.P(f"Fewer than {threshold()}: not shown, to protect privacy",
                               className="pp-kpi__change"))
    if illustrative:
        parts.append(html.Strong("Illustrative", className="govuk-tag govuk-tag--grey pp-kpi__tag",
                                 title="Generated for this demo; not reported by the service"))
    return html.Li(parts, className="pp-kpi", id=f"kpi-{metric.id}")


def kpi_tiles(tiles: list[html.Li], label: str) -> html.Ul:
    return html.Ul(tiles, className="pp-kpis", **{"aria-label": label})
