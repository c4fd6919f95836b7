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


def is_small(count) -> bool:
    """True for a count that must not be shown: above zero and below the threshold."""
    if count is None or isinstance(count, (str, bool)):
        return False
    try:
        value = float(count)
    except (TypeError, ValueError):
        return False
    return not math.isnan(value) and 0 < value < threshold()


def suppress(value, count=None):
    """`value`, or SUPPRESSED if `count` (by default the value itself) is a small count."""
    return SUPPRESSED if is_small(value if count is None else count) else value


def suppress_columns(frame: pd.DataFrame, columns, counts: pd.Series | None = None) -> pd.DataFrame:
    """Suppress cells of `columns` that are small counts (or whose row's `counts` is small)."""
    out = frame.copy()
    for column in columns:
        small = (counts if counts is not None else out[column]).map(is_small)
        if small.any():
            out[column] = out[column].astype(object).where(~small, SUPPRESSED)
    return out


def numeric(series: pd.Series) -> pd.Series:
    """Numbers for plotting: suppressed cells become gaps."""
    return pd.to_numeric(series, errors="coerce")
