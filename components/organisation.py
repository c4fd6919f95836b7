"""Figures for a group of services (a department, an agency, all of government): pure builders.

Each builder turns plain frames (data_access.figures.scope_figures, service_index) into the frame
a page shows, tabulates and exports, so the three always agree.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import html
from plotly.subplots import make_subplots

from components.chart_card import COUNT_AXIS, base_layout
from components.palette import DARK_BLUE, HIGHLIGHT, TURQUOISE
from components.tables import data_table
from components.year_before import (YEAR_BEFORE, add_year_before, overlay_year_before, percent_text, year_before_clause,
                                    year_before_sentence)
from domain.metrics import METRICS, format_count, suppress_kpis
from domain.movers import MIN_VOLUME, MOVER_METRICS, group_figure, like_for_like, movers, reporting, service_changes
from domain.periods import YearEnding
from domain.sentences import change_sentence, count_of
from domain.suppression import SUPPRESSED, numeric, suppress_columns

# the KPIs reported for every service in the published data; completion and satisfaction are
# illustrative in the demo, so groups do not add them up
GROUP_KPIS = ["transactions", "total_cost", "cost_per_transaction", "digital_take_up"]
ARROWS = {"up": "▲", "down": "▼", "no change": "▶"}


def period_columns(periods) -> dict:
    return {"Year ending": [p.short_label for p in periods],
            "Period start": [p.start.isoformat() for p in periods],
            "Period end": [p.last_day.isoformat() for p in periods]}


def natural(metric_id: str, value):
    """A KPI as exports hold it: rates in per cent (2 decimals), money and counts as they are."""
    if value == SUPPRESSED or value is None or pd.isna(value):
        return value
    return round(float(value) * 100, 2) if METRICS[metric_id].unit == "percent" else float(value)


def shown(metric_id: str, value) -> str:
    """A KPI in a table cell (rates as fractions): 'Suppressed', 'Not reported', '47,055,169', '£1.10',
    '81.9%'."""
    if value == SUPPRESSED:
        return "Suppressed"
    if value is None or pd.isna(value):
        return "Not reported"
    if METRICS[metric_id].unit == "percent":
        return f"{float(value) * 100:.1f}%"
    return METRICS[metric_id].format(value, exact=True)


def count_cell(value) -> str:
    """A count in a table cell: 'Suppressed', 'Not reported' or '47,055,169'."""
    if value == SUPPRESSED:
        return "Suppressed"
    return "Not reported" if value is None or pd.isna(value) else f"{float(value):,.0f}"


def percent_cell(value) -> str:
    """A percentage (0 to 100) in a table cell."""
    if value == SUPPRESSED:
        return "Suppressed"
    return "Not reported" if value is None or pd.isna(value) else f"{float(value):.1f}%"


# --- key figures -------------------------------------------------------------------------------

def group_value(services: pd.DataFrame, metric_id: str):
    figure = suppress_kpis(group_figure(services).to_frame().T).iloc[0]
    return figure[metric_id]


def headlines_frame(current: pd.DataFrame, previous: pd.DataFrame, period: YearEnding,
                    before: YearEnding) -> pd.DataFrame:
    """A row per KPI: the group's figure for the year, how many services it covers, and its
    like-for-like change on the year before (the services reporting it in both years)."""
    rows = []
    for metric_id in GROUP_KPIS:
        metric = METRICS[metric_id]
        comparison = like_for_like(current, previous, metric_id) if len(previous) else None
        hidden = comparison is not None and comparison.suppressed
        rows.append({
            "Measure": metric.name,
            "Unit": {"count": "transactions", "gbp": "£", "percent": "%"}[metric.unit],
            f"Year to {period.short_label}": natural(metric_id, group_value(current, metric_id)),
            "Services reporting": len(reporting(current, metric_id)),
            "Services reporting in both years": comparison.services if comparison else 0,
            f"Year to {before.short_label}, like for like": (
                SUPPRESSED if hidden else natural(metric_id, comparison.previous) if comparison else None),
            f"Year to {period.short_label}, like for like": (
                SUPPRESSED if hidden else natural(metric_id, comparison.current) if comparison else None),
        })
    return pd.DataFrame(rows)


def change_line(metric_id: str, comparison, before: YearEnding) -> str:
    """'▲ up 2.3% on year to March 2016, like for like (45 services)'."""
    if comparison is None:
        return f"No services reported it in the {before.phrase} to compare with"
    if comparison.suppressed:
        return f"Change on {before.phrase} not shown: too few transactions"
    change = comparison.change
    if change is None:
        return f"No figure for the {before.phrase} to compare with"
    direction, size = change
    text = f"{ARROWS[direction]} " + ("no change" if direction == "no change" else f"{direction} {size}")
    return f"{text} on {before.phrase}, like for like ({count_of(comparison.services, 'service')})"


def comparisons(current: pd.DataFrame, previous: pd.DataFrame) -> dict:
    """Each group KPI's like-for-like comparison (None where no service reports it in both years)."""
    return {m: like_for_like(current, previous, m) if len(previous) else None for m in GROUP_KPIS}


def group_tiles(current: pd.DataFrame, compared: dict, period: YearEnding, before: YearEnding) -> html.Ul:
    """A tile per group KPI: its value, how many services it covers, its like-for-like change."""
    tiles = []
    for metric_id in GROUP_KPIS:
        metric = METRICS[metric_id]
        value = group_value(current, metric_id)
        comparison = compared[metric_id]
        tiles.append(html.Li([
            html.H3(metric.name, className="pp-kpi__name"),
            html.P(metric.format(value), className="pp-kpi__value", id=f"group-{metric_id}-value",
                   title=metric.format(value, exact=True)),
            html.P(f"{period.label}, {count_of(len(reporting(current, metric_id)), 'service')}",
                   className="pp-kpi__period", id=f"group-{metric_id}-services"),
            html.P(change_line(metric_id, comparison, before), className="pp-kpi__change",
                   id=f"group-{metric_id}-change"),
        ], className="pp-kpi", id=f"group-{metric_id}"))
    return html.Ul(tiles, className="pp-kpis", **{"aria-label": f"Key figures for the {period.phrase}"})


# --- transactions and digital take-up over time ----------------------------------------------------

def trend_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """A row per year with transactions: services reporting, transactions, digital take-up."""
    rows = figures.dropna(subset=["volume"])
    frame = pd.DataFrame(period_columns(rows["period"]))
    frame["Services reporting"] = rows["services"].astype(int).values
    frame["Transactions"] = rows["volume"].values
    frame["Digital transactions"] = rows["digital_volume"].values
    frame["Transactions with a reported channel"] = rows["channel_volume"].values
    frame["Digital take-up (%)"] = (rows["digital_take_up"] * 100).round(2).values
    counts = ["Transactions", "Digital transactions", "Transactions with a reported channel"]
    frame = suppress_columns(frame, ["Digital take-up (%)"], frame["Transactions with a reported channel"])
    return suppress_columns(frame, counts)


TREND_YEAR_BEFORE = ["Transactions", "Digital take-up (%)"]  # each drawn a year before, if asked


def with_trend_year_before(frame: pd.DataFrame) -> pd.DataFrame:
    """The trend frame with transactions and digital take-up in the same period a year before."""
    for column in TREND_YEAR_BEFORE:
        frame = add_year_before(frame, column)
    return frame


def trend_figure(frame: pd.DataFrame, selected: YearEnding | None) -> go.Figure:
    """Transactions (bars, top) and digital take-up (line, bottom) on one time axis; the same period
    a year before as dashed lines when the frame holds it."""
    labels = list(frame["Year ending"])
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
                           subplot_titles=("Transactions in the year", "Digital take-up"))
    figure.add_bar(x=labels, y=numeric(frame["Transactions"]), name="Transactions", marker_color=DARK_BLUE,
                   hovertemplate="%{y:,.0f}<extra>Transactions</extra>", row=1, col=1)
    figure.add_scatter(x=labels, y=numeric(frame["Digital take-up (%)"]), name="Digital take-up",
                       mode="lines+markers", line={"color": TURQUOISE, "width": 3}, marker={"size": 8},
                       hovertemplate="%{y:.2f}%<extra>Digital take-up</extra>", row=2, col=1)
    base_layout(figure, "")
    figure.update_layout(height=560, showlegend=False, margin={"t": 30})
    figure.update_yaxes(title_text="Transactions", **COUNT_AXIS, row=1, col=1)
    figure.update_yaxes(title_text="Digital take-up (%)", range=[0, 100], ticksuffix="%", row=2, col=1)
    overlaid = [c for c in TREND_YEAR_BEFORE if c + YEAR_BEFORE in frame]
    for row, column in enumerate(TREND_YEAR_BEFORE, start=1):
        if column in overlaid:
            overlay_year_before(figure, frame, column, x=labels, row=row, col=1)
    if overlaid:  # a legend names the dashed lines
        figure.update_layout(showlegend=True, height=600, legend={"y": -0.06, "yanchor": "top"})
    if selected is not None and selected.short_label in labels:
        index = labels.index(selected.short_label)
        figure.add_vrect(x0=index - 0.5, x1=index + 0.5, fillcolor=HIGHLIGHT, opacity=0.35, layer="below",
                         line_width=0, row="all", col=1)
    return figure


def trend_summary(frame: pd.DataFrame, selected: YearEnding, group: str) -> str:
    """The chosen year in words, and how the number of services reporting varied."""
    rows = frame[frame["Year ending"] == selected.short_label]
    if rows.empty:
        return f"No transactions are reported for the {selected.phrase}."
    row = rows.iloc[0]
    who = count_of(int(row["Services reporting"]), f"{group} service".strip(), f"{group} services".strip())
    volume = ("fewer than 5" if row["Transactions"] == SUPPRESSED
              else format_count(float(row["Transactions"]), words=True))
    text = f"In the {selected.phrase}, {who} reported {volume} transactions"
    take_up = row["Digital take-up (%)"]
    if take_up == SUPPRESSED or pd.isna(take_up):
        text += "."
    else:
        text += f"; digital take-up was {float(take_up):.1f}%."
    low, high = int(frame["Services reporting"].min()), int(frame["Services reporting"].max())
    first, last = (f"{pd.Timestamp(frame['Period end'].iloc[i]):%B %Y}" for i in (0, -1))
    if low != high:
        text += (f" From the year to {first} to the year to {last}, between {low:,} and {high:,} services "
                 "reported each year, so totals rise and fall partly because services started or stopped "
                 "reporting.")
    if any(c + YEAR_BEFORE in frame for c in TREND_YEAR_BEFORE):
        clauses = [year_before_clause(frame, "Transactions", lambda v: format_count(v, words=True),
                                      selected.short_label, "transactions"),
                   year_before_clause(frame, "Digital take-up (%)", percent_text, selected.short_label,
                                      "digital take-up")]
        text += year_before_sentence(clauses, "The dashed lines show the same period a year before")
    return text


# --- the services that moved most ------------------------------------------------------------

LISTS = [  # (metric, direction, caption)
    ("digital_take_up", "Improved", "Biggest rises in digital take-up"),
    ("digital_take_up", "Declined", "Biggest falls in digital take-up"),
    ("cost_per_transaction", "Improved", "Biggest falls in cost per transaction"),
    ("cost_per_transaction", "Declined", "Biggest rises in cost per transaction"),
]
MEASURES = {"digital_take_up": "Digital take-up (%)", "cost_per_transaction": "Cost per transaction (£)"}


def movers_frame(current: pd.DataFrame, previous: pd.DataFrame, period: YearEnding, before: YearEnding,
                 count: int = 5) -> pd.DataFrame:
    """The services that improved and declined most on each measure, like for like."""
    rows = []
    for metric_id in MOVER_METRICS:
        lists = dict(zip(("Improved", "Declined"), movers(service_changes(current, previous, metric_id), count)))
        for direction, found in lists.items():
            for rank, mover in enumerate(found.to_dict("records"), start=1):
                rows.append({
                    "Measure": MEASURES[metric_id], "Direction": direction, "Rank": rank,
                    "Service": mover["name"], "Slug": mover["slug"], "Department": mover.get("department"),
                    "Department slug": mover.get("department_slug"), "Agency": mover.get("agency"),
                    f"Year to {before.short_label}": natural(metric_id, mover["previous"]),
                    f"Year to {period.short_label}": natural(metric_id, mover["current"]),
                    "Change": round(float(mover["change"]), 2),
                    "Change unit": "percentage points" if METRICS[metric_id].unit == "percent" else "%",
                })
    columns = ["Measure", "Direction", "Rank", "Service", "Slug", "Department", "Department slug", "Agency",
               f"Year to {before.short_label}", f"Year to {period.short_label}", "Change", "Change unit"]
    return pd.DataFrame(rows, columns=columns)


def _change_cell(change: float, unit: str) -> str:
    direction = "up" if change > 0 else "down"
    size = f"{abs(change):.1f}" + (" percentage points" if unit == "percentage points" else "%")
    return f"{ARROWS[direction]} {direction} {size}"


def _mover_sentence(metric_id: str, row: dict, period: YearEnding, before: YearEnding) -> str:
    scale = 100 if METRICS[metric_id].unit == "percent" else 1
    return change_sentence(metric_id, row[f"Year to {before.short_label}"] / scale,
                           row[f"Year to {period.short_label}"] / scale, period, before, row["Service"])


def movers_tables(frame: pd.DataFrame, period: YearEnding, before: YearEnding, id_prefix: str,
                  organisation_column: str | None = "Department") -> list:
    """A heading, the biggest mover in a sentence, and a table for each list; `organisation_column`
    is "Department" (linked), "Agency" or None."""
    parts = []
    old, new = f"Year to {before.short_label}", f"Year to {period.short_label}"
    for metric_id, direction, caption in LISTS:
        rows = frame[(frame["Measure"] == MEASURES[metric_id]) & (frame["Direction"] == direction)]
        list_id = f"{id_prefix}-{metric_id.replace('_', '-')}-{direction.lower()}"
        parts.append(html.H3(caption, className="govuk-heading-s", id=f"{list_id}-heading"))
        if rows.empty:
            parts.append(html.P(f"No service qualifies: none with at least {MIN_VOLUME:,} transactions in both "
                                f"years moved this way.", className="govuk-body", id=f"{list_id}-sentence"))
            continue
        records = rows.to_dict("records")
        parts.append(html.P(_mover_sentence(metric_id, records[0], period, before), className="govuk-body",
                            id=f"{list_id}-sentence"))
        columns = {"Service": [html.A(r["Service"], href=f"/services/{r['Slug']}", className="govuk-link")
                               for r in records]}
        if organisation_column:
            columns[organisation_column] = [_organisation_cell(r, organisation_column) for r in records]
        table = pd.DataFrame({**columns, old: [r[old] for r in records], new: [r[new] for r in records],
                              "Change": [(r["Change"], r["Change unit"]) for r in records]})
        formats = {old: lambda v, m=metric_id: shown(m, v / 100 if METRICS[m].unit == "percent" else v),
                   new: lambda v, m=metric_id: shown(m, v / 100 if METRICS[m].unit == "percent" else v),
                   "Change": lambda v: _change_cell(*v)}
        shown_caption = f"{caption}: {count_of(len(records), 'service')}"
        parts.append(html.Div(data_table(table, shown_caption, formats, row_header="Service",
                                         table_id=f"{list_id}-table"), className="pp-table-scroll"))
    return parts


def _organisation_cell(row: dict, column: str):
    if column == "Department" and row.get("Department slug"):
        return html.A(row["Department"], href=f"/departments/{row['Department slug']}", className="govuk-link")
    return row.get(column) or ""


# --- the services of a group -------------------------------------------------------------------

def services_frame(index: pd.DataFrame) -> pd.DataFrame:
    """The group's services with their figures for the year (suppression applied), largest first."""
    frame = suppress_kpis(index)
    return pd.DataFrame({
        "Service": frame["name"], "Slug": frame["slug"], "Department": frame["department"],
        "Agency": frame["agency"],
        "Transactions per year": frame["transactions"],
        "Digital take-up (%)": [natural("digital_take_up", v) for v in frame["digital_take_up"]],
        "Cost per transaction (£)": frame["cost_per_transaction"],
    })


def services_table(frame: pd.DataFrame, caption: str, table_id: str, columns=("Agency",)) -> html.Table:
    """The services frame as a table: each name links to the service's dashboard."""
    table = pd.DataFrame({"Service": [html.A(name, href=f"/services/{slug}", className="govuk-link")
                                      for name, slug in zip(frame["Service"], frame["Slug"])]})
    for column in columns:
        table[column] = frame[column].fillna("").values
    for column in ("Transactions per year", "Digital take-up (%)", "Cost per transaction (£)"):
        table[column] = frame[column].values
    formats = {"Transactions per year": lambda v: shown("transactions", v),
               "Digital take-up (%)": lambda v: shown("digital_take_up", v if v == SUPPRESSED else v / 100),
               "Cost per transaction (£)": lambda v: shown("cost_per_transaction", v)}
    return data_table(table, caption, formats, row_header="Service", table_id=table_id)

