"""The scheduler: APScheduler wakes every minute and runs the due collectors.

Every instance may run one (`manage.py collect scheduler`): a run's slot is claimed by an INSERT
that only one instance wins (data_access.collectors.claim_slot), so each run happens once.
"""
from __future__ import annotations

import logging
import sys
from datetime import datetime

from collectors.runner import RunResult, Settings, run_due
from data_access.collectors import due_collectors
from data_access.data_sets import utc_now

log = logging.getLogger("collectors")


def tick(now: datetime | None = None, settings: Settings | None = None) -> list[RunResult]:
    """Run every collector due at `now`; the runs this instance did (others may have done the rest)."""
    now = now or utc_now()
    results = []
    for collector in due_collectors(now):
        try:
            result = run_due(collector, now, settings)
        except Exception:  # noqa: BLE001 - one broken collector must not stop the others
            log.exception("collector %s could not run", collector.name)
            continue
        if result is not None:
            log.info("collector %s: %s, %d record(s)%s", result.collector, result.status,
                     result.records_written, f": {result.error}" if result.error else "")
            results.append(result)
    return results


def build_scheduler(settings: Settings | None = None):
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger
    scheduler = BlockingScheduler(timezone="UTC")
    # at second 0 of every minute; a tick still running when the next is due is not doubled
    scheduler.add_job(tick, CronTrigger(second=0, timezone="UTC"), kwargs={"settings": settings},
                      id="collectors", max_instances=1, coalesce=True, misfire_grace_time=50)
    return scheduler


def run_scheduler() -> int:
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    scheduler = build_scheduler()
    log.info("scheduler started: due collectors run every minute (Ctrl-C stops it)")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0
