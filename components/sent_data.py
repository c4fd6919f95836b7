"""The dashboard section for the data a service sends: one chart card a data set, with freshness."""
from __future__ import annotations

from datetime import datetime

from dash import html

from components.chart_card import chart_card
from components.exports import Export, frame_span
from components.data_set_charts import (channels_frame, channels_summary, completion_frame, latest_summary,
                                        satisfaction_frame)
from components.freshness import freshness_line
from components.service_charts import add_year_before, channel_figure, line_figure, overlay_year_before
from components.tables import data_table
from domain.suppression import SUPPRESSED

# data type -> (title, frame builder, figure, summary)
CHARTS = {
    "transactions-by-channel": ("Transactions by channel, by month", channels_frame,
                                lambda f: channel_figure(f, None, y_title="Transactions in the month"),
                                channels_summary),
    "customer-satisfaction": ("User satisfaction, by month", satisfaction_frame,
                              lambda f: line_figure(f, "User satisfaction (%)", "User satisfaction", None),
                              lambda f: latest_summary(f, "User satisfaction (%)", "User satisfaction")),
    "completion": ("Completion rate, by month", completion_frame,
                   lambda f: line_figure(f, "Completion rate (%)", "Completion rate", None),
                   lambda f: latest_summary(f, "Completion rate (%)", "The completion rate")),
}


def cell(value) -> str:
    if value == SUPPRESSED:
        return "Suppressed"
    if value != value or value is None:  # NaN: no records that month
        return ""
    return f"{value:,.2f}" if isinstance(value, float) and not value.is_integer() else f"{value:,.0f}"


# the column each chart can show beside the same month a year before
YEAR_BEFORE_OF = {"transactions-by-channel": "Total", "customer-satisfaction": "User satisfaction (%)",
                  "completion": "Completion rate (%)"}


def sent_export(slug: str, service_name: str, data_set, rows: list[dict], year_before: bool = False) -> Export:
    """The chart of one data set a service sends: its frame, figure and description (with the same
    month a year before, if asked)."""
    title, build, figure, _ = CHARTS[data_set.data_type]
    frame = build(rows)
    column = YEAR_BEFORE_OF[data_set.data_type]
    if year_before and not frame.empty:
        frame = add_year_before(frame, column)
    drawn = figure(frame)
    if year_before and not frame.empty:
        drawn = overlay_year_before(drawn, frame, column)
    return Export(f"{title}: {service_name}", frame_span(frame), frame,
                  source=f"Sent by the service to the Performance Platform's data set {data_set.name}",
                  figure=drawn, filename=f"{slug}-{data_set.data_type}-by-month")


def sent_data_card(export: Export, data_set, now: datetime, downloads: dict[str, str]) -> html.Section:
    title, _, _, summary = CHARTS[data_set.data_type]
    frame = export.frame
    card_id = f"sent-{data_set.data_type}"
    table = data_table(frame.drop(columns=["Period start", "Period end"]), title,
                       {c: cell for c in frame.columns[3:]}, row_header="Month", table_id=f"{card_id}-table")
    return chart_card(card_id, title, export.figure, summary(frame), table, downloads,
                      [freshness_line(data_set.last_written_at, data_set.max_age_expected, now, f"{card_id}-freshness"),
                       f"Sent by the service to the data set {data_set.name}."])


def sent_data_section(slug: str, cards: list) -> html.Section:
    return html.Section([
        html.H2("Data sent by the service", className="govuk-heading-l", id="sent-data-heading"),
        html.P("Figures the service sends to the platform through its data API, month by month.",
               className="govuk-body"),
        *cards,
    ], id="sent-data", **{"aria-labelledby": "sent-data-heading"})
