"""Every page's content in its first HTML, for clients without JavaScript (issue #6).

Dash serves one index page for every path, and its router callback fills the page in the browser.
Here, for a GET of a page, the server calls the page's layout with the path variables and query
arguments Dash's router would pass it, and writes the app's shell with that page in it as plain
HTML (components.static_html) inside the React entry point. When the Dash renderer starts, React
empties the entry point and draws the live app; a client without JavaScript, a search engine, or a
browser whose JavaScript fails keeps the plain page. (In <noscript> it would be lost to the last
two, and many crawlers ignore <noscript>.)

Without JavaScript: each chart's data table is open (the chart itself needs JavaScript), the
services table sorts by links, and the controls whose query argument is known are small GET forms.
A path that is no page gets the "Page not found" page with status 404; so does a page whose layout
finds nothing (its content has the id NOT_FOUND_ID), such as a service that does not exist.
"""
from __future__ import annotations

import inspect
from functools import partial
from html import escape

from dash import Dash, html
from dash._pages import PAGE_REGISTRY, _parse_query_string, _path_to_page  # what Dash's router uses
from flask import g, has_request_context, request

from components.layout import NOT_FOUND_ID
from components.static_html import Forms, render
from pages.cached_answers import cached_html, is_cached, remember_layout
from pages.index import sort_link

CONTENT_ID = "_pages_content"  # the id of dash.page_container's content (dash.dash._ID_CONTENT)

# control id -> the query argument of the page's layout it sets
QUERY_ARGUMENTS = {
    "services-search": "q", "services-department": "department", "services-agency": "agency",
    "services-period": "period",
    "service-period": "period", "service-compare": "compare",
    "summary-period": "period", "organisation-period": "period",
    "compare-services": "services", "compare-mode": "mode", "compare-from": "from", "compare-to": "to",
    "compare-order": "metric",
    "channels-mode": "mode", "channels-channel": "channel", "channels-from": "from", "channels-to": "to",
    # the "same period a year before" checkboxes (components.year_before)
    "channels-compare": "compare", "satisfaction-compare": "compare", "completion-compare": "compare",
    "organisation-compare": "compare", "compare-year-before": "compare",
}


def register_server_render(app: Dash) -> None:
    app.interpolate_index = partial(_interpolate_index, app, app.interpolate_index)
    app.server.after_request(_not_found_status)


def _interpolate_index(app: Dash, interpolate, **parts) -> str:
    if has_request_context() and request.method in ("GET", "HEAD"):
        try:
            shell = page_html(app, request.path, request.query_string.decode("utf-8", "replace"))
            parts["app_entry"] = f'<div id="react-entry-point">\n{shell}\n</div>'
            parts["title"] = escape(page_title(app, request.path))
        except Exception:  # noqa: BLE001 - the app still works with JavaScript; the log says why
            app.logger.exception("Could not render %s on the server", request.full_path)
    return interpolate(**parts)


def page_title(app: Dash, path: str) -> str:
    """The page's <title>, as Dash's router sets it once the page is drawn (a page's title may be a
    function of its path variables), so that the first HTML has it too."""
    page, variables = _path_to_page(app.strip_relative_path(path))
    title = (page or _not_found_page()).get("title", app.title)
    return title(**(variables or {})) if callable(title) else title


def page_html(app: Dash, path: str, query_string: str) -> str:
    """The app's shell with the page of `path` in it, as HTML (a public page's cached on its address,
    the minute and the data generation: pages.cached_answers)."""
    page, _ = _path_to_page(app.strip_relative_path(path))
    render = partial(_page_html, app, path, query_string)
    shell, found = cached_html(path, query_string, render) if is_cached(page.get("layout")) else render()
    if not found:
        g.page_not_found = True
    return shell


def _page_html(app: Dash, path: str, query_string: str) -> tuple[str, bool]:
    query = _parse_query_string("?" + query_string if query_string else "")
    content, found = page_content(app, path, query)
    replace = partial(_static_version, content=content, query=query)
    # a form changes a filter: its list starts again at page 1, so `page` is not kept in the forms
    kept = {k: v for k, v in query.items() if k != "page"}
    return render(app.layout, Forms(QUERY_ARGUMENTS, kept), replace), found


def page_content(app: Dash, path: str, query: dict):
    """(the page's layout, whether it is found): what Dash's router callback shows, as components.
    A public page's layout is kept for the router (pages.cached_answers.remember_layout)."""
    page, variables = _path_to_page(app.strip_relative_path(path))
    layout = (page or _not_found_page()).get("layout", "")
    arguments = {**(variables or {}), **query}
    content = inspect.unwrap(layout)(**arguments) if callable(layout) else layout  # components, not JSON
    remember_layout(layout, arguments, content)
    # a page of something that is not there (/services/no-such-service) says so with its own content
    return content, bool(page) and getattr(content, "id", None) != NOT_FOUND_ID


def _not_found_page() -> dict:
    return next((p for module, p in PAGE_REGISTRY.items() if module.split(".")[-1] == "not_found_404"),
                {"layout": html.H1("404 - Page not found")})


def _static_version(component, content, query):
    """The component as it should be without JavaScript, or None to keep it."""
    component_id = getattr(component, "id", None)
    if component_id == CONTENT_ID:
        return html.Div(content, id=CONTENT_ID)
    if isinstance(component_id, dict) and component_id.get("type") == "services-sort":
        return html.A(component.children, href=sort_link(component_id["column"], query),
                      className="govuk-link pp-sort-link", title=getattr(component, "title", None))
    if isinstance(component, html.Details) and "pp-chart-data" in (getattr(component, "className", "") or ""):
        props = component.to_plotly_json()["props"]
        return html.Details(**{**props, "open": True})
    return None


def _not_found_status(response):
    if g.get("page_not_found") and response.status_code == 200:
        response.status_code = 404
    return response
