"""A page per department (/departments/<slug>) and per agency (/agencies/<slug>): volume-weighted key
figures for a chosen year, transactions and digital take-up over time (with the same period a year
before, if asked), the services that moved most (like for like), and the organisation's services and
agencies. The year and the overlay live in the URL (?period=2016-03&compare=year-before)."""
from functools import cached_property

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from components.chart_card import chart_card, download_links
from components.exports import TABLE_FORMATS, Export, frame_span
from components.layout import NOT_FOUND_ID, breadcrumbs, page_title
from components.organisation import (comparisons, count_cell, group_tiles, group_value, headlines_frame, movers_frame,
                                     movers_tables, percent_cell, services_frame, services_table, trend_figure,
                                     trend_frame, trend_summary, with_trend_year_before)
from components.tables import data_table
from components.year_before import YEAR_BEFORE, compare_param, is_year_before, wants_year_before, year_before_control
from data_access.figures import scope_figures, service_index
from data_access.services import agencies, departments
from domain.movers import COVERAGE_THRESHOLD, MIN_VOLUME, latest_well_covered, reporting, year_before
from domain.periods import YearEnding
from domain.sentences import (coverage_sentence, like_for_like_sentence, transactions_sentence,
                              weighting_sentence)
from pages.cached_answers import cached_answer, cached_layout
from pages.exports import export_links, export_url, exporter
from pages.url_state import mirror_to_address_bar, query_string

KINDS = ("all", "department", "agency")


# --- the data of a scope: all of government, a department or an agency ----------------------------

def organisation(kind: str, slug: str | None) -> dict | None:
    """name, abbreviation and (for an agency) its department; None if there is no such one."""
    if kind == "all":
        return {"kind": "all", "slug": "", "name": "All government services", "abbreviation": None}
    if kind not in KINDS or not slug:
        return None
    found = departments() if kind == "department" else agencies()
    rows = found[found["slug"] == slug]
    if rows.empty:
        return None
    org = {"kind": kind, **rows.iloc[0].to_dict()}
    if kind == "agency":
        parents = departments()
        parent = parents[parents["slug"] == org["department_slug"]]
        org["department"] = parent.iloc[0]["name"] if not parent.empty else None
    return org


class Scope:
    """All of government, a department or an agency: its years and its services' figures, each
    read once for a page view (data_access caches them between views)."""

    def __init__(self, kind: str, slug: str | None):
        self.kind, self.slug = kind, slug or None
        self._services: dict[YearEnding, pd.DataFrame] = {}

    @cached_property
    def periods(self) -> list[YearEnding]:
        """The years for which some service of the scope reported transactions, newest first."""
        figures = scope_figures(self.kind, self.slug)
        return list(reversed(figures.dropna(subset=["volume"])["period"].tolist()))

    def services(self, period: YearEnding) -> pd.DataFrame:
        """Every service of the scope with its totals and KPIs for the year (gaps where it did not report)."""
        if period not in self._services:
            self._services[period] = service_index(period.id, "", self.slug if self.kind == "department" else None,
                                                   self.slug if self.kind == "agency" else None)
        return self._services[period]

    def previous(self, period: YearEnding) -> pd.DataFrame:
        """The services in the year before (empty when no service reported that year)."""
        before = year_before(period)
        return self.services(before) if before in self.periods else self.services(period).iloc[0:0]

    @cached_property
    def default(self) -> tuple[YearEnding | None, float | None]:
        """The latest year with good coverage (domain.movers.latest_well_covered), and its coverage."""
        return latest_well_covered(self.periods, self.services)

    def chosen(self, period_id: str | None) -> YearEnding | None:
        """The year asked for if the scope reported it, else the default."""
        return next((p for p in self.periods if p.id == period_id), None) or self.default[0]


# --- exports ---------------------------------------------------------------------------------------

def _scope(params) -> tuple[dict | None, Scope | None, YearEnding | None]:
    org = organisation(params.get("kind", ""), params.get("slug", ""))
    if org is None:
        return None, None, None
    scope = Scope(org["kind"], org["slug"])
    return org, scope, scope.chosen(params.get("period"))


def headlines_export(org: dict, scope: Scope, period: YearEnding) -> Export:
    before = year_before(period)
    frame = headlines_frame(scope.services(period), scope.previous(period), period, before)
    return Export(f"Key figures: {org['name']}", f"{period.label}, compared with the {before.phrase}", frame,
                  notes=("Volume-weighted: each figure is worked out from the totals of the services that "
                         "reported it. Like for like: only the services that reported it in both years.",),
                  filename=f"{org['slug'] or 'all'}-key-figures-{period.id}")


def trend_export(org: dict, selected: YearEnding | None = None, year_before: bool = False) -> Export:
    frame = trend_frame(scope_figures(org["kind"], org["slug"] or None))
    frame = with_trend_year_before(frame) if year_before else frame
    return Export(f"Transactions and digital take-up: {org['name']}", frame_span(frame), frame,
                  notes=("Totals of the services that reported each year; the number of services varies.",),
                  figure=trend_figure(frame, selected), filename=f"{org['slug'] or 'all'}-transactions-and-take-up")


def movers_export(org: dict, scope: Scope, period: YearEnding) -> Export:
    before = year_before(period)
    frame = movers_frame(scope.services(period), scope.previous(period), period, before)
    return Export(f"Biggest changes: {org['name']}", f"{before.label} and {period.phrase}", frame,
                  notes=(f"Services with at least {MIN_VOLUME:,} transactions behind the measure in both years. "
                         "Digital take-up changes in percentage points, cost per transaction in per cent.",),
                  filename=f"{org['slug'] or 'all'}-biggest-changes-{period.id}")


def services_export(org: dict, scope: Scope, period: YearEnding) -> Export:
    frame = services_frame(scope.services(period))
    return Export(f"Services: {org['name']}", period.label, frame,
                  filename=f"{org['slug'] or 'all'}-services-{period.id}")


def _built(builder, params):
    org, scope, period = _scope(params)
    if org is None or period is None:
        return None
    return builder(org, scope, period)


@exporter("organisation-headlines")
def _headlines_download(params):
    return _built(headlines_export, params)


@exporter("organisation-trend")
def _trend_download(params):
    org = organisation(params.get("kind", ""), params.get("slug", ""))
    return trend_export(org, year_before=wants_year_before(params.get("compare"))) if org else None


@exporter("organisation-movers")
def _movers_download(params):
    return _built(movers_export, params)


@exporter("organisation-services")
def _services_download(params):
    return _built(services_export, params)


def table_links(name: str, card_id: str, **params) -> html.P:
    return download_links(card_id, {fmt: export_url(name, fmt, **params) for fmt in TABLE_FORMATS})


# --- the page --------------------------------------------------------------------------------------

@cached_layout
def department_layout(slug=None, period=None, compare=None, **_):
    return organisation_layout("department", slug, period, compare)


@cached_layout
def agency_layout(slug=None, period=None, compare=None, **_):
    return organisation_layout("agency", slug, period, compare)


def department_title(slug=None, **_):
    return _title("department", slug)


def agency_title(slug=None, **_):
    return _title("agency", slug)


def _title(kind, slug):
    """The tab names the department or agency (or says it is not found, as the page does)."""
    org = organisation(kind, slug or "")
    return page_title(org["name"] if org else f"{_what(kind).capitalize()} not found")


dash.register_page("pages.organisation.department", path_template="/departments/<slug>",
                   title=department_title, name="Department", layout=department_layout)
dash.register_page("pages.organisation.agency", path_template="/agencies/<slug>",
                   title=agency_title, name="Agency", layout=agency_layout)


def organisation_layout(kind, slug, period, compare=None):
    org = organisation(kind, slug or "")
    if org is None or kind == "all":
        return _not_found(kind, slug)
    scope = Scope(kind, slug)
    periods, (default, share) = scope.periods, scope.default
    selected = scope.chosen(period)
    year_before = wants_year_before(compare)
    return html.Div([
        _breadcrumbs(org),
        html.Span("Department" if kind == "department" else f"Agency or body, {org['department']}",
                  className="govuk-caption-l"),
        html.H1(org["name"], className="govuk-heading-xl", id="organisation-name"),
        html.P(_introduction(org), className="govuk-body-l"),
        dcc.Store(id="organisation-scope", data={"kind": kind, "slug": slug}),
        dcc.Store(id="organisation-query"),
        _year_control(periods, selected, year_before),
        html.P(coverage_sentence(default, share, periods[0], COVERAGE_THRESHOLD) if default else "",
               className="govuk-inset-text", id="organisation-default-year"),
        html.Div(organisation_figures(org, scope, selected, year_before), id="organisation-figures",
                 **{"aria-live": "polite"}),
        _related(org),
    ])


def _what(kind) -> str:
    return "agency or body" if kind == "agency" else "department"


def _not_found(kind, slug):
    what = _what(kind)
    return html.Div([
        html.H1(f"{what.capitalize()} not found", className="govuk-heading-xl"),
        html.P(f"There is no {what} called “{slug}” that runs a service.", className="govuk-body"),
        html.P(html.A("See the summary of all departments", href="/summary", className="govuk-link"),
               className="govuk-body"),
    ], id=NOT_FOUND_ID)


def _breadcrumbs(org):
    trail = [("Services", "/"), ("Summary", "/summary")]
    if org["kind"] == "agency" and org.get("department"):
        trail.append((org["department"], f"/departments/{org['department_slug']}"))
    return breadcrumbs(trail + [(org["name"], "")])


def _introduction(org):
    count = int(org["services"])
    runs = f"{count:,} service{'s' if count != 1 else ''}"
    what = "department" if org["kind"] == "department" else "agency or body"
    return (f"How the {runs} of this {what} perform: transactions, digital take-up and cost per "
            "transaction, for the organisation as a whole and for each service.")


def _year_control(periods, selected, year_before=False):
    if not periods:
        return None
    return html.Div([html.Div([
        html.Label("Year", htmlFor="organisation-period", className="govuk-label govuk-label--s"),
        html.Div("The 12 months the figures below describe", className="govuk-hint"),
        dcc.Dropdown(id="organisation-period", options=[{"label": p.label, "value": p.id} for p in periods],
                     value=selected.id if selected else None, clearable=False, searchable=False),
    ], className="govuk-form-group pp-filter"), year_before_control("organisation-compare", year_before)],
        className="pp-filters pp-controls")


def organisation_figures(org, scope, selected, year_before=False):
    """Key figures, the chart over time, the biggest movers and the services, for the chosen year."""
    if selected is None:
        return html.P("No service of this organisation has reported any transactions.", className="govuk-body")
    current, previous = scope.services(selected), scope.previous(selected)
    return [*key_figures(org, selected, current, previous, "organisation"),
            _trend_chart(org, selected, year_before),
            movers_section(org, selected, current, previous, "organisation"),
            _services_section(org, selected, current)]


def key_figures(org, selected, current, previous, prefix):
    """Tiles, the weighting and the like-for-like changes in words, and their downloads."""
    compared = comparisons(current, previous)
    return [
        html.H2(f"Key figures: {selected.phrase}", className="govuk-heading-l", id=f"{prefix}-kpis-heading"),
        group_tiles(current, compared, selected, year_before(selected)),
        html.P(weighting_sentence(len(reporting(current, "transactions")), selected), className="govuk-body",
               id=f"{prefix}-weighting"),
        html.Ul([html.Li(s) for s in headline_sentences(current, compared, selected)],
                className="govuk-list govuk-list--bullet", id=f"{prefix}-sentences"),
        table_links("organisation-headlines", f"{prefix}-headlines", kind=org["kind"], slug=org["slug"],
                    period=selected.id),
    ]


def headline_sentences(current, compared, selected):
    """The year's transactions, then each KPI's like-for-like change on the year before."""
    before = year_before(selected)
    sentences = [transactions_sentence(group_value(current, "transactions"), len(reporting(current, "transactions")),
                                       selected)]
    sentences += [like_for_like_sentence(c, selected, before) for c in compared.values() if c is not None]
    if all(c is None for c in compared.values()):
        sentences.append(f"No service reported for both the {before.phrase} and the {selected.phrase}, so there "
                         "is no change to show.")
    return sentences


def _trend_chart(org, selected, year_before=False):
    export = trend_export(org, selected, year_before)
    frame = export.frame
    counts = ["Services reporting", "Transactions", "Digital transactions", "Transactions with a reported channel"]
    formats = {**{c: count_cell for c in counts}, "Digital take-up (%)": percent_cell}
    formats.update({c: formats[c.removesuffix(YEAR_BEFORE)] for c in frame.columns if is_year_before(c)})
    table = data_table(frame.drop(columns=["Period start", "Period end"]), "Transactions and digital take-up by year",
                       formats, row_header="Year ending", table_id="organisation-trend-table")
    return chart_card("organisation-trend", "Transactions and digital take-up over time", export.figure,
                      trend_summary(frame, selected, ""), table,
                      export_links("organisation-trend", kind=org["kind"], slug=org["slug"],
                                   compare=compare_param(year_before)), list(export.notes))


def movers_section(org, selected, current, previous, prefix):
    before = year_before(selected)
    heading = html.H2(f"Biggest changes since the {before.phrase}", className="govuk-heading-l",
                      id=f"{prefix}-movers-heading")
    if len(previous) == 0:
        return html.Section([heading, html.P(f"No service reported for the {before.phrase}, so there are no "
                                             "changes to show.", className="govuk-body")], id=f"{prefix}-movers")
    frame = movers_frame(current, previous, selected, before)
    return html.Section([
        heading,
        html.P(f"Like for like: each service's figure in the {selected.phrase} against its own figure in the "
               f"{before.phrase}, for services with at least {MIN_VOLUME:,} transactions behind the measure in "
               "both years. Digital take-up changes in percentage points; cost per transaction in per cent.",
               className="govuk-body"),
        *movers_tables(frame, selected, before, prefix, "Agency" if org["kind"] == "department" else
                       "Department" if org["kind"] == "all" else None),
        table_links("organisation-movers", f"{prefix}-movers", kind=org["kind"], slug=org["slug"],
                    period=selected.id),
    ], id=f"{prefix}-movers", className="pp-movers")


def _services_section(org, selected, current):
    frame = services_frame(current)
    columns = ("Agency",) if org["kind"] == "department" else ()
    return html.Section([
        html.H2("Services", className="govuk-heading-l", id="organisation-services-heading"),
        html.Div(services_table(frame, f"Services of {org['name']}, {selected.phrase}", "organisation-services-table",
                                columns), className="pp-table-scroll"),
        table_links("organisation-services", "organisation-services", kind=org["kind"], slug=org["slug"],
                    period=selected.id),
    ], id="organisation-services")


def _related(org):
    if org["kind"] == "agency":
        return html.Section([
            html.H2("Department", className="govuk-heading-m"),
            html.P([f"{org['name']} is part of ",
                    html.A(org["department"], href=f"/departments/{org['department_slug']}", className="govuk-link",
                           id="organisation-department-link"), "."], className="govuk-body"),
        ], className="pp-related")
    found = agencies(org["slug"])
    if found.empty:
        items = html.P(f"No agency or body of {org['name']} runs a service.", className="govuk-body")
    else:
        items = html.Ul([html.Li([html.A(row.name, href=f"/agencies/{row.slug}", className="govuk-link"),
                                  f" ({row.services:,} service{'s' if row.services != 1 else ''})"])
                         for row in found.itertuples()], className="govuk-list", id="organisation-agencies")
    return html.Section([html.H2("Agencies and bodies", className="govuk-heading-m"), items], className="pp-related")


@callback(
    Output("organisation-figures", "children"),
    Output("organisation-query", "data"),
    Input("organisation-period", "value"),
    Input("organisation-compare", "value"),
    State("organisation-scope", "data"),
    prevent_initial_call=True,
)
@cached_answer
def change_period(period_id, compare, scope):
    org = organisation(scope["kind"], scope["slug"])
    found = Scope(org["kind"], org["slug"])
    selected, default = found.chosen(period_id), found.default[0]
    year_before = wants_year_before(compare)
    return (organisation_figures(org, found, selected, year_before),
            query_string({"period": selected.id if selected else None, "compare": compare_param(year_before)},
                         {"period": default.id if default else None}))


mirror_to_address_bar("organisation-query")
