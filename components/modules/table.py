"""table: a row a group (the x axis key), a column a y axis key; `delta(key)` is the change of the
key from the answer's second-to-last period to its last, in %."""
from __future__ import annotations

import re

import pandas as pd

from components.modules.common import View, format_kind, number, ratio
from domain.suppression import SUPPRESSED

DELTA = re.compile(r"^delta\((.+)\)$")


def sentence(text: str, fmt) -> str:
    """'help.bacs-payment' -> 'Help bacs payment', with `uppercase` words in capitals (BACS)."""
    if not (isinstance(fmt, dict) and fmt.get("type") == "sentence"):
        return text
    words = re.sub(r"[-_./]+", " ", text).strip().split(" ")
    upper = {w.lower() for w in fmt.get("uppercase", [])}
    words = [w.upper() if w.lower() in upper else w for w in words]
    out = " ".join(words)
    return out[:1].upper() + out[1:]


def _last_two(row: dict, key: str):
    """The value of the last period and of the one before (a grouped answer with periods)."""
    values = [number(v.get(key)) for v in row.get("values", [])]
    if not values:
        return number(row.get(key)), None
    return values[-1], values[-2] if len(values) > 1 else None


def _cell(row: dict, key: str):
    delta = DELTA.match(key)
    last, before = _last_two(row, delta.group(1) if delta else key)
    if not delta:
        return last
    change = ratio(last - before, before) if isinstance(last, float) and isinstance(before, float) else (
        SUPPRESSED if SUPPRESSED in (last, before) else None)
    return round(change * 100, 1) if isinstance(change, float) else change


def table_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    axes = module.get("axes") or {}
    x, ys = axes.get("x") or {}, axes.get("y") or []
    label = x.get("label") or x.get("key") or "Name"
    data = {label: [sentence(str(r.get(x.get("key"), "")), x.get("format")) for r in rows]}
    for y in ys:
        data[y.get("label") or y["key"]] = [_cell(r, y["key"]) for r in rows]
    frame = pd.DataFrame(data).astype(object)
    sort_label = next((y.get("label") or y["key"] for y in ys if y.get("key") == module.get("sort-by")), None)
    if sort_label:
        descending = module.get("sort-order") == "descending"
        order = sorted(range(len(frame)), key=lambda i: _sort_key(frame[sort_label].iloc[i], descending))
        frame = frame.iloc[order].reset_index(drop=True)
    return frame.where(frame.notna(), None)


def _sort_key(value, descending: bool):
    """Numbers first (largest first when descending), then suppressed, then missing."""
    if isinstance(value, float):
        return (0, -value if descending else value)
    return (1 if value == SUPPRESSED else 2, 0)


def table_view(module: dict, rows: list[dict]) -> View:
    frame = table_frame(module, rows)
    ys = (module.get("axes") or {}).get("y") or []
    formats = {y.get("label") or y["key"]: y.get("format") or "integer" for y in ys}
    formats = {k: (f if format_kind(f) != "percent" else {"type": "percent", **(f if isinstance(f, dict) else {})})
               for k, f in formats.items()}
    if frame.empty:
        return View(frame, "No rows yet.", formats=formats)
    first = frame.columns[1] if len(frame.columns) > 1 else None
    summary = f"{len(frame)} rows."
    if first is not None:
        top = frame.iloc[0]
        value = top[first]
        shown = ("a suppressed figure" if value == SUPPRESSED else f"{value:,.0f}" if isinstance(value, float)
                 else "no figure")
        summary = f"{len(frame)} rows, by {first.lower()}; the first is “{top.iloc[0]}”, with {shown}."
    return View(frame, summary, None, formats)
