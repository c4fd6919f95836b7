"""Transactions per channel read from the channel rollups (data_access.figures.scope_channel_volumes)
equal a plain GROUP BY of the measurements, for every scope, on SQLite and PostgreSQL: on the demo
data, after writes refreshed by refresh_rollups (measurements replaced, a service added, a service
moved to another department and agency), and after the migration builds them for data already stored.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import case, delete, func, insert, select, update

from data_access import figures
from data_access.db import get_engine
from data_access.migrate import upgrade
from data_access.rollups import refresh_rollups
from data_access.schema import measurements as m
from data_access.schema import organisations, scope_channel_totals, service_channel_totals, services
from domain.channels import channel_order
from domain.periods import YearEnding
from tests.conftest import migrated_database
from tests.data_access.test_rollups import assert_rollups_match

COLUMNS = ["period_end", "channel", "volume", "illustrative", "period"]


def _read(conn, query) -> pd.DataFrame:
    result = conn.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def grouped_measurements(conn) -> pd.DataFrame:
    """Transactions per (service, period end, channel), grouped from the measurements, with the
    service's slug, department and agency."""
    query = (select(services.c.slug, services.c.department_id, services.c.agency_id, m.c.period_end,
                    m.c.dimension.label("channel"), func.sum(m.c.value).label("volume"),
                    func.max(case((m.c.illustrative, 1), else_=0)).label("illustrative"))
             .join(services, services.c.id == m.c.service_id).where(m.c.metric == "transactions")
             .group_by(services.c.slug, services.c.department_id, services.c.agency_id, m.c.period_end,
                       m.c.dimension))
    frame = _read(conn, query)
    frame["period_end"] = [str(end)[:10] for end in frame["period_end"]]
    return frame


def expected_volumes(rows: pd.DataFrame) -> list[tuple]:
    """A scope's rows summed per (period end, channel), in the charts' order: period, then channel."""
    summed = rows.groupby(["period_end", "channel"]).agg(volume=("volume", "sum"),
                                                         illustrative=("illustrative", "max")).reset_index()
    order = {c: i for i, c in enumerate(channel_order(summed["channel"].unique()))}
    return sorted(((end, channel, float(volume), bool(illustrative),
                    YearEnding.from_end(date.fromisoformat(end)))
                   for end, channel, volume, illustrative in summed.itertuples(index=False)),
                  key=lambda row: (row[0], order[row[1]]))


def got_volumes(kind: str, slug: str | None) -> list[tuple]:
    frame = figures.scope_channel_volumes.uncached(kind, slug)
    assert list(frame.columns) == COLUMNS
    return [(str(end)[:10], channel, float(volume), illustrative, period)
            for end, channel, volume, illustrative, period in frame.itertuples(index=False)]


def assert_every_scope_right() -> int:
    """Every scope's channel volumes equal the grouped measurements: all of government, every
    organisation as department and as agency, every service, and a slug of nothing. Returns the
    number of scopes with figures."""
    with get_engine().connect() as conn:
        grouped = grouped_measurements(conn)
        orgs = conn.execute(select(organisations.c.id, organisations.c.slug)).all()
        slugs = conn.execute(select(services.c.slug)).scalars().all()
    scopes = [("all", None, grouped)]
    for org_id, slug in orgs:
        scopes += [("department", slug, grouped[grouped["department_id"] == org_id]),
                   ("agency", slug, grouped[grouped["agency_id"] == org_id])]
    scopes += [("service", slug, grouped[grouped["slug"] == slug]) for slug in slugs]
    scopes += [(kind, "nothing-by-this-name", grouped.iloc[:0]) for kind in ("department", "agency", "service")]
    for kind, slug, rows in scopes:
        assert got_volumes(kind, slug) == expected_volumes(rows), (kind, slug)
    return sum(1 for _, _, rows in scopes if len(rows))


def assert_as_a_full_rebuild(conn):
    """The channel rollups as kept by the refreshes of a few services are those a full refresh builds."""
    def tables():
        service_rows = _read(conn, select(service_channel_totals)).sort_values(
            ["service_id", "period_end", "period_start", "channel"], ignore_index=True)
        scope_rows = _read(conn, select(scope_channel_totals).with_only_columns(
            *[c for c in scope_channel_totals.c if c.name != "id"]))
        scope_rows["organisation_id"] = scope_rows["organisation_id"].astype("Int64")
        return service_rows, scope_rows.sort_values(
            ["scope", "organisation_id", "period_end", "period_start", "channel"], ignore_index=True)
    kept = tables()
    refresh_rollups(conn)
    for before, after in zip(kept, tables()):
        pd.testing.assert_frame_equal(before, after, check_dtype=False)


# --- the demo data ----------------------------------------------------------------------------------

def test_every_demo_scope_reads_the_grouped_measurements(database):
    assert assert_every_scope_right() > 700  # every service with transactions, and organisations


def test_the_demo_channel_rollups_are_a_full_rebuild(database):
    with get_engine().connect() as conn, conn.begin() as transaction:
        assert_as_a_full_rebuild(conn)
        transaction.rollback()


def test_a_department_reads_its_own_rows_only(database):
    """DfT's channel volumes are its services' (a check that cannot pass by reading all of government)."""
    dft = figures.scope_channel_volumes.uncached("department", "dft")
    every = figures.scope_channel_volumes.uncached("all")
    assert 0 < dft["volume"].sum() < every["volume"].sum()
    assert set(dft["channel"]) <= {"digital", "phone", "paper", "face_to_face", "unspecified"}


def test_an_unknown_kind_is_refused(database):
    with pytest.raises(ValueError):
        figures.scope_channel_volumes.uncached("galaxy", "x")


# --- writes, on a small database ----------------------------------------------------------------------

P1, P2 = YearEnding(2017, 3), YearEnding(2018, 3)


def _measure(conn, service_id, period, channels: dict[str, float], illustrative=(), start=None):
    for channel, value in channels.items():
        conn.execute(insert(m).values(service_id=service_id, metric="transactions", dimension=channel, value=value,
                                      period_start=start or period.start, period_end=period.end, source="test",
                                      illustrative=channel in illustrative))
    conn.execute(insert(m).values(service_id=service_id, metric="cost_per_transaction", dimension="", value=2.5,
                                  period_start=period.start, period_end=period.end, source="test"))


def _service(conn, slug, department, agency=None):
    return conn.execute(insert(services).values(slug=slug, name=slug.title(), department_id=department,
                                                agency_id=agency)).inserted_primary_key[0]


def _small_database(conn):
    org = lambda **v: conn.execute(insert(organisations).values(**v)).inserted_primary_key[0]  # noqa: E731
    d1 = org(slug="d1", name="D1", kind="department")
    d2 = org(slug="d2", name="D2", kind="department")
    a1 = org(slug="a1", name="A1", kind="agency", parent_id=d1)
    a2 = org(slug="a2", name="A2", kind="agency", parent_id=d2)
    ids = {"apply": _service(conn, "apply", d1, a1), "book": _service(conn, "book", d1),
           "claim": _service(conn, "claim", d2, a2), "none": _service(conn, "none", d2)}
    _measure(conn, ids["apply"], P1, {"digital": 600, "phone": 400, "paper": 7}, illustrative=("phone",))
    _measure(conn, ids["apply"], P2, {"digital": 900, "phone": 300, "unspecified": 50})
    _measure(conn, ids["book"], P1, {"digital": 50, "face_to_face": 25})
    # a partial year: another start, the same end (summed with the year in the charts)
    _measure(conn, ids["book"], P2, {"digital": 10}, start=date(2017, 10, 1))
    _measure(conn, ids["claim"], P2, {"digital": 1000, "post_office": 12}, illustrative=("post_office",))
    return {"ids": ids, "d1": d1, "d2": d2, "a1": a1, "a2": a2}



@pytest.fixture(params=["sqlite", "postgresql"])
def small(request, tmp_path, monkeypatch):
    with migrated_database(request.param, "pp_channels", tmp_path, monkeypatch) as engine:
        with engine.begin() as conn:
            made = _small_database(conn)
            refresh_rollups(conn)
        yield made


def assert_all_right():
    assert assert_every_scope_right() > 0
    with get_engine().connect() as conn, conn.begin() as transaction:
        assert_rollups_match(conn)
        assert_as_a_full_rebuild(conn)
        transaction.rollback()


def test_the_small_database_reads_the_grouped_measurements(small):
    assert_all_right()
    book = figures.scope_channel_volumes.uncached("service", "book")
    assert list(book["volume"]) == [50.0, 25.0, 10.0]  # P2: the partial year's 10
    claim = figures.scope_channel_volumes.uncached("department", "d2")
    assert list(claim["channel"]) == ["digital", "post_office"] and list(claim["illustrative"]) == [False, True]


def test_replaced_measurements_are_read(small):
    service = small["ids"]["apply"]
    with get_engine().begin() as conn:
        conn.execute(delete(m).where(m.c.service_id == service))
        _measure(conn, service, P2, {"digital": 5, "paper": 99_999}, illustrative=("paper",))
        refresh_rollups(conn, [service])
    assert_all_right()
    assert figures.scope_channel_volumes.uncached("agency", "a1")["volume"].tolist() == [5.0, 99_999.0]


def test_a_service_added_is_read(small):
    with get_engine().begin() as conn:
        added = _service(conn, "added", small["d2"], small["a1"])
        _measure(conn, added, P1, {"digital": 70, "phone": 30})
        refresh_rollups(conn, [added])
    assert_all_right()
    assert list(figures.scope_channel_volumes.uncached("service", "added")["volume"]) == [70.0, 30.0]


def test_a_service_moved_to_another_department_leaves_its_old_one(small):
    service = small["ids"]["apply"]
    with get_engine().begin() as conn:
        conn.execute(update(services).where(services.c.id == service)
                     .values(department_id=small["d2"], agency_id=small["a2"]))
        refresh_rollups(conn, [service])
    assert_all_right()
    assert "phone" not in set(figures.scope_channel_volumes.uncached("department", "d1")["channel"])
    assert figures.scope_channel_volumes.uncached("agency", "a1").empty


# --- the migration ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_builds_the_channel_rollups_of_data_already_stored(kind, tmp_path, monkeypatch):
    with migrated_database(kind, "pp_channels", tmp_path, monkeypatch, "0007") as engine:
        with engine.begin() as conn:
            _small_database(conn)  # at 0007, without the channel rollups
            upgrade(conn)
        assert assert_every_scope_right() > 0
        with engine.connect() as conn, conn.begin() as transaction:
            assert_as_a_full_rebuild(conn)
            transaction.rollback()
