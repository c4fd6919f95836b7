"""The services index table: one row per service, columns sortable by a button in their header."""
from __future__ import annotations

import pandas as pd
from dash import html

from domain.metrics import METRICS, suppress_kpis
from domain.suppression import SUPPRESSED

# column id -> header; ids match data_access.figures.INDEX_SORTS
COLUMNS = {
    "name": "Service",
    "department": "Department",
    "period": "Year ending",
    "transactions": "Transactions per year",
    "digital_take_up": "Digital take-up",
    "cost_per_transaction": "Cost per transaction",
}
NUMERIC = ("transactions", "digital_take_up", "cost_per_transaction")


def sort_button_id(column: str) -> dict:
    return {"type": "services-sort", "column": column}


def _header(column: str, sort: str, descending: bool) -> html.Th:
    numeric = column in NUMERIC
    state = ("descending" if descending else "ascending") if column == sort else "none"
    arrow = {"descending": " ▼", "ascending": " ▲", "none": ""}[state]
    return html.Th(html.Button([COLUMNS[column], html.Span(arrow, **{"aria-hidden": "true"})],
                               id=sort_button_id(column), n_clicks=0, className="pp-sort-button",
                               title=f"Sort by {COLUMNS[column].lower()}"),
                   scope="col", className="govuk-table__header" + (" govuk-table__header--numeric" if numeric else ""),
                   **{"aria-sort": state})


def _row(service: dict) -> html.Tr:
    period = service["period"]
    cells = [
        html.Th(html.A(service["name"], href=f"/services/{service['slug']}", className="govuk-link"),
                scope="row", className="govuk-table__header pp-service-name"),
        html.Td([service["department"],
                 html.Span(service["agency"], className="pp-agency") if service["agency"] else None],
                className="govuk-table__cell"),
        html.Td(period.short_label if period else "—", className="govuk-table__cell pp-period"),
    ]
    for metric_id in NUMERIC:
        value = service[metric_id]
        shown = value == SUPPRESSED or pd.notna(value)
        text = METRICS[metric_id].format(value, exact=True) if shown else "Not reported"
        cells.append(html.Td(text, className="govuk-table__cell govuk-table__cell--numeric",
                             **{"data-value": repr(float(value)) if shown and value != SUPPRESSED else ""}))
    return html.Tr(cells, className="govuk-table__row")


def services_head(sort: str, descending: bool) -> list:
    return [html.Tr([_header(c, sort, descending) for c in COLUMNS], className="govuk-table__row")]


def services_rows(frame: pd.DataFrame) -> list:
    return [_row(s) for s in suppress_kpis(frame).to_dict("records")]


def services_table(frame: pd.DataFrame, sort: str, descending: bool, caption: str) -> html.Table:
    """The table; its caption, head and body have ids so that each can be updated alone."""
    return html.Table([
        html.Caption(caption, className="govuk-table__caption govuk-table__caption--s", id="services-caption"),
        html.Thead(services_head(sort, descending), className="govuk-table__head", id="services-head"),
        html.Tbody(services_rows(frame), className="govuk-table__body", id="services-body"),
    ], className="govuk-table pp-table pp-services-table", id="services-table")


def index_csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as CSV: the same rows and figures, unformatted."""
    frame = suppress_kpis(frame)
    take_up = frame["digital_take_up"].map(lambda v: v if v == SUPPRESSED else round(v * 100, 2))
    return pd.DataFrame({
        "Service": frame["name"], "Slug": frame["slug"], "Department": frame["department"],
        "Agency": frame["agency"],
        "Period start": [p.start.isoformat() if p else None for p in frame["period"]],
        "Period end": [p.last_day.isoformat() if p else None for p in frame["period"]],
        "Transactions per year": frame["transactions"],
        "Digital take-up (%)": take_up,
        "Cost per transaction (£)": frame["cost_per_transaction"],
    })
