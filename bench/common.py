"""What the issue-#5 benchmarks share: the database they run on (DATABASE_URL, or a fresh SQLite file),
a throwaway PostgreSQL schema, a gunicorn of the real app, the machine's description, arguments.

DATABASE_URL unset: a fresh SQLite file in a temp dir. A PostgreSQL URL with
`?options=-csearch_path%3Dbench_xxx` runs in schema bench_xxx, created at the start and dropped at the
end; without a search_path a schema bench_<pid> is used the same way. --keep leaves the data.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


_CACHE_DIR = tempfile.mkdtemp(prefix="pp-bench-cache-")
atexit.register(shutil.rmtree, _CACHE_DIR, True)


def arguments(description: str, default_services: str = "1000", **extra) -> argparse.Namespace:
    """--services N [N ...] (one run per N), --years Y, --keep, plus a script's own options."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--services", type=int, nargs="+", default=[int(n) for n in default_services.split(",")],
                        help="services to generate (several: one run each, and their ratio)")
    parser.add_argument("--years", type=int, default=5, help="years of weekly data (default 5)")
    parser.add_argument("--record-services", type=int, default=None,
                        help="services whose weekly records are loaded (default: all, at most 1,000)")
    parser.add_argument("--keep", action="store_true", help="leave the database (schema or file) in place")
    parser.add_argument("--reuse", action="store_true",
                        help="DATABASE_URL already holds `generate.py --services N --keep` data: use it as is")
    for flag, options in extra.items():
        parser.add_argument(f"--{flag.replace('_', '-')}", **options)
    return parser.parse_args()


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = found.group(1) if found else cpu
    import sqlalchemy
    return (f"{date.today().isoformat()}  {platform.machine()}, nproc {os.cpu_count()}, {cpu}; "
            f"python {sys.version.split()[0]}, SQLAlchemy {sqlalchemy.__version__}; "
            f"calibration {calibration_ms():.0f} ms")


def calibration_ms() -> float:
    """The CPU time of a fixed piece of plain Python (best of 5): machines of one kind have differed
    by 2.5x here, so figures of two runs compare only through it (ratios within a run need none)."""
    import time
    best = float("inf")
    for _ in range(5):
        began = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i % 7
        best = min(best, time.process_time() - began)
    return best * 1000


def _schema_of(url: str) -> str | None:
    found = re.search(r"search_path=([A-Za-z0-9_]+)", unquote(url))
    return found.group(1) if found else None


@contextlib.contextmanager
def bench_database(label: str, keep: bool = False):
    """Yield the URL of an empty, migrated database for one run; drop it afterwards unless `keep`.
    Sets DATABASE_URL (the app reads it) and a private CACHE_DIR; REDIS_URL is left as given."""
    from sqlalchemy import create_engine, text
    from data_access.db import get_engine, make_engine
    from data_access.migrate import upgrade

    given = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    os.environ["BENCH_DATABASE_URL"] = given
    os.environ["CACHE_DIR"] = _CACHE_DIR  # one per process: the app's cache is set up once, at import
    if not given or given.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="pp-bench-")
        url = f"sqlite:///{folder}/{label}.db"
        admin, schema = None, None
    else:
        schema = f"{_schema_of(given) or 'bench_' + str(os.getpid())}_{label}"
        base = re.sub(r"[?&]options=[^&]*", "", given)
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base + ("&" if "?" in base else "?") + "options=" + quote(f"-csearch_path={schema}")
    os.environ["DATABASE_URL"] = url
    engine = make_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    engine.dispose()
    try:
        yield url
    finally:
        get_engine().dispose()
        if admin is not None and not keep:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        if admin is not None:
            admin.dispose()
        elif not keep:
            shutil.rmtree(folder, ignore_errors=True)
        if keep:
            print(f"kept: DATABASE_URL={url}")


def database_kind(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


# --- gunicorn --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str = "app:server", workers: int = 2, env: dict | None = None, log: Path | None = None,
             extra: tuple = ()):
    """`gunicorn <app>` with the tests' settings (N workers, loopback, timeout 60); yields its URL."""
    port = free_port()
    own_log = log is None
    log = log or Path(tempfile.mkstemp(prefix="pp-bench-gunicorn-", suffix=".log")[1])
    environment = {**os.environ, **(env or {})}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
                                    f"127.0.0.1:{port}", "--timeout", "60", *extra, app],
                                   cwd=ROOT, env=environment, stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log, "/_status" if app == "app:server" else "/")
        yield url
        tracebacks = log.read_text().count("Traceback")
        if tracebacks:
            print(f"  note: {tracebacks} traceback(s) in the gunicorn log {log}")
            own_log = False  # keep it to read
    finally:
        process.terminate()
        process.wait(timeout=30)
        if own_log:
            log.unlink(missing_ok=True)


def _wait_until_up(url: str, process, log: Path, path: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + path, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{log.read_text()[-3000:]}")
