"""Where the figures come from, what they mean and which are illustrative."""
import dash
from dash import html

from domain.metrics import KPI_ORDER, METRICS

dash.register_page(__name__, path="/about-the-data", title="About the data – Performance Platform")


def layout(**_):
    return html.Div([
        html.H1("About the data", className="govuk-heading-xl"),
        html.H2("Where it comes from", className="govuk-heading-m"),
        html.P(["The volumes, digital volumes and costs per transaction are the real figures that 734 "
                "government services in 18 departments published on the GOV.UK Performance Platform for "
                "21 rolling 12-month periods, from April 2011 to March 2012 to October 2016 to September 2017. "
                "They are used under the ",
                html.A("Open Government Licence v3.0", className="govuk-link",
                       href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"), "."],
               className="govuk-body"),
        html.H2("Illustrative figures", className="govuk-heading-m"),
        html.P("The published data has no completion or satisfaction figures, and splits transactions only into "
               "digital and not digital. So this demo generates, for each service, plausible figures around "
               "its real totals: the split of non-digital transactions between phone, paper and face to face, "
               "how many digital transactions were started, and user satisfaction ratings from 1 to 5. They "
               "are generated the same way every time, and marked “illustrative” wherever they are shown.",
               className="govuk-body"),
        html.H2("What the figures mean", className="govuk-heading-m"),
        html.Dl([html.Div([html.Dt(METRICS[k].name, className="govuk-summary-list__key"),
                           html.Dd(METRICS[k].definition, className="govuk-summary-list__value")],
                          className="govuk-summary-list__row") for k in KPI_ORDER],
                className="govuk-summary-list"),
        html.P("Every figure covers a stated period of 12 months. Figures for groups of services are weighted "
               "by volume: they are ratios of sums, never averages of percentages.", className="govuk-body"),
        html.H2("Quirks of the source", className="govuk-heading-m"),
        html.Ul([
            html.Li("One column of the source is headed “January 2014 to December 2015”; by its position it "
                    "is calendar year 2014, and it is read as such."),
            html.Li("Where a service reported more digital transactions than transactions in all, its figures "
                    "for that year are shown without a split by channel."),
            html.Li("Digital volumes reported without a total volume are left out: the share they are of the "
                    "total cannot be known."),
        ], className="govuk-list govuk-list--bullet"),
    ])
