"""tab and section: modules that hold modules.

A tab is GOV.UK's tabs pattern as it is without JavaScript: a list of links to the panels, each
panel a section with its own heading; CSS shows the panel whose link was followed (`:target`), all
of them before any is chosen, so every panel is reachable by keyboard and in print.
"""
from __future__ import annotations

from dash import html

from components.modules.common import card_id, module_notes


def tabs(module: dict, path: str, panels: list[tuple[dict, object]]) -> html.Div:
    """`panels`: (child module, its rendered component) in order."""
    cid = card_id(path)
    title_id = f"{cid}-title"
    links = [html.Li(html.A(child.get("title") or child.get("slug"), href=f"#{cid}-panel-{child.get('slug')}",
                            className="govuk-tabs__tab"), className="govuk-tabs__list-item")
             for child, _ in panels]
    return html.Section([
        html.H2(module.get("title", ""), className="govuk-heading-m", id=title_id),
        *[html.P(n, className="govuk-body-s pp-chart-note") for n in module_notes(module)],
        html.Div([
            html.H3("Contents", className="govuk-tabs__title"),
            html.Ul(links, className="govuk-tabs__list pp-tabs__list"),
            *[html.Div(rendered, className="govuk-tabs__panel pp-tabs__panel", id=f"{cid}-panel-{child.get('slug')}")
              for child, rendered in panels],
        ], className="govuk-tabs pp-tabs"),
    ], className="pp-module pp-module--tabs", id=cid, **{"aria-labelledby": title_id})


def section(module: dict, path: str, children: list) -> html.Section:
    cid = card_id(path)
    title_id = f"{cid}-title"
    return html.Section([
        html.H2(module.get("title", ""), className="govuk-heading-l", id=title_id),
        *[html.P(n, className="govuk-body pp-chart-note") for n in module_notes(module)],
        *children,
    ], className="pp-module pp-module--section", id=cid, **{"aria-labelledby": title_id})
