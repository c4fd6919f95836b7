"""Like-for-like changes, coverage and movers, on small frames worked out by hand."""
import math

import pandas as pd
import pytest

from domain.movers import (latest_well_covered, like_for_like, largest, movers, retained_share, service_changes,
                           year_before)
from domain.metrics import kpis
from domain.periods import YearEnding


def services(*rows):
    """A frame like data_access.figures.service_index: slug, name, totals, KPIs."""
    columns = ["slug", "volume", "channel_volume", "digital_volume", "costed_volume", "total_cost"]
    frame = pd.DataFrame([dict(zip(columns, row)) for row in rows], columns=columns).astype(
        {c: float for c in columns[1:]})
    frame["name"] = frame["slug"].str.upper()
    frame["department"] = "Department"
    return kpis(frame)


NAN = math.nan
# this year: A and B report in both years, C only now; the year before: D only then
NOW = services(("a", 100, 100, 90, 100, 100 * 2.0), ("b", 1000, 1000, 100, 1000, 1000 * 10.0),
               ("c", 5000, 5000, 5000, NAN, NAN), ("e", NAN, NAN, NAN, NAN, NAN))
BEFORE = services(("a", 80, 80, 40, 80, 80 * 2.5), ("b", 900, 900, 90, 900, 900 * 10.0),
                  ("d", 20, 20, 20, 20, 20 * 1.0))


def test_like_for_like_counts_only_the_services_in_both_years():
    take_up = like_for_like(NOW, BEFORE, "digital_take_up")
    assert take_up.current == pytest.approx((90 + 100) / (100 + 1000))   # 17.3%, without C's 5,000
    assert take_up.previous == pytest.approx((40 + 90) / (80 + 900))     # 13.3%, without D
    assert (take_up.services, take_up.current_services, take_up.previous_services) == (2, 3, 3)
    cost = like_for_like(NOW, BEFORE, "cost_per_transaction")
    assert cost.current == pytest.approx((200 + 10_000) / 1100)           # £9.27
    assert cost.previous == pytest.approx((200 + 9000) / 980)             # £9.39
    assert cost.change == ("down", "1.2%")  # (9.2727 - 9.3878) / 9.3878 = -1.23%
    transactions = like_for_like(NOW, BEFORE, "transactions")
    assert (transactions.previous, transactions.current) == (980, 1100)
    assert not transactions.suppressed


def test_no_common_service_means_no_comparison_and_small_counts_are_suppressed():
    assert like_for_like(NOW, services(("z", 10, 10, 5, 10, 10)), "transactions") is None
    tiny = like_for_like(services(("a", 3, 3, 1, 3, 3)), services(("a", 10, 10, 5, 10, 10)), "digital_take_up")
    assert tiny.suppressed


def test_retained_share_is_of_the_year_befores_transactions():
    # A 80 + B 900 of 1,000 (D's 20 did not report again)
    assert retained_share(NOW, BEFORE) == pytest.approx(0.98)
    assert retained_share(NOW, services(("x", NAN, NAN, NAN, NAN, NAN))) is None


def test_the_default_year_is_the_latest_well_covered_one():
    years = [YearEnding(2017, 9), YearEnding(2017, 6), YearEnding(2016, 9), YearEnding(2016, 6)]
    frames = {
        YearEnding(2017, 9): services(("a", 10, 10, 1, 10, 10)),                       # B stopped: 10 of 100
        YearEnding(2016, 9): services(("a", 10, 10, 1, 10, 10), ("b", 90, 90, 1, 90, 90)),
        YearEnding(2017, 6): services(("a", 10, 10, 1, 10, 10), ("b", 80, 80, 1, 80, 80)),
        YearEnding(2016, 6): services(("a", 10, 10, 1, 10, 10), ("b", 85, 85, 1, 85, 85), ("c", 5, 5, 1, 5, 5)),
    }
    # 2017-09: 10 / 100 = 10%; 2017-06: 95 / 100 = 95%
    assert latest_well_covered(years, frames.__getitem__) == (YearEnding(2017, 6), pytest.approx(0.95))
    # nothing reaches 99%: the latest year, and no share
    assert latest_well_covered(years, frames.__getitem__, threshold=0.99) == (YearEnding(2017, 9), None)
    assert latest_well_covered([], frames.__getitem__) == (None, None)
    assert year_before(YearEnding(2017, 3)) == YearEnding(2016, 3)


def test_movers_rank_the_change_in_the_better_direction_and_skip_small_or_free_services():
    now = services(("up", 2000, 2000, 1800, 2000, 2000 * 1.0), ("down", 5000, 5000, 1000, 5000, 5000 * 6.0),
                   ("flat", 3000, 3000, 1500, 3000, 3000 * 3.0), ("tiny", 50, 50, 50, 50, 50 * 9.0),
                   ("free", 4000, 4000, 2000, 4000, 0.0))
    before = services(("up", 2000, 2000, 1000, 2000, 2000 * 2.0), ("down", 4000, 4000, 2000, 4000, 4000 * 4.0),
                      ("flat", 3000, 3000, 1500, 3000, 3000 * 3.0), ("tiny", 50, 50, 0, 50, 50 * 1.0),
                      ("free", 4000, 4000, 2000, 4000, 4000 * 1.0))
    take_up = service_changes(now, before, "digital_take_up")
    assert set(take_up["slug"]) == {"up", "down", "flat", "free"}       # tiny: fewer than 1,000 transactions
    improvers, decliners = movers(take_up)
    assert list(improvers["slug"]) == ["up"] and improvers["change"][0] == pytest.approx(40.0)  # 50% -> 90%
    assert list(decliners["slug"]) == ["down"] and decliners["change"][0] == pytest.approx(-30.0)  # 50% -> 20%
    cost = service_changes(now, before, "cost_per_transaction")
    assert "free" not in set(cost["slug"])                              # £1 -> £0 is no rate of change
    improvers, decliners = movers(cost)
    assert list(improvers["slug"]) == ["up"] and improvers["change"][0] == pytest.approx(-50.0)   # £2 -> £1
    assert list(decliners["slug"]) == ["down"] and decliners["change"][0] == pytest.approx(50.0)  # £4 -> £6


def test_largest_services_by_transactions():
    assert list(largest(NOW, 2)["slug"]) == ["c", "b"]
