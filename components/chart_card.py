"""A chart with everything that makes it usable by everyone: a title, a summary in words,
the figure, a "show the data" table and a CSV download of exactly the plotted numbers."""
from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from components.palette import GRID, HIGHLIGHT, TEXT

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}


def base_layout(figure: go.Figure, y_title: str, y_format: str | None = None) -> go.Figure:
    figure.update_layout(
        template="simple_white", font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": TEXT},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=380, hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "title": None,
                "traceorder": "normal"},
        separators=".,",
    )
    figure.update_yaxes(title=y_title, gridcolor=GRID, showgrid=True, tickformat=y_format, rangemode="tozero")
    figure.update_xaxes(title=None, type="category")
    return figure


def highlight_category(figure: go.Figure, categories: list[str], selected: str | None) -> go.Figure:
    """Shade the selected period behind the data (it is also named in the summary)."""
    if selected in categories:
        index = categories.index(selected)
        figure.add_vrect(x0=index - 0.5, x1=index + 0.5, fillcolor=HIGHLIGHT, opacity=0.35,
                         layer="below", line_width=0)
    return figure


def download_links(card_id: str, urls: dict[str, str]) -> html.P:
    """'Download: CSV, JSON, Excel, PNG image, SVG image' (format -> URL)."""
    from components.exports import FORMAT_NAMES
    links = []
    for fmt, url in urls.items():
        links += [", " if links else "", html.A(FORMAT_NAMES[fmt], href=url, className="govuk-link",
                                                id=f"{card_id}-download-{fmt}", download="")]
    return html.P(["Download the data: ", *links], className="govuk-body-s pp-downloads")


def chart_card(card_id: str, title: str, figure: go.Figure, summary: str, table,
               downloads: dict[str, str], notes: list | None = None) -> html.Section:
    title_id, summary_id = f"{card_id}-title", f"{card_id}-summary"
    return html.Section([
        html.H2(title, className="govuk-heading-m", id=title_id),
        html.P(summary, className="govuk-body pp-chart-summary", id=summary_id),
        *[html.P(note, className="govuk-body-s pp-chart-note") if isinstance(note, str) else note
          for note in notes or []],
        html.Div(dcc.Graph(id=f"{card_id}-graph", figure=figure, config=GRAPH_CONFIG),
                 role="img", className="pp-chart", **{"aria-labelledby": title_id,
                                                       "aria-describedby": summary_id}),
        html.Details([
            html.Summary(html.Span("Show the data", className="govuk-details__summary-text"),
                         className="govuk-details__summary"),
            html.Div(table, className="govuk-details__text pp-table-scroll", tabIndex=0),
        ], className="govuk-details pp-chart-data", id=f"{card_id}-data"),
        download_links(card_id, downloads),
    ], className="pp-chart-card", id=card_id, **{"aria-labelledby": title_id})
