"""What every benchmark here measures with: repeated timings, percentiles, and the SQL a function
sends (to replay it raw as the floor)."""
from __future__ import annotations

import math
import statistics
import time

from sqlalchemy import event


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds; p95 by nearest rank (the 29th of 30 runs, the larger of 2)."""
    ordered = sorted(seconds)
    return statistics.median(ordered) * 1000, ordered[max(math.ceil(len(ordered) * 0.95) - 1, 0)] * 1000


def timed(function, runs: int) -> list[float]:
    """Seconds of each of `runs` calls, after one call that warms the pool and the database's caches."""
    function()
    out = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        out.append(time.perf_counter() - began)
    return out


class CapturingSQL:
    """Records the SQL statements a function sends, with their parameters, to replay them raw."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_):
        event.remove(self.engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append((statement, parameters))


def raw_floor(engine, function, runs: int) -> list[float]:
    """The floor: the SQL statements `function` sends, replayed on the DB-API cursor and fetched,
    nothing more, timed `runs` times."""
    with CapturingSQL(engine) as captured:
        function()

    def replay():
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in captured.statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
        finally:
            raw.close()
    return timed(replay, runs)
