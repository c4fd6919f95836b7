"""User satisfaction for any scope: the distribution of ratings 1 to 5 each year, the score with its
number of responses (and the same period a year before, if asked), and a warning where too few people
answered to trust the score."""
import dash
from dash import Input, Output, callback, dcc, html

from components.chart_card import chart_card
from components.drilldown_charts import (FEW, MIN_RESPONSES, RATINGS_NOTE, SERVICES, count_cell, drilldown_nav,
                                         few_responses_warning, percent_cell, ratings_figure, ratings_frame,
                                         ratings_summary, score_figure, score_frame, score_summary, scope_control,
                                         scope_query, scope_value, split_scope_value, unknown_scope_notice,
                                         warning_text)
from components.exports import Export, frame_span
from components.layout import breadcrumbs
from components.tables import data_table
from components.year_before import YEAR_BEFORE, add_year_before, compare_param, wants_year_before, year_before_control
from data_access.drilldowns import illustrative_in_scope, resolve_scope, scope_options, services_reporting
from data_access.figures import scope_figures
from domain.suppression import threshold
from pages.cached_answers import cached_answer, cached_layout
from pages.chart_notes import with_service_notes
from pages.exports import export_links, exporter
from pages.url_state import mirror_to_address_bar, query_string

dash.register_page(__name__, path="/satisfaction", title="User satisfaction – Performance Platform",
                   name="User satisfaction")

SCORE_NOTE = ("User satisfaction is (mean rating − 1) ÷ 4, from ratings 1 (very dissatisfied) to 5 (very "
              "satisfied): 0% if everyone is very dissatisfied, 100% if everyone is very satisfied.")


def _notes(kind, slug) -> tuple[str, ...]:
    notes = ["Each year counts the services that reported ratings that year (Services reporting)."]
    if "rating" in illustrative_in_scope(kind, slug):
        notes.append(RATINGS_NOTE)
    return tuple(notes)


def ratings_export(kind, slug, name) -> Export:
    frame = ratings_frame(scope_figures(kind, slug), services_reporting(kind, slug))
    return with_service_notes(Export(f"Ratings of user satisfaction: {name}", frame_span(frame), frame,
                                     notes=_notes(kind, slug), figure=ratings_figure(frame),
                                     filename=f"{slug or 'all-of-government'}-ratings"), kind, slug)


SCORE = "User satisfaction (%)"


def score_export(kind, slug, name, year_before: bool = False) -> Export:
    frame = score_frame(scope_figures(kind, slug), services_reporting(kind, slug))
    frame = add_year_before(frame, SCORE) if year_before else frame
    return with_service_notes(Export(f"User satisfaction: {name}", frame_span(frame), frame,
                                     notes=(SCORE_NOTE, *_notes(kind, slug)), figure=score_figure(frame),
                                     filename=f"{slug or 'all-of-government'}-user-satisfaction"), kind, slug)


@exporter("satisfaction-ratings")
def _ratings_download(params):
    return ratings_export(*resolve_scope(params.get("scope"), params.get("slug")))


@exporter("satisfaction-score")
def _score_download(params):
    return score_export(*resolve_scope(params.get("scope"), params.get("slug")),
                        year_before=wants_year_before(params.get("compare")))


@cached_layout
def layout(scope="all", slug=None, compare=None, **_):
    asked_slug = slug
    kind, slug, name = resolve_scope(scope, slug)
    year_before = wants_year_before(compare)
    return html.Div([
        breadcrumbs([("Services", "/"), ("User satisfaction", "")]),
        html.Span(name, className="govuk-caption-l", id="satisfaction-scope-name"),
        html.H1("User satisfaction", className="govuk-heading-xl"),
        # the notice goes with the links, which the first change of scope or year-before redraws
        html.Div([drilldown_nav("/satisfaction", kind, slug, year_before),
                  unknown_scope_notice(scope, asked_slug, kind, "satisfaction-unknown-scope")], id="satisfaction-nav"),
        html.P("How people rate public services when they finish a transaction, from 1 (very dissatisfied) to "
               "5 (very satisfied).", className="govuk-body-l"),
        dcc.Store(id="satisfaction-query"),
        html.Div([scope_control("satisfaction-scope", scope_value(kind, slug), scope_options()),
                  year_before_control("satisfaction-compare", year_before)], className="pp-filters", role="search"),
        html.Div(_content(kind, slug, name, year_before), id="satisfaction-content", **{"aria-live": "polite"}),
        html.Details([
            html.Summary(html.Span("When a score is too uncertain to trust", className="govuk-details__summary-text"),
                         className="govuk-details__summary"),
            html.Div([
                html.P(f"A score from fewer than {MIN_RESPONSES} responses is flagged: with so few answers, a few "
                       "people more or less can move it by several percentage points, so a change from one year to "
                       "the next may be chance. Such years are drawn with hollow markers and marked in the table.",
                       className="govuk-body"),
                html.P(f"Counts of fewer than {threshold()} people are never shown (“suppressed”), nor anything "
                       "from which they could be worked out.", className="govuk-body"),
            ], className="govuk-details__text"),
        ], className="govuk-details", id="satisfaction-threshold"),
    ])


def _query(kind, slug, year_before) -> dict:
    return {**scope_query(kind, slug), "compare": compare_param(year_before)}


def _content(kind, slug, name, year_before=False):
    ratings, score = ratings_export(kind, slug, name), score_export(kind, slug, name, year_before)
    warning = few_responses_warning(score.frame)
    return [
        warning_text(warning, "satisfaction-warning") if warning else None,
        _ratings_card(ratings, kind, slug),
        _score_card(score, kind, slug, year_before),
    ]


def _ratings_card(export, kind, slug):
    frame = export.frame
    table = data_table(frame.drop(columns=["Period start", "Period end"]), "Share of responses by rating (%)",
                       {c: (count_cell if c in (SERVICES, "Responses") else percent_cell) for c in frame.columns[3:]},
                       row_header="Year ending", table_id="satisfaction-ratings-table")
    return chart_card("satisfaction-ratings", "How people rated the service", export.figure, ratings_summary(frame),
                      table, export_links("satisfaction-ratings", **scope_query(kind, slug)), list(export.notes))


def _score_card(export, kind, slug, year_before=False):
    frame = export.frame
    table = data_table(frame.drop(columns=["Period start", "Period end"]), "User satisfaction by year",
                       {SERVICES: count_cell, "Responses": count_cell, SCORE: percent_cell,
                        SCORE + YEAR_BEFORE: percent_cell},
                       row_header="Year ending", table_id="satisfaction-score-table")
    notes = [*export.notes, f"Hollow markers: fewer than {MIN_RESPONSES} responses (column “{FEW}”)."]
    return chart_card("satisfaction-score", "User satisfaction and responses over time", export.figure,
                      score_summary(frame), table,
                      export_links("satisfaction-score", **_query(kind, slug, year_before)), notes)


@callback(
    Output("satisfaction-content", "children"),
    Output("satisfaction-query", "data"),
    Output("satisfaction-scope-name", "children"),
    Output("satisfaction-nav", "children"),
    Input("satisfaction-scope", "value"),
    Input("satisfaction-compare", "value"),
    prevent_initial_call=True,
)
@cached_answer
def show(scope, compare=None):
    kind, slug, name = resolve_scope(*split_scope_value(scope))
    year_before = wants_year_before(compare)
    return (_content(kind, slug, name, year_before), query_string(_query(kind, slug, year_before), {}), name,
            drilldown_nav("/satisfaction", kind, slug, year_before))


mirror_to_address_bar("satisfaction-query")
