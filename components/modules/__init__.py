"""Dashboard modules, drawn from the data API's answer to each module's query.

`render_module(module, rows, context)` draws any module type of dashboards/config.py; `rows` are the
answer's rows (JSON-ready, small counts "suppressed"), None when the data set does not exist.
`context`: "path" (the module's path: slugs joined by "/"), "rows" ({path: rows} for the modules a
tab or section holds), "problems" ({path: why the query could not run}), "downloads" (a function
path -> {format: URL}). Pure: pages/dashboard.py runs the queries (`module_query`).
"""
from __future__ import annotations

import dataclasses

from dash import html

from components.exports import Export
from components.modules import availability, completion, containers, journey, kpi, realtime, satisfaction
from components.modules import table as table_module, timeseries
from components.modules.common import View, module_card, no_data, source_name, span_text
from components.modules.list import link_list, list_view
from dashboards.config import CONTAINERS, query_pairs

VIEWS = {
    "kpi": kpi.kpi_view, "bar_chart_with_number": kpi.bar_view,
    "single_timeseries": timeseries.single_view, "grouped_timeseries": timeseries.grouped_view,
    "completion_rate": completion.completion_view,
    "user_satisfaction_graph": satisfaction.satisfaction_view, "user_satisfaction": satisfaction.satisfaction_view,
    "journey": journey.journey_view, "table": table_module.table_view, "list": list_view,
    "realtime": realtime.realtime_view, "availability": availability.availability_view,
}
EXTRA_QUERY = {"user_satisfaction_graph": satisfaction.extra_query, "user_satisfaction": satisfaction.extra_query,
               "journey": journey.extra_query, "availability": availability.extra_query}


def module_query(module: dict) -> list[tuple[str, str]]:
    """The data-API query the module runs: its configured parameters, and what its type adds
    (the original modules asked for the collected fields they draw)."""
    extra = EXTRA_QUERY.get(module.get("module-type"))
    return query_pairs(module) + (extra(module) if extra else [])


def children_of(module: dict) -> list[dict]:
    key = CONTAINERS.get(module.get("module-type"))
    return [c for c in (module.get(key) or []) if isinstance(c, dict)] if key else []


def walk(modules: list[dict], parent: str = ""):
    """(path, module) of every module, containers before what they hold."""
    for module in modules:
        path = f"{parent}/{module.get('slug')}" if parent else str(module.get("slug"))
        yield path, module
        yield from walk(children_of(module), path)


def find_module(modules: list[dict], path: str) -> dict | None:
    return next((m for p, m in walk(modules) if p == path), None)


def module_view(module: dict, rows: list[dict] | None) -> View | None:
    """What the module shows, or None when there is nothing to show."""
    build = VIEWS.get(module.get("module-type"))
    if build is None or not rows:
        return None
    view = build(module, rows)
    return None if view.frame.empty else view


def render_module(module: dict, rows: list[dict] | None, context: dict):
    path = context.get("path") or str(module.get("slug"))
    kind = module.get("module-type")
    if kind in CONTAINERS:
        return _container(module, path, context)
    problem = (context.get("problems") or {}).get(path)
    if problem:
        return no_data(module, path, source_name(module), problem)
    view = module_view(module, rows)
    if view is None:
        return no_data(module, path, source_name(module))
    if kind == "list":
        view = dataclasses.replace(view, notes=[link_list(view.frame, f"module-{path}-list")])
    fresh = (context.get("freshness") or {}).get(path)
    if fresh is not None:  # when its data was updated, and when the next update is due
        view = dataclasses.replace(view, notes=[fresh, *view.notes])
    downloads = context["downloads"](path) if context.get("downloads") else {}
    card = module_card(module, path, view, downloads)
    return _demoted(card) if "/" in path else card


def _container(module: dict, path: str, context: dict):
    rows = context.get("rows") or {}
    rendered = []
    for child in children_of(module):
        child_path = f"{path}/{child.get('slug')}"
        rendered.append((child, render_module(child, rows.get(child_path), {**context, "path": child_path})))
    if module.get("module-type") == "tab":
        return containers.tabs(module, path, rendered)
    return containers.section(module, path, [r for _, r in rendered])


def _demoted(card):
    """A module inside a tab or section: its heading one level down."""
    heading = card.children[0]
    card.children[0] = html.H3(heading.children, className=heading.className, id=heading.id)
    return card


def module_export(module: dict, rows: list[dict] | None, dashboard_title: str, filename: str) -> Export | None:
    """The module's frame as an export: exactly its table."""
    view = module_view(module, rows)
    if view is None:
        return None
    return Export(f"{module.get('title')}: {dashboard_title}", span_text(view.frame) or "As published",
                  view.frame, source=f"The Performance Platform's data set {source_name(module)}",
                  notes=tuple(n for n in view.notes if isinstance(n, str)), figure=view.figure, filename=filename)


def headlines(modules: list[dict], rows: dict) -> list[dict]:
    """The KPI-like figures of a dashboard, in order: {"title", "value", "format", "period"}."""
    found = []
    for path, module in walk(modules):
        view = module_view(module, rows.get(path)) if module.get("module-type") not in CONTAINERS else None
        if view is not None and view.headline is not None:
            found.append({"path": path, "title": module.get("title", ""), **view.headline})
    return found
