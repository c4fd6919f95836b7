"""Reporting periods: the one place that knows a period's boundaries and its name.

Dashboards report on years: a period is the twelve months ending with a given month
(for the demo data, rolling years ending each quarter). Boundaries are half-open:
`start` is the first day, `end` the first day after the period.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_ID = re.compile(r"^(\d{4})-(\d{2})$")


def add_months(day: date, months: int) -> date:
    """The same day of the month `months` later (day is always the 1st here)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


@dataclass(frozen=True, order=True)
class YearEnding:
    """The twelve months ending with `month` of `year` (e.g. October 2016 to September 2017)."""

    year: int
    month: int

    @classmethod
    def from_end(cls, end: date) -> "YearEnding":
        """The year whose exclusive end is `end` (the first day of the month after it)."""
        last = add_months(end, -1)
        return cls(last.year, last.month)

    @classmethod
    def parse(cls, text: str) -> "YearEnding":
        """Parse the id used in URLs, `YYYY-MM` (the last month of the year)."""
        match = _ID.match(text or "")
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"period must look like 2017-09 (year-month of its last month), not {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def id(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def end(self) -> date:
        return add_months(date(self.year, self.month, 1), 1)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start(self) -> date:
        return add_months(self.end, -12)

    @property
    def ending(self) -> str:
        """'September 2017'."""
        return f"{MONTHS[self.month - 1]} {self.year}"

    @property
    def phrase(self) -> str:
        """'year to September 2017', for use inside a sentence."""
        return f"year to {self.ending}"

    @property
    def label(self) -> str:
        """'Year to September 2017'."""
        return f"Year to {self.ending}"

    @property
    def span(self) -> str:
        """'October 2016 to September 2017'."""
        first = self.start
        return f"{MONTHS[first.month - 1]} {first.year} to {MONTHS[self.month - 1]} {self.year}"

    @property
    def short_label(self) -> str:
        """'Sep 2017' for axes and table headers."""
        return f"{MONTHS[self.month - 1][:3]} {self.year}"

    def shifted(self, months: int) -> "YearEnding":
        moved = add_months(date(self.year, self.month, 1), months)
        return YearEnding(moved.year, moved.month)


def parse_span(text: str) -> YearEnding:
    """Parse a 12-month span written 'April 2011 to March 2012'.

    Every span in the published file is twelve months from its first month; one header
    reads 'January 2014 to December 2015' where, by its position, it is calendar 2014.
    So the start month decides, and the end is always twelve months later.
    """
    match = re.match(r"^\s*([A-Z][a-z]+) (\d{4}) to [A-Z][a-z]+ \d{4}\s*$", text)
    if not match or match.group(1) not in MONTHS:
        raise ValueError(f"not a period like 'April 2011 to March 2012': {text!r}")
    start = date(int(match.group(2)), MONTHS.index(match.group(1)) + 1, 1)
    return YearEnding.from_end(add_months(start, 12))
