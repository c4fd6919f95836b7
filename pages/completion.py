"""Completion for any scope: the completion rate over time (digital transactions started and completed,
with the same period a year before if asked) and, for a service that sends journey data through the data
API, a funnel of its steps."""
import dash
from dash import Input, Output, callback, dcc, html

from components.chart_card import chart_card
from components.drilldown_charts import (COMPLETION_NOTE, FUNNEL_COLUMNS, RATE, SERVICES, completion_figure,
                                         completion_rate_frame, completion_summary, count_cell, drilldown_nav,
                                         funnel_figure, funnel_frame, funnel_summary, latest_month, percent_cell,
                                         scope_control, scope_query, scope_value, split_scope_value,
                                         unknown_scope_notice)
from components.exports import Export, frame_span
from components.layout import breadcrumbs
from components.tables import data_table
from components.year_before import YEAR_BEFORE, add_year_before, compare_param, wants_year_before, year_before_control
from data_access.drilldowns import (illustrative_in_scope, journey_counts, journey_data_sets, resolve_scope,
                                    scope_options, services_reporting)
from data_access.figures import scope_figures
from data_access.services import get_service
from pages.cached_answers import cached_answer, cached_layout
from pages.chart_notes import with_service_notes
from pages.exports import export_links, exporter
from pages.url_state import mirror_to_address_bar, query_string

dash.register_page(__name__, path="/completion", title="Completion – Performance Platform", name="Completion")

RATE_NOTE = "Completion rate is digital transactions completed ÷ digital transactions started."
STEPS_NOTE = ("Steps come from the service's journey data (records with a stage and a count), for the latest "
              "month with records. They are ordered by the number each stage's name starts with (1-start, "
              "2-details, ... 10-done); stages without a number follow, largest first.")


def rate_export(kind, slug, name, year_before: bool = False) -> Export:
    frame = completion_rate_frame(scope_figures(kind, slug), services_reporting(kind, slug))
    frame = add_year_before(frame, RATE) if year_before else frame
    notes = [RATE_NOTE, "Each year counts the services that reported digital transactions started that year "
                        "(Services reporting)."]
    if "started" in illustrative_in_scope(kind, slug):
        notes.append(COMPLETION_NOTE)
    return with_service_notes(Export(f"Completion rate: {name}", frame_span(frame), frame, notes=tuple(notes),
                                     figure=completion_figure(frame),
                                     filename=f"{slug or 'all-of-government'}-completion-rate"), kind, slug)


def journey_export(service: dict, data_set: dict) -> Export | None:
    counts = journey_counts(data_set["id"])
    month = latest_month(counts)
    if month is None:
        return None
    frame = funnel_frame(counts, month)
    name = f"{data_set['data_group']}/{data_set['data_type']}"
    return Export(f"Journey steps: {service['name']}", f"{month:%B %Y}", frame,
                  source=f"Sent by the service to the Performance Platform's data set {name}", notes=(STEPS_NOTE,),
                  figure=funnel_figure(frame), filename=f"{service['slug']}-{data_set['data_group']}-journey",
                  extra={"month": f"{month:%B %Y}", "data_set": name})


@exporter("completion-rate")
def _rate_download(params):
    return rate_export(*resolve_scope(params.get("scope"), params.get("slug")),
                       year_before=wants_year_before(params.get("compare")))


@exporter("completion-journey")
def _journey_download(params):
    service = get_service(params.get("slug") or "")
    found = [d for d in journey_data_sets(service["slug"]) if d["data_group"] == params.get("group")] if service else []
    return journey_export(service, found[0]) if found else None


@cached_layout
def layout(scope="all", slug=None, compare=None, **_):
    asked_slug = slug
    kind, slug, name = resolve_scope(scope, slug)
    year_before = wants_year_before(compare)
    return html.Div([
        breadcrumbs([("Services", "/"), ("Completion", "")]),
        html.Span(name, className="govuk-caption-l", id="completion-scope-name"),
        html.H1("Completion", className="govuk-heading-xl"),
        # the notice goes with the links, which the first change of scope or year-before redraws
        html.Div([drilldown_nav("/completion", kind, slug, year_before),
                  unknown_scope_notice(scope, asked_slug, kind, "completion-unknown-scope")], id="completion-nav"),
        html.P("How many of the people who start a transaction online finish it, and where in the journey "
               "they stop.", className="govuk-body-l"),
        dcc.Store(id="completion-query"),
        html.Div([scope_control("completion-scope", scope_value(kind, slug), scope_options()),
                  year_before_control("completion-compare", year_before)], className="pp-filters", role="search"),
        html.Div(_content(kind, slug, name, year_before), id="completion-content", **{"aria-live": "polite"}),
    ])


def _query(kind, slug, year_before) -> dict:
    return {**scope_query(kind, slug), "compare": compare_param(year_before)}


def _content(kind, slug, name, year_before=False):
    return [_rate_card(rate_export(kind, slug, name, year_before), kind, slug, year_before), _journeys(kind, slug)]


def _rate_card(export, kind, slug, year_before=False):
    frame = export.frame
    table = data_table(frame.drop(columns=["Period start", "Period end"]), "Completion by year",
                       {SERVICES: count_cell, "Started": count_cell, "Completed": count_cell, RATE: percent_cell,
                        RATE + YEAR_BEFORE: percent_cell},
                       row_header="Year ending", table_id="completion-rate-table")
    return chart_card("completion-rate", "Completion rate over time", export.figure, completion_summary(frame),
                      table, export_links("completion-rate", **_query(kind, slug, year_before)), list(export.notes))


def _journeys(kind, slug):
    heading = html.H2("Steps of the journey", className="govuk-heading-l", id="journey-heading")
    if kind != "service":
        return html.Section([heading, html.P(
            "Journey steps are shown for one service at a time: choose a service to see where people stop.",
            className="govuk-body", id="journey-none")], id="journey")
    service = get_service(slug)
    exports = [(d, journey_export(service, d)) for d in journey_data_sets(slug)]
    exports = [(d, e) for d, e in exports if e is not None]
    if not exports:
        return html.Section([heading, html.P(
            "This service sends no journey data, so there are no steps to show. A service can send the number "
            "of people reaching each step through the data API, as a data set of type “journey”.",
            className="govuk-body", id="journey-none")], id="journey")
    return html.Section([heading, *[_funnel_card(service, d, e, i) for i, (d, e) in enumerate(exports)]], id="journey")


def _funnel_card(service, data_set, export, index):
    frame = export.frame
    card_id = "journey-funnel" if index == 0 else f"journey-funnel-{index + 1}"
    formats = {"People": count_cell, "Share of first step (%)": percent_cell,
               "Drop-off from previous step": count_cell, "Drop-off from previous step (%)": percent_cell}
    table = data_table(frame[FUNNEL_COLUMNS], f"People at each step, {export.extra['month']}", formats,
                       row_header="Step", table_id=f"{card_id}-table")
    return chart_card(card_id, f"People at each step, {export.extra['month']}", export.figure,
                      funnel_summary(frame, export.extra["month"]), table,
                      export_links("completion-journey", slug=service["slug"], group=data_set["data_group"]),
                      [*export.notes, f"Sent by the service to the data set {export.extra['data_set']}."])


@callback(
    Output("completion-content", "children"),
    Output("completion-query", "data"),
    Output("completion-scope-name", "children"),
    Output("completion-nav", "children"),
    Input("completion-scope", "value"),
    Input("completion-compare", "value"),
    prevent_initial_call=True,
)
@cached_answer
def show(scope, compare=None):
    kind, slug, name = resolve_scope(*split_scope_value(scope))
    year_before = wants_year_before(compare)
    return (_content(kind, slug, name, year_before), query_string(_query(kind, slug, year_before), {}), name,
            drilldown_nav("/completion", kind, slug, year_before))


mirror_to_address_bar("completion-query")
