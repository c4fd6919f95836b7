"""How fresh a data set is, in words: "Updated 3 hours ago", flagged when older than expected."""
from __future__ import annotations

from datetime import datetime

from dash import html

UNITS = [(86400 * 365, "year"), (86400 * 30, "month"), (86400 * 7, "week"), (86400, "day"), (3600, "hour"),
         (60, "minute")]


def age_in_words(seconds: float) -> str:
    """'3 hours', '1 day', 'less than a minute'."""
    for size, unit in UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "less than a minute"


def freshness(last_written_at: datetime | None, max_age_expected: int | None, now: datetime) -> tuple[str, bool]:
    """(text, stale): 'Updated 3 hours ago' and whether that is later than expected."""
    if last_written_at is None:
        return "Never updated", max_age_expected is not None
    age = max(0.0, (now - last_written_at).total_seconds())
    text = f"Updated {age_in_words(age)} ago" if age >= 60 else "Updated less than a minute ago"
    stale = max_age_expected is not None and age > max_age_expected
    if stale:
        text += f": out of date, an update was expected every {age_in_words(max_age_expected)}"
    return text, stale


def next_update(last_written_at: datetime | None, max_age_expected: int | None, now: datetime) -> str | None:
    """'Next update due in 4 hours' (or None when no update is expected)."""
    if last_written_at is None or max_age_expected is None:
        return None
    due = (last_written_at - now).total_seconds() + max_age_expected
    return f"Next update due in {age_in_words(due)}" if due > 0 else None


def freshness_line(last_written_at, max_age_expected, now, element_id: str) -> html.P:
    text, stale = freshness(last_written_at, max_age_expected, now)
    upcoming = next_update(last_written_at, max_age_expected, now)
    text += f". {upcoming}." if upcoming else ""
    tag = [html.Strong("Out of date", className="govuk-tag govuk-tag--red pp-stale"), " "] if stale else []
    when = last_written_at.strftime("%-d %B %Y at %H:%M UTC") if last_written_at else None
    return html.P([*tag, html.Span(text, title=when)], className="govuk-body-s pp-freshness", id=element_id)
