import math

import pandas as pd
import pytest

from domain.metrics import kpis, suppress_kpis
from domain.suppression import SUPPRESSED, is_small, numeric, suppress, suppress_columns


@pytest.mark.parametrize("count, small", [(0, False), (1, True), (4, True), (4.9, True), (5, False),
                                          (1_000, False), (None, False), (float("nan"), False),
                                          ("3", False), (True, False)])
def test_small_counts_are_above_zero_and_below_the_threshold(count, small):
    assert is_small(count) is small


def test_the_threshold_is_configurable(monkeypatch):
    monkeypatch.setenv("SUPPRESSION_THRESHOLD", "10")
    assert is_small(9) and not is_small(10)
    assert suppress(7) == SUPPRESSED and suppress(0.75, count=7) == SUPPRESSED and suppress(12) == 12


def test_suppressed_cells_are_marked_never_zero_and_plot_as_gaps():
    frame = pd.DataFrame({"Digital": [3.0, 120.0, 0.0], "Phone": [50.0, 2.0, 0.0]})
    shown = suppress_columns(frame, ["Digital", "Phone"])
    assert shown["Digital"].tolist() == [SUPPRESSED, 120.0, 0.0]
    assert shown["Phone"].tolist() == [50.0, SUPPRESSED, 0.0]
    assert math.isnan(numeric(shown["Digital"])[0]) and numeric(shown["Digital"])[2] == 0


def test_a_rate_is_suppressed_with_its_small_denominator():
    totals = pd.DataFrame({"volume": [4.0, 400.0], "channel_volume": [4.0, 400.0], "digital_volume": [4.0, 300.0],
                           "started": [100.0, 3.0], "completed": [90.0, 2.0]})
    shown = suppress_kpis(kpis(totals))
    assert shown["transactions"].tolist() == [SUPPRESSED, 400.0]
    assert shown["digital_take_up"].tolist() == [SUPPRESSED, 0.75]
    assert shown["completion_rate"].tolist() == [0.9, SUPPRESSED]


def test_a_suppressed_part_cannot_be_worked_out_from_the_total():
    from domain.suppression import suppress_parts_of_total
    frame = pd.DataFrame({"Digital": [1200.0, 30.0, 2.0, 100.0], "Phone": [3.0, 2.0, 1.0, 50.0],
                          "Paper": [40.0, 1.0, 0.0, 0.0], "Total": [1243.0, 33.0, 3.0, 150.0]})
    shown = suppress_parts_of_total(frame, ["Digital", "Phone", "Paper"], "Total")
    # row 0: phone 3 is small, so the next smallest (paper 40) goes too: 3 + 40 >= 5
    assert shown.loc[0].tolist() == [1200.0, SUPPRESSED, SUPPRESSED, 1243.0]
    # row 1: phone 2 and paper 1 add up to 3 < 5, so digital goes too
    assert shown.loc[1].tolist() == [SUPPRESSED, SUPPRESSED, SUPPRESSED, 33.0]
    # row 2: everything is small, the total too; a zero stays a zero
    assert shown.loc[2].tolist() == [SUPPRESSED, SUPPRESSED, 0.0, SUPPRESSED]
    assert shown.loc[3].tolist() == [100.0, 50.0, 0.0, 150.0]
