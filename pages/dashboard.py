"""Self-service dashboards: /dashboards (the public ones) and /dashboards/<slug>.

A published (or released) dashboard is for everyone; a draft only with `?key=<its draft key>` or
for a signed-in admin or editor; otherwise the page is "Page not found", as for no dashboard at all.
Every module runs its data-API query here, with the API's own suppression, so a dashboard shows
exactly what the API gives the public. `dashboard_body(config)` is also the editor's live preview.
"""
from __future__ import annotations

import re
import secrets

import dash
from dash import html
from flask import has_request_context, session

from components.layout import NOT_FOUND_ID, breadcrumbs
from components.modules import find_module, module_export, module_query, render_module, walk
from components.modules.common import plain_text
from dashboards.config import CONTAINERS, SLUG
from data_access.dashboards import exported_config, get_dashboard, is_public, public_dashboards, related_links
from data_access.data_sets import get_data_set
from data_access.record_queries import cached_query
from domain.suppression import suppress_record
from pages.exports import export_links, exporter
from query.answers import answer
from query.parse import InvalidQuery, parse_query

dash.register_page(__name__, path_template="/dashboards/<slug>", title="Dashboard – Performance Platform")
dash.register_page("dashboards-list", path="/dashboards", title="Dashboards – Performance Platform",
                   layout=lambda **_: dashboards_list())

NAME = re.compile(r"^[a-z0-9-]{1,60}$")
EDITOR_ROLES = ("admin", "editor")
TYPE_NAMES = {"transaction": "Service dashboard", "high-volume-transaction": "Service dashboard",
              "service-group": "Service group", "department": "Department", "agency": "Agency",
              "content": "Content", "other": "Dashboard"}


# --- who may see what ----------------------------------------------------------------------------

def signed_in_editor(dashboard: dict) -> bool:
    """An admin, or an editor of the dashboard's service, is signed in."""
    from data_access.annotations import can_edit
    user = session.get("user") if has_request_context() else None
    if not user or user.get("role") not in EDITOR_ROLES:
        return False
    return user["role"] == "admin" or bool(dashboard.get("service_slug")) and can_edit(user, dashboard["service_slug"])


def can_see(dashboard: dict, key: str | None) -> bool:
    if is_public(dashboard):
        return True
    if key and dashboard.get("draft_key") and secrets.compare_digest(str(key), dashboard["draft_key"]):
        return True
    return signed_in_editor(dashboard)


def visible_dashboard(slug: str | None, key: str | None) -> dict | None:
    dashboard = get_dashboard(slug) if slug and SLUG.match(slug) else None
    return dashboard if dashboard and can_see(dashboard, key) else None


# --- running the modules' queries ----------------------------------------------------------------

def module_rows(module: dict) -> tuple[list[dict] | None, str | None]:
    """The data API's answer rows for the module (None: no such data set open to queries), or why
    its query cannot run."""
    source = module.get("data-source") or {}
    group, kind = str(source.get("data-group", "")), str(source.get("data-type", ""))
    data_set = get_data_set(group, kind) if NAME.match(group) and NAME.match(kind) else None
    if data_set is None or not data_set.queryable:
        return None, None
    try:  # answer() too: a window open on one side can span too many periods of the data
        query = parse_query(module_query(module))
        result = cached_query(data_set.id, query)
        keep = frozenset(query.group_by)
        return answer(result.query, [suppress_record(row, keep) for row in result.rows])["data"], None
    except InvalidQuery as invalid:
        return None, f"This module's query cannot run: {invalid.message}."


def all_rows(modules: list[dict]) -> tuple[dict, dict]:
    """({path: rows}, {path: problem}) for every module that has a data source."""
    rows, problems = {}, {}
    for path, module in walk(modules):
        if module.get("module-type") in CONTAINERS or not module.get("data-source"):
            continue
        rows[path], problem = module_rows(module)
        if problem:
            problems[path] = problem
    return rows, problems


# --- the page --------------------------------------------------------------------------------------

def _freshness(modules: list[dict]) -> dict:
    """{path: when the module's data set was updated and when its next update is due}."""
    from components.freshness import freshness_line
    from data_access.data_sets import utc_now
    now, lines = utc_now(), {}
    for path, module in walk(modules):
        source = module.get("data-source") or {}
        group, kind = str(source.get("data-group", "")), str(source.get("data-type", ""))
        data_set = get_data_set(group, kind) if NAME.match(group) and NAME.match(kind) else None
        if data_set is not None:
            lines[path] = freshness_line(data_set.last_written_at, data_set.max_age_expected, now,
                                         f"module-{path.replace('/', '-')}-freshness")
    return lines


def dashboard_body(config: dict):
    """The whole dashboard from its configuration (title, description, modules, about the data,
    related links), every module's query run now."""
    return _body(config, None)


def _body(config: dict, key: str | None):
    modules = [m for m in config.get("modules") or [] if isinstance(m, dict)]
    rows, problems = all_rows(modules)
    slug = config.get("slug")
    context = {"rows": rows, "problems": problems, "freshness": _freshness(modules),
               "downloads": lambda path: export_links("dashboard-module", slug=slug, module=path, key=key)}
    return html.Div([
        html.Span(TYPE_NAMES.get(config.get("dashboard-type"), "Dashboard"), className="govuk-caption-l"),
        html.H1(config.get("title", ""), className="govuk-heading-xl", id="dashboard-title"),
        *[html.P(p, className="govuk-body-l") for p in _paragraphs(config.get("description"))],
        html.Div([render_module(m, rows.get(str(m.get("slug"))), {**context, "path": str(m.get("slug"))})
                  for m in modules], className="pp-dashboard__modules", id="dashboard-modules"),
        _about(config),
    ], className="pp-dashboard")


def _paragraphs(text) -> list[str]:
    return [p.strip() for p in plain_text(text).split("\n") if p.strip()]


def _about(config: dict):
    about = config.get("about-the-data") or "\n".join(
        config[k] for k in ("other-notes", "costs") if isinstance(config.get(k), str))
    links = [link for link in related_links(config) if link["url"].startswith(("http://", "https://", "/"))]
    if not about and not links:
        return None
    parts = [html.H2("About the data", className="govuk-heading-m", id="dashboard-about")]
    parts += [html.P(p, className="govuk-body") for p in _paragraphs(about)]
    if links:
        parts += [html.H2("Related links", className="govuk-heading-m", id="dashboard-related"),
                  html.Ul([html.Li(html.A(link["title"] or link["url"], href=link["url"], className="govuk-link"))
                           for link in links], className="govuk-list", id="dashboard-related-links")]
    return html.Div(parts, className="pp-about-data")


def not_found():
    return html.Div([
        html.H1("Page not found", className="govuk-heading-xl"),
        html.P("If you typed the web address, check it is correct.", className="govuk-body"),
        html.P(html.A("See all dashboards", href="/dashboards", className="govuk-link"), className="govuk-body"),
    ], id=NOT_FOUND_ID)


def layout(slug=None, key=None, **_):
    dashboard = visible_dashboard(slug, key)
    if dashboard is None:
        return not_found()
    big_screen = f"/big-screen/{slug}" + (f"?key={key}" if key and not is_public(dashboard) else "")
    return html.Div([
        breadcrumbs([("Dashboards", "/dashboards"), (dashboard["title"], "")]),
        _draft_banner(dashboard),
        _body(exported_config(dashboard), key if not is_public(dashboard) else None),
        html.P(html.A("Show the key figures on a big screen", href=big_screen, className="govuk-link",
                      id="dashboard-big-screen"), className="govuk-body-s"),
    ])


def _draft_banner(dashboard: dict):
    if is_public(dashboard):
        return None
    when = dashboard.get("release_at")
    release = f" It will be published at {when:%H:%M on %-d %B %Y} (UTC)." if when else ""
    return html.Div(html.P(["Draft: this dashboard is not published.", release,
                            " Only its editors and people with this link can see it."],
                           className="govuk-notification-banner__heading"),
                    className="govuk-notification-banner pp-draft-banner", role="region", id="dashboard-draft",
                    **{"aria-label": "Draft"})


def dashboards_list():
    found = public_dashboards()
    items = [html.Li([html.H2(html.A(d["title"], href=f"/dashboards/{d['slug']}", className="govuk-link"),
                              className="govuk-heading-s govuk-!-margin-bottom-1"),
                      html.P(TYPE_NAMES.get(d["dashboard_type"], "Dashboard"), className="govuk-body-s pp-meta"),
                      *[html.P(p, className="govuk-body") for p in _paragraphs(d["description"])[:1]]],
                     className="pp-dashboard-list__item") for d in found]
    return html.Div([
        html.H1("Dashboards", className="govuk-heading-xl"),
        html.P("Dashboards that services and teams publish about their performance.", className="govuk-body-l"),
        html.Ul(items, className="govuk-list pp-dashboard-list", id="dashboards-list") if items else
        html.P("No dashboards are published yet.", className="govuk-body", id="dashboards-list"),
    ])


# --- exports: one for every module ---------------------------------------------------------------

@exporter("dashboard-module")
def _module_download(params):
    dashboard = visible_dashboard(params.get("slug"), params.get("key"))
    module = find_module(dashboard["modules"] or [], params.get("module", "")) if dashboard else None
    if module is None or module.get("module-type") in CONTAINERS:
        return None
    rows, _ = module_rows(module)
    filename = f"{dashboard['slug']}-{params['module'].replace('/', '-')}"
    return module_export(module, rows, dashboard["title"], filename)
