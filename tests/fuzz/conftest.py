"""Fuzzing: FUZZ_EXAMPLES sets how many examples each fuzz test runs (a modest default for CI;
scripts/fuzz runs at least 10,000 of each kind). Every test counts the examples it actually ran and
the counts are printed at the end of the run."""
import os
from collections import Counter

COUNTS: Counter = Counter()


def examples(default: int = 60) -> int:
    return int(os.environ.get("FUZZ_EXAMPLES") or default)


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.section("fuzz examples run")
        for name, count in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{name}: {count}")
        terminalreporter.write_line(f"total: {sum(COUNTS.values())}")
