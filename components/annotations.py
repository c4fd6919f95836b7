"""Dated notes on a service's charts: a numbered marker on the period that holds the date, the
notes listed under the chart, and the same notes in every export."""
from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
from dash import html

from components.palette import DARK_GREY


def _when(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def note_label(number: int, service: str | None = None) -> str:
    """'Note 1', or 'Vehicle tax renewals, note 1' on a chart of several services."""
    return f"{service}, note {number}" if service else f"Note {number}"


def note_lines(notes: list[dict], service: str | None = None) -> tuple[str, ...]:
    """'Note 1, 12 March 2016: new online form launched' for exports."""
    return tuple(f"{note_label(n, service)}, {_when(note['date'])}: {note['text']}"
                 for n, note in enumerate(notes, start=1))


def period_of(frame: pd.DataFrame, day: date) -> int | None:
    """The row of the first period (Period start .. Period end) that holds the day."""
    starts, ends = pd.to_datetime(frame["Period start"]), pd.to_datetime(frame["Period end"])
    held = (starts <= pd.Timestamp(day)) & (pd.Timestamp(day) <= ends)
    return int(held.to_numpy().nonzero()[0][0]) if held.any() else None


def annotate(figure: go.Figure, frame: pd.DataFrame, notes: list[dict], service: str | None = None,
             level: int = 0) -> go.Figure:
    """Mark each note on the category (period) of the chart that holds its date (`service`: the
    name in its label; `level`: labels of the n-th service sit lower, so that they do not overlap)."""
    for number, note in enumerate(notes, start=1):
        row = period_of(frame, note["date"])
        if row is None:
            continue
        figure.add_shape(type="line", xref="x", yref="paper", x0=row, x1=row, y0=0, y1=1,
                         line={"color": DARK_GREY, "width": 1.5, "dash": "dot"})
        figure.add_annotation(x=row, xref="x", y=1, yref="paper", text=note_label(number, service),
                              showarrow=False, yanchor="bottom", yshift=-20 * level,
                              font={"size": 12, "color": DARK_GREY},
                              bgcolor="rgba(255,255,255,0.85)", hovertext=note["text"])
    return figure


def notes_list(notes: list[dict], list_id: str, services: list[str | None] | None = None) -> html.Div | None:
    """The notes under a chart (`services`: each note's service, on a chart of several)."""
    if not notes:
        return None
    services = services or [None] * len(notes)
    numbers = [sum(1 for s in services[:i + 1] if s == services[i]) for i in range(len(notes))]
    return html.Div([
        html.H3("Notes on this chart", className="govuk-heading-s"),
        html.Ul([html.Li([html.Strong(f"{note_label(n, who)}, {_when(note['date'])}: "), note["text"]])
                 for n, who, note in zip(numbers, services, notes)], className="govuk-list pp-notes",
                id=list_id),
    ])
