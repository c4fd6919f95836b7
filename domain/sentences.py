"""Plain-language sentences generated from figures, never written by hand for a service.

"Digital take-up of Vehicle tax renewals rose by 0.7 percentage points, from 81.2% in the year to
June 2017 to 81.9% in the year to September 2017." Rates change in percentage points, counts and
money in per cent; money is in pounds; a change too small to show is said to be one.
"""
from __future__ import annotations

import math

from domain.metrics import METRICS, Metric, format_count
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, threshold

# each KPI as the subject of a sentence
NOUNS = {
    "transactions": "the number of transactions",
    "total_cost": "the total cost",
    "cost_per_transaction": "the cost per transaction",
    "digital_take_up": "digital take-up",
    "completion_rate": "the completion rate",
    "user_satisfaction": "user satisfaction",
}
NUMBER_WORDS = {1: "one"}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def count_of(number: int, noun: str, plural: str | None = None) -> str:
    """'one service', '549 services', '1,204 services'."""
    if number == 1:
        return f"{NUMBER_WORDS[1]} {noun}"
    return f"{number:,} {plural or noun + 's'}"


def value_text(metric: Metric, value) -> str:
    """A figure inside a sentence: '47.1 million', '£316.5 million', '£1.10', '81.9%'."""
    if value == SUPPRESSED:
        return "suppressed"
    value = float(value)
    if metric.unit == "count":
        return format_count(value, words=True)
    if metric.unit == "gbp":
        return "£" + format_count(value, words=True) if abs(value) >= 1e3 else f"£{value:,.2f}"
    return f"{value * 100:.1f}%"


def _noun(metric_id: str, subject: str | None) -> str:
    return NOUNS[metric_id] + (f" of {subject}" if subject else "")


def change_sentence(metric_id: str, previous, current, period: YearEnding, before: YearEnding,
                    subject: str | None = None) -> str:
    """'Digital take-up of X rose by 0.7 percentage points, from 81.2% in the year to September 2016
    to 81.9% in the year to September 2017.' (or 'fell', or 'did not change')."""
    metric = METRICS[metric_id]
    noun = capitalised(_noun(metric_id, subject))
    if SUPPRESSED in (previous, current):
        return (f"{noun} is not shown for the {before.phrase} or the {period.phrase}: "
                f"it is made of fewer than {threshold()} transactions.")
    if _missing(previous) or _missing(current):
        return f"{noun} cannot be compared between the {before.phrase} and the {period.phrase}."
    old, new = value_text(metric, previous), value_text(metric, current)
    if previous == current:
        return f"{noun} did not change: it was {new} in both the {before.phrase} and the {period.phrase}."
    if old == new and metric.unit == "count":
        old, new = f"{float(previous):,.0f}", f"{float(current):,.0f}"  # exact, where rounding hides it
    if old == new:
        return (f"{noun} hardly changed: it was {new}, to the nearest figure shown, in both the "
                f"{before.phrase} and the {period.phrase}.")
    verb = "rose" if current > previous else "fell"
    size = _size(metric, previous, current)
    size = f"{size}," if size else ""
    return f"{noun} {verb}{size} from {old} in the {before.phrase} to {new} in the {period.phrase}."


def _size(metric: Metric, previous: float, current: float) -> str:
    """' by 0.7 percentage points', ' by 3.5%', ' by less than 0.1%'; '' from zero."""
    if metric.unit == "percent":
        size, unit = abs(current - previous) * 100, " percentage points"
    elif previous == 0:
        return ""
    else:
        size, unit = abs(current - previous) / abs(previous) * 100, "%"
    if round(size, 1) == 0:
        return f" by less than 0.1{unit}"
    return f" by {size:.1f}{unit}"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def level_sentence(metric_id: str, value, period: YearEnding, subject: str | None = None) -> str:
    """'Digital take-up of X was 81.9% in the year to September 2017.'"""
    metric = METRICS[metric_id]
    noun = capitalised(_noun(metric_id, subject))
    if value == SUPPRESSED:
        return f"{noun} is not shown for the {period.phrase}: it is made of fewer than {threshold()} transactions."
    if _missing(value):
        return f"{noun} is not known for the {period.phrase}."
    return f"{noun} was {value_text(metric, value)} in the {period.phrase}."


def transactions_sentence(volume, services: int, period: YearEnding, group: str = "") -> str:
    """'In the year to March 2017, 549 services reported 3.3 billion transactions.'"""
    who = count_of(services, f"{group} service".strip(), f"{group} services".strip())
    if volume == SUPPRESSED:
        return f"In the {period.phrase}, {who} reported fewer than {threshold()} transactions."
    return f"In the {period.phrase}, {who} reported {value_text(METRICS['transactions'], volume)} transactions."


def weighting_sentence(services: int, period: YearEnding, group: str = "") -> str:
    """Why group figures are not an average of the services' figures, and what they cover."""
    who = count_of(services, f"{group} service".strip(), f"{group} services".strip())
    them = "it" if services == 1 else "them"
    return (f"These figures are volume-weighted: each is worked out from the totals of the {who} that "
            f"reported in the {period.phrase}, so a service with more transactions counts for more. "
            f"Services that did not report that year are not in {them}.")


# what a service reports for a KPI to count in it, in a sentence: (one service, several)
REPORTS = {"transactions": ("its transactions", "their transactions"), "total_cost": ("a cost", "a cost"),
           "cost_per_transaction": ("a cost", "a cost"), "digital_take_up": ("its channels", "their channels"),
           "completion_rate": ("its completions", "their completions"),
           "user_satisfaction": ("ratings", "ratings")}


def like_for_like_sentence(comparison, period: YearEnding, before: YearEnding, group: str = "") -> str:
    """A like-for-like change of a group: the same services in both years, and how many."""
    who = count_of(comparison.services, f"{group} service".strip(), f"{group} services".strip())
    what = REPORTS[comparison.metric_id][0 if comparison.services == 1 else 1]
    subject = f"the {who} that reported {what} in both years"
    if comparison.suppressed:
        return change_sentence(comparison.metric_id, SUPPRESSED, SUPPRESSED, period, before, subject)
    return change_sentence(comparison.metric_id, comparison.previous, comparison.current, period, before, subject)


def coverage_sentence(period: YearEnding, share: float | None, latest: YearEnding, threshold_share: float) -> str:
    """Why a year is the one shown first."""
    rule = (f"services that handled at least {threshold_share:.0%} of the previous year's transactions "
            f"reported again")
    if share is None:
        return (f"The {period.phrase} is shown first: it is the latest year reported. No year has "
                f"good coverage (a year in which {rule}), so compare years with care.")
    text = (f"The {period.phrase} is shown first: it is the latest year with good coverage, in which {rule} "
            f"({share:.1%}).")
    if latest != period:
        text += (f" Later years, up to the {latest.phrase}, have fewer services reporting, so their totals "
                 "are not comparable with earlier years.")
    return text


def stale_sentence(stale: int, monitored: int) -> str:
    """What is out of date among the data sets expected to be updated regularly."""
    if monitored == 0:
        return "No data set sent through the data API has an expected update interval, so none is out of date."
    sets = "the only data set" if monitored == 1 else f"all {monitored:,} data sets"
    if stale == 0:
        verb = "was" if monitored == 1 else "were"
        return f"No data is out of date: {sets} with an expected update interval {verb} updated in time."
    if monitored == 1:
        return "The only data set with an expected update interval is out of date."
    verb = "is" if stale == 1 else "are"
    return f"{stale:,} of the {monitored:,} data sets with an expected update interval {verb} out of date."
