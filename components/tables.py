"""Plain, accessible HTML tables (GOV.UK Frontend's table styles)."""
from __future__ import annotations

import pandas as pd
from dash import html

from components.quick_html import quick


NUMERIC_CELL = "govuk-table__cell govuk-table__cell--numeric"


def data_table(frame: pd.DataFrame, caption: str, formats: dict | None = None,
               row_header: str | None = None, table_id: str | None = None) -> html.Table:
    """A table of `frame`: `formats` maps a column to a function that formats its cells;
    formatted columns are numeric and right-aligned; `row_header` names the column whose cells
    head their rows."""
    formats = formats or {}
    head = html.Thead(html.Tr([
        html.Th(column, scope="col", className="govuk-table__header"
                + (" govuk-table__header--numeric" if column in formats else ""))
        for column in frame.columns]), className="govuk-table__head")
    columns = list(frame.columns)
    rows = zip(*(frame[c].tolist() for c in columns))  # what to_dict("records") gives, ten times quicker
    body = html.Tbody([_row(zip(columns, values), formats, row_header) for values in rows],
                      className="govuk-table__body")
    props = {"id": table_id} if table_id else {}
    return html.Table([html.Caption(caption, className="govuk-table__caption govuk-table__caption--s"),
                       head, body], className="govuk-table pp-table", **props)


def _row(cells_of_row, formats: dict, row_header: str | None) -> html.Tr:
    """A row from its (column, value) pairs."""
    cells = []
    for column, value in cells_of_row:
        if column == row_header:
            cells.append(quick(html.Th, value, scope="row", className="govuk-table__header"))
        elif column in formats:
            cells.append(quick(html.Td, formats[column](value), className=NUMERIC_CELL))
        else:
            cells.append(quick(html.Td, value, className="govuk-table__cell"))
    return quick(html.Tr, cells, className="govuk-table__row")
