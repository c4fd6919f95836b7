"""The drill-downs' SQL on SQLite and PostgreSQL, checked against figures read another way."""
import uuid
from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import delete

from data_access import drilldowns
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.figures import channel_volumes, scope_figures, service_figures, service_index
from data_access.records import store_records
from data_access.schema import data_sets, records
from data_access.services import agencies, departments, get_service
from domain.periods import YearEnding
from ingest.records import Record

FIRST, SECOND = YearEnding(2015, 9), YearEnding(2017, 9)


def test_channels_of_two_years_count_only_services_reporting_both(database):
    found = drilldowns.like_for_like_channels("department", "dft", FIRST.id, SECOND.id)
    # independently: each DfT service's own channel volumes, kept when it reported in both years
    dft = service_index(department="dft")["slug"]
    expected, services = {}, 0
    for slug in dft:
        own = channel_volumes(slug)
        if {FIRST, SECOND} <= set(own["period"]):
            services += 1
            for row in own[own["period"].isin([FIRST, SECOND])].itertuples():
                expected[(row.period, row.channel)] = expected.get((row.period, row.channel), 0) + row.volume
    assert services > 0 and set(found["services"]) == {services}
    assert {(r.period, r.channel): r.volume for r in found.itertuples()} == pytest.approx(expected)
    # fewer services than either year's whole count, as some started or stopped reporting
    reporting = scope_figures("department", "dft").set_index("period")["services"]
    assert services <= min(reporting[FIRST], reporting[SECOND])


def test_services_reporting_each_kind_of_figure(database):
    found = drilldowns.services_reporting("agency", "dvla").set_index("period")
    slugs = service_index(agency="dvla")["slug"]
    own = {slug: service_figures(slug).set_index("period") for slug in slugs}
    for period in (FIRST, SECOND):
        with_volume = sum(period in f.index and pd.notna(f.at[period, "volume"]) for f in own.values())
        with_ratings = sum(period in f.index and _positive(f.at[period, "responses"]) for f in own.values())
        with_started = sum(period in f.index and _positive(f.at[period, "started"]) for f in own.values())
        assert (found.at[period, "transactions"], found.at[period, "ratings"], found.at[period, "started"]) == (
            with_volume, with_ratings, with_started)
    assert (found["transactions"] == scope_figures("agency", "dvla").set_index("period")["services"]).all()


def _positive(value) -> bool:
    return pd.notna(value) and value > 0


def test_scopes_and_their_names(database):
    options = drilldowns.scope_options()
    assert len(options) == 1 + len(departments()) + len(agencies()) + len(service_index())
    values = {o["value"] for o in options}
    assert {"all", "department:dft", "agency:dvla", "service:vehicle-tax-renewals"} <= values
    assert drilldowns.resolve_scope("department", "dft") == ("department", "dft", "Department for Transport")
    assert drilldowns.resolve_scope("service", "vehicle-tax-renewals")[2] == "Vehicle tax renewals"
    assert drilldowns.resolve_scope("agency", "no-such-agency") == ("all", None, "All of government")
    assert drilldowns.resolve_scope("planet", "earth") == ("all", None, "All of government")


def test_illustrative_metrics_in_a_scope(database):
    assert {"rating", "started", "transactions"} <= drilldowns.illustrative_in_scope("agency", "dvla")


@pytest.fixture
def journey_data_set(database):
    """A journey data set linked to a real service (its group is not the service's slug)."""
    service = get_service("vehicle-tax-renewals")
    sent = [("1-start", 1000), ("2-details", 700), ("2-details", 100), ("3-done", 600), (7, 5)]
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-journey-{uuid.uuid4().hex[:8]}", "journey",
                                   service_id=service["id"])
        store_records(conn, data_set, [
            *[Record(None, datetime(2026, 11, 3), {"stage": stage, "count": count}) for stage, count in sent],
            Record(None, datetime(2026, 10, 5), {"stage": "1-start", "count": 90}),
            Record(None, datetime(2026, 10, 5), {"count": 4}),  # no stage: left out
        ])
    yield data_set
    with get_engine().begin() as conn:
        conn.execute(delete(records).where(records.c.data_set_id == data_set.id))
        conn.execute(delete(data_sets).where(data_sets.c.id == data_set.id))


def test_journey_counts_are_summed_per_stage_and_month(journey_data_set):
    found = drilldowns.journey_data_sets("vehicle-tax-renewals")
    assert [d["id"] for d in found] == [journey_data_set.id]
    counts = drilldowns.journey_counts(journey_data_set.id)
    got = {(row.stage, row.month): row.count for row in counts.itertuples()}
    assert got == {("1-start", datetime(2026, 10, 1)): 90, ("1-start", datetime(2026, 11, 1)): 1000,
                   ("2-details", datetime(2026, 11, 1)): 800, ("3-done", datetime(2026, 11, 1)): 600,
                   ("7", datetime(2026, 11, 1)): 5}
    assert drilldowns.journey_data_sets("passport-renewals") == []
