"""Exports: CSV, JSON and Excel hold the frame's numbers exactly, under a header naming title,
period, source and licence; PNG and SVG are drawn by kaleido in the system's Chromium."""
import csv
import io
import json

import pandas as pd
import plotly.graph_objects as go
from openpyxl import load_workbook

from components.exports import Export, export_bytes, frame_span

FRAME = pd.DataFrame({"Year ending": ["Sep 2016", "Sep 2017"], "Period start": ["2015-10-01", "2016-10-01"],
                      "Period end": ["2016-09-30", "2017-09-30"], "Digital": [38_000_000.0, 38_522_671.0],
                      "Phone": ["suppressed", 3_635_866.0], "Take-up (%)": [81.87, float("nan")]})
EXPORT = Export("Transactions by channel: Vehicle tax renewals", frame_span(FRAME), FRAME, notes=("A note.",),
                figure=go.Figure(go.Bar(x=FRAME["Year ending"], y=[1, 2])), filename="vehicle")


def test_csv_has_a_header_then_exactly_the_numbers():
    text = export_bytes(EXPORT, "csv").decode()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert header[:2] == ["# Title: Transactions by channel: Vehicle tax renewals",
                          "# Period: 1 October 2015 to 30 September 2017"]
    assert any(line.startswith("# Licence: Open Government Licence v3.0") for line in header)
    assert "# Note: A note." in header
    rows = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    assert rows[1]["Digital"] == "38522671" and rows[0]["Phone"] == "suppressed"
    assert rows[0]["Take-up (%)"] == "81.87" and rows[1]["Take-up (%)"] == ""


def test_json_has_the_same_rows():
    data = json.loads(export_bytes(EXPORT, "json"))
    assert data["title"] == EXPORT.title and data["licence"].startswith("Open Government Licence")
    assert data["columns"] == list(FRAME.columns)
    assert data["data"][1]["Digital"] == 38522671 and data["data"][0]["Phone"] == "suppressed"
    assert data["data"][1]["Take-up (%)"] is None


def test_excel_has_the_header_rows_then_the_table():
    sheet = load_workbook(io.BytesIO(export_bytes(EXPORT, "xlsx"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Title", EXPORT.title)
    table = rows[rows.index(tuple(FRAME.columns)):]
    assert table[2][3] == 38522671 and table[1][4] == "suppressed"


def test_png_and_svg_are_drawn_with_title_and_source():
    png = export_bytes(EXPORT, "png")
    assert png.startswith(b"\x89PNG") and len(png) > 5_000
    svg = export_bytes(EXPORT, "svg").decode()
    assert svg.startswith("<svg") and "Vehicle tax renewals" in svg and "Open Government Licence" in svg
