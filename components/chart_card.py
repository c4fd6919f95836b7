"""A chart with everything that makes it usable by everyone: a title, a summary in words,
the figure, a "show the data" table and a CSV download of exactly the plotted numbers."""
from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
from dash import Patch, dcc, html

from components.palette import GRID, HIGHLIGHT, SECONDARY_TEXT, TEXT

# the mode bar keeps zoom, pan, reset and the PNG download: named buttons that Plotly shows while one
# has keyboard focus, outlined in yellow (assets/02-app.css); nothing is sent to Plotly's cloud
CHART_HEIGHT = 380  # px, unless a figure sets its own

GRAPH_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "sendChartToCloud"]}


# The template travels in every figure's JSON and plotly copies it into each new figure, so it keeps
# only what the app draws: simple_white's defaults for bars and lines, none of its maps, polar,
# ternary or 3D axes, or colour scales (9.0 kB of JSON a figure, now 1.6 kB).
DRAWN_TRACES = ("bar", "scatter")
UNUSED_LAYOUT = ("coloraxis", "colorscale", "geo", "polar", "scene", "ternary")


def layout_template() -> go.layout.Template:
    """simple_white, cut down to what the app draws, with the layout every chart shares: built and
    validated once, then plotly's default template (components/__init__.py), which it applies to each
    new figure without validating it again. (`template=` on each figure cost 50-200 ms: a validated
    deep copy.)"""
    simple_white = pio.templates["simple_white"].to_plotly_json()
    template = go.layout.Template(
        data={kind: traces for kind, traces in simple_white["data"].items() if kind in DRAWN_TRACES},
        layout={key: value for key, value in simple_white["layout"].items() if key not in UNUSED_LAYOUT})
    template.layout.update(
        font={"family": "Arial, Helvetica, sans-serif", "size": 14, "color": TEXT},
        margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=CHART_HEIGHT, hovermode="x unified",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "traceorder": "normal"},
        separators=".,",
        modebar={"color": SECONDARY_TEXT, "activecolor": TEXT},  # Plotly's default grey is too faint
    )
    # a template's xaxis and yaxis apply to every x and y axis of a figure (subplots too)
    template.layout.yaxis.update(gridcolor=GRID, showgrid=True, rangemode="tozero")
    template.layout.xaxis.update(type="category")
    return template


# a count axis reads 1,500, 20k, 3M, 3B (plotly's own rule); the d3 format "~s" wrote 3G for 3 billion
COUNT_AXIS = {"exponentformat": "B", "separatethousands": True}


def base_layout(figure: go.Figure, y_title: str, y_format: str | None = None, **y_axis) -> go.Figure:
    """The y axes' title and number format; the rest of the shared layout is the template's."""
    figure.update_yaxes(title=y_title, tickformat=y_format, **y_axis)
    return figure


def new_figure(traces: list[dict], y_title: str, y_format: str | None = None, barmode: str | None = None,
               **y_axis) -> go.Figure:
    """A figure of these traces (plain dicts) with the shared layout: built in one step, which costs a
    third of adding the traces and layout one by one, and unvalidated, which halves it again (the
    traces are the app's own; tests/components/test_chart_card.py checks that plotly accepts them)."""
    layout = {"yaxis": {"title": {"text": y_title}, **({"tickformat": y_format} if y_format else {}), **y_axis}}
    return go.Figure(data=traces, layout={**layout, **({"barmode": barmode} if barmode else {})}, _validate=False)


def highlight_shape(categories: list[str], selected: str | None) -> dict:
    """The shading of the selected period behind the data (it is also named in the summary); hidden
    when `selected` is not one of the categories."""
    index = categories.index(selected) if selected in categories else 0
    return {"type": "rect", "xref": "x", "yref": "y domain", "x0": index - 0.5, "x1": index + 0.5, "y0": 0, "y1": 1,
            "fillcolor": HIGHLIGHT, "opacity": 0.35, "layer": "below", "line": {"width": 0},
            "visible": selected in categories}


def highlight_category(figure: go.Figure, categories: list[str], selected: str | None) -> go.Figure:
    """Shade the selected period. The shading is always the figure's first shape (hidden when
    nothing is selected), so that `highlight_patch` can move it without redrawing the figure."""
    figure.layout.shapes = [highlight_shape(categories, selected), *figure.layout.shapes]
    return figure


def highlight_patch(categories: list[str], selected: str | None) -> Patch:
    """A change to a figure of `highlight_category`: the shading moved to `selected`, nothing else sent."""
    patch = Patch()
    patch["layout"]["shapes"][0] = highlight_shape(categories, selected)
    return patch


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
        # a figure, not role="img": an image may not hold the mode bar's buttons; the graph's height
        # is set, so that a figure changed in place (a Patch) keeps it
        html.Figure(dcc.Graph(id=f"{card_id}-graph", figure=figure, config=GRAPH_CONFIG,
                              style={"height": f"{figure.layout.height or CHART_HEIGHT}px"}),
                    className="pp-chart", **{"aria-labelledby": title_id, "aria-describedby": summary_id}),
        html.Details([
            html.Summary(html.Span("Show the data", className="govuk-details__summary-text"),
                         className="govuk-details__summary"),
            html.Div(table, className="govuk-details__text pp-table-scroll", tabIndex=0),
        ], className="govuk-details pp-chart-data", id=f"{card_id}-data"),
        download_links(card_id, downloads),
    ], className="pp-chart-card", id=card_id, **{"aria-labelledby": title_id})
