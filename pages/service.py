"""A service's dashboard: KPI tiles for a chosen year, volume by channel and digital take-up."""
import dash
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from components.annotations import notes_list
from components.chart_card import chart_card, highlight_patch
from components.exports import Export, frame_span
from components.kpi import kpi_tile, kpi_tiles
from components.layout import NOT_FOUND_ID, breadcrumbs, page_title
from components.service_charts import (add_year_before, channel_figure, channel_frame, channel_summary,
                                       overlay_year_before, take_up_figure, take_up_frame, take_up_summary)
from components.sent_data import sent_data_card, sent_data_section, sent_export
from components.tables import data_table
from components.year_before import (compare_param, percent_text, wants_year_before, year_before_control,
                                    year_before_summary)
from data_access.figures import channel_volumes, illustrative_metrics, service_figures
from data_access.data_sets import utc_now
from data_access.service_data import SENT_TYPES, dashboard_rows, service_data_sets
from data_access.services import get_service
from domain.channels import ILLUSTRATIVE_CHANNELS, channel_name
from domain.metrics import KPI_ORDER, METRICS, format_count, format_percent, suppress_kpis
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED
from pages.cached_answers import cached_answer, cached_layout
from pages.chart_notes import with_service_notes
from pages.exports import export_links, exporter
from pages.url_state import mirror_to_address_bar, query_string



def service_title(slug=None, **_):
    """The tab names the service: every service page would otherwise have the same title."""
    service = get_service(slug or "")
    return page_title(service["name"] if service else "Service not found")


dash.register_page(__name__, path_template="/services/<slug>", title=service_title)

# which stored metrics each KPI is built from, to know when it is illustrative
KPI_SOURCES = {"completion_rate": {"started", "completed"}, "user_satisfaction": {"rating"}}
def count_cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    return "" if value != value else f"{value:,.0f}"  # NaN != NaN


def periods_with_transactions(figures) -> list[YearEnding]:
    return list(reversed(figures.dropna(subset=["volume"])["period"].tolist()))


@cached_layout
def layout(slug=None, period=None, compare=None, **_):
    service = get_service(slug or "")
    if service is None:
        return _not_found(slug)
    figures, periods, selected = _chosen_year(slug, period)
    year_before = wants_year_before(compare)
    return html.Div([
        breadcrumbs([("Services", "/"), (service["department"], f"/departments/{service['department_slug']}"),
                     (service["name"], "")]),
        html.Span(service["agency"] or service["department"], className="govuk-caption-l"),
        html.H1(service["name"], className="govuk-heading-xl"),
        _about(service),
        dcc.Store(id="service-slug", data=slug),
        dcc.Store(id="service-query"),
        html.Div([html.Div([
            html.Label("Year", htmlFor="service-period", className="govuk-label govuk-label--s"),
            html.Div("The 12 months the figures below describe", className="govuk-hint"),
            dcc.Dropdown(id="service-period", options=[{"label": p.label, "value": p.id} for p in periods],
                         value=selected.id if selected else None, clearable=False, searchable=False),
        ], className="govuk-form-group pp-filter"), year_before_control("service-compare", year_before)], className="pp-filters"),
        html.Div(_figures(slug, selected, year_before, service, figures), id="service-figures",
                 **{"aria-live": "polite"}),
        html.Div(_sent_data(slug, year_before, service), id="service-sent"),
        _explore(slug),
        _source_note(service),
    ])


def _chosen_year(slug, period_id):
    """The service's figures, its years with transactions (newest first) and the year chosen (by
    default the newest; None when it reports none)."""
    figures = service_figures(slug)
    periods = periods_with_transactions(figures)
    return figures, periods, next((p for p in periods if p.id == period_id), periods[0] if periods else None)


def _not_found(slug):
    return html.Div([
        html.H1("Service not found", className="govuk-heading-xl"),
        html.P(f"There is no service called “{slug}”.", className="govuk-body"),
        html.P(html.A("Find a service", href="/", className="govuk-link"), className="govuk-body"),
    ], id=NOT_FOUND_ID)


def _about(service):
    parts = [html.P(service["description"], className="govuk-body-l")] if service["description"] else []
    department = html.A(service["department"], href=f"/departments/{service['department_slug']}", className="govuk-link")
    agency = (html.A(service["agency"], href=f"/agencies/{service['agency_slug']}", className="govuk-link")
              if service["agency"] else None)
    facts = [("Department", department), ("Agency or body", agency),
             ("Type of service", service["service_type"]), ("Customers", service["customer_type"]),
             ("Business model", service["business_model"])]
    parts.append(html.Dl([html.Div([html.Dt(k, className="govuk-summary-list__key"),
                                    html.Dd(v, className="govuk-summary-list__value")],
                                   className="govuk-summary-list__row")
                          for k, v in facts if v], className="govuk-summary-list pp-facts"))
    if service["url"]:
        parts.append(html.P(html.A("Use this service (opens the service's own website)", href=service["url"],
                                   className="govuk-link", rel="external noopener"), className="govuk-body"))
    return html.Div(parts)


def _figures(slug, selected, year_before, service, figures):
    """The KPIs of the chosen year and the two charts that highlight it. The service's row and
    figures are read once by the caller and passed down."""
    if selected is None:
        return html.P("This service has not reported any transactions.", className="govuk-body")
    illustrative = illustrative_metrics(slug)
    return [html.Div(_kpi_block(figures, selected, illustrative), id="service-kpis"),
            html.Div(_charts(slug, selected, year_before, service, figures, illustrative), id="service-charts")]


def _kpi_block(figures, selected, illustrative):
    return [html.H2(f"Key figures: {selected.phrase}", className="govuk-heading-l", id="kpis-heading"),
            _kpis(figures, selected, illustrative)]


def _charts(slug, selected, year_before, service, figures, illustrative):
    """The two charts, each in a box of its own that the year-before overlay redraws on its own."""
    return [html.Div(_channel_chart(slug, selected, year_before, service, illustrative), id="service-channels-card"),
            html.Div(_take_up_chart(slug, selected, year_before, service, figures), id="service-take-up-card")]


def _kpis(figures, selected, illustrative):
    shown = suppress_kpis(figures)
    rows = {p: row for p, row in zip(shown["period"], shown.to_dict("records"))}
    current = rows.get(selected, {})
    earlier = [p for p in rows if p < selected]
    previous_period = earlier[-1] if earlier else None
    previous, year_before_period = rows.get(previous_period, {}), selected.shifted(-12)
    year_before = rows.get(year_before_period, {})
    tiles = [kpi_tile(METRICS[k], current.get(k), previous.get(k), selected, previous_period,
                      bool(KPI_SOURCES.get(k, set()) & illustrative), year_before.get(k), year_before_period)
             for k in KPI_ORDER]
    return kpi_tiles(tiles, f"Key figures for the {selected.phrase}")


CHANNEL_NOTE = ("Digital and total transactions are as reported. The split of the other transactions between "
                "phone, paper and face to face is illustrative: generated for this demo, not reported.")
TAKE_UP = "Digital take-up (%)"
TAKE_UP_NOTE = "Digital take-up is digital transactions as a share of all transactions whose channel is reported."


def channels_export(slug: str, selected: YearEnding | None = None, year_before: bool = False,
                    service: dict | None = None, metrics: frozenset | None = None) -> Export | None:
    """The channels chart's export; `service` and `metrics` (illustrative_metrics) when the caller
    has them already."""
    service = service or get_service(slug)
    if service is None:
        return None
    metrics = illustrative_metrics(slug) if metrics is None else metrics
    illustrative = {channel_name(c) for c in ILLUSTRATIVE_CHANNELS} if "transactions" in metrics else set()
    frame = _channel_frame(slug, year_before)
    figure = channel_figure(frame, selected.short_label if selected else None, illustrative)
    return _annotated(Export(f"Transactions by channel: {service['name']}", frame_span(frame), frame,
                             notes=(CHANNEL_NOTE,) if illustrative else (),
                             figure=overlay_year_before(figure, frame, "Total") if year_before else figure,
                             filename=f"{slug}-transactions-by-channel"), slug)


def take_up_export(slug: str, selected: YearEnding | None = None, year_before: bool = False,
                   service: dict | None = None, figures=None) -> Export | None:
    """The take-up chart's export; `service` and `figures` (service_figures) when the caller has them."""
    service = service or get_service(slug)
    if service is None:
        return None
    frame = _take_up_frame(service_figures(slug) if figures is None else figures, year_before)
    figure = take_up_figure(frame, selected)
    return _annotated(Export(f"Digital take-up: {service['name']}", frame_span(frame), frame, notes=(TAKE_UP_NOTE,),
                             figure=overlay_year_before(figure, frame, TAKE_UP) if year_before else figure,
                             filename=f"{slug}-digital-take-up"), slug)


def _channel_frame(slug: str, year_before: bool):
    frame = channel_frame(channel_volumes(slug))
    return add_year_before(frame, "Total") if year_before else frame


def _take_up_frame(figures, year_before: bool):
    frame = take_up_frame(figures)
    return add_year_before(frame, TAKE_UP) if year_before else frame


def _annotated(export: Export, slug: str) -> Export:
    return with_service_notes(export, "service", slug)


@exporter("service-channels")
def _channels_download(params):
    return channels_export(params.get("service", ""), year_before=wants_year_before(params.get("compare")))


@exporter("service-take-up")
def _take_up_download(params):
    return take_up_export(params.get("service", ""), year_before=wants_year_before(params.get("compare")))


def _card_notes(export: Export, card_id: str) -> list:
    """The chart's notes in words, its dated annotations as a list."""
    return [*[n for n in export.notes if not n.startswith("Note ")],
            notes_list(export.extra.get("annotations", []), f"{card_id}-notes")]


def _channel_chart(slug, selected, year_before, service=None, illustrative=None):
    export = channels_export(slug, selected, year_before, service, illustrative)
    frame = export.frame
    table = data_table(frame.drop(columns=["Period start", "Period end"]),
                       "Transactions in the year, by channel",
                       {c: count_cell for c in frame.columns if c not in ("Year ending", "Period start", "Period end")},
                       row_header="Year ending", table_id="channels-table")
    return chart_card("channels", "Transactions by channel", export.figure, _channel_summary(frame, selected), table,
                      export_links("service-channels", service=slug, compare=compare_param(year_before)),
                      _card_notes(export, "channels"))


def _take_up_chart(slug, selected, year_before, service=None, figures=None):
    export = take_up_export(slug, selected, year_before, service, figures)
    frame = export.frame
    percent = lambda v: "Suppressed" if v == SUPPRESSED else format_percent(v / 100)  # noqa: E731
    table = data_table(frame.drop(columns=["Period start", "Period end"]), "Digital take-up by year",
                       {"Digital transactions": count_cell, "Transactions with a reported channel": count_cell,
                        "Digital take-up (%)": percent, "Digital take-up (%)" + ", a year before": percent},
                       row_header="Year ending", table_id="take-up-table")
    return chart_card("take-up", "Digital take-up", export.figure, _take_up_summary(frame, selected), table,
                      export_links("service-take-up", service=slug, compare=compare_param(year_before)),
                      _card_notes(export, "take-up"))


def _channel_summary(frame, selected):
    return channel_summary(frame, selected) + year_before_summary(frame, "Total", format_count, selected.short_label)


def _take_up_summary(frame, selected):
    return take_up_summary(frame, selected) + year_before_summary(frame, TAKE_UP, percent_text, selected.short_label)


def _explore(slug):
    """Links to the drill-downs and the comparison, scoped to this service."""
    links = [("Channels", f"/channels?scope=service&slug={slug}"),
             ("Satisfaction", f"/satisfaction?scope=service&slug={slug}"),
             ("Completion", f"/completion?scope=service&slug={slug}"),
             ("Compare with other services", f"/compare?services={slug}")]
    return html.Nav([html.H2("Explore this service further", className="govuk-heading-m"),
                     html.Ul([html.Li(html.A(text, href=href, className="govuk-link")) for text, href in links],
                             className="govuk-list")], **{"aria-label": "Explore this service further"})


def _sent_data(slug, year_before, service):
    """Charts of what the service sends through the data API, when it sends anything, whether or
    not it has published figures (monthly: the chosen year does not change them, the year-before
    overlay does). Each type's charts are in a box of their own, which the overlay redraws on its own."""
    found = service_data_sets(slug)
    if not found:
        return None
    return sent_data_section(slug, [
        html.Div(_sent_cards(slug, service, [d for d in found if d.data_type == data_type], year_before),
                 id=f"service-sent-{data_type}")
        for data_type in dict.fromkeys(d.data_type for d in found)])  # in the data sets' order


def _sent_cards(slug, service, data_sets, year_before):
    now, name = utc_now(), service["name"]
    return [sent_data_card(sent_export(slug, name, d, dashboard_rows(d), year_before), d, now,
                           export_links("service-sent", service=slug, type=d.data_type,
                                        compare=compare_param(year_before))) for d in data_sets]


@exporter("service-sent")
def _sent_download(params):
    service = get_service(params.get("service", ""))
    found = service_data_sets(service["slug"], params.get("type") or "") if service else []  # no type: none
    year_before = wants_year_before(params.get("compare"))
    return sent_export(service["slug"], service["name"], found[0], dashboard_rows(found[0]), year_before) \
        if found else None


def _source_note(service):
    notes = [service[k] for k in ("notes_on_costs", "other_notes") if service[k]]
    return html.Div([
        html.H2("About this data", className="govuk-heading-m"),
        *[html.P(n, className="govuk-body") for n in notes],
        html.P(["Source: GOV.UK Performance Platform, transactions explorer data (2011 to 2017), under the ",
                html.A("Open Government Licence v3.0", className="govuk-link",
                       href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
                ". Completion and satisfaction figures, and the split of non-digital transactions by channel, are "
                "illustrative. ", html.A("More about the data", href="/about-the-data", className="govuk-link")],
               className="govuk-body-s"),
        html.P(html.A("Add a note to this service's charts (for its editors)", className="govuk-link",
                      href=f"/admin/services/{service['slug']}/notes"), className="govuk-body-s"),
    ], className="pp-about-data")


@callback(
    Output("service-kpis", "children"),
    Output("channels-summary", "children"),
    Output("take-up-summary", "children"),
    Output("channels-graph", "figure"),
    Output("take-up-graph", "figure"),
    Output("service-query", "data"),
    Input("service-period", "value"),
    State("service-compare", "value"),
    State("service-slug", "data"),
    prevent_initial_call=True,
)
@cached_answer
def change_period(period_id, compare, slug):
    """A year change redraws the KPIs and the charts' summaries, and moves the charts' shading; the
    charts' data and tables do not depend on the year, so they are not sent again."""
    figures, periods, selected = _chosen_year(slug, period_id)
    if selected is None:
        raise PreventUpdate  # no year to choose: the layout says the service reports nothing
    year_before = wants_year_before(compare)
    channels, take_up = _channel_frame(slug, year_before), _take_up_frame(figures, year_before)
    return (_kpi_block(figures, selected, illustrative_metrics(slug)),
            _channel_summary(channels, selected), _take_up_summary(take_up, selected),
            highlight_patch(list(channels["Year ending"]), selected.short_label),
            highlight_patch(list(take_up["Year ending"]), selected.short_label),
            _query(selected, year_before, periods))


# The year-before overlay redraws five boxes at most: the two charts and each type of sent data. One
# callback each: the browser asks for them at once, and the workers answer them side by side.

def _compared(slug, period_id):
    """The service, its figures, periods and chosen year for an overlay callback."""
    service = get_service(slug)
    figures, periods, selected = _chosen_year(slug, period_id)
    if service is None or selected is None:
        raise PreventUpdate  # as the layout: no figures, no charts
    return service, figures, periods, selected


@callback(
    Output("service-channels-card", "children"),
    Output("service-query", "data", allow_duplicate=True),
    Input("service-compare", "value"),
    State("service-period", "value"),
    State("service-slug", "data"),
    prevent_initial_call=True,
)
@cached_answer
def compare_channels(compare, period_id, slug):
    """The channels chart with or without the year before: its line, table and downloads."""
    service, _, periods, selected = _compared(slug, period_id)
    year_before = wants_year_before(compare)
    return (_channel_chart(slug, selected, year_before, service, illustrative_metrics(slug)),
            _query(selected, year_before, periods))


@callback(
    Output("service-take-up-card", "children"),
    Input("service-compare", "value"),
    State("service-period", "value"),
    State("service-slug", "data"),
    prevent_initial_call=True,
)
@cached_answer
def compare_take_up(compare, period_id, slug):
    """The take-up chart with or without the year before."""
    service, figures, _, selected = _compared(slug, period_id)
    return _take_up_chart(slug, selected, wants_year_before(compare), service, figures)


def _compare_sent(data_type: str):
    """The callback that redraws one type of sent data with or without the year before (a service
    without that type has no box for it, and the browser does not call it)."""
    @callback(
        Output(f"service-sent-{data_type}", "children"),
        Input("service-compare", "value"),
        State("service-slug", "data"),
        prevent_initial_call=True,
    )
    @cached_answer(per_minute=True)  # its cards say how long ago the data came
    def compare_sent(compare, slug):
        service = get_service(slug)
        if service is None:
            raise PreventUpdate
        return _sent_cards(slug, service, service_data_sets(slug, data_type), wants_year_before(compare))
    return compare_sent


compare_sent_data = {data_type: _compare_sent(data_type) for data_type in SENT_TYPES}


def _query(selected, year_before, periods) -> str:
    state = {"period": selected.id, "compare": compare_param(year_before)}
    return query_string(state, {"period": periods[0].id})


mirror_to_address_bar("service-query")
