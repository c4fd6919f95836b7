"""The page shell: skip link, header, phase banner, main, footer (GOV.UK Frontend classes).

This is not GOV.UK, so no crown, no GOV.UK logotype and no GDS Transport font.
"""
from dash import html

SERVICE_NAME = "Performance Platform"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
NOT_FOUND_ID = "page-not-found"  # the id of a page's "not found" content: the server answers it with 404


def page_title(subject: str) -> str:
    """A browser tab's title: what the page is about, then the site (WCAG 2.4.2)."""
    return f"{subject} – {SERVICE_NAME}"


NAV = [("Services", "/"), ("Compare", "/compare"), ("Channels", "/channels"), ("Summary", "/summary"),
       ("Dashboards", "/dashboards"), ("Data API", "/data-api"), ("About the data", "/about-the-data")]


def header() -> html.Header:
    """The banner landmark: the black bar with the menu, then the phase banner (so that all
    content before <main> is in a landmark)."""
    bar = html.Div(html.Div([
        html.Div(html.A(SERVICE_NAME, href="/", className="pp-header__name"),
                 className="govuk-header__logo pp-header__logo"),
        html.Nav(html.Ul([
            html.Li(html.A(text, href=href, className="govuk-header__link pp-nav-link"), className="pp-nav__item")
            for text, href in NAV
        ], className="pp-nav__list"), className="pp-nav", **{"aria-label": "Menu"}),
    ], className="govuk-header__container govuk-width-container pp-header__container"),
        className="govuk-header pp-header")
    return html.Header([bar, phase_banner()], className="pp-banner")


def phase_banner() -> html.Div:
    return html.Div(html.P([
        html.Strong("Beta", className="govuk-tag govuk-phase-banner__content__tag"),
        html.Span(["Demo data: real figures published by the GOV.UK Performance Platform (2011 to 2017), "
                   "with some figures marked ", html.Strong("illustrative"), ". ",
                   html.A("About the data", href="/about-the-data", className="govuk-link")],
                  className="govuk-phase-banner__text"),
    ], className="govuk-phase-banner__content"), className="govuk-phase-banner govuk-width-container")


def footer() -> html.Footer:
    return html.Footer(html.Div([
        html.H2("Support links", className="govuk-visually-hidden"),
        html.Ul([
            html.Li(html.A("Accessibility statement", href="/accessibility", className="govuk-footer__link"),
                    className="govuk-footer__inline-list-item"),
            html.Li(html.A("About the data", href="/about-the-data", className="govuk-footer__link"),
                    className="govuk-footer__inline-list-item"),
            html.Li(html.A("Data API", href="/data-api", className="govuk-footer__link"),
                    className="govuk-footer__inline-list-item"),
            html.Li(html.A("Admin", href="/admin/", className="govuk-footer__link"),
                    className="govuk-footer__inline-list-item"),
        ], className="govuk-footer__inline-list"),
        html.P(["All content is available under the ",
                html.A("Open Government Licence v3.0", href=LICENCE_URL, className="govuk-footer__link",
                       rel="license"), ", except where otherwise stated."],
               className="govuk-footer__licence-description govuk-body-s"),
    ], className="govuk-width-container"), className="govuk-footer")


def page_shell(content) -> list:
    return [
        html.A("Skip to main content", href="#main-content", className="govuk-skip-link"),
        header(),
        html.Div(html.Main(content, id="main-content", className="govuk-main-wrapper", tabIndex=-1),
                 className="govuk-width-container"),
        footer(),
    ]


def breadcrumbs(links: list[tuple[str, str]]) -> html.Nav:
    """[(text, href), ...]; the last one is the current page and has no link."""
    items = [html.Li(html.A(text, href=href, className="govuk-breadcrumbs__link"),
                     className="govuk-breadcrumbs__list-item") for text, href in links[:-1]]
    items.append(html.Li(links[-1][0], className="govuk-breadcrumbs__list-item", **{"aria-current": "page"}))
    return html.Nav(html.Ol(items, className="govuk-breadcrumbs__list"), className="govuk-breadcrumbs",
                    **{"aria-label": "Breadcrumb"})
