"""The services index table: one row per service, columns sortable by a button in their header."""
from __future__ import annotations

import pandas as pd
from dash import html

from components.quick_html import quick
from components.tables import NUMERIC_CELL
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
    """A row of 9 elements, 50 rows a page: built with `quick`, unchecked, as each is a fixed shape."""
    period = service["period"]
    cells = [
        quick(html.Th, quick(html.A, service["name"], href=f"/services/{service['slug']}", className="govuk-link"),
              scope="row", className="govuk-table__header pp-service-name"),
        quick(html.Td, [service["department"],
                        quick(html.Span, service["agency"], className="pp-agency") if service["agency"] else None],
              className="govuk-table__cell"),
        quick(html.Td, period.short_label if period else "—", className="govuk-table__cell pp-period"),
    ]
    for metric_id in NUMERIC:
        value = service[metric_id]
        shown = value == SUPPRESSED or pd.notna(value)
        text = METRICS[metric_id].format(value, exact=True) if shown else "Not reported"
        cells.append(quick(html.Td, text, className=NUMERIC_CELL,
                           **{"data-value": repr(float(value)) if shown and value != SUPPRESSED else ""}))
    return quick(html.Tr, cells, className="govuk-table__row")


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


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page links to show: the first, the last and the current page with its neighbours;
    None where pages are left out (an ellipsis)."""
    shown = sorted({1, pages, *range(max(1, page - 1), min(pages, page + 1) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def _pager_link(text, href: str, side: str, rel: str) -> html.Div:
    return html.Div(html.A([html.Span([text, html.Span(" page", className="govuk-visually-hidden")],
                                      className="govuk-pagination__link-title")],
                           href=href, rel=rel, className="govuk-link govuk-pagination__link"),
                    className=f"govuk-pagination__{side}")


def services_pager(page: int, pages: int, href) -> html.Nav | None:
    """Previous, page numbers and Next as plain links (`href(number)` is a page's address), in a
    <nav aria-label="Pagination">; the current page is marked aria-current. None for one page."""
    if pages <= 1:
        return None
    items = []
    for number in page_numbers(page, pages):
        if number is None:
            items.append(html.Li("…", className="govuk-pagination__item govuk-pagination__item--ellipsis"))
            continue
        current = {"aria-current": "page"} if number == page else {}
        items.append(html.Li(html.A(str(number), href=href(number), className="govuk-link govuk-pagination__link",
                                    **{"aria-label": f"Page {number}", **current}),
                             className="govuk-pagination__item" + (" govuk-pagination__item--current" if current else "")))
    return html.Nav([
        _pager_link("Previous", href(page - 1), "prev", "prev") if page > 1 else None,
        html.Ul(items, className="govuk-pagination__list"),
        _pager_link("Next", href(page + 1), "next", "next") if page < pages else None,
    ], className="govuk-pagination pp-pager", **{"aria-label": "Pagination"})


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
