"""Small-count suppression: a count of people or events below the threshold is never shown.

It is replaced by the marker SUPPRESSED (never by zero or a blank, which would mean something
else) in charts, tables, exports and the API; a rate whose denominator is suppressed is too.
The threshold is SUPPRESSION_THRESHOLD (default 5). Zero is shown: it identifies nobody.
"""
from __future__ import annotations

import math
import os

import pandas as pd

SUPPRESSED = "suppressed"


def threshold() -> int:
    return int(os.environ.get("SUPPRESSION_THRESHOLD", "5"))


def is_small(count, below: int | None = None) -> bool:
    """True for a count that must not be shown: above zero and below the threshold (`below`: the
    threshold, read once by callers that test many counts)."""
    if count is None or isinstance(count, (str, bool)):
        return False
    try:
        value = float(count)
    except (TypeError, ValueError):
        return False
    return not math.isnan(value) and 0 < value < (threshold() if below is None else below)


def suppress(value, count=None):
    """`value`, or SUPPRESSED if `count` (by default the value itself) is a small count."""
    return SUPPRESSED if is_small(value if count is None else count) else value


def suppress_columns(frame: pd.DataFrame, columns, counts: pd.Series | None = None) -> pd.DataFrame:
    """Suppress cells of `columns` that are small counts (or whose row's `counts` is small): a copy
    of `frame`, or `frame` itself when no cell is small."""
    out, below = frame, threshold()  # copied only when a cell changes
    for column in columns:
        small = (counts if counts is not None else out[column]).map(lambda count: is_small(count, below))
        if small.any():
            out = out.copy() if out is frame else out
            out[column] = out[column].astype(object).where(~small, SUPPRESSED)
    return out


def numeric(series: pd.Series) -> pd.Series:
    """Numbers for plotting: suppressed cells become gaps."""
    return pd.to_numeric(series, errors="coerce")


def suppress_record(row: dict, keep: frozenset[str] = frozenset()) -> dict:
    """A data API row with its small counts marked: whole numbers in the row's own fields and
    collected keys (`count`, `count:sum`), not the `_` keys (`_count` counts records, not people)
    nor the `keep` fields (group_by values are labels). Nested `values` are treated the same."""
    out = {}
    for key, value in row.items():
        if key == "values" and isinstance(value, list):
            out[key] = [suppress_record(item, keep) for item in value]
        elif (not key.startswith("_") and key not in keep and isinstance(value, int)
              and not isinstance(value, bool) and is_small(value)):
            out[key] = SUPPRESSED
        else:
            out[key] = value
    return out


def hidden_parts(parts: dict, total, below: int | None = None) -> tuple[set, bool]:
    """Which parts of a total to hide, and whether to hide the total: the small parts, and enough
    other parts (the smallest first, then the total itself) that the hidden parts add up to at
    least the threshold, so none can be worked out by subtraction (secondary suppression)."""
    below = threshold() if below is None else below
    values = {name: float(v) for name, v in parts.items() if v is not None and not pd.isna(v)}
    hidden = {name for name, v in values.items() if is_small(v, below)}
    while hidden and sum(values[name] for name in hidden) < below:
        visible = sorted((v, name) for name, v in values.items() if name not in hidden and v > 0)
        if not visible:
            break
        hidden.add(visible[0][1])
    hide_total = bool(hidden) and sum(values[name] for name in hidden) < below or is_small(total, below)
    return hidden, hide_total


def suppress_parts_of_total(frame: pd.DataFrame, parts: list[str], total: str) -> pd.DataFrame:
    """`hidden_parts` applied to every row of a frame: a copy whose parts and total are object columns,
    or `frame` itself when nothing is hidden (a row without a small count is not even looked at)."""
    columns = {column: frame[column].astype(object).tolist() for column in [*parts, total]}
    rows = zip(*(columns[p] for p in parts)) if parts else [()] * len(frame)
    below, hid = threshold(), False
    for i, (values, whole) in enumerate(zip(rows, columns[total])):
        if not any(is_small(value, below) for value in (*values, whole)):
            continue
        hidden, hide_total = hidden_parts(dict(zip(parts, values)), whole, below)
        for part in hidden:
            columns[part][i] = SUPPRESSED
        if hide_total:
            columns[total][i] = SUPPRESSED
        hid = hid or bool(hidden) or hide_total
    if not hid:
        return frame
    changed = pd.DataFrame(columns, index=frame.index, dtype=object)
    return pd.concat([frame.drop(columns=list(columns)), changed], axis=1)[frame.columns]
