"""Slots, retry back-off and freshness (pure)."""
from datetime import datetime, timedelta

import pytest

from collectors import schedule
from collectors.schedule import DUE, NOT_MONITORED, OVERDUE, UP_TO_DATE, freshness, next_slot, retry_delay, slot_start

AT = datetime(2026, 11, 26, 14, 37, 12, 500)  # a Thursday


@pytest.mark.parametrize("name, start, following", [
    ("every_5_minutes", datetime(2026, 11, 26, 14, 35), datetime(2026, 11, 26, 14, 40)),
    ("hourly", datetime(2026, 11, 26, 14, 0), datetime(2026, 11, 26, 15, 0)),
    ("daily", datetime(2026, 11, 26), datetime(2026, 11, 27)),
    ("weekly", datetime(2026, 11, 23), datetime(2026, 11, 30)),  # Mondays
])
def test_slots_start_on_the_clock_so_every_instance_computes_the_same(name, start, following):
    assert slot_start(name, AT) == start
    assert next_slot(name, AT) == following
    assert next_slot(name, start) == following  # strictly after a slot's own start


def test_the_next_slot_crosses_months_and_years():
    assert next_slot("daily", datetime(2026, 12, 31, 23, 59)) == datetime(2027, 1, 1)
    assert next_slot("every_5_minutes", datetime(2026, 12, 31, 23, 58)) == datetime(2027, 1, 1)


def test_an_unknown_schedule_is_refused():
    with pytest.raises(ValueError, match="every_5_minutes, hourly, daily, weekly"):
        slot_start("monthly", AT)


def test_retries_back_off_doubling_up_to_a_cap():
    assert [retry_delay(n, base=60).total_seconds() for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(10, base=60, cap=3600) == timedelta(hours=1)
    assert retry_delay(1, base=0.01) == timedelta(milliseconds=10)


def test_attempts_stop_at_the_maximum():
    assert schedule.may_retry(1) and schedule.may_retry(schedule.MAX_ATTEMPTS - 1)
    assert not schedule.may_retry(schedule.MAX_ATTEMPTS)


NOW = datetime(2026, 11, 29, 12, 0)
DAY = 86400


@pytest.mark.parametrize("written, max_age, next_run, expected", [
    (None, None, None, NOT_MONITORED),
    (NOW - timedelta(days=30), None, None, NOT_MONITORED),
    (None, DAY, None, OVERDUE),  # never written
    (NOW - timedelta(hours=25), DAY, None, OVERDUE),
    (NOW - timedelta(hours=25), DAY, NOW + timedelta(hours=1), OVERDUE),
    (NOW - timedelta(hours=2), DAY, None, UP_TO_DATE),
    (NOW - timedelta(hours=20), DAY, None, DUE),  # less than a quarter of its age left
    (NOW - timedelta(hours=2), DAY, NOW + timedelta(hours=1), UP_TO_DATE),
    (NOW - timedelta(hours=2), DAY, NOW - timedelta(minutes=1), DUE),  # its collector's run is owed
    (NOW - timedelta(hours=20), DAY, NOW + timedelta(hours=5), DUE),  # stale before its next run
    (NOW - timedelta(hours=2), None, NOW + timedelta(hours=1), UP_TO_DATE),
    (None, None, NOW + timedelta(hours=1), DUE),  # a collector that has not written yet
])
def test_freshness(written, max_age, next_run, expected):
    assert freshness(written, max_age, next_run, NOW) == expected


def test_the_scheduler_wakes_at_every_minute_and_never_overlaps_itself():
    from collectors.scheduler import build_scheduler, tick
    [job] = build_scheduler().get_jobs()
    assert job.func is tick and job.max_instances == 1 and job.coalesce
    assert str(job.trigger) == "cron[second='0']"  # second 0 of every minute
