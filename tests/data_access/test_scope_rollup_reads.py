"""The channels compared like for like (data_access.drilldowns.like_for_like_channels) and the metrics
with illustrative values (drilldowns.illustrative_in_scope, figures.illustrative_metrics), read from the
rollups, equal what the plain SQL on `measurements` that they replace answers, for every scope, on
SQLite and PostgreSQL: on the demo data, on generated data, after writes refreshed by refresh_rollups
(measurements replaced, a service added, a service moved, a service deleted), and after the migration
builds the rollups of data already stored.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import and_, delete, func, insert, select, true, update

from data_access import drilldowns, figures
from data_access.db import get_engine
from data_access.migrate import upgrade
from data_access.rollups import refresh_rollups
from data_access.schema import measurements as m
from data_access.schema import organisations, scope_illustrative_metrics, service_illustrative_metrics, services
from data_access.services import agency as agency_org
from data_access.services import department as department_org
from domain.channels import channel_order
from domain.periods import YearEnding
from tests.conftest import migrated_database
from tests.data_access.test_channel_rollups import P1, P2, _measure, _service, _small_database


# --- the SQL on measurements that the rollups replace (as data_access had it before them) ---------------

def in_scope(kind: str, slug: str | None = None):
    if kind == "all":
        return true()
    ids = select(services.c.id)
    if kind == "service":
        ids = ids.where(services.c.slug == slug)
    elif kind == "department":
        ids = ids.join(department_org, services.c.department_id == department_org.c.id).where(department_org.c.slug == slug)
    elif kind == "agency":
        ids = ids.join(agency_org, services.c.agency_id == agency_org.c.id).where(agency_org.c.slug == slug)
    else:
        raise ValueError(kind)
    return m.c.service_id.in_(ids)


def measured_illustrative(conn, kind: str, slug: str | None) -> frozenset[str]:
    query = select(m.c.metric).distinct().where(in_scope(kind, slug), m.c.illustrative)
    return frozenset(conn.execute(query).scalars())


def measured_like_for_like(conn, kind: str, slug: str | None, first_id: str, second_id: str) -> pd.DataFrame:
    first, second = YearEnding.parse(first_id), YearEnding.parse(second_id)
    ends = [first.end, second.end]
    transactions = and_(in_scope(kind, slug), m.c.metric == "transactions", m.c.period_end.in_(ends))
    both = (select(m.c.service_id).where(transactions).group_by(m.c.service_id)
            .having(func.count(func.distinct(m.c.period_end)) == len(set(ends))).subquery())
    query = (select(m.c.period_end, m.c.dimension.label("channel"), func.sum(m.c.value).label("volume"))
             .where(transactions, m.c.service_id.in_(select(both.c.service_id)))
             .group_by(m.c.period_end, m.c.dimension))
    result = conn.execute(query)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    count = conn.execute(select(func.count()).select_from(both)).scalar_one()
    frame["period"] = [YearEnding.from_end(pd.Timestamp(end).date()) for end in frame["period_end"]]
    frame["services"] = count
    order = {c: i for i, c in enumerate(channel_order(frame["channel"].unique()))}
    frame = frame.sort_values(["period_end", "channel"], key=lambda s: s.map(order) if s.name == "channel" else s)
    return frame.reset_index(drop=True)[["period", "channel", "volume", "services"]]


# --- every scope, compared ---------------------------------------------------------------------------

def every_scope(conn) -> list[tuple[str, str | None]]:
    """All of government, every organisation as department and as agency, every service, and a slug of
    nothing of each kind."""
    org_slugs = conn.execute(select(organisations.c.slug)).scalars().all()
    service_slugs = conn.execute(select(services.c.slug)).scalars().all()
    return [("all", None), *[(kind, slug) for slug in org_slugs for kind in ("department", "agency")],
            *[("service", slug) for slug in service_slugs],
            *[(kind, "nothing-by-this-name") for kind in ("department", "agency", "service")]]


def period_pairs(conn, every_pair: bool) -> list[tuple[str, str]]:
    """Pairs of periods with transactions (every pair, or the page's default pair, the first and last,
    one year with itself, and a year nobody reported against the last)."""
    ends = sorted({YearEnding.from_end(pd.Timestamp(end).date())
                   for end in conn.execute(select(m.c.period_end).distinct()).scalars()})
    if every_pair:
        return [(a.id, b.id) for a, b in itertools.combinations_with_replacement(ends, 2)]
    latest = ends[-1]
    earlier = latest.shifted(-24) if latest.shifted(-24) in ends else ends[0]
    return [(earlier.id, latest.id), (ends[0].id, latest.id), (ends[len(ends) // 2].id,) * 2,
            (YearEnding(2001, 3).id, latest.id)]


def assert_every_scope_reads_as_measured(pairs_for_services=1) -> int:
    """Each scope's illustrative metrics and like-for-like channels are the measurements' (every pair
    of periods for all of government, a few for organisations and services). Returns the number of
    scopes with illustrative metrics."""
    with get_engine().connect() as conn:
        scopes = every_scope(conn)
        every_pair, few_pairs = period_pairs(conn, True), period_pairs(conn, False)
        with_illustrative = 0
        for kind, slug in scopes:
            expected = measured_illustrative(conn, kind, slug)
            assert drilldowns.illustrative_in_scope.uncached(kind, slug) == expected, (kind, slug)
            if kind == "service":
                assert figures.illustrative_metrics.uncached(slug) == expected, slug
            with_illustrative += bool(expected)
            pairs = every_pair if kind == "all" else few_pairs[:pairs_for_services] if kind == "service" else few_pairs
            for first, second in pairs:
                got = drilldowns.like_for_like_channels.uncached(kind, slug, first, second)
                pd.testing.assert_frame_equal(got, measured_like_for_like(conn, kind, slug, first, second),
                                              check_exact=True, obj=f"{kind} {slug} {first} {second}")
    return with_illustrative


def assert_as_a_full_rebuild(conn):
    """The illustrative rollups as kept by the refreshes of a few services are those a full refresh builds."""
    def tables():
        own = sorted(conn.execute(select(service_illustrative_metrics)).all())
        scopes = conn.execute(select(scope_illustrative_metrics.c.scope, scope_illustrative_metrics.c.organisation_id,
                                     scope_illustrative_metrics.c.metric)).all()
        return own, sorted(scopes, key=lambda row: (row[0], row[1] or 0, row[2]))
    kept = tables()
    refresh_rollups(conn)
    assert tables() == kept


# --- the demo data ----------------------------------------------------------------------------------

def test_every_demo_scope_reads_as_the_measurements(database):
    assert assert_every_scope_reads_as_measured(pairs_for_services=4) > 600
    with get_engine().connect() as conn, conn.begin() as transaction:
        assert_as_a_full_rebuild(conn)
        transaction.rollback()


def test_demo_like_for_like_counts_fewer_services_than_either_year(database):
    """DVLA's channel shift between two years leaves out services that reported in one year only."""
    found = drilldowns.like_for_like_channels.uncached("agency", "dvla", "2013-09", "2017-09")
    assert len(found) and found["services"].iloc[0] > 0
    assert set(found["period"]) == {YearEnding(2013, 9), YearEnding(2017, 9)}
    assert drilldowns.illustrative_in_scope.uncached("all") >= {"transactions", "rating", "started", "completed"}


def test_an_unknown_kind_is_refused(database):
    with pytest.raises(ValueError):
        drilldowns.illustrative_in_scope.uncached("galaxy", "x")
    with pytest.raises(ValueError):
        drilldowns.like_for_like_channels.uncached("galaxy", "x", "2016-09", "2017-09")


# --- generated data ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_generated_scopes_read_as_the_measurements(kind, tmp_path, monkeypatch):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.generate import generate
    with migrated_database(kind, "pp_generated", tmp_path, monkeypatch):
        generate(150, years=3, record_services=0, progress=False)
        assert assert_every_scope_reads_as_measured() > 100


# --- writes, on a small database ----------------------------------------------------------------------

def _illustrative(conn, service_id, period, metric, value, dimension=""):
    conn.execute(insert(m).values(service_id=service_id, metric=metric, dimension=dimension, value=value,
                                  period_start=period.start, period_end=period.end, source="test",
                                  illustrative=True))


@pytest.fixture(params=["sqlite", "postgresql"])
def small(request, tmp_path, monkeypatch):
    with migrated_database(request.param, "pp_scope_reads", tmp_path, monkeypatch) as engine:
        with engine.begin() as conn:
            made = _small_database(conn)
            _illustrative(conn, made["ids"]["book"], P1, "rating", 12, "4")
            _illustrative(conn, made["ids"]["claim"], P2, "started", 900)
            refresh_rollups(conn)
        yield made


def assert_all_right() -> int:
    with get_engine().connect() as conn, conn.begin() as transaction:
        assert_as_a_full_rebuild(conn)
        transaction.rollback()
    return assert_every_scope_reads_as_measured(pairs_for_services=4)


def test_the_small_database_reads_as_the_measurements(small):
    assert assert_all_right() > 0
    assert drilldowns.illustrative_in_scope.uncached("department", "d1") == {"transactions", "rating"}
    assert drilldowns.illustrative_in_scope.uncached("agency", "a2") == {"transactions", "started"}
    assert drilldowns.illustrative_in_scope.uncached("all") == {"transactions", "rating", "started"}
    assert figures.illustrative_metrics.uncached("none") == frozenset()
    both = drilldowns.like_for_like_channels.uncached("department", "d1", P1.id, P2.id)
    assert set(both["services"]) == {2} and both["volume"].sum() == 600 + 400 + 7 + 50 + 25 + 900 + 300 + 50 + 10


def test_replaced_measurements_are_read(small):
    service = small["ids"]["apply"]
    with get_engine().begin() as conn:
        conn.execute(delete(m).where(m.c.service_id == service))
        _measure(conn, service, P2, {"digital": 5, "paper": 99_999})  # none illustrative now
        refresh_rollups(conn, [service])
    assert_all_right()
    assert drilldowns.illustrative_in_scope.uncached("agency", "a1") == frozenset()
    assert set(drilldowns.like_for_like_channels.uncached("agency", "a1", P1.id, P2.id)["services"]) == set()


def test_a_service_added_is_read(small):
    with get_engine().begin() as conn:
        added = _service(conn, "added", small["d2"], small["a1"])
        _measure(conn, added, P1, {"digital": 70, "phone": 30})
        _measure(conn, added, P2, {"digital": 80, "phone": 20})
        _illustrative(conn, added, P2, "completed", 70)
        refresh_rollups(conn, [added])
    assert_all_right()
    assert "completed" in drilldowns.illustrative_in_scope.uncached("agency", "a1")
    assert set(drilldowns.like_for_like_channels.uncached("department", "d2", P1.id, P2.id)["services"]) == {1}


def test_a_service_moved_to_another_department_leaves_its_old_one(small):
    service = small["ids"]["book"]
    with get_engine().begin() as conn:
        conn.execute(update(services).where(services.c.id == service).values(department_id=small["d2"]))
        refresh_rollups(conn, [service])
    assert_all_right()
    assert "rating" not in drilldowns.illustrative_in_scope.uncached("department", "d1")
    assert "rating" in drilldowns.illustrative_in_scope.uncached("department", "d2")


def test_a_service_deleted_leaves_its_scopes(small):
    service = small["ids"]["claim"]
    with get_engine().begin() as conn:
        conn.execute(delete(m).where(m.c.service_id == service))
        conn.execute(delete(services).where(services.c.id == service))
        refresh_rollups(conn)
    assert_all_right()
    assert "started" not in drilldowns.illustrative_in_scope.uncached("all")


# --- the migration ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migration_builds_the_rollups_of_data_already_stored(kind, tmp_path, monkeypatch):
    with migrated_database(kind, "pp_scope_reads", tmp_path, monkeypatch, "0006") as engine:
        with engine.begin() as conn:
            made = _small_database(conn)  # at 0006: the later migrations build every rollup read here
            _illustrative(conn, made["ids"]["book"], P1, "rating", 12, "4")
            upgrade(conn)
        assert assert_all_right() > 0


# --- what like-for-like reads --------------------------------------------------------------------------

def _reads_each_services_rows(seen: list[str]) -> bool:
    return any("service_period_totals" in s or "service_channel_totals" in s for s in seen)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_like_for_like_reads_a_scopes_own_rows_when_all_its_services_reported(kind, tmp_path, monkeypatch):
    """Every generated service reports every year: each scope's like-for-like channels are its channels
    of the two years, read from its rows of the scope rollups (a few, whatever the number of services),
    and equal the measurements'. A service without one year: the services' rows tell which reported in
    both, for its scopes, and still equal the measurements'."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.generate import generate
    from tests.sql_log import statements
    with migrated_database(kind, "pp_like", tmp_path, monkeypatch):
        generate(40, years=2, record_services=0, progress=False)

        def read(conn, scopes, pairs, reads_services_rows):
            for scope, pair in itertools.product(scopes, pairs):
                with statements() as seen:
                    got = drilldowns.like_for_like_channels.uncached(*scope, *pair)
                pd.testing.assert_frame_equal(got, measured_like_for_like(conn, *scope, *pair), check_exact=True,
                                              obj=f"{scope} {pair}")
                assert _reads_each_services_rows(seen) == reads_services_rows(scope, pair), (scope, pair)
            return set(drilldowns.like_for_like_channels.uncached("all", None, *pairs[0])["services"])

        with get_engine().connect() as conn:
            scopes = [scope for scope in every_scope(conn) if scope[0] != "service"]
            pairs = period_pairs(conn, False)
            assert read(conn, scopes, pairs, lambda scope, pair: False) == {40}
            missing, department = conn.execute(select(services.c.id, department_org.c.slug)
                                               .join(department_org, department_org.c.id == services.c.department_id)
                                               .order_by(services.c.id).limit(1)).one()
        first = YearEnding.parse(pairs[0][0])
        with get_engine().begin() as conn:
            conn.execute(delete(m).where(m.c.service_id == missing, m.c.period_end == first.end,
                                         m.c.metric == "transactions"))
            refresh_rollups(conn, [missing])
        with get_engine().connect() as conn:
            # its scopes compared with that year read the services' rows; a year with itself, the scope's
            assert read(conn, [("all", None), ("department", department)], [pairs[0], (pairs[0][0],) * 2],
                        lambda scope, pair: pair[0] != pair[1]) == {39}
