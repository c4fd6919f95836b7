"""What every dashboard module shares: reading answer rows (dates, numbers, "suppressed"), period
labels, number formats of the original configurations, and the card a module is drawn in.

A module's `View` is what it shows: the frame (its table and its export), the figure, a summary in
words and, for figures fit for a big screen, a headline. Rows are the data API's JSON answer rows,
small counts already "suppressed"; a sum with a suppressed part is suppressed too.
"""
from __future__ import annotations

import html as html_text
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.chart_card import chart_card, download_links
from components.exports import TABLE_FORMATS
from components.tables import data_table
from domain.suppression import SUPPRESSED, threshold

PERIOD_COLUMNS = ["Period", "Period start", "Period end"]


@dataclass
class View:
    """What a module shows; `frame` is tabulated and exported exactly as it is."""

    frame: pd.DataFrame
    summary: str
    figure: go.Figure | None = None
    formats: dict = field(default_factory=dict)  # column -> format of its cells
    headline: dict | None = None  # {"value", "period"}: the figure a big screen shows
    notes: list = field(default_factory=list)
    period: str = ""  # what the export says the data covers
    lead: tuple[str, str] | None = None  # (figure, caption) shown big above the chart


# --- reading rows ------------------------------------------------------------------------------------

def when(value) -> datetime | None:
    """A datetime from an answer's ISO string (or a datetime), naive UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return None


def number(value):
    """A float, SUPPRESSED, or None (no records, or not a number)."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if value is None or isinstance(value, (bool, str)):
        return None
    value = float(value)
    return None if math.isnan(value) else value


def total(values):
    """The sum of values: None when none is known, SUPPRESSED when any part is."""
    values = [number(v) for v in values]
    if SUPPRESSED in values:
        return SUPPRESSED
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def ratio(numerator, denominator):
    """numerator / denominator; SUPPRESSED when either is, or the denominator is a small count."""
    if SUPPRESSED in (numerator, denominator):
        return SUPPRESSED
    if numerator is None or not denominator:
        return None
    if 0 < denominator < threshold():
        return SUPPRESSED
    return numerator / denominator


def known(values) -> list:
    return [v for v in values if v is not None and v != SUPPRESSED]


def plotted(values) -> list:
    """Values for a chart: suppressed and missing ones are gaps."""
    return [v if isinstance(v, (int, float)) else None for v in values]


def plain_text(text) -> str:
    """Configuration text without its HTML (the original allowed tags and <br/>)."""
    text = re.sub(r"<br\s*/?>", "\n", str(text or ""))
    return html_text.unescape(re.sub(r"<[^>]+>", "", text)).strip()


# --- periods -----------------------------------------------------------------------------------------

def period_of(module: dict) -> str | None:
    params = (module.get("data-source") or {}).get("query-params") or {}
    return params.get("period") or module.get("axis-period")


def guess_period(start: datetime, end: datetime | None) -> str:
    if end is None:
        return "day"
    days = (end - start).days
    if end - start <= timedelta(hours=1):
        return "hour"
    return "day" if days <= 1 else "week" if days <= 7 else "month" if days <= 31 else (
        "quarter" if days <= 92 else "year")


def period_label(start: datetime, end: datetime | None, period: str | None = None) -> str:
    """'7 Oct 2013' (a day, or the week starting then), 'Oct 2013', 'Oct to Dec 2013', '14:00 3 Mar 2014'."""
    period = period or guess_period(start, end)
    if period == "hour":
        return f"{start:%H:%M} {start.day} {start:%b %Y}"
    if period in ("day", "week"):
        return f"{start.day} {start:%b %Y}"
    if period == "month":
        return f"{start:%b %Y}"
    last = (end or start) - timedelta(days=1)
    if period == "quarter":
        return f"{start:%b} to {last:%b %Y}"
    return f"{start:%b %Y} to {last:%b %Y}"


PERIOD_NAMES = {"hour": "Hour starting", "day": "Day", "week": "Week starting", "month": "Month",
                "quarter": "Quarter", "year": "Year"}


def period_words(start: datetime, end: datetime | None, period: str | None = None) -> str:
    """'the week starting 7 Oct 2013', 'Oct 2013', 'the day 3 Mar 2014'."""
    period = period or guess_period(start, end)
    label = period_label(start, end, period)
    return {"hour": f"the hour starting {label}", "day": label, "week": f"the week starting {label}",
            "quarter": label, "year": label}.get(period, label)


def period_columns(spans: list[tuple[datetime, datetime | None]], period: str | None) -> dict:
    """The three leading columns: a label, and the period's first and last day (or minute, for hours)."""
    return {"Period": [period_label(s, e, period) for s, e in spans],
            "Period start": [_first(s, period) for s, _ in spans],
            "Period end": [_last(e, period) for _, e in spans]}


def _first(start: datetime, period: str | None) -> str:
    return start.isoformat(sep=" ", timespec="minutes") if period == "hour" else start.date().isoformat()


def _last(end: datetime | None, period: str | None) -> str:
    if end is None:
        return ""
    if period == "hour":
        return (end - timedelta(minutes=1)).isoformat(sep=" ", timespec="minutes")
    return (end - timedelta(days=1)).date().isoformat()


def span_text(frame: pd.DataFrame) -> str:
    if frame.empty or "Period start" not in frame:
        return ""
    return f"{frame['Period start'].iloc[0]} to {frame['Period end'].iloc[-1]}"


# --- formats -----------------------------------------------------------------------------------------

def format_kind(fmt) -> str:
    """'integer', 'percent', 'currency', 'duration', 'number' or 'date' from a config's format."""
    if isinstance(fmt, dict):
        return fmt.get("type", "number")
    return fmt or "number"


def magnitude(value: float, sigfigs: int = 3) -> str:
    """2481770 -> '2.48m' (3 significant figures); below a thousand, as it is."""
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            scaled = value / size
            digits = max(sigfigs - len(str(int(abs(scaled)))), 0)
            return f"{scaled:.{digits}f}{suffix}"
    return f"{value:,.{0 if float(value).is_integer() else 2}f}"


def format_value(value, fmt=None, exact: bool = False) -> str:
    """A cell or a headline in the module's configured format; 'Suppressed' and 'No data' as words."""
    if value == SUPPRESSED:
        return "Suppressed"
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "No data"
    options = fmt if isinstance(fmt, dict) else {}
    kind = format_kind(fmt)
    big = options.get("magnitude") and not exact
    if kind == "currency":
        if big:
            return "£" + magnitude(value, options.get("sigfigs", 3))
        return f"£{value:,.{options.get('dps', 2 if options.get('pence') or abs(value) < 1000 else 0)}f}"
    if kind == "percent":
        sign = "+" if options.get("showSigns") and value > 0 else ""
        return f"{sign}{value:.1f}%"
    if kind == "duration":
        return f"{value:,.1f} min"
    if big:
        return magnitude(value, options.get("sigfigs", 3))
    return f"{value:,.0f}" if kind == "integer" or float(value).is_integer() else f"{value:,.2f}"


def cell_formatter(fmt):
    def cell(value) -> str:
        text = format_value(value, fmt, exact=True)
        return "" if text == "No data" else text
    return cell


# --- the card ----------------------------------------------------------------------------------------

def card_id(path: str) -> str:
    return "module-" + re.sub(r"[^a-z0-9-]", "-", path)


def module_notes(module: dict) -> list[str]:
    notes = [plain_text(module["description"])] if module.get("description") else []
    return notes + [plain_text(line) for line in module.get("info") or [] if plain_text(line)]


def module_card(module: dict, path: str, view: View, downloads: dict[str, str]) -> html.Section:
    """The module drawn as a chart card (figure, summary, table, downloads), or, without a figure,
    as its lead figure or table with the same summary and downloads."""
    cid = card_id(path)
    table = data_table(view.frame, module["title"], {c: cell_formatter(f) for c, f in view.formats.items()},
                       row_header=view.frame.columns[0] if len(view.frame.columns) else None,
                       table_id=f"{cid}-table")
    notes = [*module_notes(module), *view.notes]
    lead = lead_figure(*view.lead, f"{cid}-figure") if view.lead else None
    if view.figure is not None:
        card = chart_card(cid, module["title"], view.figure, view.summary, table, downloads,
                          [*([lead] if lead else []), *notes])
        card.className += " pp-module"
        return card
    title_id = f"{cid}-title"
    return html.Section([
        html.H2(module["title"], className="govuk-heading-m", id=title_id),
        *([lead] if lead else []),
        html.P(view.summary, className="govuk-body pp-chart-summary", id=f"{cid}-summary"),
        *[html.P(n, className="govuk-body-s pp-chart-note") if isinstance(n, str) else n for n in notes],
        html.Div(table, className="pp-table-scroll", tabIndex=0) if lead is None else html.Details([
            html.Summary(html.Span("Show the data", className="govuk-details__summary-text"),
                         className="govuk-details__summary"),
            html.Div(table, className="govuk-details__text pp-table-scroll", tabIndex=0),
        ], className="govuk-details pp-chart-data", id=f"{cid}-data"),
        download_links(cid, {fmt: url for fmt, url in downloads.items() if fmt in TABLE_FORMATS}),  # no image
    ], className="pp-chart-card pp-module", id=cid, **{"aria-labelledby": title_id})


def no_data(module: dict, path: str, source: str, reason: str | None = None) -> html.Section:
    cid = card_id(path)
    message = reason or f"No data yet for this module (data set {source})."
    return html.Section([
        html.H2(module.get("title", ""), className="govuk-heading-m", id=f"{cid}-title"),
        *[html.P(n, className="govuk-body-s pp-chart-note") for n in module_notes(module)],
        html.Div(html.P(message, className="govuk-body govuk-!-margin-bottom-0", id=f"{cid}-no-data"),
                 className="govuk-inset-text pp-module__empty"),
    ], className="pp-chart-card pp-module pp-module--empty", id=cid, **{"aria-labelledby": f"{cid}-title"})


def lead_figure(value: str, caption: str, element_id: str) -> html.Div:
    """A big figure and what it is ('2.48m', 'for 1 Oct 2012 to 30 Sep 2013')."""
    return html.Div([html.P(value, className="pp-module__figure", id=element_id),
                     html.P(caption, className="pp-module__caption")], className="pp-module__lead")


def source_name(module: dict) -> str:
    source = module.get("data-source") or {}
    return f"{source.get('data-group', '?')}/{source.get('data-type', '?')}"
