"""A service's notes are on every chart of that service and in every export of them (real app,
both databases), and never on the charts of a department or of all of government."""
import uuid
from datetime import date

import pytest

from data_access.annotations import add_annotation, delete_annotation
from data_access.db import get_engine

SERVICE = "vehicle-tax-renewals"
CHARTS = ["service-channels", "service-take-up", "channels-volumes", "satisfaction-ratings", "satisfaction-score",
          "completion-rate"]


@pytest.fixture
def note(database):
    text = f"Online renewal redesigned {uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn:
        note_id = add_annotation(conn, SERVICE, date(2015, 11, 2), text, "editor")
    yield text
    with get_engine().begin() as conn:
        delete_annotation(conn, SERVICE, note_id)


@pytest.mark.parametrize("chart", CHARTS)
def test_a_note_is_in_every_chart_of_its_service(note, chart):
    from app import server
    client = server.test_client()
    params = f"service={SERVICE}" if chart.startswith("service-") else f"scope=service&slug={SERVICE}"
    exported = client.get(f"/exports/{chart}.json?{params}").get_json()
    assert any(note in line and "2 November 2015" in line for line in exported["notes"]), exported["notes"]
    department = client.get(f"/exports/{chart}.json?scope=department&slug=dft").get_json()
    if not chart.startswith("service-"):
        assert not any(note in line for line in department["notes"])
