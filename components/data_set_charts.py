"""Charts of the data a service sends (monthly answers of the data API), as frames, figures and
summaries. As for the other charts, the frame is what is plotted, tabulated and downloaded."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from domain.channels import channel_name, channel_order
from domain.metrics import METRICS, RATING_COLUMNS, kpis
from domain.suppression import SUPPRESSED, numeric, suppress_columns, suppress_parts_of_total, threshold

MONTH_COLUMNS = ["Month", "Period start", "Period end"]


def _month_columns(starts, ends) -> dict:
    return {"Month": [f"{s:%b %Y}" for s in starts], "Period start": [s.date().isoformat() for s in starts],
            "Period end": [(e - timedelta(days=1)).date().isoformat() for e in ends]}


def channels_frame(rows: list[dict]) -> pd.DataFrame:
    """Flat rows (channel, _start_at, _end_at, count:sum) into a month a row, a channel a column."""
    if not rows:
        return pd.DataFrame(columns=MONTH_COLUMNS + ["Total"])
    ends, counts = {}, {}  # month start -> its end; channel -> month start -> count
    for row in rows:  # one row per (month, channel); a month without records has None: empty, not 0
        ends[row["_start_at"]] = row["_end_at"]
        counts.setdefault(str(row["channel"]), {})[row["_start_at"]] = row["count:sum"]
    starts = sorted(ends)
    frame = pd.DataFrame(_month_columns(starts, [ends[start] for start in starts]))
    for channel in channel_order(list(counts)):
        frame[channel_name(channel)] = [_number(counts[channel].get(start)) for start in starts]
    parts = list(frame.columns[3:])
    frame["Total"] = frame[parts].sum(axis=1, min_count=1)
    return suppress_parts_of_total(frame, parts, "Total")


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def satisfaction_frame(rows: list[dict]) -> pd.DataFrame:
    """Period rows with rating_N:sum into responses, ratings and the satisfaction score (%)."""
    frame = pd.DataFrame(_month_columns([r["_start_at"] for r in rows], [r["_end_at"] for r in rows]))
    totals = pd.DataFrame({f"rating_{n}": [r.get(f"rating_{n}:sum") for r in rows] for n in range(1, 6)},
                          dtype=float)
    scores = kpis(totals)
    frame["Responses"] = scores["responses"].values
    for n, column in enumerate(RATING_COLUMNS, start=1):
        frame[f"Rating {n}"] = totals[column].values
    frame["User satisfaction (%)"] = (scores["user_satisfaction"] * 100).round(2).values
    shown = suppress_columns(frame, ["User satisfaction (%)"], counts=frame["Responses"])
    return suppress_parts_of_total(shown, [f"Rating {n}" for n in range(1, 6)], "Responses")


def completion_frame(rows: list[dict]) -> pd.DataFrame:
    """Period rows with started:sum and completed:sum into the completion rate (%)."""
    frame = pd.DataFrame(_month_columns([r["_start_at"] for r in rows], [r["_end_at"] for r in rows]))
    frame["Started"] = pd.Series([r.get("started:sum") for r in rows], dtype=float).values
    frame["Completed"] = pd.Series([r.get("completed:sum") for r in rows], dtype=float).values
    rate = kpis(pd.DataFrame({"started": frame["Started"], "completed": frame["Completed"]}))["completion_rate"]
    frame["Completion rate (%)"] = (rate * 100).round(2).values
    shown = suppress_columns(frame, ["Completion rate (%)"], counts=frame["Started"])
    return suppress_columns(shown, ["Started", "Completed"])


def latest_summary(frame: pd.DataFrame, column: str, what: str, percent: bool = True) -> str:
    """'<What> was 81.9% in November 2026 (the latest month with data).'"""
    values = numeric(frame[column])
    known = frame[values.notna()]
    if known.empty:
        hidden = (frame[column] == SUPPRESSED).any()
        return (f"{what}: figures are suppressed, as they rest on fewer than {threshold()} people or events."
                if hidden else f"{what}: no figures yet.")
    last = known.iloc[-1]
    month = datetime.fromisoformat(last["Period start"]).strftime("%B %Y")
    value = f"{last[column]:.1f}%" if percent else f"{last[column]:,.0f}"
    text = f"{what} was {value} in {month}, the latest month with data"
    if len(known) > 1:
        first = known.iloc[0]
        first_value = f"{first[column]:.1f}%" if percent else f"{first[column]:,.0f}"
        text += f"; it was {first_value} in {datetime.fromisoformat(first['Period start']):%B %Y}"
    return text + "."


def channels_summary(frame: pd.DataFrame) -> str:
    return latest_summary(frame, "Total", "The number of transactions", percent=False)


METRIC_NAMES = {"satisfaction": METRICS["user_satisfaction"].name, "completion": METRICS["completion_rate"].name}
