"""/big-screen/<slug>?interval=60: a dashboard's key figures for an office wall, one at a time in
large type, rotating every few seconds; the figures are fetched again every `interval` seconds.

The same visibility as the dashboard (a draft needs `?key=`). Rotation can be paused (WCAG 2.2.2).
"""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, dcc, html

from components.modules import headlines
from components.modules.common import format_value
from pages.dashboard import all_rows, not_found, visible_dashboard

dash.register_page(__name__, path_template="/big-screen/<slug>", title="Big screen – Performance Platform")

REFRESH = (10, 3600, 60)  # seconds between data refreshes: least, most, default
ROTATE = (3, 60, 8)  # seconds a figure stays on screen


def clamp(text, bounds: tuple[int, int, int]) -> int:
    least, most, default = bounds
    try:
        value = int(str(text))
    except ValueError:
        return default
    return min(max(value, least), most)


def screen_figures(dashboard: dict) -> list[dict]:
    """The dashboard's KPI-like figures as shown: {"title", "value", "period"} (text)."""
    modules = dashboard["modules"] or []
    rows, _ = all_rows(modules)
    return [{"title": h["title"], "value": format_value(h["value"], h["format"]), "period": h["period"]}
            for h in headlines(modules, rows)]


def slide(figures: list[dict], index: int):
    if not figures:
        return html.Div([html.P("No figures yet", className="pp-big-screen__value")], className="pp-big-screen__slide")
    figure = figures[index % len(figures)]
    return html.Div([
        html.H2(figure["title"], className="pp-big-screen__title", id="big-screen-title"),
        html.P(figure["value"], className="pp-big-screen__value", id="big-screen-value"),
        html.P(figure["period"], className="pp-big-screen__period", id="big-screen-period"),
        html.P(f"Figure {index % len(figures) + 1} of {len(figures)}", className="pp-big-screen__count",
               id="big-screen-count"),
    ], className="pp-big-screen__slide")


def layout(slug=None, interval=None, rotate=None, key=None, **_):
    dashboard = visible_dashboard(slug, key)
    if dashboard is None:
        return not_found()
    figures = screen_figures(dashboard)
    refresh, turn = clamp(interval, REFRESH), clamp(rotate, ROTATE)
    return html.Div([
        html.H1(dashboard["title"], className="pp-big-screen__dashboard"),
        html.Div(slide(figures, 0), id="big-screen-slide"),
        html.Div([
            html.Button("Pause", id="big-screen-pause", type="button", **{"aria-pressed": "false"},
                        className="govuk-button govuk-button--secondary pp-big-screen__pause"),
            html.P(f"A figure every {turn} seconds; the figures are refreshed every {refresh} seconds.",
                   className="pp-big-screen__note"),
        ], className="pp-big-screen__controls"),
        dcc.Store(id="big-screen-source", data={"slug": slug, "key": key}),
        dcc.Store(id="big-screen-figures", data=figures),
        dcc.Interval(id="big-screen-rotate", interval=turn * 1000),
        dcc.Interval(id="big-screen-refresh", interval=refresh * 1000),
    ], className="pp-big-screen", id="big-screen")


@callback(Output("big-screen-slide", "children"), Input("big-screen-rotate", "n_intervals"),
          Input("big-screen-figures", "data"), prevent_initial_call=True)
def turn(count, figures):
    return slide(figures or [], count or 0)


@callback(Output("big-screen-figures", "data"), Input("big-screen-refresh", "n_intervals"),
          State("big-screen-source", "data"), prevent_initial_call=True)
def refresh(_, source):
    dashboard = visible_dashboard((source or {}).get("slug"), (source or {}).get("key"))
    return screen_figures(dashboard) if dashboard else dash.no_update


@callback(Output("big-screen-rotate", "disabled"), Output("big-screen-pause", "children"),
          Output("big-screen-pause", "aria-pressed"), Input("big-screen-pause", "n_clicks"),
          prevent_initial_call=True)
def pause(clicks):
    paused = bool(clicks) and clicks % 2 == 1
    return paused, "Play" if paused else "Pause", "true" if paused else "false"
