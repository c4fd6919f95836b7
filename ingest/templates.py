"""Downloadable CSV templates for the common data types: a header row, example rows, and `#` lines
explaining each column (ignored on upload). Field names follow the original platform's data:
docs/govuk-pp-schemas/*.json and its published answers.
"""
from __future__ import annotations

from dataclasses import dataclass

from domain.channels import CHANNELS


@dataclass(frozen=True)
class Template:
    data_type: str
    title: str  # short, for a link: "Transactions by channel"
    text: str  # the CSV, comment lines included

    @property
    def filename(self) -> str:
        return f"{self.data_type}-template.csv"

    @property
    def content(self) -> bytes:
        return self.text.encode("utf-8")


COMMON_NOTES = (
    "# Lines starting with # are ignored, and so is a column named comment.",
    "# Replace the example rows with your own figures; keep the row of field names as it is.",
    "# Dates: 2017-04-01, or a date and time with its offset such as 2017-04-01T00:00:00+00:00 (UTC is assumed without one).",
    "# Only totals: never send names, email addresses, phone numbers, postcodes or other personal data.",
)


def _csv(title: str, what: str, columns: dict[str, str], rows: list[str]) -> str:
    lines = [f"# {title}: {what}", *COMMON_NOTES]
    lines += [f"# {name}: {meaning}" for name, meaning in columns.items()]
    lines.append(",".join(columns))
    lines += rows
    return "\n".join(lines) + "\n"


def _transactions_by_channel() -> Template:
    title, what = "Transactions by channel", "one row per period and channel"
    columns = {
        "_timestamp": "the first day of the period",
        "period": "the length of the period: day, week, month or year",
        "channel": "how the transactions were made: " + ", ".join(CHANNELS) + " (or your own name in lower case)",
        "count": "the number of transactions completed in that period through that channel (a whole number)",
    }
    rows = ["2017-04-01,month,digital,125430", "2017-04-01,month,paper,23118"]
    return Template("transactions-by-channel", title, _csv(title, what, columns, rows))


def _cost_per_transaction() -> Template:
    title, what = "Cost per transaction", "one row per period (usually a year, sent every quarter)"
    columns = {
        "_timestamp": "the first day of the period",
        "end_at": "the day after the period ends",
        "period": "the length of the period: quarter or year",
        "number_of_transactions": "all transactions completed in the period, every channel (a whole number)",
        "number_of_digital_transactions": "the transactions completed online (a whole number)",
        "cost_per_transaction": "the average cost in pounds of each completed transaction, every channel, with staff, IT and accommodation",
        "digital_cost_per_transaction": "the average cost in pounds of each transaction completed online (leave empty if not known)",
    }
    rows = ["2016-10-01,2017-10-01,year,2481770,2311156,2.57,2.36"]
    return Template("cost-per-transaction", title, _csv(title, what, columns, rows))


def _customer_satisfaction() -> Template:
    title = "Customer satisfaction"
    what = "counts of ratings from 1 (very dissatisfied) to 5 (very satisfied), one row per period"
    ratings = {f"rating_{n}": f"how many users rated the service {n}" for n in range(1, 6)}
    columns = {
        "_timestamp": "the first day of the period",
        "period": "the length of the period: day, week or month",
        "slug": "the address of the service's done page, e.g. apply-carers-allowance",
        **ratings,
        "total": "the number of ratings: rating_1 + rating_2 + rating_3 + rating_4 + rating_5",
        "comments": "how many of those users also left a comment",
    }
    rows = [
        "2017-04-01,month,apply-carers-allowance,112,64,210,1630,4984,7000,1312",
        "2017-05-01,month,apply-carers-allowance,98,71,188,1544,5102,7003,1250",
    ]
    return Template("customer-satisfaction", title, _csv(title, what, columns, rows))


TEMPLATES: dict[str, Template] = {
    template.data_type: template
    for template in (_transactions_by_channel(), _cost_per_transaction(), _customer_satisfaction())
}


def template_for(data_type: str) -> Template | None:
    """The template for a data type, or None if there is none."""
    return TEMPLATES.get(data_type)
