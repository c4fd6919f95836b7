"""Notes on charts through the admin page and in the service's exports (real app, both databases)."""
import uuid

from data_access.annotations import grant_service, service_annotations
from data_access.db import get_engine
from data_access.users import create_user
from tests.admin.test_admin import PASSWORD, app_client, csrf  # noqa: F401  (fixture)

SERVICE = "vehicle-trade-licence-renewals"


def _sign_in(client, role):
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    with get_engine().begin() as conn:
        create_user(conn, name, PASSWORD, role)
    client.post("/admin/sign-in", data={"username": name, "password": PASSWORD,
                                        "csrf_token": csrf(client, "/admin/sign-in")})
    return name


def test_an_editor_needs_the_service_granted(app_client):  # noqa: F811
    name = _sign_in(app_client, "editor")
    path = f"/admin/services/{SERVICE}/notes"
    assert app_client.get(path).status_code == 403
    with get_engine().begin() as conn:
        grant_service(conn, name, SERVICE)
    assert app_client.get(path).status_code == 200


def test_a_note_shows_in_the_charts_exports(app_client):  # noqa: F811
    _sign_in(app_client, "admin")
    path = f"/admin/services/{SERVICE}/notes"
    text = f"Online renewals opened {uuid.uuid4().hex[:6]}"
    answer = app_client.post(path, data={"date": "2016-03-14", "text": text, "csrf_token": csrf(app_client, path)})
    assert answer.status_code == 302
    bad = app_client.post(path, data={"date": "14/03/2016", "text": text, "csrf_token": csrf(app_client, path)})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.get_data(as_text=True)
    csv_text = app_client.get(f"/exports/service-channels.csv?service={SERVICE}").get_data(as_text=True)
    assert f": {text}" in csv_text and "14 March 2016" in csv_text
    figure_json = app_client.get(f"/exports/service-take-up.json?service={SERVICE}").get_json()
    assert any(text in note for note in figure_json["notes"])
    note_id = next(n["id"] for n in service_annotations(SERVICE) if n["text"] == text)
    app_client.post(f"{path}/{note_id}/delete", data={"csrf_token": csrf(app_client, path)})
    assert all(n["text"] != text for n in service_annotations(SERVICE))
