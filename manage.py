"""Command line for the Performance Platform (acts on the database of DATABASE_URL).

  python manage.py migrate
  python manage.py load-demo [--if-empty]
  python manage.py refresh-cache                          (after changing data by hand, in SQL)
  python manage.py data-set create GROUP TYPE [--schema FILE] [--auto-ids a,b] [--unpublished] ...
  python manage.py data-set configure GROUP TYPE [...same options...]
  python manage.py data-set list
  python manage.py token issue GROUP TYPE [--label TEXT]    (the token is shown once)
  python manage.py token list GROUP TYPE
  python manage.py token revoke TOKEN_ID
  python manage.py user create USERNAME --role admin|editor  (password from stdin or a prompt)
  python manage.py user grant USERNAME SERVICE_SLUG          (an editor of that service)
  python manage.py dashboard import FILE.json... [--draft]  |  dashboard export SLUG  |  dashboard list
  python manage.py collect list | create | run NAME | backfill NAME --from --to | scheduler
"""
import argparse
import getpass
import json
import sys
import time

from data_access.db import get_engine
from data_access.migrate import upgrade


def _data_set_options(parser) -> None:
    parser.add_argument("group")
    parser.add_argument("type")
    parser.add_argument("--schema", metavar="FILE", help="a JSON Schema file every record must meet")
    parser.add_argument("--auto-ids", metavar="FIELDS", help="comma-separated fields that make a record's _id")
    parser.add_argument("--published", dest="published", action="store_true", default=None)
    parser.add_argument("--unpublished", dest="published", action="store_false")
    parser.add_argument("--queryable", dest="queryable", action="store_true", default=None)
    parser.add_argument("--not-queryable", dest="queryable", action="store_false")
    parser.add_argument("--realtime", dest="realtime", action="store_true", default=None)
    parser.add_argument("--not-realtime", dest="realtime", action="store_false")
    parser.add_argument("--max-age", type=int, metavar="SECONDS", help="expected time between updates")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo = commands.add_parser("load-demo", help="replace the data with the demo set (real GOV.UK "
                                                 "Performance Platform figures, 2011-2017)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing if services exist")
    demo.add_argument("--quiet", action="store_true", help="no progress bar")
    commands.add_parser("refresh-cache", help="make every cached figure out of date (after changing data by "
                                              "hand, in SQL; the app's own writes do it themselves)")

    data_set = commands.add_parser("data-set", help="create, configure and list data sets")
    data_set_commands = data_set.add_subparsers(dest="action", required=True)
    _data_set_options(data_set_commands.add_parser("create"))
    _data_set_options(data_set_commands.add_parser("configure"))
    data_set_commands.add_parser("list")

    token = commands.add_parser("token", help="issue, list and revoke write tokens")
    token_commands = token.add_subparsers(dest="action", required=True)
    issue = token_commands.add_parser("issue")
    issue.add_argument("group")
    issue.add_argument("type")
    issue.add_argument("--label", default="")
    listing = token_commands.add_parser("list")
    listing.add_argument("group")
    listing.add_argument("type")
    token_commands.add_parser("revoke").add_argument("token_id", type=int)

    dashboard = commands.add_parser("dashboard", help="import, export and list dashboard configurations")
    dashboard_commands = dashboard.add_subparsers(dest="action", required=True)
    imported = dashboard_commands.add_parser("import", help="import configuration files (JSON)")
    imported.add_argument("files", nargs="+")
    imported.add_argument("--draft", action="store_true", help="import as drafts, whatever the files say")
    dashboard_commands.add_parser("export", help="print a dashboard's configuration").add_argument("slug")
    dashboard_commands.add_parser("list")

    user = commands.add_parser("user", help="create users who sign in to the admin pages")
    user_commands = user.add_subparsers(dest="action", required=True)
    create = user_commands.add_parser("create")
    create.add_argument("username")
    create.add_argument("--role", choices=["admin", "editor"], required=True)
    grant = user_commands.add_parser("grant", help="make a user an editor of a service")
    grant.add_argument("username")
    grant.add_argument("service", help="the service's slug")

    from collectors.cli import add_commands as add_collect_commands
    add_collect_commands(commands)
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    engine = get_engine()
    print(f"Database: {engine.url.render_as_string(hide_password=True)}", file=sys.stderr)
    with engine.begin() as conn:
        upgrade(conn)
    handler = {"migrate": lambda a: 0, "load-demo": _load_demo, "refresh-cache": _refresh_cache,
               "data-set": _data_set, "token": _token, "user": _user, "dashboard": _dashboard,
               "collect": _collect}[args.command]
    try:
        return handler(args)
    except ValueError as error:  # DataSetError and friends: a clear message, no traceback
        print(f"error: {error}", file=sys.stderr)
        return 2


def _load_demo(args) -> int:
    from data_access.demo.load import load_demo
    from data_access.services import service_count
    if args.if_empty and service_count() > 0:
        print("The database already holds services; left as it is.", file=sys.stderr)
        return 0
    began = time.perf_counter()
    with get_engine().begin() as conn:
        report = load_demo(conn, progress=not args.quiet)  # a new data generation: no cached figure is reused
    print(f"Loaded {report.services} services, {report.organisations} organisations, "
          f"{report.measurements:,} figures and {report.records:,} records of open data sets "
          f"in {time.perf_counter() - began:.1f} s.", file=sys.stderr)
    for note in report.notes:
        print(f"  note: {note}", file=sys.stderr)
    return 0


def _refresh_cache(args) -> int:
    from data_access.cache import bump_generation, read_generation
    with get_engine().begin() as conn:
        bump_generation(conn)
    print(f"Data generation {read_generation()}: every cached figure will be read afresh.", file=sys.stderr)
    return 0


def _settings(args) -> dict:
    settings = {k: getattr(args, k) for k in ("published", "queryable", "realtime") if getattr(args, k) is not None}
    if args.max_age is not None:
        settings["max_age_expected"] = args.max_age
    if args.auto_ids:
        settings["auto_ids"] = [f.strip() for f in args.auto_ids.split(",") if f.strip()]
    if args.schema:
        with open(args.schema, encoding="utf-8") as file:
            settings["json_schema"] = json.load(file)
    return settings


def _data_set(args) -> int:
    from data_access import data_sets
    if args.action == "list":
        for d in data_sets.list_data_sets():
            flags = ", ".join(f for f, on in (("published", d.published), ("realtime", d.realtime),
                                             ("queryable", d.queryable)) if on)
            print(f"{d.name}\t{flags}\tmax age {d.max_age_expected or '-'}\tlast written {d.last_written_at or 'never'}")
        return 0
    create = args.action == "create"
    with get_engine().begin() as conn:
        found = (data_sets.create_data_set if create else data_sets.configure_data_set)(
            conn, args.group, args.type, **_settings(args))
    print(f"{'Created' if create else 'Configured'} data set {found.name}.", file=sys.stderr)
    return 0


def _token(args) -> int:
    from data_access import data_sets
    if args.action == "revoke":
        with get_engine().begin() as conn:
            done = data_sets.revoke_token(conn, args.token_id)
        print(f"Token {args.token_id} {'revoked' if done else 'was not live: nothing changed'}.", file=sys.stderr)
        return 0 if done else 1
    found = data_sets.get_data_set(args.group, args.type)
    if found is None:
        raise ValueError(f"no data set {args.group}/{args.type}")
    if args.action == "list":
        for token in data_sets.list_tokens(found):
            state = f"revoked {token['revoked_at']}" if token["revoked_at"] else "live"
            print(f"{token['id']}\t{token['label'] or '-'}\t{state}\tlast used {token['last_used_at'] or 'never'}")
        return 0
    with get_engine().begin() as conn:
        token = data_sets.issue_token(conn, found, args.label)
    print(f"Write token for {found.name} (shown once; only its hash is kept):", file=sys.stderr)
    print(token)
    return 0


def _dashboard(args) -> int:
    from data_access.dashboards import DashboardError, all_dashboards, exported_config, get_dashboard, save_dashboard
    if args.action == "list":
        for d in all_dashboards():
            print(f"{d['slug']}\t{d['status']}\t{d['title']}")
        return 0
    if args.action == "export":
        found = get_dashboard(args.slug)
        if found is None:
            raise ValueError(f"no dashboard {args.slug}")
        print(json.dumps(exported_config(found), indent=2, ensure_ascii=False))
        return 0
    failed = 0
    for path in args.files:
        with open(path, encoding="utf-8") as file:
            config = json.load(file)
        try:
            with get_engine().begin() as conn:
                stored = save_dashboard(conn, config, "manage.py", status="draft" if args.draft else None)
            print(f"Imported {stored['slug']} ({stored['status']}, {len(stored['modules'])} modules).", file=sys.stderr)
        except DashboardError as refused:
            failed += 1
            print(f"{path}: not imported:", *[f"  {e}" for e in refused.errors], sep="\n", file=sys.stderr)
    return 1 if failed else 0


def _collect(args) -> int:
    from collectors.cli import handle
    return handle(args)


def _user(args) -> int:
    from data_access.users import create_user
    if args.action == "grant":
        from data_access.annotations import grant_service
        with get_engine().begin() as conn:
            grant_service(conn, args.username, args.service)
        print(f"{args.username} can now edit {args.service}.", file=sys.stderr)
        return 0
    password = sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass("Password: ")
    with get_engine().begin() as conn:
        create_user(conn, args.username, password, args.role)
    print(f"Created {args.role} {args.username}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
