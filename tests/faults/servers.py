"""Gunicorn servers that a test owns (to stop, restart or kill its workers), unlike the shared
session servers of tests/conftest.py. Keep them few: each start costs a few seconds."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import _free_port, _wait_until_up, project_root


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def workers(self) -> list[int]:
        """The pids of the master's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill_workers(self) -> list[int]:
        killed = self.workers()
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        return killed

    def wait_for_new_workers(self, old: list[int], count: int, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            fresh = [pid for pid in self.workers() if pid not in old]
            if len(fresh) >= count:
                _wait_until_up(self.url, self.process, self.log_path)
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start new workers:\n{self.log()[-3000:]}")

    def stop(self) -> int:
        """SIGTERM: gunicorn's graceful stop. Returns its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(database_url: str, workdir: Path, extra_env: dict | None = None, app: str = "app:server",
                 workers: int = 2, timeout: int = 60) -> Server:
    port = _free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"gunicorn-{port}.log"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update({"DATABASE_URL": database_url, "CACHE_DIR": str(workdir / "cache"), **(extra_env or {})})
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--timeout", str(timeout), app], cwd=project_root(), env=env, stdout=log, stderr=log)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_until_up(server.url, process, log_path)
    except BaseException:
        server.stop()
        raise
    return server
