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


def test_a_note_of_a_compared_service_is_on_the_compare_charts_and_in_their_exports(note):
    from app import server
    from pages import compare
    from tests.dash_tree import find, text
    services = f"{SERVICE},voter-registrations"
    page = compare.layout(services=services)
    for card in ("compare-transactions", "compare-digital-take-up"):
        figure = find(page, f"{card}-graph").figure
        labels = {a.text: a.x for a in figure.layout.annotations}
        categories = list(figure.data[0].x)
        # the year to December 2015 is the first period that holds 2 November 2015
        assert labels.get("Vehicle tax renewals, note 1") == categories.index("Dec 2015"), labels
        assert f"Vehicle tax renewals, note 1, 2 November 2015: {note}" in text(find(page, f"{card}-notes"))
    csv = server.test_client().get(f"/exports/compare-measure.csv?services={services}&measure=transactions").text
    assert f"# Note: Vehicle tax renewals, note 1, 2 November 2015: {note}\n" in csv
    others = server.test_client().get("/exports/compare-measure.csv?services=voter-registrations,pet-passports"
                                      "&measure=transactions").text
    assert note not in others
