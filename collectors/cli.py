"""`manage.py collect ...`: list, create, run, backfill collectors, and start the scheduler.

  collect list
  collect create NAME --kind KIND --data-set GROUP/TYPE --schedule SCHEDULE --config FILE.json [--credentials-stdin]
  collect run NAME
  collect backfill NAME --from YYYY-MM-DD --to YYYY-MM-DD
  collect scheduler
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from collectors import runner, schedule, secrets, sources
from data_access import collectors as store
from data_access.data_sets import get_data_set
from data_access.db import get_engine


def add_commands(subparsers) -> None:
    collect = subparsers.add_parser("collect", help="collectors: pull data from sources into data sets",
                                    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = collect.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every collector, its schedule, next run and last run")
    create = actions.add_parser("create", help="a new collector (due at once)")
    create.add_argument("name")
    create.add_argument("--kind", required=True, choices=sources.KINDS)
    create.add_argument("--data-set", required=True, metavar="GROUP/TYPE")
    create.add_argument("--schedule", required=True, choices=list(schedule.SCHEDULES))
    create.add_argument("--config", required=True, metavar="FILE.json", help="url, mappings, metrics... (no secrets)")
    create.add_argument("--credentials-stdin", action="store_true",
                        help="read credentials (a JSON object, e.g. {\"token_auth\": ...}) from stdin; stored encrypted")
    actions.add_parser("run", help="run a collector now").add_argument("name")
    backfill = actions.add_parser("backfill", help="collect a date range (days included)")
    backfill.add_argument("name")
    backfill.add_argument("--from", dest="first", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    backfill.add_argument("--to", dest="last", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD")
    backfill.add_argument("--quiet", action="store_true", help="no progress bar")
    actions.add_parser("scheduler", help="run due collectors every minute (APScheduler), until stopped")


def handle(args) -> int:
    return {"list": _list, "create": _create, "run": _run, "backfill": _backfill,
            "scheduler": _scheduler}[args.action](args)


def _collector(name: str) -> store.Collector:
    found = store.get_collector(name)
    if found is None:
        raise ValueError(f"no collector {name}")
    return found


def _list(args) -> int:
    last = store.last_runs(per_collector=1)
    for c in store.list_collectors():
        run = (last.get(c.id) or [None])[0]
        done = (f"{run['status']} {run['started_at']:%Y-%m-%d %H:%M}, {run['records_written']} record(s)"
                if run else "never run")
        state = "enabled" if c.enabled else "disabled"
        next_run = f"{c.next_run_at:%Y-%m-%d %H:%M}" if c.next_run_at else "-"
        print(f"{c.name}\t{c.kind}\t{c.data_set}\t{c.schedule}\t{state}\tnext {next_run}\tlast {done}")
    return 0


def _create(args) -> int:
    group, _, data_type = args.data_set.partition("/")
    data_set = get_data_set(group, data_type)
    if data_set is None:
        raise ValueError(f"no data set {args.data_set}")
    with open(args.config, encoding="utf-8") as file:
        config = json.load(file)
    sources.check_config(args.kind, config)
    encrypted = secrets.encrypt(_credentials(sys.stdin)) if args.credentials_stdin else None
    with get_engine().begin() as conn:
        created = store.create_collector(conn, args.name, args.kind, data_set, args.schedule, config, encrypted)
    print(f"Created collector {created.name} ({created.kind} into {created.data_set}, {created.schedule})"
          f"{'; credentials stored encrypted' if encrypted else ''}.", file=sys.stderr)
    return 0


def _credentials(stream) -> dict:
    try:
        credentials = json.loads(stream.read())
    except ValueError as error:
        raise ValueError(f"the credentials on stdin are not JSON: {error}") from None
    if not isinstance(credentials, dict):
        raise ValueError("the credentials must be a JSON object, e.g. {\"api_key\": \"...\"}")
    return credentials


def _report(result: runner.RunResult) -> int:
    if result.status == "succeeded":
        print(f"  run {result.run_id}: {result.records_written} record(s) written", file=sys.stderr)
        return 0
    print(f"  run {result.run_id} failed: {result.error}", file=sys.stderr)
    return 1


def _run(args) -> int:
    collector = _collector(args.name)
    print(f"Running {collector.name} ({collector.kind} into {collector.data_set})...", file=sys.stderr)
    return _report(runner.run_now(collector))


def _backfill(args) -> int:
    collector = _collector(args.name)
    print(f"Backfilling {collector.name} from {args.first} to {args.last}...", file=sys.stderr)
    results = runner.backfill(collector, args.first, args.last, progress=not args.quiet)
    codes = [_report(result) for result in results]
    written = sum(r.records_written for r in results)
    failed = sum(codes)
    print(f"Done: {written} record(s) written in {len(results)} run(s), {failed} failed.", file=sys.stderr)
    return 1 if failed else 0


def _scheduler(args) -> int:
    from collectors.scheduler import run_scheduler
    return run_scheduler()
