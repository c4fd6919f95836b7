"""Command line: `python manage.py migrate` and `python manage.py load-demo`.

Both act on the database named by DATABASE_URL (SQLite under instance/ by default).
"""
import argparse
import sys
import time

from data_access.cache import clear_cache
from data_access.db import get_engine
from data_access.demo.load import load_demo
from data_access.migrate import upgrade


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo = commands.add_parser("load-demo", help="replace the data with the demo set (real GOV.UK "
                                                 "Performance Platform figures, 2011-2017)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if services exist")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)

    engine = get_engine()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    with engine.begin() as conn:
        upgrade(conn)
    if args.command == "load-demo":
        return _load_demo(engine, args)
    return 0


def _load_demo(engine, args) -> int:
    from data_access.services import service_count
    if args.if_empty and service_count() > 0:
        print("The database already holds services; left as it is.", file=sys.stderr)
        return 0
    began = time.perf_counter()
    with engine.begin() as conn:
        report = load_demo(conn, progress=not args.quiet)
    clear_cache()
    print(f"Loaded {report.services} services, {report.organisations} organisations and "
          f"{report.measurements:,} figures in {time.perf_counter() - began:.1f} s.", file=sys.stderr)
    for note in report.notes:
        print(f"  note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
