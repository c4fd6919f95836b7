"""Figures and KPIs read through data_access, on SQLite and PostgreSQL, against the published file."""
import csv
import math

import pandas as pd
import pytest

from data_access import figures
from data_access.db import PROJECT_ROOT
from data_access.services import agencies, departments, get_service
from domain.metrics import suppress_kpis
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED

SEPT_2017 = "October 2016 to September 2017"


@pytest.fixture(scope="module")
def published_rows():
    """The published file read with the csv module alone: an independent reading."""
    with open(PROJECT_ROOT / "data" / "govuk-pp" / "transaction-volumes.csv", encoding="utf-8") as file:
        return {row["Name of service"]: row for row in csv.DictReader(file)}


def _number(text):
    return float(text) if text.strip() else math.nan


def test_dvla_vehicle_tax_renewals_in_the_year_to_september_2017(database, published_rows):
    rows = figures.service_figures("vehicle-tax-renewals")
    latest = rows.iloc[-1]
    assert latest["period"] == YearEnding(2017, 9)
    assert latest["transactions"] == 47_055_169
    assert latest["digital_volume"] == 38_522_671
    assert latest["cost_per_transaction"] == pytest.approx(1.10)
    assert latest["total_cost"] == pytest.approx(47_055_169 * 1.10)
    assert latest["digital_take_up"] == pytest.approx(38_522_671 / 47_055_169)
    reported = [k for k, v in published_rows["Vehicle tax renewals"].items() if k.endswith(": volume") and v]
    assert len(rows) == len(reported) == 20
    assert list(rows["period"]) == sorted(rows["period"])


def test_the_service_and_its_organisations(database):
    service = get_service("vehicle-tax-renewals")
    assert service["name"] == "Vehicle tax renewals"
    assert (service["department"], service["department_slug"]) == ("Department for Transport", "dft")
    assert (service["agency"], service["agency_slug"]) == ("Driver and Vehicle Licensing Agency", "dvla")
    assert get_service("no-such-service") is None
    assert len(departments()) == 18
    assert "dvla" in set(agencies("dft")["slug"]) and "dvla" not in set(agencies("hmrc")["slug"])


def test_reporting_periods_are_the_21_years_newest_first(database):
    periods = figures.reporting_periods()
    assert len(periods) == 21
    assert (periods[0], periods[-1]) == (YearEnding(2017, 9), YearEnding(2012, 3))


def test_index_of_one_year_matches_the_published_file_for_every_service(database, published_rows):
    index = figures.service_index("2017-09").set_index("name")
    assert len(index) == 734
    compared = 0
    for name, row in published_rows.items():
        volume = _number(row[f"{SEPT_2017}: volume"])
        digital = _number(row[f"{SEPT_2017}: digital volume"])
        cost = _number(row[f"{SEPT_2017}: cost per transaction (£)"])
        got = index.loc[name]
        if math.isnan(volume):
            assert math.isnan(got["transactions"]), name
            continue
        compared += 1
        assert got["transactions"] == pytest.approx(volume), name
        if not math.isnan(digital) and digital <= volume and volume > 0:
            assert got["digital_take_up"] == pytest.approx(digital / volume), name
        if not math.isnan(cost):
            assert got["cost_per_transaction"] == pytest.approx(cost), name
    assert compared == 414


def test_index_defaults_to_each_services_latest_reported_year(database):
    index = figures.service_index().set_index("slug")
    assert len(index) == 734
    assert index.loc["vehicle-tax-renewals", "period"] == YearEnding(2017, 9)
    # Stamp Duty Reserve Tax last reported for the year to March 2017
    assert index.loc["stamp-duty-reserve-tax-transactions", "period"] == YearEnding(2017, 3)
    assert index.loc["stamp-duty-reserve-tax-transactions", "transactions"] == 1_540_077_106


def test_search_is_case_insensitive_and_literal(database):
    names = set(figures.service_index(search="VEHICLE TAX RENEWALS")["name"])
    assert names == {"Vehicle tax renewals"}
    assert figures.service_index(search="%").empty  # a wildcard character matches itself only
    assert figures.service_index(search="_").empty


def test_filters_by_department_and_agency(database):
    dft = figures.service_index(department="dft")
    assert set(dft["department"]) == {"Department for Transport"} and len(dft) == 74
    dvla = figures.service_index(department="dft", agency="dvla")
    assert set(dvla["agency"]) == {"Driver and Vehicle Licensing Agency"} and len(dvla) == 36
    assert figures.service_index(department="hmrc", agency="dvla").empty


@pytest.mark.parametrize("column", ["transactions", "digital_take_up", "cost_per_transaction"])
def test_sorting_puts_missing_and_suppressed_figures_last_either_way(database, column):
    """A suppressed figure sorts with the missing ones, by name: its place must not hint at it."""
    for descending in (True, False):
        frame = figures.service_index("2017-09", sort=column, descending=descending)
        shown = pd.to_numeric(suppress_kpis(frame)[column], errors="coerce")  # suppressed: NaN
        known = shown.dropna()
        assert shown.iloc[: len(known)].notna().all()
        assert list(known) == sorted(known, reverse=descending)
        rest = list(frame["name"].iloc[len(known):])
        assert rest == sorted(rest, key=str.lower)
    if column != "cost_per_transaction":  # which has no count behind it to suppress
        assert (suppress_kpis(frame)[column] == SUPPRESSED).any()  # the demo has some to place


def test_sorting_by_name_ignores_case(database):
    names = list(figures.service_index(department="dft", sort="name", descending=False)["name"])
    assert names == sorted(names, key=str.lower)


def test_channel_volumes_add_up_to_the_published_total(database):
    volumes = figures.channel_volumes("vehicle-tax-renewals")
    latest = volumes[volumes["period"] == YearEnding(2017, 9)].set_index("channel")
    assert list(latest.index) == ["digital", "phone", "paper", "face_to_face"]
    assert latest["volume"].sum() == 47_055_169
    assert latest.loc["digital", "volume"] == 38_522_671
    assert not latest.loc["digital", "illustrative"] and latest.loc["phone", "illustrative"]
    assert figures.illustrative_metrics("vehicle-tax-renewals") >= {"transactions", "rating", "started"}


def test_sorting_by_year_puts_the_oldest_latest_year_first(database):
    frame = figures.service_index(sort="period", descending=False)
    periods = [p for p in frame["period"] if p is not None]
    assert periods == sorted(periods) and periods[0] == YearEnding(2012, 3)
    assert frame["period"].iloc[len(periods):].isna().all()
