"""A service's dated notes on every chart of that service (its dashboard, its drill-downs, the
comparisons it is in) and in every export of them."""
from __future__ import annotations

from dataclasses import replace

import pandas as pd

from components.annotations import annotate, note_lines
from components.exports import Export
from data_access.annotations import service_annotations


def with_service_notes(export: Export, kind: str, slug: str | None) -> Export:
    """The export with the service's notes marked on its figure and listed in its notes
    (unchanged for a scope that is not one service, or a chart without periods)."""
    if kind != "service" or not slug or export.figure is None or export.frame.empty \
            or "Period start" not in export.frame:
        return export
    notes = service_annotations(slug)
    if not notes:
        return export
    return replace(export, figure=annotate(export.figure, export.frame, notes),
                   notes=export.notes + note_lines(notes), extra={**export.extra, "annotations": notes})


def with_compared_notes(export: Export, services: list[tuple[str, list[dict]]], periods: pd.DataFrame) -> Export:
    """The export with the notes of each service compared (its name, its notes) marked on its figure
    and listed in its notes, each labelled with the service's name ('Vehicle tax renewals, note 1').
    `periods`: the chart's categories in order (Period start, Period end)."""
    annotated = [(name, notes) for name, notes in services if notes]
    if export.figure is None or periods.empty or not annotated:
        return export
    lines, listed = [], []
    for level, (name, notes) in enumerate(annotated):
        annotate(export.figure, periods, notes, name, level)
        lines += note_lines(notes, name)
        listed += [(name, note) for note in notes]
    return replace(export, notes=export.notes + tuple(lines),
                   extra={**export.extra, "annotations": [note for _, note in listed],
                          "annotated_services": [name for name, _ in listed]})

