"""Sentences generated from figures: the words, units and directions, checked against hand-worked figures."""
import pytest

from domain.movers import Comparison
from domain.periods import YearEnding
from domain.sentences import (change_sentence, count_of, coverage_sentence, level_sentence, like_for_like_sentence,
                              stale_sentence, transactions_sentence, value_text, weighting_sentence)
from domain.metrics import METRICS
from domain.suppression import SUPPRESSED

SEP_2017, SEP_2016 = YearEnding(2017, 9), YearEnding(2016, 9)


def test_a_rise_in_a_rate_is_in_percentage_points():
    # 81.2% -> 81.9%: 0.7 percentage points
    assert change_sentence("digital_take_up", 0.812, 0.819, SEP_2017, SEP_2016, "Vehicle tax renewals") == (
        "Digital take-up of Vehicle tax renewals rose by 0.7 percentage points, from 81.2% in the year to "
        "September 2016 to 81.9% in the year to September 2017.")


def test_a_fall_in_money_is_in_per_cent_and_pounds():
    # £1.14 -> £1.10: (1.10 - 1.14) / 1.14 = -3.51%
    assert change_sentence("cost_per_transaction", 1.14, 1.10, SEP_2017, SEP_2016, "Vehicle tax renewals") == (
        "The cost per transaction of Vehicle tax renewals fell by 3.5%, from £1.14 in the year to September 2016 "
        "to £1.10 in the year to September 2017.")


def test_large_sums_of_money_are_in_millions_of_pounds():
    # £262,735,300 -> £255,125,800: -2.90%
    text = change_sentence("total_cost", 262_735_300, 255_125_800, SEP_2017, SEP_2016)
    assert text == ("The total cost fell by 2.9%, from £262.7 million in the year to September 2016 to "
                    "£255.1 million in the year to September 2017.")


def test_counts_too_close_to_tell_apart_in_millions_are_given_exactly():
    # 47,148,204 -> 47,055,169: -0.197%, both '47.1 million'
    text = change_sentence("transactions", 47_148_204, 47_055_169, SEP_2017, SEP_2016, "Vehicle tax renewals")
    assert text == ("The number of transactions of Vehicle tax renewals fell by 0.2%, from 47,148,204 in the year "
                    "to September 2016 to 47,055,169 in the year to September 2017.")


def test_no_change():
    text = change_sentence("digital_take_up", 0.5, 0.5, SEP_2017, SEP_2016, "X")
    assert text == ("Digital take-up of X did not change: it was 50.0% in both the year to September 2016 and "
                    "the year to September 2017.")


def test_a_change_hidden_by_rounding_is_said_to_be_small():
    # 81.240% and 81.244% both show as 81.2%
    assert change_sentence("digital_take_up", 0.81240, 0.81244, SEP_2017, SEP_2016, "X").startswith(
        "Digital take-up of X hardly changed: it was 81.2%")
    # 81.249% -> 81.251% shows as 81.2% -> 81.3%, a change of 0.002 points
    assert change_sentence("digital_take_up", 0.81249, 0.81251, SEP_2017, SEP_2016, "X").startswith(
        "Digital take-up of X rose by less than 0.1 percentage points, from 81.2% in")


def test_a_rise_from_zero_has_no_percentage():
    assert change_sentence("transactions", 0, 12_033, SEP_2017, SEP_2016, "X") == (
        "The number of transactions of X rose from 0 in the year to September 2016 to 12,033 in the year to "
        "September 2017.")


def test_suppressed_and_missing_figures_are_not_compared():
    assert "fewer than 5 transactions" in change_sentence("digital_take_up", SUPPRESSED, 0.5, SEP_2017, SEP_2016)
    assert change_sentence("digital_take_up", float("nan"), 0.5, SEP_2017, SEP_2016, "X") == (
        "Digital take-up of X cannot be compared between the year to September 2016 and the year to September 2017.")


def test_levels_and_counts():
    assert level_sentence("digital_take_up", 38_522_671 / 47_055_169, SEP_2017, "Vehicle tax renewals") == (
        "Digital take-up of Vehicle tax renewals was 81.9% in the year to September 2017.")
    assert transactions_sentence(950, 1, SEP_2017) == (
        "In the year to September 2017, one service reported 950 transactions.")
    assert transactions_sentence(3_309_853_000, 549, SEP_2017) == (
        "In the year to September 2017, 549 services reported 3.3 billion transactions.")
    assert count_of(1_204, "service") == "1,204 services"
    assert value_text(METRICS["total_cost"], 950.5) == "£950.50"


def test_the_weighting_sentence_says_how_many_services_are_covered():
    text = weighting_sentence(48, SEP_2017)
    assert text.startswith("These figures are volume-weighted: each is worked out from the totals of the "
                           "48 services that reported in the year to September 2017")


def test_a_like_for_like_change_names_the_services_in_both_years():
    comparison = Comparison("digital_take_up", 130 / 980, 190 / 1100, 2, 3, 3)
    # 13.27% -> 17.27%: 4.0 percentage points
    assert like_for_like_sentence(comparison, SEP_2017, SEP_2016) == (
        "Digital take-up of the 2 services that reported their channels in both years rose by 4.0 percentage points, "
        "from 13.3% "
        "in the year to September 2016 to 17.3% in the year to September 2017.")
    hidden = Comparison("digital_take_up", 0.5, 0.75, 1, 1, 1, suppressed=True)
    assert "is not shown" in like_for_like_sentence(hidden, SEP_2017, SEP_2016)


@pytest.mark.parametrize("stale, monitored, expected", [
    (0, 0, "No data set sent through the data API has an expected update interval, so none is out of date."),
    (0, 1, "No data is out of date: the only data set with an expected update interval was updated in time."),
    (0, 2, "No data is out of date: all 2 data sets with an expected update interval were updated in time."),
    (1, 1, "The only data set with an expected update interval is out of date."),
    (1, 3, "1 of the 3 data sets with an expected update interval is out of date."),
    (2, 3, "2 of the 3 data sets with an expected update interval are out of date."),
])
def test_stale_data(stale, monitored, expected):
    assert stale_sentence(stale, monitored) == expected


def test_coverage_says_why_a_year_is_shown_first():
    text = coverage_sentence(YearEnding(2017, 3), 0.999, SEP_2017, 0.9)
    assert text.startswith("The year to March 2017 is shown first: it is the latest year with good coverage, "
                           "in which services that handled at least 90% of the previous year's transactions "
                           "reported again (99.9%).")
    assert "Later years, up to the year to September 2017, have fewer services reporting" in text
    assert "compare years with care" in coverage_sentence(SEP_2017, None, SEP_2017, 0.9)
