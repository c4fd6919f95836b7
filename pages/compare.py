"""Compare services: 2 to 6 services side by side on every KPI, over a chosen range of years,
as values, indexed or as shares of channel, with the same period a year before if asked; a ranking
for the last year; each service's dated notes on every chart. All of it in the URL:
/compare?services=a,b&from=2014-03&to=2017-09&mode=indexed&metric=cost_per_transaction&compare=year-before
"""
from __future__ import annotations

import math
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update

from components.annotations import notes_list
from components.chart_card import chart_card, download_links
from components.compare_charts import (MAX_SERVICES, MEASURES, MIN_SERVICES, MODES, SHORT_NAMES, Compared,
                                       effective_mode, illustrative_channel_names, measure_figure,
                                       measure_frame, measure_summary, mode_note, period_columns, rank_column,
                                       ranking_frame, ranking_summary, shown_values, value_column)
from components.exports import TABLE_FORMATS, Export
from components.tables import data_table
from components.year_before import COMPARE, is_year_before, wants_year_before, year_before_control
from data_access.annotations import service_annotations
from data_access.figures import channel_volumes, illustrative_metrics, reporting_periods, service_figures, service_index
from domain.indexing import base_position
from domain.metrics import METRICS
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED
from pages.cached_answers import cached_layout
from pages.chart_notes import with_compared_notes
from pages.exports import export_links, export_url, exporter
from pages.url_state import mirror_to_address_bar

dash.register_page(__name__, path="/compare", title="Compare services – Performance Platform", name="Compare")

# the stored metrics a KPI is made of, to know when it is illustrative
SOURCES = {"completion_rate": {"started", "completed"}, "user_satisfaction": {"rating"}}
ILLUSTRATIVE_NOTE = "Illustrative: generated for this demo around the real totals, not reported by the services."
CHANNEL_NOTE = ("Digital and total transactions are as reported. The split of the other transactions between "
                "phone, paper and face to face is illustrative: generated for this demo, not reported.")
SAME_AXIS_NOTE = ("Every service is drawn on the same scale, so a small service can sit near the bottom: "
                  "show as indexed to compare how each changed.")


# --- state: the URL's values, cleaned -----------------------------------------------------------

def catalogue() -> dict[str, tuple[str, str]]:
    """slug -> (name, department) of every service, by name."""
    frame = service_index(sort="name", descending=False)
    return {row.slug: (row.name, row.department) for row in frame.itertuples()}


def periods_ascending() -> list[YearEnding]:
    return sorted(reporting_periods())


def parse_slugs(value) -> list[str]:
    """'a,b' or ['a', 'b'] -> ['a', 'b'] (no blanks, no repeats, in order)."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    seen = []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def state(services="", start="", end="", mode="", metric="", keep_range=True, compare=None) -> dict:
    """The comparison a URL (or the controls) asks for: at most 6 known services, a range of
    reporting years (by default the years the chosen services report), a mode, the ranking's order,
    and whether the same period a year before is drawn (`compare`: 'year-before' or the checkbox's values)."""
    chosen = choice(services)
    periods = periods_ascending()
    by_id = {p.id: p for p in periods}
    first, last = default_range(chosen["services"], periods)
    start = by_id.get(start) if keep_range and start in by_id else first
    end = by_id.get(end) if keep_range and end in by_id else last
    if start > end:
        start, end = end, start
    return {**chosen, "start": start, "end": end, "mode": mode if mode in MODES else "absolute",
            "metric": metric if metric in MEASURES else "transactions", "year_before": wants_year_before(compare)}


def choice(services) -> dict:
    """The services asked for: the first 6 known ones, those refused past 6, and unknown slugs."""
    known = catalogue()
    asked = parse_slugs(services)
    slugs = [s for s in asked if s in known]
    return {"services": slugs[:MAX_SERVICES], "refused": slugs[MAX_SERVICES:],
            "unknown": [s for s in asked if s not in known][:5]}


def default_range(slugs: list[str], periods: list[YearEnding]) -> tuple[YearEnding, YearEnding]:
    """From the first to the last year any of the services reports (every year if none does)."""
    reported = [p for slug in slugs for p in service_figures(slug).dropna(subset=["volume"])["period"]]
    return (min(reported), max(reported)) if reported else (periods[0], periods[-1])


def in_range(current: dict) -> list[YearEnding]:
    return [p for p in periods_ascending() if current["start"] <= p <= current["end"]]


def params(current: dict) -> dict:
    """The state as URL parameters (the page's query string and its exports' parameters)."""
    if not current["services"]:
        return {}
    out = {"services": ",".join(current["services"]), "from": current["start"].id, "to": current["end"].id}
    if current["mode"] != "absolute":
        out["mode"] = current["mode"]
    if current["metric"] != "transactions":
        out["metric"] = current["metric"]
    if current.get("year_before"):
        out["compare"] = COMPARE
    return out


def query_string(current: dict) -> str:
    kept = params(current)
    return "?" + urlencode(kept, safe=",") if kept else ""


def state_from_params(values: dict) -> dict:
    return state(values.get("services", ""), values.get("from", ""), values.get("to", ""),
                 values.get("mode", ""), values.get("metric", ""), compare=values.get("compare"))


# --- data ---------------------------------------------------------------------------------------

def compared(slugs: list[str]) -> list[Compared]:
    known = catalogue()
    return [Compared(slug, known[slug][0], service_figures(slug), channel_volumes(slug), service_annotations(slug))
            for slug in slugs]


def _stored_illustrative(slugs: list[str]) -> set[str]:
    return set().union(*[illustrative_metrics(s) for s in slugs]) if slugs else set()


def illustrative(slugs: list[str]) -> set[str]:
    """KPIs (by id) that are illustrative for at least one of the services."""
    stored = _stored_illustrative(slugs)
    return {kpi for kpi, sources in SOURCES.items() if sources & stored}


def illustrative_channels(slugs: list[str]) -> set[str]:
    """Channel names whose volumes are illustrative for at least one of the services."""
    return illustrative_channel_names(_stored_illustrative(slugs))


def span_text(current: dict) -> str:
    start, end = current["start"], current["end"]
    return start.label if start == end else f"{start.label} to {end.phrase}"


def measure_title(measure: str, mode: str, shown_illustrative: set[str]) -> str:
    name = METRICS[measure].name if measure == "transactions" else SHORT_NAMES[measure]
    used = effective_mode(measure, mode)
    if used == "share":
        name = "Transactions by channel, as shares of each service's transactions"
    elif used == "indexed":
        name += ", indexed (first year shown = 100)"
    return name + (" (illustrative)" if measure in shown_illustrative else "")


def measure_export(current: dict, measure: str, services: list[Compared] | None = None) -> Export | None:
    """One chart of the comparison: the frame it plots, its figure, title and notes (`services`:
    the chosen services' figures, when the caller has them already)."""
    if measure not in MEASURES or len(current["services"]) < MIN_SERVICES:
        return None
    services, periods = services or compared(current["services"]), in_range(current)
    shown = illustrative(current["services"])
    frame = measure_frame(services, periods, measure, current["mode"], current.get("year_before", False))
    names = [s.name for s in services]
    channels = illustrative_channels(current["services"])
    figure = measure_figure(frame, names, periods, measure, current["mode"], channels)
    export = Export(f"{measure_title(measure, current['mode'], shown)}: {', '.join(names)}", span_text(current),
                    frame, notes=tuple(measure_notes(services, periods, measure, current["mode"], shown,
                                                     bool(channels))),
                    figure=figure, filename=f"compare-{measure.replace('_', '-')}")
    return with_compared_notes(export, [(s.name, s.notes) for s in services], pd.DataFrame(period_columns(periods)))


def measure_notes(services, periods, measure, mode, shown, channels_illustrative=False) -> list[str]:
    used = effective_mode(measure, mode)
    notes = [n for n in [mode_note(measure, mode)] if n]
    if measure in shown:
        notes.append(ILLUSTRATIVE_NOTE)
    if used == "share" and channels_illustrative:
        notes.append(CHANNEL_NOTE)
    if used == "indexed":
        notes.append("Index bases (= 100): " + "; ".join(_base(s, measure, periods) for s in services) + ".")
    if used == "absolute" and measure == "transactions":
        notes.append(SAME_AXIS_NOTE)
    return notes


def _base(service: Compared, measure: str, periods: list[YearEnding]) -> str:
    position = base_position(shown_values(service, measure, periods, percent=False))
    return f"{service.name}, {periods[position].phrase}" if position is not None else f"{service.name}, no figure in the range"


def ranking_export(current: dict, services: list[Compared] | None = None) -> Export | None:
    if len(current["services"]) < MIN_SERVICES:
        return None
    frame = ranking_frame(services or compared(current["services"]), current["end"], current["metric"],
                          illustrative(current["services"]))
    return Export(f"Services compared: {current['end'].label}", current["end"].span, frame,
                  notes=("Rank 1 is the most transactions, the highest rate or the lowest cost per transaction; "
                         "a service with no figure (or a suppressed one) has no rank.",),
                  filename="compare-ranking")


@exporter("compare-measure")
def _measure_download(values):
    return measure_export(state_from_params(values), values.get("measure", ""))


@exporter("compare-ranking")
def _ranking_download(values):
    return ranking_export(state_from_params(values))


# --- layout -------------------------------------------------------------------------------------

@cached_layout
def layout(services="", to="", mode="", metric="", compare=None, **query):
    current = state(services, query.get("from", ""), to, mode, metric, compare=compare)
    known = catalogue()
    periods = periods_ascending()
    return html.Div([
        html.H1("Compare services", className="govuk-heading-xl"),
        html.P("Put up to six services side by side: how many transactions each handles, how many are digital, "
               "what each costs, and how many users complete and are satisfied, year by year.",
               className="govuk-body-l"),
        html.Div([
            html.Label("Services to compare", htmlFor="compare-services", className="govuk-label govuk-label--m"),
            html.Div(f"Choose {MIN_SERVICES} to {MAX_SERVICES} services. Type part of a name or a department "
                     "to find one.", className="govuk-hint", id="compare-services-hint"),
            html.P(_error(current), id="compare-services-error", className="govuk-error-message",
                   **{"aria-live": "assertive"}),
            dcc.Dropdown(id="compare-services", multi=True, value=current["services"], closeOnSelect=True,
                         placeholder="Search for a service",
                         options=[{"label": f"{name} ({department})", "value": slug}
                                  for slug, (name, department) in known.items()]),
        ], className=_group_class(current), id="compare-services-group"),
        html.Div([
            _field("Show as", "compare-mode", dcc.Dropdown(
                id="compare-mode", value=current["mode"], clearable=False, searchable=False,
                options=[{"label": label, "value": mode} for mode, label in MODES.items()])),
            _field("From year", "compare-from", dcc.Dropdown(
                id="compare-from", value=current["start"].id, clearable=False, searchable=False,
                options=[{"label": p.label, "value": p.id} for p in periods])),
            _field("To year", "compare-to", dcc.Dropdown(
                id="compare-to", value=current["end"].id, clearable=False, searchable=False,
                options=[{"label": p.label, "value": p.id} for p in periods])),
            _field("Order the ranking by", "compare-order", dcc.Dropdown(
                id="compare-order", value=current["metric"], clearable=False, searchable=False,
                options=[{"label": SHORT_NAMES[m], "value": m} for m in MEASURES])),
            year_before_control("compare-year-before", current["year_before"]),
        ], className="pp-filters pp-compare-controls"),
        html.P("Indexed: each service's first year with a figure in the range is 100, so services of any size "
               "can be compared. Share of channel: each service's transactions split by channel; the other "
               "measures are rates or costs already and are shown as values.",
               className="govuk-body-s pp-chart-note", id="compare-mode-hint"),
        dcc.Store(id="compare-query", data=query_string(current)),
        dcc.Store(id="compare-url-written"),
        dcc.Store(id="compare-chosen", data=current["services"]),
        dcc.Store(id="compare-range-chosen", data=bool(query.get("from") or to)),
        html.P(_status(current), id="compare-status", className="govuk-body pp-count", **{"aria-live": "polite"}),
        html.Div(results(current), id="compare-results"),
    ], className="pp-compare")


def _field(label, field_id, control):
    return html.Div([html.Label(label, htmlFor=field_id, className="govuk-label govuk-label--s"), control],
                    className="govuk-form-group pp-filter")


def _error(current: dict) -> list:
    messages = []
    if current["refused"]:
        messages.append(f"You can compare up to {MAX_SERVICES} services: remove one before adding another. "
                        f"Not added: {', '.join(catalogue()[s][0] for s in current['refused'])}.")
    if current["unknown"]:
        messages.append(f"No service is called {', '.join(current['unknown'])}.")
    if not messages:
        return []
    return [html.Span("Error: ", className="govuk-visually-hidden"), " ".join(messages)]


def _group_class(current: dict) -> str:
    error = " govuk-form-group--error" if current["refused"] or current["unknown"] else ""
    return "govuk-form-group pp-compare-picker" + error


def _status(current: dict) -> str:
    count = len(current["services"])
    if count < MIN_SERVICES:
        return "Choose at least two services to compare." if count == 0 else "Choose one more service to compare."
    return f"Comparing {count} services, {span_text(current)[0].lower()}{span_text(current)[1:]}."


def results(current: dict) -> list:
    if len(current["services"]) < MIN_SERVICES:
        return [html.Div(html.P(
            "Choose at least two services above to see them side by side: their figures on the same axes, "
            "a ranking for the last year and a summary of who leads.", className="govuk-body"),
            className="govuk-inset-text", id="compare-prompt")]
    services = compared(current["services"])  # read once for the ranking and every chart
    return [_ranking(current, services), *[_chart(current, m, services) for m in MEASURES]]


def _ranking(current: dict, services: list[Compared]) -> html.Section:
    export = ranking_export(current, services)
    frame = export.frame
    shown = illustrative(current["services"])
    formats = {rank_column(m): _rank_cell for m in MEASURES}
    formats.update({value_column(m, shown): _cell(m) for m in MEASURES})
    table = data_table(frame, f"The services ranked on each measure, {current['end'].phrase}", formats,
                       row_header="Service", table_id="compare-ranking-table")
    links = {fmt: export_url("compare-ranking", fmt, **params(current)) for fmt in TABLE_FORMATS}
    return html.Section([
        html.H2(f"How they compare: {current['end'].phrase}", className="govuk-heading-l", id="compare-ranking-title"),
        html.P(ranking_summary(frame, current["end"], shown), className="govuk-body pp-chart-summary",
               id="compare-ranking-summary"),
        html.Div(table, className="pp-table-scroll", tabIndex=0, role="region",
                 **{"aria-labelledby": "compare-ranking-title"}),
        download_links("compare-ranking", links),
    ], className="pp-chart-card", id="compare-ranking")


def _rank_cell(value) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.0f}"


def _cell(measure: str, indexed: bool = False):
    metric = METRICS[measure]

    def cell(value) -> str:
        if value == SUPPRESSED:
            return "Suppressed"
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "No data"
        if indexed:
            return f"{value:.2f}"
        return {"count": f"{value:,.0f}", "gbp": f"£{value:,.2f}", "percent": f"{value:.2f}%"}[metric.unit]
    return cell


def _chart(current: dict, measure: str, services: list[Compared]) -> html.Section:
    export = measure_export(current, measure, services)
    frame = export.frame.drop(columns=["Period start", "Period end"])
    used = effective_mode(measure, current["mode"])
    if used == "share":
        formats = {c: _share_cell for c in frame.columns if c.endswith(" (%)") or is_year_before(c)}
    else:
        formats = {c: _cell(measure, used == "indexed") for c in frame.columns if c != "Year ending"}
    names = [s.name for s in services]
    card_id = f"compare-{measure.replace('_', '-')}"
    table = data_table(frame, export.title, formats, row_header="Year ending", table_id=f"{card_id}-table")
    summary = measure_summary(export.frame, names, in_range(current), measure, current["mode"])
    annotations = export.extra.get("annotations", [])
    notes = [*export.notes[:len(export.notes) - len(annotations)],  # the dated notes are listed apart
             notes_list(annotations, f"{card_id}-notes", export.extra.get("annotated_services"))]
    return chart_card(card_id, export.title.split(": ")[0], export.figure, summary, table,
                      export_links("compare-measure", measure=measure, **params(current)), notes)


def _share_cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    return "No data" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.2f}%"


# --- callbacks ----------------------------------------------------------------------------------

@callback(
    Output("compare-services", "value"),
    Output("compare-services-error", "children"),
    Output("compare-services-group", "className"),
    Output("compare-chosen", "data"),
    Input("compare-services", "value"),
    State("compare-chosen", "data"),
    prevent_initial_call=True,
)
def pick_services(selected, previous):
    """Cheap, so that a seventh service is refused at once; the comparison follows `compare-chosen`."""
    current = choice(in_choice_order(parse_slugs(selected), previous or []))
    kept = current["services"]
    return (kept if set(kept) != set(parse_slugs(selected)) else no_update, _error(current),
            _group_class(current), kept if kept != previous else no_update)


def in_choice_order(selected: list[str], previous: list[str]) -> list[str]:
    """The services already compared first, then the ones just added: past six, the newest are refused."""
    return [s for s in previous if s in selected] + [s for s in selected if s not in previous]


@callback(
    Output("compare-from", "value"),
    Output("compare-to", "value"),
    Output("compare-range-chosen", "data"),
    Output("compare-status", "children"),
    Output("compare-results", "children"),
    Output("compare-query", "data"),
    Input("compare-chosen", "data"),
    Input("compare-mode", "value"),
    Input("compare-from", "value"),
    Input("compare-to", "value"),
    Input("compare-order", "value"),
    Input("compare-year-before", "value"),
    State("compare-range-chosen", "data"),
    prevent_initial_call=True,
)
def update(services, mode, start, end, metric, year_before, range_chosen):
    # until the user picks a range, it follows the years the chosen services report
    chosen = bool(range_chosen) or ctx.triggered_id in ("compare-from", "compare-to")
    current = state(services, start, end, mode, metric, keep_range=chosen, compare=year_before)
    return (current["start"].id if current["start"].id != start else no_update,
            current["end"].id if current["end"].id != end else no_update,
            chosen, _status(current), results(current), query_string(current))


mirror_to_address_bar("compare-query")

# The shared mirror has no output, so Dash does not call it when the page first renders; this one
# does, so that an opened URL is at once written in full (its range, known services only).
clientside_callback(
    """function (search) {
        if (typeof search === "string" && search !== window.location.search) {
            window.history.replaceState(null, "", window.location.pathname + search);
        }
        return true;
    }""",
    Output("compare-url-written", "data"),
    Input("compare-query", "data"),
)
