"""Accessibility statement."""
import dash
from dash import html

dash.register_page(__name__, path="/accessibility", title="Accessibility statement – Performance Platform")


def layout(**_):
    return html.Div([
        html.H1("Accessibility statement", className="govuk-heading-xl"),
        html.P("We want as many people as possible to be able to use this website. We aim to meet the Web "
               "Content Accessibility Guidelines (WCAG) 2.2 at level AA.", className="govuk-body"),
        html.H2("How we make the figures accessible", className="govuk-heading-m"),
        html.Ul([
            html.Li("Every chart has a summary in words, a table of its data and a download of that data."),
            html.Li("Chart colours come from a palette chosen to be distinguishable with colour vision "
                    "deficiencies, and no chart relies on colour alone: each series is named."),
            html.Li("Every control has a label and can be used with a keyboard."),
        ], className="govuk-list govuk-list--bullet"),
        html.H2("Known problems", className="govuk-heading-m"),
        html.P("The interactive charts themselves can be hard to read with a screen reader; their summaries "
               "and tables give the same information.", className="govuk-body"),
        html.H2("Reporting problems", className="govuk-heading-m"),
        html.P("If you find a problem, please open an issue in the project's repository.", className="govuk-body"),
    ])
