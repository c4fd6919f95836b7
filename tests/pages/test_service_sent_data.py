"""A service that sends data through the data API but has published no figures yet: its page shows
what it sent (the sent data used to be hidden with the figures), on SQLite and PostgreSQL."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import insert

from data_access.data_sets import create_data_set
from data_access.records import store_records
from data_access.rollups import refresh_rollups
from data_access.schema import organisations, services
from ingest.records import Record
from tests.conftest import migrated_database

SLUG = "new-online-claims"


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_service_without_figures_shows_the_data_it_sent(kind, tmp_path, monkeypatch):
    import app
    with migrated_database(kind, "pp_sent", tmp_path, monkeypatch) as engine:
        with engine.begin() as conn:
            department = conn.execute(insert(organisations).values(
                slug="dft", name="Department for Transport", kind="department").returning(organisations.c.id)).scalar_one()
            conn.execute(insert(services).values(slug=SLUG, name="New online claims", department_id=department))
            refresh_rollups(conn)
            data_set = create_data_set(conn, SLUG, "completion")
            weeks = [datetime(2026, 9, 7) + timedelta(weeks=n) for n in range(8)]
            store_records(conn, data_set, [Record(None, week, {"started": 200, "completed": 150}) for week in weeks])
        answer = app.server.test_client().get(f"/services/{SLUG}")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 200
        assert "This service has not reported any transactions." in page
        assert "Data sent by the service" in page and 'id="sent-completion-table"' in page
