"""The demo load on SQLite and PostgreSQL: real figures kept exactly, illustrative ones consistent."""
import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.db import get_engine
from data_access.demo import govuk_pp
from data_access.schema import measurements, organisations, services
from domain.periods import YearEnding


@pytest.fixture(scope="module")
def published():
    raw = govuk_pp.read_csv()
    frame = govuk_pp.services_frame(raw)
    return frame, govuk_pp.figures_frame(raw, frame["slug"])


def _scalar(query):
    with get_engine().connect() as conn:
        return conn.execute(query).scalar_one()


def test_every_service_and_department_of_the_file_is_loaded(database):
    assert _scalar(select(func.count()).select_from(services)) == 734
    assert _scalar(select(func.count()).where(organisations.c.kind == "department")) == 18
    assert _scalar(select(func.count(func.distinct(services.c.slug)))) == 734


def test_every_published_volume_is_stored_exactly_as_the_sum_of_its_channels(database, published):
    _, figures = published
    query = (select(services.c.slug, measurements.c.period_end, func.sum(measurements.c.value).label("volume"))
             .join(services).where(measurements.c.metric == "transactions")
             .group_by(services.c.slug, measurements.c.period_end))
    with get_engine().connect() as conn:
        stored = pd.DataFrame(conn.execute(query).all(), columns=["slug", "period_end", "volume"])
    stored["period"] = [YearEnding.from_end(pd.Timestamp(d).date()) for d in stored["period_end"]]
    expected = figures.dropna(subset=["volume"])
    merged = expected.merge(stored, on=["slug", "period"], how="outer", suffixes=("", "_stored"),
                            indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert len(merged) == 11_024  # non-empty 'volume' cells of the published file
    pd.testing.assert_series_equal(merged["volume"], merged["volume_stored"], check_names=False)


def test_published_digital_volumes_and_costs_are_stored_as_published(database, published):
    _, figures = published
    digital = _scalar(select(func.sum(measurements.c.value)).where(measurements.c.dimension == "digital"))
    expected = figures[figures["digital_volume"] <= figures["volume"]]["digital_volume"].sum()
    assert digital == pytest.approx(expected, rel=1e-12)
    costs = _scalar(select(func.count()).where(measurements.c.metric == "cost_per_transaction"))
    assert costs == figures["cost_per_transaction"].notna().sum()


def test_only_generated_figures_are_marked_illustrative(database):
    query = (select(measurements.c.metric, measurements.c.dimension, measurements.c.illustrative)
             .distinct().order_by(measurements.c.metric, measurements.c.dimension))
    with get_engine().connect() as conn:
        kinds = {(m, d): i for m, d, i in conn.execute(query)}
    assert kinds[("transactions", "digital")] is False
    assert kinds[("transactions", "unspecified")] is False
    assert kinds[("cost_per_transaction", "")] is False
    for generated in [("transactions", "phone"), ("transactions", "paper"), ("transactions", "face_to_face"),
                      ("started", ""), ("completed", ""), ("rating", "1"), ("rating", "5")]:
        assert kinds[generated] is True


def test_illustrative_figures_are_the_same_on_every_load(database, tmp_path):
    """A second load into a fresh SQLite file generates exactly the same figures."""
    from tests.conftest import build_demo_database
    from data_access.db import make_engine
    url = f"sqlite:///{tmp_path / 'again.db'}"
    build_demo_database(url)
    checksum = select(func.count(), func.sum(measurements.c.value)).where(measurements.c.illustrative)
    with make_engine(url).connect() as again, get_engine().connect() as first:
        a, b = again.execute(checksum).one(), first.execute(checksum).one()
    assert a[0] == b[0] and a[1] == pytest.approx(b[1], rel=1e-12)
