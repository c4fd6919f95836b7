"""Every chart and table downloads as CSV, JSON, Excel, PNG or SVG: exactly the numbers shown
(filters and suppression applied), with a header naming the source, the period and the licence."""
from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass, field

import pandas as pd

LICENCE = "Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)"
DEMO_SOURCE = ("GOV.UK Performance Platform, transactions explorer data (2011 to 2017); "
               "figures marked illustrative are generated for this demo")
TABLE_FORMATS = {"csv": "text/csv", "json": "application/json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
FORMATS = {**TABLE_FORMATS, **IMAGE_FORMATS}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "xlsx": "Excel", "png": "PNG image", "svg": "SVG image"}


@dataclass(frozen=True)
class Export:
    """What a chart or table exports: its frame, what it is, and (for images) its figure."""

    title: str
    period: str
    frame: pd.DataFrame
    source: str = DEMO_SOURCE
    notes: tuple[str, ...] = ()
    figure: object = None  # a plotly Figure, for PNG and SVG
    filename: str = "data"
    extra: dict = field(default_factory=dict)

    def header(self) -> list[tuple[str, str]]:
        return [("Title", self.title), ("Period", self.period), ("Source", self.source),
                ("Licence", LICENCE), *[("Note", note) for note in self.notes]]


def frame_span(frame: pd.DataFrame) -> str:
    """'1 April 2011 to 30 September 2017': from the first period's start to the last one's end."""
    if frame.empty:
        return "No data"
    first, last = pd.Timestamp(frame["Period start"].iloc[0]), pd.Timestamp(frame["Period end"].iloc[-1])
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _plain(value):
    """Numbers as plainly as stored (47055169, not 47055169.0); gaps as None."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    return value


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.astype(object).to_dict("records")]


def to_csv(export: Export) -> bytes:
    """'#' header lines (which the platform's own upload ignores), then the table."""
    lines = [f"# {key}: {value}" for key, value in export.header()]
    body = pd.DataFrame(_records(export.frame), columns=export.frame.columns, dtype=object).to_csv(index=False)
    return ("\n".join(lines) + "\n" + body).encode("utf-8")


def to_json(export: Export) -> bytes:
    return json.dumps({**{k.lower(): v for k, v in export.header() if k != "Note"}, "notes": list(export.notes),
                       "columns": list(export.frame.columns), "data": _records(export.frame)},
                      ensure_ascii=False, indent=1).encode("utf-8")


def to_xlsx(export: Export) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    for key, value in export.header():
        sheet.append([key, value])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheet.append([])
    sheet.append(list(export.frame.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for record in _records(export.frame):
        sheet.append(list(record.values()))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_image(export: Export, fmt: str) -> bytes:
    """The figure as PNG or SVG, drawn by kaleido in the system's Chromium, with its title and source."""
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    figure = export.figure.to_dict()
    import plotly.graph_objects as go
    drawn = go.Figure(figure)
    drawn.update_layout(title={"text": f"{export.title}<br><sup>{export.period}</sup>", "x": 0},
                        margin={"t": 140, "b": 120}, legend={"y": -0.18, "yanchor": "top"})
    drawn.add_annotation(text=f"Source: {export.source}. {LICENCE.split(' (')[0]}.", xref="paper", yref="paper",
                         x=0, y=-0.36, yanchor="top", showarrow=False, font={"size": 10}, align="left")
    return drawn.to_image(format=fmt, width=1000, height=560)


def export_bytes(export: Export, fmt: str) -> bytes:
    if fmt in IMAGE_FORMATS:
        return to_image(export, fmt)
    return {"csv": to_csv, "json": to_json, "xlsx": to_xlsx}[fmt](export)
