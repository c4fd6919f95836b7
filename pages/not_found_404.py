import dash
from dash import html

from components.layout import NOT_FOUND_ID

dash.register_page(__name__, title="Page not found – Performance Platform")


def layout(**_):
    return html.Div([
        html.H1("Page not found", className="govuk-heading-xl"),
        html.P("If you typed the web address, check it is correct.", className="govuk-body"),
        html.P(html.A("Go to the list of services", href="/", className="govuk-link"), className="govuk-body"),
    ], id=NOT_FOUND_ID)
