"""The same period a year before, on any chart over time: one rule for its figures, one look for
its line, one control and one sentence, shared by the service page, the drill-downs, the compare
page and the department and agency pages.

The year-before figure of a period is the figure of the period that ended twelve months earlier,
looked up by its end date; where there is none it is a gap (NaN), never 0, and a suppressed figure
stays suppressed.
"""
from __future__ import annotations

import functools
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from components.palette import DARK_GREY
from domain.suppression import SUPPRESSED, numeric

YEAR_BEFORE = ", a year before"  # suffix of a year-before column: "Total, a year before"
COMPARE = "year-before"  # the URL's value: ?compare=year-before
LABEL = " Show the same period a year before on the charts"


def ended_a_year_before(ends):
    """The last day of the period that ended twelve months before (a Timestamp or a Series of them):
    30 September 2016 for 30 September 2017, 28 February 2015 for 29 February 2016."""
    return ends + pd.Timedelta(days=1) - pd.DateOffset(years=1) - pd.Timedelta(days=1)


def add_year_before(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Add '<column>, a year before': the value of the period that ended twelve months earlier."""
    ends = [_day(end) for end in frame["Period end"]]
    values = dict(zip(ends, frame[column]))
    out = frame.copy()
    out[column + YEAR_BEFORE] = [values.get(_a_year_before(end), float("nan")) for end in ends]
    return out


def _day(end) -> str:
    """A period's end (ISO text, date or Timestamp) as ISO text, the key periods are looked up by."""
    return end if isinstance(end, str) else pd.Timestamp(end).date().isoformat()


@functools.lru_cache(maxsize=4096)
def _a_year_before(end: str) -> str:
    """ended_a_year_before of one end, kept: a few hundred ends recur in every chart."""
    return ended_a_year_before(pd.Timestamp(end)).date().isoformat()


def is_year_before(column: str) -> bool:
    return column.endswith(YEAR_BEFORE)


def overlay_year_before(figure: go.Figure, frame: pd.DataFrame, column: str, name: str | None = None,
                        colour: str = DARK_GREY, symbol: str = "diamond", dash: str = "dash",
                        x=None, **position) -> go.Figure:
    """The same period a year before, as a dashed line over the chart (`position`: row and col of
    a subplot, and any other property of the line; `x`: the categories, by default the frame's first
    column)."""
    name = name or column.removesuffix(" (%)") + YEAR_BEFORE
    line = {"x": frame.iloc[:, 0] if x is None else x, "y": numeric(frame[column + YEAR_BEFORE]),
            "mode": "lines+markers", "name": name, "connectgaps": False,
            "line": {"color": colour, "dash": dash, "width": 2}, "marker": {"symbol": symbol},
            "hovertemplate": "%{y:,.2f}<extra>" + name + "</extra>"}
    # unvalidated, as chart_card.new_figure (half the cost): tests/components/test_chart_card.py checks it
    place = {key: position.pop(key) for key in ("row", "col") if key in position}
    return figure.add_trace(go.Scatter({**line, **position}, _validate=False), **place)


def wants_year_before(value) -> bool:
    """The URL's `compare` value or the checkbox's values: is the year before asked for?"""
    return value == COMPARE or (isinstance(value, (list, tuple)) and COMPARE in value)


def compare_param(year_before: bool) -> str | None:
    """The URL's `compare` value (None: left out of the URL)."""
    return COMPARE if year_before else None


def year_before_control(control_id: str, checked: bool) -> html.Div:
    """The checkbox that overlays the same period a year before (its value lives in the URL)."""
    return html.Div(dcc.Checklist(id=control_id, value=[COMPARE] if checked else [],
                                  options=[{"label": LABEL, "value": COMPARE}], className="pp-checkbox"),
                    className="govuk-form-group pp-filter")


def _usable(value) -> bool:
    return value is not None and value != SUPPRESSED and not pd.isna(value)


def _phrase(end) -> str:
    return f"the year to {pd.Timestamp(end):%B %Y}"


def year_before_clause(frame: pd.DataFrame, column: str, fmt: Callable[[float], str],
                       label: str | None = None, what: str | None = None, counted: str | None = None) -> str | None:
    """'81.9% in the year to September 2017 against 79.0% in the year to September 2016' for the
    row of `label` (a 'Year ending') or the last row with a figure, after '<what>: ' if given; None
    when there is no such row. `counted`: a column of services reporting, named after each year's
    figure when the two years count different services ('(414 services reporting)')."""
    if frame.empty or column + YEAR_BEFORE not in frame:
        return None
    rows = frame[frame["Year ending"] == label] if label else frame[[_usable(v) for v in frame[column]]]
    if rows.empty or not _usable(rows.iloc[-1][column]):
        return None
    row = rows.iloc[-1]
    end = pd.Timestamp(row["Period end"])
    earlier_end = ended_a_year_before(end)
    before, earlier = _phrase(earlier_end), row[column + YEAR_BEFORE]
    now_note, then_note = _count_note(frame, counted, end), _count_note(frame, counted, earlier_end)
    if now_note == then_note or not _usable(earlier):
        now_note = then_note = ""
    then = (f"suppressed in {before}" if earlier == SUPPRESSED else
            f"no figure for {before}" if not _usable(earlier) else f"{fmt(float(earlier))} in {before}{then_note}")
    clause = f"{fmt(float(row[column]))} in {_phrase(end)}{now_note} against {then}"
    return f"{what}: {clause}" if what else clause


def _count_note(frame: pd.DataFrame, counted: str | None, end) -> str:
    """' (414 services reporting)' for the period of the frame that ends on `end`; '' without one."""
    if not counted or counted not in frame:
        return ""
    found = frame[[_day(e) == _day(end) for e in frame["Period end"]]]
    if found.empty or not _usable(found.iloc[-1][counted]):
        return ""
    count = int(found.iloc[-1][counted])
    return f" ({count:,} service{'' if count == 1 else 's'} reporting)"


LEAD = "The dashed line shows the same period a year before"


def year_before_sentence(clauses: list[str | None], lead: str = LEAD) -> str:
    """' The dashed line shows the same period a year before: <clause>; <clause>.', to end a summary
    (' ... a year before. Transactions: <clause>; ...' when the clauses are named)."""
    kept = [c for c in clauses if c]
    if not kept:
        return f" {lead}."
    text = "; ".join(kept)
    if all(": " in c for c in kept):
        return f" {lead}. {text[0].upper()}{text[1:]}."
    return f" {lead}: {text}."


def year_before_summary(frame: pd.DataFrame, column: str, fmt: Callable[[float], str], label: str | None = None,
                        what: str | None = None, lead: str = LEAD, counted: str | None = None) -> str:
    """The sentence for a chart with one year-before line ('' when its frame has none)."""
    if column + YEAR_BEFORE not in frame:
        return ""
    return year_before_sentence([year_before_clause(frame, column, fmt, label, what, counted)], lead)


def percent_text(value: float) -> str:
    """'81.9%' for a percentage from 0 to 100."""
    return f"{value:.1f}%"
