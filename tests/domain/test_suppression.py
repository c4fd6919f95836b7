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
