"""Accessibility statement: what we aim for, what we measured and what we know is missing."""
import dash
from dash import html

dash.register_page(__name__, path="/accessibility", title="Accessibility statement – Performance Platform")

AXE = "axe-core 4.14.1"  # the version tests/browser/vendor holds; tests/browser/test_accessibility.py checks it
CHECKED_PAGES = ("the list of services, a service's dashboard, compare services, channels, user satisfaction, "
                 "completion, a department, an agency, the ministers' summary, the list of dashboards, a "
                 "dashboard and its big-screen view, the data API, about the data, this statement, the page "
                 "shown for an unknown address, and the admin pages: sign in, data sets, a data set with its "
                 "file upload, its settings, a new data set, dashboards, the dashboard editor, importing a "
                 "dashboard, collectors, freshness and notes")


def _list(items):
    return html.Ul([html.Li(item) for item in items], className="govuk-list govuk-list--bullet")


def layout(**_):
    return html.Div([
        html.H1("Accessibility statement", className="govuk-heading-xl"),
        html.P("We want as many people as possible to be able to use this website. We aim to meet the Web "
               "Content Accessibility Guidelines (WCAG) 2.2 at level AA.", className="govuk-body"),

        html.H2("How we make the figures accessible", className="govuk-heading-m"),
        _list([
            "Every chart has a title that names it, a summary in words, a table of its data and downloads of "
            "that data (CSV, JSON, Excel) and of the picture (PNG, SVG).",
            "Chart colours come from the Government Analysis Function's palette, chosen to be told apart with "
            "colour vision deficiencies. We check that each colour has a contrast of at least 3:1 with the "
            "page and that the channel colours stay clearly apart with protanopia, deuteranopia and "
            "tritanopia simulated.",
            "No chart relies on colour alone: each series is named in a legend, the summary and the table, and "
            "lines comparing several services also differ in their dashes and markers.",
            "Every control has a label and works with a keyboard, and the element with keyboard focus is "
            "outlined in yellow and black.",
        ]),

        html.H2("How we tested this website", className="govuk-heading-m"),
        html.P(["Each change to the website is tested automatically. ", AXE, ", an accessibility testing "
                "engine, runs in the Chromium browser over these pages once they have finished drawing: ",
                CHECKED_PAGES, ". It checks every rule for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and it "
                "finds no failures on any of them."],
               className="govuk-body"),
        html.P("A test also completes the main tasks with the keyboard alone and checks that focus is visible at "
               "each step: searching and filtering the list of services, opening a service, choosing its year, "
               "showing the year before, downloading a chart's data as CSV, and choosing services to compare.",
               className="govuk-body"),

        html.H2("Known limitations", className="govuk-heading-m"),
        _list([
            "Automated tests find only some kinds of accessibility problem. The website has not yet been "
            "audited by people, nor tried with screen readers (such as NVDA, JAWS or VoiceOver) or with "
            "speech recognition software.",
            "The charts are drawn with Plotly. Zooming, panning and the figures shown when the pointer is over "
            "a chart need a mouse or touch screen; a screen reader may read the chart's axis labels one by "
            "one. The summary, the table and the downloads beside each chart give the same figures.",
            "The drop-down lists, tick boxes and radio buttons come from Dash, the framework the website is "
            "built on. Some of Dash's own markup is not accessible, so a script on each page corrects it: "
            "their labels, names and keyboard order depend on it.",
            "While a page is still loading, pressing Tab may move focus to a link or control that is then "
            "redrawn, so focus goes back to the top of the page.",
        ]),

        html.H2("Reporting problems", className="govuk-heading-m"),
        html.P("If you find a problem, please open an issue in the project's repository.", className="govuk-body"),
    ])
