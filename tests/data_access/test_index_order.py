"""The services index read from the rollup (data_access.figures): the same rows in the same order as a
plain Python sort of every service, whole and page by page, on SQLite and PostgreSQL; and what it
reads instead of scanning the services (each rollup row's department and agency, each organisation's
count of services) stays right after writes: a service added, measurements replaced, a service moved.
"""
from __future__ import annotations

import math
import re
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import delete, insert, select, update

from data_access import figures
from data_access.db import get_engine
from data_access.migrate import upgrade
from data_access.rollups import refresh_rollups
from data_access.schema import measurements, organisations, services
from data_access.schema import service_period_totals as service_totals
from data_access.services import agencies, departments, service_count
from domain.periods import YearEnding
from domain.suppression import is_small
from tests.conftest import migrated_database

SORTS = figures.INDEX_SORTS


# --- the expected index: every service, sorted in Python ----------------------------------------------

def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _ratio(part, whole):
    part, whole = _number(part), _number(whole)
    return None if part is None or not whole else part / whole


def _shown(value, count):
    return None if is_small(count) else value


def read_tables():
    with get_engine().connect() as conn:
        orgs = {row.id: row for row in conn.execute(select(organisations))}
        rows = [row._asdict() for row in conn.execute(select(service_totals))]
        listed = conn.execute(select(services.c.id, services.c.slug, services.c.name, services.c.department_id,
                                     services.c.agency_id)).all()
    return orgs, rows, listed


def expected_slugs(tables, period_id, search="", department=None, agency=None, sort="transactions",
                   descending=True):
    """The slugs of the index as a plain Python sort of every service and its rollup row gives them."""
    orgs, rows, listed = tables
    if period_id:
        period = YearEnding.parse(period_id)
        chosen = {r["service_id"]: r for r in rows if (str(r["period_start"])[:10], str(r["period_end"])[:10])
                  == (str(period.start), str(period.end))}
    else:
        chosen = {r["service_id"]: r for r in rows if r["latest"]}
    keys = {
        "name": lambda s, r: s.name.lower(),
        "department": lambda s, r: orgs[s.department_id].name.lower(),
        "period": lambda s, r: r and str(r["period_end"])[:10],
        # a figure shown as suppressed sorts as none: its place must not hint at it
        "transactions": lambda s, r: r and _shown(_number(r["volume"]), r["volume"]),
        "digital_take_up": lambda s, r: r and _shown(_ratio(r["digital_volume"], r["channel_volume"]),
                                                     r["channel_volume"]),
        "cost_per_transaction": lambda s, r: r and _ratio(r["total_cost"], r["costed_volume"]),
    }
    wanted = [s for s in listed
              if (not search or search.strip().lower() in s.name.lower())
              and (not department or orgs[s.department_id].slug == department)
              and (not agency or (s.agency_id is not None and orgs[s.agency_id].slug == agency))]
    keyed = [(keys[sort](s, chosen.get(s.id)), s) for s in wanted]
    by_name = sorted(keyed, key=lambda pair: (pair[1].name.lower(), pair[1].slug))
    present = sorted([p for p in by_name if p[0] is not None], key=lambda p: p[0], reverse=descending)
    return [s.slug for _, s in present] + [s.slug for key, s in by_name if key is None]


def assert_index_as_python_sorts(period_id, search="", department=None, agency=None, page_size=None):
    tables = read_tables()
    for sort in SORTS:
        for descending in (True, False):
            args = (period_id, search, department, agency, sort, descending)
            whole = figures.service_index.uncached(*args)
            assert list(whole["slug"]) == expected_slugs(tables, *args), args
            if page_size:
                assert_pages_make_the_whole(args, whole, page_size)


def assert_pages_make_the_whole(args, whole, size):
    pages = -(-len(whole) // size)
    for page in range(1, pages + 2):  # and one past the last, empty
        got = figures.service_index_page.uncached(*args, page, size)
        part = whole.iloc[(page - 1) * size:page * size].reset_index(drop=True)
        assert list(got["slug"]) == list(part["slug"]), (args, page)
        if len(part):
            pd.testing.assert_frame_equal(_plain(got), _plain(part), obj=f"page {page} of {args}")


def _plain(frame):
    """Values only: a page's column of missing values and the whole's may infer different dtypes."""
    frame = frame.astype(object)
    return frame.where(frame.notna(), None)


# --- on the demo data -------------------------------------------------------------------------------

@pytest.mark.parametrize("period_id", [None, "2017-09"])
def test_the_demo_index_is_a_python_sort_of_every_service(database, period_id):
    assert_index_as_python_sorts(period_id)
    assert_index_as_python_sorts(period_id, department="dft", page_size=50)
    assert_index_as_python_sorts(period_id, agency="dvla")
    assert_index_as_python_sorts(period_id, search="licen")


def test_demo_pages_of_every_service_make_the_whole_index(database):
    for sort in ("transactions", "digital_take_up", "name"):
        args = (None, "", None, None, sort, True)
        assert_pages_make_the_whole(args, figures.service_index.uncached(*args), 50)


def test_demo_counts_are_the_services_counted(database):
    assert_counts_right()
    assert figures.service_index_count.uncached("", "dft", None) == len(figures.service_index.uncached(department="dft"))
    assert figures.service_index_count.uncached("", None, "dvla") == len(figures.service_index.uncached(agency="dvla"))
    assert figures.service_index_count.uncached("", "nobody", None) == 0
    assert figures.service_index.uncached(department="nobody").empty


# --- what the index reads, kept right by refresh_rollups ---------------------------------------------

def assert_counts_right():
    with get_engine().connect() as conn:
        owners = pd.DataFrame(conn.execute(select(services.c.department_id, services.c.agency_id)).all(),
                              columns=["department_id", "agency_id"])
        orgs = pd.DataFrame(conn.execute(select(organisations)).mappings().all())
        copies = conn.execute(select(service_totals.c.department_id, service_totals.c.agency_id,
                                     services.c.department_id, services.c.agency_id)
                              .join(services, services.c.id == service_totals.c.service_id)).all()
    assert copies and all(row[0] == row[2] and row[1] == row[3] for row in copies)
    by_department = owners["department_id"].value_counts()
    by_agency = owners["agency_id"].dropna().astype(int).value_counts()
    for org in orgs.itertuples():
        assert org.department_services == by_department.get(org.id, 0), org.slug
        assert org.agency_services == by_agency.get(org.id, 0), org.slug
    assert service_count() == len(owners)
    shown = departments.uncached()
    assert dict(zip(shown["slug"], shown["services"])) == {
        o.slug: by_department[o.id] for o in orgs.itertuples() if o.id in by_department}
    shown = agencies.uncached()
    assert dict(zip(shown["slug"], shown["services"])) == {
        o.slug: by_agency[o.id] for o in orgs.itertuples() if o.id in by_agency and pd.notna(o.parent_id)}


P1, P2 = YearEnding(2017, 3), YearEnding(2018, 3)


def _measure(conn, service_id, period, volume=None, digital=None, cost=None, unspecified=False):
    rows = []
    if volume is not None and unspecified:
        rows.append(("transactions", "unspecified", volume))
    elif volume is not None:
        rows += [("transactions", "digital", digital), ("transactions", "phone", volume - digital)]
    if cost is not None:
        rows.append(("cost_per_transaction", "", cost))
    for metric, dimension, value in rows:
        conn.execute(insert(measurements).values(service_id=service_id, metric=metric, dimension=dimension,
                                                 value=value, period_start=period.start, period_end=period.end,
                                                 source="test"))


def _service(conn, slug, name, department, agency=None):
    return conn.execute(insert(services).values(slug=slug, name=name, department_id=department, agency_id=agency)
                        ).inserted_primary_key[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def small(request, tmp_path, monkeypatch):
    """A database of a few services built to tie and to miss figures: names equal but for case, equal
    volumes, a service with a cost and no transactions, one with no channel split, one with none of
    its 0 transactions, one with nothing."""
    with migrated_database(request.param, "pp_index", tmp_path, monkeypatch) as engine:
        with engine.begin() as conn:
            made = _small_index_data(conn)
            refresh_rollups(conn)
        yield made


def _small_index_data(conn) -> dict:
    org = lambda **v: conn.execute(insert(organisations).values(**v)).inserted_primary_key[0]  # noqa: E731
    d1 = org(slug="d1", name="alpha Department", kind="department")
    d2 = org(slug="d2", name="Beta department", kind="department")
    org(slug="d3", name="Empty department", kind="department")
    a1 = org(slug="a1", name="An agency", kind="agency", parent_id=d1)
    ids = {slug: _service(conn, slug, name, dept, agency) for slug, name, dept, agency in (
        ("apply", "Apply", d1, a1), ("apply-2", "apply", d1, None), ("book", "Book", d1, None),
        ("zed", "zed", d2, None), ("claim", "Claim", d2, a1), ("none", "No figures", d1, None),
        ("cost", "Cost only", d1, None), ("split", "No split", d2, None), ("tie", "Tie", d2, None),
        ("zero", "Zero", d1, None), ("few", "A few", d1, None))}
    _measure(conn, ids["apply"], P1, 1000, 600, 5.0)
    _measure(conn, ids["apply"], P2, 1200, 900, 4.0)
    _measure(conn, ids["apply-2"], P2, 1200, 300, 7.5)
    _measure(conn, ids["book"], P1, 50, 50)
    _measure(conn, ids["zed"], P2, 9000, 0, 1.25)
    _measure(conn, ids["claim"], P2, 1200, 600)
    _measure(conn, ids["cost"], P2, cost=3.0)
    _measure(conn, ids["split"], P2, 700, unspecified=True)
    _measure(conn, ids["tie"], P1, 1000, 500, 5.0)
    _measure(conn, ids["zero"], P2, 0, 0, 2.0)  # no transactions: no take-up, no cost per transaction
    _measure(conn, ids["few"], P2, 3, 3, 2.0)  # 3 transactions: suppressed, and so its take-up of 100%
    return {"ids": ids, "d1": d1, "d2": d2, "a1": a1}



def assert_whole_index_right(every_case=False):
    """The index as Python sorts it (every filter and period when `every_case`), and the counts."""
    filters = (("", "d1", None), ("", "d2", None), ("", None, "a1"))
    if every_case:
        filters += (("", "d1", "a1"), ("APP", None, None), ("", "d3", None))
    for period_id in (None, P1.id, P2.id, "2011-03") if every_case else (None, P2.id):
        assert_index_as_python_sorts(period_id, page_size=4)
        for chosen in filters:
            assert_index_as_python_sorts(period_id, *chosen)
    assert_index_as_python_sorts(P2.id, "", "d1", None, page_size=2)
    assert_counts_right()


def test_the_small_index_is_a_python_sort_with_ties_and_missing_figures(small):
    assert_whole_index_right(every_case=True)
    assert figures.service_index_count.uncached() == len(small["ids"])
    assert list(figures.service_index.uncached(P2.id)["slug"])[:4] == ["zed", "apply", "apply-2", "claim"]
    assert list(figures.service_index.uncached(P2.id)["slug"])[-4:] == ["book", "cost", "none", "tie"]


def test_a_service_added_is_listed_and_counted(small):
    with get_engine().begin() as conn:
        added = _service(conn, "added", "Added", small["d2"], small["a1"])
        _measure(conn, added, P2, 1200, 1200, 2.0)
        empty = _service(conn, "also", "also added", small["d1"])
        refresh_rollups(conn, [added, empty])
    assert_whole_index_right()
    assert "added" in list(figures.service_index.uncached(P2.id, department="d2")["slug"])
    assert list(figures.service_index.uncached(None, department="d1")["slug"])[-1] == "none"
    assert figures.service_index_count.uncached("", "d2", None) == 5


def test_replaced_measurements_move_a_service(small):
    service = small["ids"]["book"]
    with get_engine().begin() as conn:
        conn.execute(delete(measurements).where(measurements.c.service_id == service))
        _measure(conn, service, P2, 99_999, 10, 0.5)
        refresh_rollups(conn, [service])
    assert_whole_index_right()
    assert list(figures.service_index.uncached(None)["slug"])[0] == "book"


def test_a_service_moved_to_another_department_follows(small):
    service = small["ids"]["apply"]
    with get_engine().begin() as conn:
        conn.execute(update(services).where(services.c.id == service).values(department_id=small["d2"], agency_id=None))
        refresh_rollups(conn, [service])
    assert_whole_index_right()
    assert "apply" not in list(figures.service_index.uncached(department="d1")["slug"])
    assert list(figures.service_index.uncached(agency="a1")["slug"]) == ["claim"]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_migrations_build_the_index_keys_of_data_already_stored(kind, tmp_path, monkeypatch):
    """Data stored before the rollups (0006) gets them, and the index's stored ratio keys, from the
    migrations alone: the index is then the Python sort."""
    with migrated_database(kind, "pp_index", tmp_path, monkeypatch, "0006") as engine:
        with engine.begin() as conn:
            _small_index_data(conn)
            upgrade(conn)
        assert_whole_index_right(every_case=True)


# --- the plan: statistics let SQLite read a service's rollup row by its key ------------------------------

def test_sqlite_reads_each_services_rollup_row_by_its_key(tmp_path, monkeypatch):
    """Sorted by name, the index joins each service to its rollup row of the latest year. Without
    statistics SQLite chose an index led by `latest` (half the table) for each service: 195 ms at
    N=1,000, over a minute at N=10,000. refresh_rollups keeps statistics on SQLite too."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.generate import generate
    with migrated_database("sqlite", "pp_plan", tmp_path, monkeypatch) as engine:
        generate(150, years=2, record_services=0, progress=False)
        query = figures._paged(figures._by_service(None, ("", None, None), "name", False), 0, 50)
        with engine.connect() as conn:
            plan = " | ".join(row[3] for row in conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + str(query.compile(conn, compile_kwargs={"literal_binds": True}))))
            analysed = conn.exec_driver_sql("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'service_period_totals'")
            assert analysed.scalar_one() > 0
    assert "SEARCH service_period_totals USING INDEX sqlite_autoindex_service_period_totals_1 (service_id=?)" in plan


def test_a_renamed_service_moves_in_the_period_sort(small):
    """Sorted by period the rollup's copy of the name orders a period's services: refresh_rollups makes
    it follow a new name, as the services' own key the sort by name reads."""
    service = small["ids"]["zed"]
    with get_engine().begin() as conn:
        conn.execute(update(services).where(services.c.id == service).values(name="0 Zed"))  # last to first
        refresh_rollups(conn, [service])
    assert_whole_index_right()
    for period_id, descending in ((P2.id, False), (P2.id, True), (None, True)):  # newest first: P2's first
        assert list(figures.service_index.uncached(period_id, sort="period", descending=descending)["slug"])[0] == "zed"
    assert list(figures.service_index.uncached(P2.id, department="d2", sort="period")["slug"])[0] == "zed"
    assert list(figures.service_index.uncached(sort="name", descending=False)["slug"])[0] == "zed"


def test_departments_of_one_name_list_their_services_together(small):
    """Sorted by department, the departments whose names differ only in case are one, their services by
    name among each other's, on every page."""
    with get_engine().begin() as conn:
        twin = conn.execute(insert(organisations).values(slug="d4", name="BETA DEPARTMENT", kind="department")
                            ).inserted_primary_key[0]
        added = [_service(conn, "bee", "Bee", twin), _service(conn, "zoo", "Zoo", twin)]
        _measure(conn, added[0], P2, 500, 250, 3.0)
        refresh_rollups(conn, added)
    assert_whole_index_right()
    for size in (1, 2, 3, 5):
        args = (P2.id, "", None, None, "department", False)
        assert_pages_make_the_whole(args, figures.service_index.uncached(*args), size)
    slugs = list(figures.service_index.uncached(None, sort="department", descending=False)["slug"])
    assert slugs[-6:] == ["bee", "claim", "split", "tie", "zed", "zoo"]


# --- the plan: each sort reads a page from an index in its order ----------------------------------------

PLANNED = {  # (sort, period chosen or latest, department filter, descending): the index that gives the order
    ("period", None, False, True): "ix_service_period_totals_latest_end_desc_name",
    ("period", None, False, False): "ix_service_period_totals_latest_end_name",
    ("period", None, True, True): "ix_service_period_totals_latest_department_id_end_desc_name",
    ("period", None, True, False): "ix_service_period_totals_latest_department_id_end_name",
    ("period", "chosen", False, True): "ix_service_period_totals_period_end_name_key",
    ("period", "chosen", True, False): "ix_service_period_totals_period_end_department_id_name_key",
    ("name", None, False, False): "ix_services_name_key_slug",
    ("name", None, True, True): "ix_services_department_id_name_key_slug",
    ("name", "chosen", False, True): "ix_services_name_key_slug",
}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_period_and_name_sorts_read_an_index_in_their_order(kind, tmp_path, monkeypatch):
    """Sorted by period the page is read from the rollup in (period or latest, department or none,
    period_end, name) order, and sorted by name from `services` in (department or none, name, slug)
    order: no sort of every matching row (on SQLite no temporary B-tree for the whole ORDER BY; on
    PostgreSQL, told not to sort, no Sort but an incremental one after the name, for the slug of services
    of one name). Before, the name was read from `services` for every row of the period and sorted: at
    N=10,000, 125 ms on PostgreSQL."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.generate import generate
    with migrated_database(kind, "pp_plan", tmp_path, monkeypatch) as engine:
        generate(150, years=2, record_services=0, progress=False)
        with engine.connect() as conn:
            chosen = figures.reporting_periods.uncached()[-1].id
            department = conn.execute(select(organisations.c.id).order_by(organisations.c.department_services.desc())
                                      .limit(1)).scalar_one()
            if kind == "postgresql":
                conn.exec_driver_sql("SET enable_sort = off")
            for (sort, period, by_department, descending), index in PLANNED.items():
                filters = ("", department if by_department else None, None)
                period_id = chosen if period else None
                query = figures._with_figure(period_id, filters, sort, figures._figure_keys()[sort], descending) \
                    if sort == "period" else figures._by_service(period_id, filters, sort, descending)
                plan = _plan(conn, figures._paged(query, 0, 50))
                assert index in plan, (sort, period, by_department, descending, plan)
                if kind == "sqlite":
                    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
                else:
                    assert not re.search(r"(^|->  )Sort  \(", plan), plan
                    assert all("name_key" in key for key in re.findall(r"Presorted Key: [^|]*", plan)), plan


def _plan(conn, query) -> str:
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return " | ".join(row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    return " | ".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))
