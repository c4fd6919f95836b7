"""The dashboard editor's preview: the unsaved configuration stored for a token, drawn with live
data by the public dashboard's own builder (pages/dashboard.py). Only its author sees it."""
import dash
from dash import html
from flask import has_request_context, session

# the editor's views and its preview store (importing them here also puts the editor's routes on
# the admin blueprint before the app registers it)
from admin.dashboards import load_preview

dash.register_page(__name__, path_template="/admin-preview/<token>", title="Preview – Performance Platform")


def _message(title: str, text: str, href: str, link: str) -> html.Div:
    return html.Div([html.H1(title, className="govuk-heading-l"),
                     html.P([text, " ", html.A(link, href=href, className="govuk-link")], className="govuk-body")],
                    id="preview-message")


def layout(token=None, **_):
    user = session.get("user") if has_request_context() else None
    if user is None:
        return _message("Sign in to see this preview", "Previews are for the editors of a dashboard.",
                        "/admin/sign-in?next=/admin/dashboards", "Sign in")
    config = load_preview(token, user)
    if config is None:
        return _message("This preview has expired", "A preview lasts 2 hours and only its author sees it.",
                        "/admin/dashboards", "Go back to the dashboards and choose Preview again")
    from pages.dashboard import dashboard_body  # the public page's builder
    return html.Div([
        html.Div(html.P([html.Strong("Preview", className="govuk-tag"), " Not saved: this is how ",
                         html.Strong(config.get("title", "")), " will look, with today's data."],
                        className="govuk-body govuk-!-margin-bottom-0"),
                 className="govuk-inset-text", id="preview-banner"),
        html.Div(dashboard_body(config), id="preview-body"),
    ])
