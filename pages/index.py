"""Services index: every service with its headline figures; search, filter, sort and page, all in the URL.

Filtering, sorting and paging run in SQL (data_access.figures.service_index_page): a page renders
INDEX_PAGE_SIZE rows whatever the number of services. Downloads hold every matching row."""
import dash
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update

from components.chart_card import download_links
from components.exports import TABLE_FORMATS, Export
from components.services_table import (COLUMNS, index_csv_frame, services_head, services_pager, services_rows,
                                       services_table, sort_button_id)
from data_access.figures import (INDEX_PAGE_SIZE, INDEX_SORTS, reporting_periods, service_index, service_index_count,
                                 service_index_page)
from data_access.services import agencies, departments, service_count
from pages.cached_answers import cached_answer, cached_layout
from pages.exports import export_url, exporter
from pages.url_state import mirror_to_address_bar, query_string

dash.register_page(__name__, path="/", title="Services – Performance Platform", name="Services")

DEFAULTS = {"q": "", "department": "", "agency": "", "period": "", "sort": "transactions", "order": "desc",
            "page": "1"}
LATEST = ""  # the period option meaning "each service's latest reported year"


def _options(frame, all_label):
    return [{"label": all_label, "value": ""}] + [
        {"label": f"{row.name} ({row.services})", "value": row.slug} for row in frame.itertuples()]


def _period_options():
    return [{"label": "Latest reported year", "value": LATEST}] + [
        {"label": p.label, "value": p.id} for p in reporting_periods()]


def _state(q="", department="", agency="", period="", sort="transactions", order="desc", page="1"):
    """Clean the URL's values: unknown ones fall back to the defaults (a page past the last is
    clamped when the rows are counted, in Shown)."""
    sort = sort if sort in INDEX_SORTS else DEFAULTS["sort"]
    order = order if order in ("asc", "desc") else DEFAULTS["order"]
    period = period if period in {p.id for p in reporting_periods()} else LATEST
    department = department if department in set(departments()["slug"]) else ""
    agency = agency if agency in set(agencies(department or None)["slug"]) else ""
    page = str(page or "").strip()
    return {"q": (q or "").strip()[:100], "department": department, "agency": agency,
            "period": period, "sort": sort, "order": order,
            "page": page if page.isdigit() and 0 < int(page) < 100_000 else DEFAULTS["page"]}


def _field(label, control, field_id, hint=None):
    parts = [html.Label(label, htmlFor=field_id, className="govuk-label govuk-label--s")]
    if hint:
        parts.append(html.Div(hint, className="govuk-hint", id=f"{field_id}-hint"))
    return html.Div(parts + [control], className="govuk-form-group pp-filter")


@cached_layout
def layout(q="", department="", agency="", period="", sort="transactions", order="desc", page="1", **_):
    state = _state(q, department, agency, period, sort, order, page)
    shown = Shown(state)
    return html.Div([
        html.H1("Services", className="govuk-heading-xl"),
        html.P("How government's transactional services perform: how many transactions each handles in a year, "
               "how many are digital, and what each costs. Search, filter and sort the list; "
               "choose a service to see its dashboard.", className="govuk-body-l"),
        html.Div([
            _field("Search by name", dcc.Input(id="services-search", type="search", value=state["q"],
                                               debounce=False, className="govuk-input", autoComplete="off"),
                   "services-search"),
            _field("Department", dcc.Dropdown(id="services-department", options=_options(departments(), "All departments"),
                                              value=state["department"], clearable=False),
                   "services-department"),
            _field("Agency or body", dcc.Dropdown(id="services-agency", value=state["agency"], clearable=False,
                                                  options=_options(agencies(state["department"] or None),
                                                                   "All agencies and bodies")),
                   "services-agency"),
            _field("Period", dcc.Dropdown(id="services-period", options=_period_options(),
                                          value=state["period"], clearable=False), "services-period"),
        ], className="pp-filters", role="search"),
        dcc.Store(id="services-sort", data={"sort": state["sort"], "order": state["order"]}),
        dcc.Store(id="services-query"),
        html.P(_count_text(shown), id="services-count", className="govuk-body pp-count",
               **{"aria-live": "polite"}),
        html.Div(_downloads(state), id="services-downloads"),
        html.Div(services_table(shown.frame, state["sort"], state["order"] == "desc", _caption(state)),
                 className="pp-table-scroll"),
        html.Div(_pager(shown), id="services-pager"),
    ])


def _filters(state) -> tuple:
    return state["q"], state["department"] or None, state["agency"] or None


def _services(state):
    """Every matching row (for the downloads)."""
    return service_index(state["period"] or None, *_filters(state), state["sort"], state["order"] == "desc")


class Shown:
    """One page of the list: its rows, the state with its page clamped to the last, how many rows match."""

    def __init__(self, state):
        self.count = service_index_count(*_filters(state))
        self.pages = max(1, -(-self.count // INDEX_PAGE_SIZE))
        self.page = min(int(state["page"]), self.pages)
        self.state = {**state, "page": str(self.page)}
        self.frame = service_index_page(state["period"] or None, *_filters(state), state["sort"],
                                        state["order"] == "desc", self.page, INDEX_PAGE_SIZE)
        self.first = (self.page - 1) * INDEX_PAGE_SIZE + 1


def _pager(shown: Shown):
    return services_pager(shown.page, shown.pages,
                          lambda number: "/" + query_string({**shown.state, "page": str(number)}, DEFAULTS))


def _caption(state):
    period = next((p.phrase for p in reporting_periods() if p.id == state["period"]), None)
    return f"Services, {period}" if period else "Services, latest reported year of each"


@callback(
    Output("services-agency", "options"),
    Output("services-agency", "value"),
    Input("services-department", "value"),
    State("services-agency", "value"),
    prevent_initial_call=True,  # the layout has the department's agencies already
)
@cached_answer
def agencies_of_department(department, agency):
    frame = agencies(department or None)
    return _options(frame, "All agencies and bodies"), agency if agency in set(frame["slug"]) else ""


@callback(
    Output("services-sort", "data"),
    Input(sort_button_id(ALL), "n_clicks"),
    State("services-sort", "data"),
    prevent_initial_call=True,
)
def sort_by_column(clicks, current):
    column = ctx.triggered_id["column"] if ctx.triggered_id else None
    if column not in COLUMNS or not any(clicks):
        return no_update
    return next_sort(column, current)


def next_sort(column: str, current: dict) -> dict:
    """What a column's sort button does: the same column again reverses the order."""
    if column == current["sort"]:
        return {"sort": column, "order": "asc" if current["order"] == "desc" else "desc"}
    # names read best A to Z, figures largest first
    return {"sort": column, "order": "asc" if column in ("name", "department") else "desc"}


def sort_link(column: str, query: dict) -> str:
    """The address of the list sorted as the column's button would sort it, from the URL's query
    arguments (for the page rendered without JavaScript, where the buttons are links)."""
    first = {k: v[0] if isinstance(v, list) else v for k, v in query.items() if k in DEFAULTS}
    state = _state(**first)
    return "/" + query_string({**state, **next_sort(column, state), "page": DEFAULTS["page"]}, DEFAULTS)


@callback(
    Output("services-head", "children"),
    Input("services-sort", "data"),
    prevent_initial_call=True,
)
def show_sort_order(sort):
    return services_head(sort["sort"], sort["order"] == "desc")


@callback(
    Output("services-body", "children"),
    Output("services-caption", "children"),
    Output("services-count", "children"),
    Output("services-query", "data"),
    Output("services-downloads", "children"),
    Output("services-pager", "children"),
    Input("services-search", "value"),
    Input("services-department", "value"),
    Input("services-agency", "value"),
    Input("services-period", "value"),
    Input("services-sort", "data"),
    prevent_initial_call=True,  # the layout shows the URL's view (and page) already
)
@cached_answer
def show_services(q, department, agency, period, sort):
    """A changed filter or sort: its first page."""
    shown = Shown(_state(q, department, agency, period, sort["sort"], sort["order"]))
    search = query_string(shown.state, DEFAULTS)
    return (services_rows(shown.frame), _caption(shown.state), _count_text(shown), search, _downloads(shown.state),
            _pager(shown))


def _downloads(state):
    """Every matching row, whatever the page."""
    params = {k: v for k, v in state.items() if v != DEFAULTS[k] and k != "page"}
    return download_links("services", {fmt: export_url("services", fmt, **params) for fmt in TABLE_FORMATS})


@exporter("services")
def services_export(params) -> Export:
    """The list as shown: the same query, the same rows and figures (suppression applied)."""
    state = _state(**{k: params.get(k, DEFAULTS[k]) for k in DEFAULTS})
    filters = [f"{k}: {state[k]}" for k in ("q", "department", "agency") if state[k]]
    period = _caption(state).removeprefix("Services, ")
    return Export("Services" + (f" ({', '.join(filters)})" if filters else ""), period[0].upper() + period[1:],
                  index_csv_frame(_services(state)), filename="services")


def _count_text(shown: Shown) -> str:
    total = service_count()
    text = f"Showing {shown.count:,} of {total:,} services" if shown.count != total else f"Showing all {total:,} services"
    if shown.pages > 1:
        last = min(shown.first + INDEX_PAGE_SIZE - 1, shown.count)
        text += f": {shown.first:,} to {last:,} on this page"
    return text


mirror_to_address_bar("services-query")
