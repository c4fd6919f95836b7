"""The ministers' summary (/summary): one printable page on all of government for a chosen year.

Headline figures (volume-weighted, with the number of services covered) and their like-for-like
changes, the largest services, the biggest movers, every department, and out-of-date data. Every
headline is also a sentence generated from the figures. The year lives in the URL (?period=).
"""
import dash
from dash import Input, Output, callback, dcc, html

from api.status import freshness
from components.freshness import age_in_words
from components.exports import Export
from components.summary import (departments_frame, departments_table, largest_frame, largest_sentence,
                                largest_table, services_covered, stale_frame, stale_table)
from data_access.data_sets import list_data_sets, utc_now
from data_access.figures import service_index
from data_access.services import departments
from domain.movers import COVERAGE_THRESHOLD
from domain.sentences import coverage_sentence, stale_sentence
from pages.cached_answers import cached_answer, cached_layout
from pages.exports import exporter
from pages.organisation import Scope, key_figures, movers_section, organisation, table_links
from pages.url_state import mirror_to_address_bar, query_string

dash.register_page(__name__, path="/summary", title="Ministers' summary – Performance Platform",
                   name="Ministers' summary")

ALL = "all"


@cached_layout
def layout(period=None, **_):
    scope = Scope(ALL, None)
    periods, (default, share) = scope.periods, scope.default
    selected = scope.chosen(period)
    return html.Div([
        html.Span("All government services", className="govuk-caption-l"),
        html.H1("Ministers' summary", className="govuk-heading-xl", id="summary-title"),
        html.P("How government's transactional services performed in a year, on one page: the headline "
               "figures, the largest services, the biggest changes on the year before and every department. "
               "Each name links to its own page.", className="govuk-body-l"),
        dcc.Store(id="summary-query"),
        html.Div(html.Div([
            html.Label("Year", htmlFor="summary-period", className="govuk-label govuk-label--s"),
            html.Div("The 12 months the figures below describe", className="govuk-hint"),
            dcc.Dropdown(id="summary-period", options=[{"label": p.label, "value": p.id} for p in periods],
                         value=selected.id if selected else None, clearable=False, searchable=False),
        ], className="govuk-form-group pp-filter"), className="pp-filters pp-controls"),
        html.P(coverage_sentence(default, share, periods[0], COVERAGE_THRESHOLD) if default else "",
               className="govuk-inset-text", id="summary-default-year"),
        html.Div(summary_figures(scope, selected), id="summary-figures", **{"aria-live": "polite"}),
        stale_section(),
    ], className="pp-summary")


def summary_figures(scope, selected):
    if selected is None:
        return html.P("No service has reported any transactions.", className="govuk-body")
    org = organisation(ALL, None)
    current, previous = scope.services(selected), scope.previous(selected)
    return [
        *key_figures(org, selected, current, previous, "summary"),
        html.P(f"Services covered: {services_covered(current)} listed reported transactions for the "
               f"{selected.phrase}. ", className="govuk-body", id="summary-coverage"),
        largest_section(selected, current),
        movers_section(org, selected, current, previous, "summary"),
        departments_section(selected, current),
    ]


def largest_section(selected, current):
    frame = largest_frame(current)
    return html.Section([
        html.H2("Largest services", className="govuk-heading-l", id="summary-largest-heading"),
        html.P(largest_sentence(frame, selected), className="govuk-body", id="summary-largest-sentence"),
        html.Div(largest_table(frame, f"The {len(frame)} services with the most transactions, {selected.phrase}"),
                 className="pp-table-scroll"),
        table_links("summary-largest", "summary-largest", period=selected.id),
    ], id="summary-largest", className="pp-summary-section")


def departments_section(selected, current):
    frame = departments_frame(current, departments())
    return html.Section([
        html.H2("Departments", className="govuk-heading-l", id="summary-departments-heading"),
        html.P("Each department's figures are volume-weighted over its services that reported in the "
               f"{selected.phrase}. Choose a department to see its services, its agencies and its biggest "
               "changes.", className="govuk-body"),
        html.Div(departments_table(frame, f"Departments, {selected.phrase}"), className="pp-table-scroll"),
        table_links("summary-departments", "summary-departments", period=selected.id),
    ], id="summary-departments", className="pp-summary-section")


def _freshness_checks() -> list[dict]:
    now = utc_now()
    return [{**freshness(d, now), "service_id": d.service_id} for d in list_data_sets()]


def stale_section():
    checks = _freshness_checks()
    monitored = [c for c in checks if c["max_age_expected"] is not None]
    frame = stale_frame(checks, service_index())
    parts = [html.H2("Out-of-date data", className="govuk-heading-l", id="summary-stale-heading"),
             html.P(stale_sentence(len(frame), len(monitored)), className="govuk-body", id="summary-stale-sentence")]
    if not frame.empty:
        parts += [html.Div(stale_table(frame, age_in_words), className="pp-table-scroll"),
                  table_links("summary-stale", "summary-stale")]
    return html.Section(parts, id="summary-stale", className="pp-summary-section")


@exporter("summary-largest")
def _largest_download(params):
    scope = Scope(ALL, None)
    selected = scope.chosen(params.get("period"))
    frame = largest_frame(scope.services(selected))
    return Export("Largest services", selected.label, frame, filename=f"largest-services-{selected.id}")


@exporter("summary-departments")
def _departments_download(params):
    scope = Scope(ALL, None)
    selected = scope.chosen(params.get("period"))
    frame = departments_frame(scope.services(selected), departments())
    return Export("Departments", selected.label, frame, filename=f"departments-{selected.id}",
                  notes=("Volume-weighted over each department's services that reported in the year.",))


@exporter("summary-stale")
def _stale_download(params):
    frame = stale_frame(_freshness_checks(), service_index())
    return Export("Out-of-date data sets", f"As at {utc_now():%-d %B %Y %H:%M} UTC", frame,
                  source="Performance Platform data API", filename="out-of-date-data-sets")


@callback(
    Output("summary-figures", "children"),
    Output("summary-query", "data"),
    Input("summary-period", "value"),
    prevent_initial_call=True,
)
@cached_answer
def change_period(period_id):
    scope = Scope(ALL, None)
    selected, default = scope.chosen(period_id), scope.default[0]
    return summary_figures(scope, selected), query_string({"period": selected.id if selected else None},
                                                   {"period": default.id if default else None})


mirror_to_address_bar("summary-query")
