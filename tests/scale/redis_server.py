"""A Redis server that a test owns, on a free loopback port: stop() and start() again on the same port
(the cache "goes down" and "comes back"). Nothing is saved to disk."""
from __future__ import annotations

import shutil
import subprocess
import time

import redis

from tests.conftest import _free_port, unavailable


class RedisServer:
    def __init__(self):
        if shutil.which("redis-server") is None:
            unavailable("redis-server", FileNotFoundError("redis-server is not installed"))
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().ping()
                return self
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None
