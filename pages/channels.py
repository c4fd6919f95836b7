"""Channels: transactions by channel over time (numbers or 100%, with the same period a year before if
asked), the channel shift between two years, and one channel followed across the page (a click on the
charts or the Channel control), for any scope."""
import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from components.chart_card import chart_card
from components.drilldown_charts import (CHANNEL_NOTE, SERVICES, SHIFT, channel_columns, channel_kpi_text,
                                         channel_share_frame, channel_volume_figure, channel_volume_frame,
                                         channel_volume_summary, clicked_channel, count_cell, drilldown_nav,
                                         legend_choice, percent_cell, points_cell, scope_control, scope_value,
                                         shift_figure, shift_frame, shift_summary, split_scope_value,
                                         unknown_scope_notice, volume_year_before_summary, with_volume_year_before)
from components.exports import Export, frame_span
from components.layout import breadcrumbs
from components.tables import data_table
from components.year_before import compare_param, is_year_before, wants_year_before, year_before_control
from data_access.drilldowns import (illustrative_in_scope, like_for_like_channels, resolve_scope, scope_options,
                                    services_reporting)
from data_access.figures import scope_channel_volumes
from domain.channels import ILLUSTRATIVE_CHANNELS, channel_name, channel_order
from pages.cached_answers import cached_answer, cached_layout
from pages.chart_notes import with_service_notes
from pages.exports import export_links, exporter
from pages.url_state import mirror_to_address_bar, query_string

dash.register_page(__name__, path="/channels", title="Channels – Performance Platform", name="Channels")

MODES = {"number": "Number of transactions", "percent": "Share of all transactions (100%)"}
ALL_CHANNELS = ""


def state(scope=None, slug=None, mode=None, channel=None, first=None, second=None, compare=None) -> dict:
    """The page's state from the URL or the controls; anything unknown falls back to its default
    (`compare`: 'year-before' or the checkbox's values, for the same period a year before)."""
    kind, slug, name = resolve_scope(scope, slug)
    periods = _periods(kind, slug)
    default_first, default_second = _default_years(periods)
    ids = [p.id for p in periods]
    channels = _channels(kind, slug)
    return {"scope": kind, "slug": slug, "name": name, "mode": mode if mode in MODES else "number",
            "channel": channel if channel in channels else ALL_CHANNELS, "channels": channels, "periods": periods,
            "from": first if first in ids else default_first, "to": second if second in ids else default_second,
            "compare": compare_param(wants_year_before(compare)),
            "defaults": {"scope": "all", "mode": "number", "channel": ALL_CHANNELS,
                         "from": default_first, "to": default_second}}


def _periods(kind, slug):
    return sorted(set(scope_channel_volumes(kind, slug)["period"]))


def _channels(kind, slug):
    return channel_order(scope_channel_volumes(kind, slug)["channel"].unique())


def _default_years(periods):
    """The latest year against the same months two years before (or the earliest year)."""
    if not periods:
        return None, None
    latest = periods[-1]
    earlier = latest.shifted(-24)
    return (earlier if earlier in periods else periods[0]).id, latest.id


def _query(s) -> str:
    return query_string({"scope": s["scope"], "slug": s["slug"], "mode": s["mode"], "channel": s["channel"],
                         "from": s["from"], "to": s["to"], "compare": s["compare"]}, s["defaults"])


def _period(s, key):
    return next((p for p in s["periods"] if p.id == s[key]), None)


# --- exports: exactly the numbers each chart plots -----------------------------------------------------

def _illustrative(kind, slug, frame) -> set[str]:
    if "transactions" not in illustrative_in_scope(kind, slug):
        return set()
    names = {channel_name(c) for c in ILLUSTRATIVE_CHANNELS}
    return {c.removesuffix(" (%)") for c in channel_columns(frame)} & names


def volume_export(s) -> Export:
    volumes = channel_volume_frame(scope_channel_volumes(s["scope"], s["slug"]),
                                   services_reporting(s["scope"], s["slug"]))
    percent = s["mode"] == "percent"
    frame = channel_share_frame(volumes) if percent else volumes
    if s["compare"]:
        frame = with_volume_year_before(frame, percent, s["channel"] or None)
    illustrative = _illustrative(s["scope"], s["slug"], frame)
    notes = ["Each year counts the services that reported transactions that year (Services reporting)."]
    if illustrative:
        notes.append(CHANNEL_NOTE)
    what = "Share of transactions by channel" if percent else "Transactions by channel"
    return with_service_notes(Export(
        f"{what}: {s['name']}", frame_span(frame), frame, notes=tuple(notes),
        figure=channel_volume_figure(frame, percent, s["channel"] or None, illustrative),
        filename=f"{_file(s)}-{'channel-shares' if percent else 'transactions-by-channel'}"), s["scope"], s["slug"])


def shift_export(s) -> Export | None:
    first, second = _period(s, "from"), _period(s, "to")
    if first is None or second is None:
        return None
    volumes = like_for_like_channels(s["scope"], s["slug"], first.id, second.id)
    frame = shift_frame(volumes, first, second, s["channel"] or None)
    services = int(volumes["services"].iloc[0]) if len(volumes) else 0
    notes = [f"Only the {services:,} services that reported transactions in both years are counted, "
             "so that the two years compare like for like.",
             "Shares are of all transactions of those services, every channel included."]
    if "transactions" in illustrative_in_scope(s["scope"], s["slug"]):
        notes.append(CHANNEL_NOTE)
    return Export(f"Channel shift: {s['name']}", f"{first.label} against {second.label}", frame,
                  notes=tuple(notes), figure=shift_figure(frame), filename=f"{_file(s)}-channel-shift",
                  extra={"services": services})


def _file(s) -> str:
    return s["slug"] or "all-of-government"


def _params(s, *keys) -> dict:
    return {k: s[k] for k in ("scope", "slug", *keys) if s[k] and s[k] != s["defaults"].get(k)}


@exporter("channels-volumes")
def _volumes_download(params):
    return volume_export(state(params.get("scope"), params.get("slug"), params.get("mode"), params.get("channel"),
                               compare=params.get("compare")))


@exporter("channels-shift")
def _shift_download(params):
    return shift_export(state(params.get("scope"), params.get("slug"), None, params.get("channel"),
                              params.get("from"), params.get("to")))


# --- the page ------------------------------------------------------------------------------------------

@cached_layout
def layout(scope="all", slug=None, mode="number", channel="", compare=None, **query):
    s = state(scope, slug, mode, channel, query.get("from"), query.get("to"), compare)
    year_options = _year_options(s)
    return html.Div([
        breadcrumbs([("Services", "/"), ("Channels", "")]),
        html.Span(s["name"], className="govuk-caption-l", id="channels-scope-name"),
        html.H1("Transactions by channel", className="govuk-heading-xl"),
        # the notice goes with the links, which the first change of scope or year-before redraws
        html.Div([drilldown_nav("/channels", s["scope"], s["slug"], bool(s["compare"])),
                  unknown_scope_notice(scope, slug, s["scope"], "channels-unknown-scope")], id="channels-nav"),
        html.P("How people use public services: online, by phone, on paper or face to face, and how the mix "
               "changes. Choose a channel to follow it across the page. In the charts, clicking a bar does the same; "
               "clicking a channel in the legend shows it alone, and clicking it again shows every channel.", className="govuk-body-l"),
        dcc.Store(id="channels-query"),
        html.Div([
            scope_control("channels-scope", scope_value(s["scope"], s["slug"]), scope_options()),
            html.Div([
                html.Label("Channel", htmlFor="channels-channel", className="govuk-label govuk-label--s"),
                html.Div("Show one channel across the page", className="govuk-hint"),
                dcc.Dropdown(id="channels-channel", options=_channel_options(s), value=s["channel"],
                             clearable=False, searchable=False),
            ], className="govuk-form-group pp-filter"),
        ], className="pp-filters", role="search"),
        html.P(_kpi(s), id="channels-kpi", className="govuk-inset-text pp-kpi-line", **{"aria-live": "polite"}),
        html.Fieldset([
            html.Legend("Show transactions by channel as", className="govuk-fieldset__legend govuk-fieldset__legend--s"),
            dcc.RadioItems(id="channels-mode", options=[{"label": v, "value": k} for k, v in MODES.items()],
                           value=s["mode"], className="pp-radios", inline=True),
        ], className="govuk-fieldset govuk-form-group pp-switch"),
        year_before_control("channels-compare", bool(s["compare"])),
        html.Div(_volume_card(s), id="channels-volume-card"),
        html.Fieldset([
            html.Legend("Compare the channel mix of two years", className="govuk-fieldset__legend govuk-fieldset__legend--s"),
            html.Div([
                _year_field("channels-from", "From", year_options, s["from"]),
                _year_field("channels-to", "To", year_options, s["to"]),
            ], className="pp-filters"),
        ], className="govuk-fieldset pp-year-pair"),
        html.Div(_shift_card(s), id="channels-shift-card"),
    ])


def _year_field(field_id, label, options, value):
    return html.Div([
        html.Label(label, htmlFor=field_id, className="govuk-label govuk-label--s"),
        dcc.Dropdown(id=field_id, options=options, value=value, clearable=False, searchable=False),
    ], className="govuk-form-group pp-filter")


def _year_options(s):
    return [{"label": p.label, "value": p.id} for p in reversed(s["periods"])]


def _channel_options(s):
    return [{"label": "All channels", "value": ALL_CHANNELS}] + [
        {"label": channel_name(c), "value": c} for c in s["channels"]]


def _kpi(s):
    second = _period(s, "to")
    if second is None:
        return "No transactions are reported for this scope."
    frame = channel_volume_frame(scope_channel_volumes(s["scope"], s["slug"]), services_reporting(s["scope"], s["slug"]))
    return channel_kpi_text(frame, second, s["channel"] or None)


def _volume_card(s):
    export = volume_export(s)
    frame = export.frame
    percent = s["mode"] == "percent"
    cell = percent_cell if percent else count_cell
    counts = (SERVICES, "Total", "Total, a year before")
    table = data_table(frame.drop(columns=["Period start", "Period end"]),
                       "Share of transactions by channel (%)" if percent else "Transactions in the year, by channel",
                       {c: (count_cell if c in counts else cell) for c in frame.columns[3:]},
                       row_header="Year ending", table_id="channels-volume-table")
    volumes = frame if not percent else channel_volume_frame(scope_channel_volumes(s["scope"], s["slug"]),
                                                             services_reporting(s["scope"], s["slug"]))
    volumes = volumes[[c for c in volumes.columns if not is_year_before(c)]]
    summary = (channel_volume_summary(volumes, s["channel"] or None)
               + volume_year_before_summary(frame, percent, s["channel"] or None))
    return chart_card("channels-volume", "Transactions by channel over time", export.figure, summary, table,
                      export_links("channels-volumes", **_params(s, "mode", "channel", "compare")),
                      list(export.notes))


def _shift_card(s):
    export = shift_export(s)
    if export is None:
        return html.P("No transactions are reported for this scope.", className="govuk-body")
    frame = export.frame
    first, second = _period(s, "from"), _period(s, "to")
    formats = {c: (points_cell if c == SHIFT else percent_cell if c.endswith("(%)") else count_cell)
               for c in frame.columns[1:]}
    table = data_table(frame, "Channel shares in the two years, same services in both", formats,
                       row_header="Channel", table_id="channels-shift-table")
    title = "Channel shift" + (f": {channel_name(s['channel']).lower()}" if s["channel"] else "")
    return chart_card("channels-shift", title, export.figure,
                      shift_summary(frame, first, second, export.extra["services"]), table,
                      export_links("channels-shift", **_params(s, "from", "to", "channel")), list(export.notes))


@callback(
    Output("channels-kpi", "children"),
    Output("channels-volume-card", "children"),
    Output("channels-shift-card", "children"),
    Output("channels-query", "data"),
    Output("channels-scope-name", "children"),
    Output("channels-nav", "children"),
    Output("channels-from", "options"),
    Output("channels-from", "value"),
    Output("channels-to", "options"),
    Output("channels-to", "value"),
    Output("channels-channel", "options"),
    Output("channels-channel", "value"),
    Input("channels-scope", "value"),
    Input("channels-mode", "value"),
    Input("channels-from", "value"),
    Input("channels-to", "value"),
    Input("channels-channel", "value"),
    Input("channels-compare", "value"),
    prevent_initial_call=True,
)
@cached_answer
def show(scope, mode, first, second, channel, compare=None):
    kind, slug = split_scope_value(scope)
    s = state(kind, slug, mode, channel, first, second, compare)
    years = _year_options(s)
    return (_kpi(s), _volume_card(s), _shift_card(s), _query(s), s["name"],
            drilldown_nav("/channels", s["scope"], s["slug"], bool(s["compare"])), years, s["from"], years, s["to"],
            _channel_options(s), s["channel"])


@callback(
    Output("channels-channel", "value", allow_duplicate=True),
    Input("channels-volume-graph", "clickData"),
    Input("channels-volume-graph", "restyleData"),
    Input("channels-shift-graph", "clickData"),
    State("channels-volume-graph", "figure"),
    State("channels-channel", "value"),
    prevent_initial_call=True,
)
def choose_channel_in_chart(volume_click, restyle, shift_click, figure, current):
    """A bar or a legend item clicked: follow that channel (the same as the Channel control)."""
    trigger = dash.ctx.triggered_id and dash.ctx.triggered[0]["prop_id"]
    if trigger == "channels-volume-graph.restyleData":
        channels = [trace.get("meta") for trace in (figure or {}).get("data", [])]
        chosen = legend_choice(restyle, channels, current or None) or ALL_CHANNELS
    else:
        chosen = clicked_channel(volume_click if trigger == "channels-volume-graph.clickData" else shift_click)
    return no_update if chosen is None or chosen == current else chosen


mirror_to_address_bar("channels-query")
