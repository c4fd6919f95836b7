"""How to send and read data: the open data API, in short, with examples."""
import dash
from dash import html

dash.register_page(__name__, path="/data-api", title="Data API – Performance Platform")


def _code(text: str) -> html.Pre:
    return html.Pre(html.Code(text), className="pp-code", tabIndex=0)


def layout(**_):
    return html.Div([
        html.H1("Data API", className="govuk-heading-xl"),
        html.P("Every figure on this site can be read through an open API, and services send their figures "
               "through the same API: automatically, so nobody re-types reports. It keeps the contract of the "
               "GOV.UK Performance Platform's data API, so existing scripts and spreadsheets keep working.",
               className="govuk-body-l"),
        html.P(["The full description is an ", html.A("OpenAPI document", href="/openapi.json",
                                                        className="govuk-link"), "."], className="govuk-body"),
        html.H2("Read", className="govuk-heading-m"),
        html.P("No key is needed. Query a data set by period, group, filter and collect fields; add "
               "format=csv for a CSV file.", className="govuk-body"),
        _code("curl 'https://HOST/data/carers-allowance/transactions-by-channel"
              "?period=week&group_by=channel&collect=count:sum&duration=12'"),
        html.H2("Send", className="govuk-heading-m"),
        html.P("Each data set has write tokens, issued by an administrator. A write stores every record or, if "
               "any is invalid, none, and lists every problem with its record and field.", className="govuk-body"),
        _code("curl -X POST 'https://HOST/data/carers-allowance/transactions-by-channel' \\\n"
              "  -H 'Authorization: Bearer TOKEN' -H 'Content-Type: application/json' \\\n"
              "  -d '[{\"_timestamp\": \"2026-11-23T00:00:00Z\", \"period\": \"week\", "
              "\"channel\": \"digital\", \"count\": 1200}]'"),
        html.P(["CSV and Excel files can be sent the same way (Content-Type text/csv, or the .xlsx type), or "
                "uploaded on the admin pages. Templates: ",
                html.A("transactions by channel", href="/data-templates/transactions-by-channel.csv",
                       className="govuk-link"), ", ",
                html.A("cost per transaction", href="/data-templates/cost-per-transaction.csv",
                       className="govuk-link"), ", ",
                html.A("customer satisfaction", href="/data-templates/customer-satisfaction.csv",
                       className="govuk-link"), "."], className="govuk-body"),
        html.H2("Privacy", className="govuk-heading-m"),
        html.P("Only aggregated figures are accepted: a record that holds an email address, a phone number, a "
               "National Insurance number, a full postcode, a payment card number or a date of birth is refused "
               "with the whole write. Counts below 5 are shown as “suppressed”, never as a number.",
               className="govuk-body"),
    ])
