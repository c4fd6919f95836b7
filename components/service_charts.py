"""The service dashboard's charts: each a frame builder, a figure, and a summary in words.

The frame a builder returns is what the chart plots, what its table shows and what its CSV
holds, so the three can never disagree.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.chart_card import COUNT_AXIS, highlight_category, new_figure
from components.palette import DARK_BLUE, channel_colour
from components.year_before import YEAR_BEFORE, add_year_before, is_year_before, overlay_year_before  # noqa: F401
from domain.channels import channel_name, channel_order
from domain.metrics import METRICS, format_count
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, numeric, suppress_columns, suppress_parts_of_total, threshold

PERIOD_COLUMNS = ["Year ending", "Period start", "Period end"]


def _period_columns(periods) -> dict:
    return {"Year ending": [p.short_label for p in periods],
            "Period start": [p.start.isoformat() for p in periods],
            "Period end": [p.last_day.isoformat() for p in periods]}


# --- volume by channel -------------------------------------------------------------------------

def channel_frame(volumes: pd.DataFrame) -> pd.DataFrame:
    """Wide frame: a row per period, a column per channel (by name), and Total."""
    if volumes.empty:
        return pd.DataFrame(columns=PERIOD_COLUMNS + ["Total"])
    cells: dict[str, dict] = {}  # channel -> period -> volume (a pivot, ten times quicker than pandas')
    for period, channel, volume in zip(volumes["period"], volumes["channel"], volumes["volume"]):
        by_period = cells.setdefault(channel, {})
        by_period[period] = by_period.get(period, 0) + volume
    periods = sorted({period for by_period in cells.values() for period in by_period})
    columns = {channel_name(c): [cells[c].get(p, float("nan")) for p in periods] for c in channel_order(cells)}
    frame = pd.DataFrame({**_period_columns(periods), **columns})
    frame["Total"] = frame[list(columns)].sum(axis=1, min_count=1)
    return suppress_parts_of_total(frame, channel_series(frame), "Total")


def channel_series(frame: pd.DataFrame) -> list[str]:
    """The channel columns of a channel frame: after the period's three columns, before Total."""
    return [c for c in frame.columns[3:] if c != "Total" and not is_year_before(c)]


def channel_figure(frame: pd.DataFrame, selected: str | None, illustrative: set[str] = frozenset(),
                   y_title: str = "Transactions in the year") -> go.Figure:
    """Stacked bars of a channel frame; the x axis is its first column, `selected` is shaded."""
    names = {channel_name(c): c for c in ["digital", "phone", "paper", "face_to_face", "unspecified"]}
    labels = list(frame.iloc[:, 0])
    bars = []
    for series in channel_series(frame):
        label = f"{series} (illustrative)" if series in illustrative else series
        bars.append({"type": "bar", "x": labels, "y": numeric(frame[series]), "name": label,
                     "marker": {"color": channel_colour(names.get(series, series))},
                     "hovertemplate": "%{y:,.0f}<extra>" + label + "</extra>"})
    return highlight_category(new_figure(bars, y_title, barmode="stack", **COUNT_AXIS), labels, selected)


def line_figure(frame: pd.DataFrame, column: str, name: str, selected: str | None,
                percent: bool = True) -> go.Figure:
    """One line of a frame's `column` against its first column (a percentage from 0 to 100)."""
    labels = list(frame.iloc[:, 0])
    line = {"type": "scatter", "x": labels, "y": numeric(frame[column]), "mode": "lines+markers", "name": name,
            "line": {"color": DARK_BLUE, "width": 3}, "marker": {"size": 8},
            "hovertemplate": ("%{y:.2f}%" if percent else "%{y:,.0f}") + "<extra>" + name + "</extra>"}
    axis = {"range": [0, 100], "ticksuffix": "%"} if percent else {}
    return highlight_category(new_figure([line], column, **axis), labels, selected)


def channel_summary(frame: pd.DataFrame, selected: YearEnding) -> str:
    rows = frame[frame["Year ending"] == selected.short_label]
    if rows.empty:
        return f"No transactions are reported for the {selected.phrase}."
    row = rows.iloc[0]
    total = row["Total"]
    if total == SUPPRESSED:
        return (f"In the {selected.phrase} there were fewer than {threshold()} transactions: "
                "the figures are suppressed to protect privacy.")
    shares = [f"{series.lower()} {row[series] / total:.1%}" for series in channel_series(frame)
              if row[series] != SUPPRESSED and pd.notna(row[series]) and total]
    first = frame[numeric(frame["Total"]).notna()].iloc[0]
    trend = (f" In the year to {_ending(first)} there were {format_count(first['Total'], words=True)}."
             if first["Year ending"] != selected.short_label else "")
    return (f"In the {selected.phrase} there were {format_count(total, words=True)} transactions"
            + (f": {', '.join(shares)}." if shares else ".") + trend)


def _ending(row) -> str:
    end = pd.Timestamp(row["Period end"])
    return f"{end:%B %Y}"


# --- digital take-up ---------------------------------------------------------------------------

def take_up_frame(figures: pd.DataFrame) -> pd.DataFrame:
    """A row per period with a channel split: digital, all with a channel, take-up in %."""
    known = figures.dropna(subset=["digital_take_up"])
    frame = pd.DataFrame(_period_columns(known["period"]))
    frame["Digital transactions"] = known["digital_volume"].values
    frame["Transactions with a reported channel"] = known["channel_volume"].values
    frame["Digital take-up (%)"] = (known["digital_take_up"] * 100).round(2).values
    counts = ["Digital transactions", "Transactions with a reported channel"]
    return suppress_columns(suppress_columns(frame, ["Digital take-up (%)"], frame[counts[1]]), counts)


def take_up_figure(frame: pd.DataFrame, selected: YearEnding | None) -> go.Figure:
    return line_figure(frame, "Digital take-up (%)", "Digital take-up", selected.short_label if selected else None)


def take_up_summary(frame: pd.DataFrame, selected: YearEnding) -> str:
    metric = METRICS["digital_take_up"]
    rows = frame[frame["Year ending"] == selected.short_label]
    if rows.empty:
        return f"Digital take-up is not known for the {selected.phrase}."
    if rows.iloc[0]["Digital take-up (%)"] == SUPPRESSED:
        return f"Digital take-up is suppressed for the {selected.phrase}: fewer than {threshold()} transactions."
    now = rows.iloc[0]["Digital take-up (%)"] / 100
    first = frame[numeric(frame["Digital take-up (%)"]).notna()].iloc[0]
    text = f"Digital take-up was {metric.format(now)} in the {selected.phrase}"
    if first["Year ending"] != selected.short_label:
        text += f", against {metric.format(first['Digital take-up (%)'] / 100)} in the year to {_ending(first)}"
    return text + "."
