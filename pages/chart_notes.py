"""A service's dated notes on every chart of that service (its dashboard, its drill-downs) and in
every export of them."""
from __future__ import annotations

from dataclasses import replace

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
