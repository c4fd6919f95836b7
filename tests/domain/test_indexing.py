"""Indexed series and shares: gaps stay gaps, suppressed stays suppressed, nothing becomes 0."""
import math

import pytest

from domain.indexing import base_position, indexed, share, usable
from domain.suppression import SUPPRESSED


def test_the_first_value_is_100_and_the_others_in_proportion():
    assert indexed([200.0, 250.0, 150.0]) == [100.0, 125.0, 75.0]
    assert indexed([3.0, 4.0]) == [100.0, 133.33]  # 4 / 3 * 100, to 2 decimals


def test_the_base_is_the_first_usable_non_zero_value_and_earlier_periods_are_gaps():
    values = [math.nan, SUPPRESSED, 0.0, 80.0, math.nan, 100.0]
    assert base_position(values) == 3
    out = indexed(values)
    assert math.isnan(out[0]) and out[1] == SUPPRESSED and math.isnan(out[2])
    assert out[3] == 100.0 and math.isnan(out[4]) and out[5] == 125.0


def test_a_later_zero_is_a_real_zero_but_a_series_with_nothing_to_start_from_is_all_gaps():
    assert indexed([50.0, 0.0]) == [100.0, 0.0]
    out = indexed([math.nan, 0.0, SUPPRESSED])
    assert math.isnan(out[0]) and math.isnan(out[1]) and out[2] == SUPPRESSED
    assert base_position([]) is None and indexed([]) == []


@pytest.mark.parametrize("part, total, expected", [(25, 200, 12.5), (1, 3, 33.33), (0, 10, 0.0)])
def test_share_is_a_percentage_of_the_total(part, total, expected):
    assert share(part, total) == expected


@pytest.mark.parametrize("part, total", [(math.nan, 10), (5, math.nan), (5, 0), (None, 10)])
def test_share_of_a_missing_figure_or_of_nothing_is_a_gap(part, total):
    assert math.isnan(share(part, total))


def test_share_of_a_suppressed_figure_is_suppressed():
    assert share(SUPPRESSED, 100) == SUPPRESSED and share(3, SUPPRESSED) == SUPPRESSED


def test_usable_means_a_number_that_can_be_shown():
    assert usable(0) and usable(1.5)
    assert not any(usable(v) for v in (None, math.nan, SUPPRESSED, "12", True))
