import math

import pandas as pd
import pytest

from domain.metrics import METRICS, kpis


def totals(**columns):
    return pd.DataFrame({k: [v] if not isinstance(v, list) else v for k, v in columns.items()})


def test_dvla_vehicle_tax_renewals_year_to_september_2017():
    # the published figures: volume 47,055,169, digital 38,522,671, £1.10 a transaction
    row = kpis(totals(volume=47_055_169.0, channel_volume=47_055_169.0, digital_volume=38_522_671.0,
                      costed_volume=47_055_169.0, total_cost=47_055_169.0 * 1.10)).iloc[0]
    assert row["transactions"] == 47_055_169
    assert row["digital_take_up"] == pytest.approx(0.818670, abs=1e-6)
    assert row["cost_per_transaction"] == pytest.approx(1.10)
    assert row["total_cost"] == pytest.approx(51_760_685.90)


def test_a_group_of_services_is_weighted_by_volume_not_a_mean_of_percentages():
    # service A: 90 of 100 digital (90%); service B: 100 of 1,000 digital (10%)
    services = totals(volume=[100.0, 1000.0], channel_volume=[100.0, 1000.0], digital_volume=[90.0, 100.0],
                      costed_volume=[100.0, 1000.0], total_cost=[100 * 2.0, 1000 * 10.0])
    group = kpis(services.sum().to_frame().T).iloc[0]
    assert group["digital_take_up"] == pytest.approx(190 / 1100)   # 17.3%, not (90% + 10%) / 2 = 50%
    assert group["cost_per_transaction"] == pytest.approx(10_200 / 1100)  # £9.27, not (£2 + £10) / 2


def test_transactions_without_a_channel_do_not_count_against_digital_take_up():
    row = kpis(totals(volume=1_500.0, channel_volume=1_000.0, digital_volume=250.0)).iloc[0]
    assert row["transactions"] == 1_500
    assert row["digital_take_up"] == pytest.approx(0.25)


def test_satisfaction_score_is_the_mean_rating_scaled_from_1_5_to_0_1():
    # ratings 1..5 counted 10, 0, 0, 30, 60: mean = (10 + 120 + 300) / 100 = 4.3 -> (4.3 - 1) / 4
    row = kpis(totals(rating_1=10, rating_2=0, rating_3=0, rating_4=30, rating_5=60)).iloc[0]
    assert row["user_satisfaction"] == pytest.approx(0.825)
    assert row["responses"] == 100


def test_completion_rate_is_completed_over_started():
    assert kpis(totals(started=800, completed=600)).iloc[0]["completion_rate"] == pytest.approx(0.75)


def test_missing_or_zero_denominators_give_no_figure_rather_than_zero_or_infinity():
    row = kpis(totals(volume=0.0, channel_volume=0.0, digital_volume=0.0, started=0, completed=0)).iloc[0]
    assert math.isnan(row["digital_take_up"]) and math.isnan(row["completion_rate"])
    assert math.isnan(row["user_satisfaction"]) and math.isnan(row["cost_per_transaction"])


@pytest.mark.parametrize("metric, value, expected", [
    ("transactions", 47_055_169, "47.1m"), ("transactions", 950, "950"), ("transactions", 1_540_077_106, "1.5bn"),
    ("cost_per_transaction", 1.1, "£1.10"), ("total_cost", 51_760_685.9, "£51.8m"),
    ("digital_take_up", 0.81867, "81.9%"), ("digital_take_up", float("nan"), "No data"),
])
def test_formats(metric, value, expected):
    assert METRICS[metric].format(value) == expected


def test_exact_formats_for_tables():
    assert METRICS["transactions"].format(47_055_169, exact=True) == "47,055,169"
    assert METRICS["cost_per_transaction"].format(1234.5, exact=True) == "£1,234.50"


@pytest.mark.parametrize("metric, old, new, expected", [
    ("transactions", 100.0, 102.3, ("up", "2.3%")),
    ("cost_per_transaction", 1.14, 1.10, ("down", "3.5%")),
    ("digital_take_up", 0.811897, 0.818670, ("up", "0.7 percentage points")),
    ("digital_take_up", 0.5, 0.5, ("no change", "")),
    ("transactions", 0.0, 5.0, None),
    ("transactions", float("nan"), 5.0, None),
])
def test_change_against_the_previous_period(metric, old, new, expected):
    assert METRICS[metric].change(old, new) == expected


def test_kpis_adds_missing_totals_then_the_kpis_in_order_and_recomputes_them_in_place():
    from domain.metrics import KPI_ORDER, TOTAL_COLUMNS
    totals = pd.DataFrame({"period": ["a", "b"], "volume": [10.0, 20.0], "digital_volume": [5, 15],
                           "channel_volume": [10, 20]}, index=[7, 3])
    found = kpis(totals)
    missing = [c for c in TOTAL_COLUMNS if c not in totals]
    kpis_after = [k for k in KPI_ORDER if k not in missing]  # total_cost is both: it stays where it was added
    assert list(found.columns) == [*totals.columns, *missing, *kpis_after, "responses"]
    assert list(found.index) == [7, 3] and found["digital_take_up"].tolist() == [0.5, 0.75]
    assert found[[c for c in missing if c != "total_cost"]].isna().all().all()
    totals.loc[3, "digital_volume"] = 10  # figures already there are recomputed where they stand
    again = kpis(found.assign(digital_volume=totals["digital_volume"]))
    assert list(again.columns) == list(found.columns) and again["digital_take_up"].tolist() == [0.5, 0.5]
    repeated = kpis(pd.concat([totals, totals]))  # an index with repeats keeps its rows
    assert repeated["digital_take_up"].tolist() == [0.5, 0.5, 0.5, 0.5] and len(repeated) == 4
