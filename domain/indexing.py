"""Series made comparable across services of very different sizes: indexed to their first
period (= 100) and shares of a total (in %).

Gaps stay gaps and suppressed cells stay suppressed: an index or a share is never made from
a missing or hidden figure, and a missing figure never becomes 0.
"""
from __future__ import annotations

import math

from domain.suppression import SUPPRESSED


def usable(value) -> bool:
    """A number that can be shown and divided by: not a gap, not suppressed."""
    if value is None or value == SUPPRESSED or isinstance(value, (str, bool)):
        return False
    try:
        return not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def base_position(values) -> int | None:
    """The position of the first value an index can start from (a usable, non-zero number)."""
    return next((i for i, v in enumerate(values) if usable(v) and float(v) != 0), None)


def indexed(values, decimals: int = 2) -> list:
    """`values` as an index: the first usable, non-zero value is 100, the others in proportion.
    Before the base, and wherever a value is missing, the index is missing (NaN); a suppressed
    value stays suppressed."""
    values = list(values)
    base = base_position(values)
    if base is None:
        return [SUPPRESSED if v == SUPPRESSED else math.nan for v in values]
    out = []
    for i, value in enumerate(values):
        if value == SUPPRESSED:
            out.append(SUPPRESSED)
        elif i < base or not usable(value):
            out.append(math.nan)
        else:
            out.append(round(float(value) / float(values[base]) * 100, decimals))
    return out


def share(part, total, decimals: int = 2):
    """`part` as a percentage of `total`: suppressed if either is, missing if either is missing
    or the total is 0."""
    if SUPPRESSED in (part, total):
        return SUPPRESSED
    if not usable(part) or not usable(total) or float(total) == 0:
        return math.nan
    return round(float(part) / float(total) * 100, decimals)
