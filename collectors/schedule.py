"""When collectors run: slots per schedule, and the back-off between retries of a failed run. Pure."""
from __future__ import annotations

from datetime import datetime, timedelta

SCHEDULES = {
    "every_5_minutes": timedelta(minutes=5),
    "hourly": timedelta(hours=1),
    "daily": timedelta(days=1),
    "weekly": timedelta(weeks=1),
}
MAX_ATTEMPTS = 4  # the first run and three retries
RETRY_BASE_SECONDS = 60.0
RETRY_CAP_SECONDS = 3600.0


def check_schedule(schedule: str) -> None:
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}, not {schedule!r}")


def slot_start(schedule: str, at: datetime) -> datetime:
    """The start of the slot holding `at`: slots start on the clock (xx:00, xx:05...), days at
    midnight UTC, weeks on Monday, so every instance computes the same slot."""
    check_schedule(schedule)
    if schedule == "every_5_minutes":
        return at.replace(minute=at.minute - at.minute % 5, second=0, microsecond=0)
    if schedule == "hourly":
        return at.replace(minute=0, second=0, microsecond=0)
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    if schedule == "daily":
        return day
    return day - timedelta(days=day.weekday())


def next_slot(schedule: str, after: datetime) -> datetime:
    """The first slot that starts strictly after `after`."""
    return slot_start(schedule, after) + SCHEDULES[schedule]


def retry_delay(attempt: int, base: float = RETRY_BASE_SECONDS, cap: float = RETRY_CAP_SECONDS) -> timedelta:
    """How long to wait after failed attempt `attempt` (1, 2...): base, 2 x base, 4 x base..., capped."""
    return timedelta(seconds=min(cap, base * 2 ** (attempt - 1)))


def may_retry(attempt: int, max_attempts: int = MAX_ATTEMPTS) -> bool:
    return attempt < max_attempts


# --- freshness: is a data set up to date, due or overdue? ----------------------------------------

UP_TO_DATE, DUE, OVERDUE, NOT_MONITORED = "up to date", "due", "overdue", "not monitored"


def freshness(last_written_at: datetime | None, max_age_expected: int | None, next_run_at: datetime | None,
              now: datetime) -> str:
    """Overdue: older than its expected age (or never written). Due: an update is owed now (its
    collector's run is due) or it will be overdue before the next one (without a collector: in the
    last quarter of its expected age). Up to date otherwise; not monitored without either."""
    has_collector = next_run_at is not None
    if max_age_expected is None and not has_collector:
        return NOT_MONITORED
    if max_age_expected is not None:
        if last_written_at is None or now - last_written_at > timedelta(seconds=max_age_expected):
            return OVERDUE
        stale_at = last_written_at + timedelta(seconds=max_age_expected)
        if has_collector and next_run_at > stale_at:
            return DUE
        if not has_collector and stale_at - now < timedelta(seconds=max_age_expected / 4):
            return DUE
    if has_collector and (next_run_at <= now or last_written_at is None):
        return DUE
    return UP_TO_DATE
