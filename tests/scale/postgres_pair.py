"""A PostgreSQL primary and its streaming read replica that a test owns: two clusters in a temporary
folder on free loopback ports (initdb, then pg_basebackup of the primary), run as the `postgres`
system user when the tests run as root (PostgreSQL refuses root). The replica's replay can be paused,
to stand for a replica that lags behind its primary."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.conftest import _free_port, unavailable


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        unavailable("PostgreSQL's server programs", FileNotFoundError("no /usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent


class PostgresPair:
    def __init__(self):
        self.bin = _bin_dir()
        self.user = "postgres" if os.geteuid() == 0 else None  # as root: the postgres system user
        self.folder = Path(tempfile.mkdtemp(prefix="pp-pg-pair-"))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.ports = {"primary": _free_port(), "replica": _free_port()}
        self.processes: dict[str, subprocess.Popen] = {}

    def url(self, which: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.ports[which]}/postgres"

    def _connect(self, which: str) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=self.ports[which], user="postgres", dbname="postgres",
                               autocommit=True, connect_timeout=2)

    def _run(self, *command: str) -> None:
        done = subprocess.run([str(self.bin / command[0]), *command[1:]], user=self.user, capture_output=True,
                              text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{command[0]} failed: {done.stderr[-2000:]}")

    def _serve(self, which: str) -> None:
        log = open(self.folder / f"{which}.log", "w")
        self.processes[which] = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(self.folder / which), "-p", str(self.ports[which]),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.folder}",
             "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "shared_buffers=32MB"],
            user=self.user, stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.processes[which].poll() is not None:
                raise RuntimeError(f"the {which} stopped: {(self.folder / f'{which}.log').read_text()[-2000:]}")
            try:
                self._connect(which).close()
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"the {which} did not answer on port {self.ports[which]}")

    def start(self) -> PostgresPair:
        # initdb's own pg_hba.conf with --auth=trust lets loopback replication connections in
        self._run("initdb", "-D", str(self.folder / "primary"), "--auth=trust", "-U", "postgres", "--no-sync")
        self._serve("primary")
        self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres",
                  "-D", str(self.folder / "replica"), "--write-recovery-conf", "--no-sync")
        self._serve("replica")
        return self

    def pause_replay(self) -> None:
        """The replica stops applying what the primary sends: it lags behind from here."""
        with self._connect("replica") as conn:
            conn.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self, seconds: float = 20) -> None:
        """The replica applies again, and has caught up with the primary when this returns."""
        with self._connect("replica") as conn:
            conn.execute("SELECT pg_wal_replay_resume()")
        with self._connect("primary") as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        deadline = time.monotonic() + seconds
        with self._connect("replica") as replica:
            while time.monotonic() < deadline:
                if replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,)).fetchone()[0]:
                    return
                time.sleep(0.05)
        raise RuntimeError("the replica did not catch up")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGINT)  # a fast shutdown: open connections are closed
                process.wait(timeout=20)
        shutil.rmtree(self.folder, ignore_errors=True)
