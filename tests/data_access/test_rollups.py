"""The rollups equal the measurements they sum, on SQLite and PostgreSQL: after the demo load, after
a measurement changes and its service is refreshed, after a full refresh and after a second load.

The expected totals are computed here in pandas from the raw measurements (not with the rollups'
SQL). Writes happen in a transaction that is rolled back: the shared demo databases stay as loaded.
"""
import pandas as pd
import pytest
from sqlalchemy import select, update

from data_access.db import get_engine
from data_access.demo.load import load_demo
from data_access.rollups import refresh_rollups
from data_access.schema import TOTALS, measurements, organisations, services
from data_access.schema import scope_period_totals as scope_totals
from data_access.schema import service_period_totals as service_totals

KEYS = ["service_id", "period_start", "period_end"]
SERVICE = "vehicle-tax-renewals"


def _read(conn, query) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def grouped_measurements(conn, service_id=None) -> pd.DataFrame:
    """Per (service, period): the additive totals, summed in pandas from every measurement (of one
    service if given)."""
    query = select(measurements)
    m = _read(conn, query if service_id is None else query.where(measurements.c.service_id == service_id))
    value, metric, dimension = m["value"], m["metric"], m["dimension"]
    tx = metric == "transactions"
    parts = pd.DataFrame({
        **{k: m[k] for k in KEYS},
        "volume": value.where(tx), "channel_volume": value.where(tx & (dimension != "unspecified")),
        "digital_volume": value.where(tx & (dimension == "digital")),
        "cost_per_transaction": value.where(metric == "cost_per_transaction"),
        "started": value.where(metric == "started"), "completed": value.where(metric == "completed"),
        **{f"rating_{r}": value.where((metric == "rating") & (dimension == str(r))) for r in range(1, 6)},
    })
    sums = {c: lambda s: s.sum(min_count=1) for c in parts.columns if c not in KEYS}  # all missing: NaN, as SQL
    frame = parts.groupby(KEYS).agg({**sums, "cost_per_transaction": "max"}).reset_index()
    frame["costed_volume"] = frame["volume"].where(frame["cost_per_transaction"].notna())
    frame["total_cost"] = frame["volume"] * frame["cost_per_transaction"]
    return _normalised(frame)


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for key in ("period_start", "period_end"):
        frame[key] = pd.to_datetime(frame[key])
    columns = KEYS + ["cost_per_transaction", *TOTALS]
    return frame[columns].astype({c: float for c in columns[3:]}).sort_values(KEYS, ignore_index=True)


def assert_rollups_match(conn, service_id=None):
    """The service rollups (of one service if given) equal the grouped measurements; every scope's
    rollups are the sums of the service rollups."""
    stored = _normalised(_read(conn, select(service_totals)))
    expected = grouped_measurements(conn, service_id)
    own = stored if service_id is None else stored[stored["service_id"] == service_id].reset_index(drop=True)
    assert len(own) == len(expected) > 0
    pd.testing.assert_frame_equal(own, expected, rtol=1e-12)
    assert_scopes_add_up(conn, stored)


def assert_scopes_add_up(conn, per_service: pd.DataFrame):
    """Every department's, agency's and all of government's rows are the sums of their services'."""
    owners = _read(conn, select(services.c.id.label("service_id"), services.c.department_id, services.c.agency_id))
    rows = per_service.merge(owners, on="service_id")
    stored = _read(conn, select(scope_totals))
    for _, scope in stored.groupby(["scope"]):
        kind = scope["scope"].iloc[0]
        column = {"department": "department_id", "agency": "agency_id"}.get(kind)
        keys = ([column] if column else []) + ["period_start", "period_end"]
        expected = rows.dropna(subset=[column]) if column else rows
        summed = expected.groupby(keys).agg(
            **{name: (name, lambda s: s.sum(min_count=1)) for name in TOTALS},
            services=("volume", "count"), started_services=("started", "count")).reset_index()
        got = scope.rename(columns={"organisation_id": column} if column else {})
        got = got.assign(**{k: pd.to_datetime(got[k]) for k in ("period_start", "period_end")})
        got = got[keys + list(summed.columns[len(keys):])].sort_values(keys, ignore_index=True)
        summed = summed.astype({column: int} if column else {}).sort_values(keys, ignore_index=True)
        pd.testing.assert_frame_equal(got.astype({n: float for n in TOTALS}), summed, check_dtype=False,
                                      rtol=1e-12, obj=f"{kind} rollups")
    has_agency = owners["agency_id"].notna().any()
    assert set(stored["scope"]) == {"all", "department", *(["agency"] if has_agency else [])}


def test_rollups_equal_the_grouped_measurements_after_the_load(database):
    with get_engine().connect() as conn:
        assert_rollups_match(conn)


def test_a_department_rollup_is_the_sum_of_its_services(database):
    dft = select(organisations.c.id).where(organisations.c.slug == "dft").scalar_subquery()
    with get_engine().connect() as conn:
        department = _read(conn, select(scope_totals).where(scope_totals.c.scope == "department",
                                                            scope_totals.c.organisation_id == dft))
        own = _read(conn, select(service_totals).join(services).where(services.c.department_id == dft))
    department = department.sort_values("period_end", ignore_index=True)
    by_period = own.groupby("period_end").agg(volume=("volume", lambda s: s.sum(min_count=1)),
                                              total_cost=("total_cost", lambda s: s.sum(min_count=1)),
                                              services=("volume", "count")).reset_index()
    assert len(department) == len(by_period) > 0 and 0 < department["services"].max() <= 74  # DfT runs 74
    assert list(department["period_end"]) == list(by_period["period_end"])
    assert list(department["services"]) == list(by_period["services"])
    for column in ("volume", "total_cost"):
        assert list(department[column]) == pytest.approx(list(by_period[column]), rel=1e-12, nan_ok=True)


def test_a_refreshed_service_follows_its_changed_measurements(database):
    engine = get_engine()
    with engine.connect() as conn, conn.begin() as transaction:
        service_id = conn.execute(select(services.c.id).where(services.c.slug == SERVICE)).scalar_one()
        conn.execute(update(measurements).where(measurements.c.service_id == service_id,
                                                measurements.c.dimension == "digital")
                     .values(value=measurements.c.value + 1000))
        refresh_rollups(conn, [service_id])
        assert_rollups_match(conn, service_id)
        latest = conn.execute(select(service_totals.c.period_end).where(
            service_totals.c.service_id == service_id, service_totals.c.latest)).scalars().all()
        assert [str(d)[:10] for d in latest] == ["2017-10-01"]
        transaction.rollback()


def test_a_second_load_leaves_rollups_equal_to_the_measurements(database):
    with get_engine().connect() as conn, conn.begin() as transaction:
        load_demo(conn, progress=False)
        assert_rollups_match(conn)
        transaction.rollback()


def test_the_migration_builds_the_rollups_of_data_already_stored(tmp_path):
    from datetime import date

    from sqlalchemy import insert

    from data_access.db import make_engine
    from data_access.migrate import upgrade
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with engine.begin() as conn:
        upgrade(conn, "0005")
        department = conn.execute(insert(organisations).values(slug="d", name="D", kind="department")
                                  ).inserted_primary_key[0]
        service = conn.execute(insert(services).values(slug="s", name="S", department_id=department)
                               ).inserted_primary_key[0]
        for year, channel, value in ((2016, "digital", 600), (2016, "phone", 400), (2017, "digital", 900)):
            conn.execute(insert(measurements).values(
                service_id=service, metric="transactions", dimension=channel, value=value, source="test",
                period_start=date(year - 1, 4, 1), period_end=date(year, 4, 1)))
        upgrade(conn)
        assert_rollups_match(conn)
        rows = conn.execute(select(service_totals.c.period_end, service_totals.c.volume, service_totals.c.latest)
                            .order_by(service_totals.c.period_end)).all()
        assert [(str(end), volume, latest) for end, volume, latest in rows] == [
            ("2016-04-01", 1000.0, False), ("2017-04-01", 900.0, True)]
    engine.dispose()


def test_a_refresh_after_a_bulk_load_in_its_transaction_plans_with_statistics(tmp_path, monkeypatch):
    """PostgreSQL: autovacuum, analysing the tables while a long load has not committed, records them
    as empty (it counts no uncommitted rows); planned for one row, the refresh's join of measurements to
    services then scanned every service for each measurement (over 18 minutes at N=10,000). The
    refresh analyses its sources first, in its own transaction, which counts its own rows: the plan of
    its statement no longer joins by filtering a scan of the services."""
    from datetime import date

    from sqlalchemy import insert

    from data_access.rollups import _service_period_select
    from tests.conftest import migrated_database
    with migrated_database("postgresql", "rollup_plan", tmp_path, monkeypatch) as engine, engine.begin() as conn:
        department = conn.execute(insert(organisations).values(slug="d", name="D", kind="department")
                                  ).inserted_primary_key[0]
        conn.execute(insert(services), [{"slug": f"s{i}", "name": f"S {i}", "department_id": department}
                                        for i in range(300)])
        ids = conn.execute(select(services.c.id)).scalars().all()
        conn.execute(insert(measurements), [
            {"service_id": i, "metric": "transactions", "dimension": channel, "value": 10.0, "source": "test",
             "period_start": date(year - 1, 4, 1), "period_end": date(year, 4, 1)}
            for i in ids for year in range(2012, 2018) for channel in ("digital", "phone")])
        with engine.connect() as autovacuum:  # what autovacuum does meanwhile
            autovacuum.exec_driver_sql("ANALYZE measurements, services")
            autovacuum.commit()
        refresh_rollups(conn)
        compiled = _service_period_select(None).compile(conn, compile_kwargs={"literal_binds": True})
        plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {compiled}").scalars())
        assert "Join Filter" not in plan, plan
        assert_rollups_match(conn)
