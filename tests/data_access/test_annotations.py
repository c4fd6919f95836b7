"""Notes on a service's charts, and who may write them, on SQLite and PostgreSQL."""
import uuid
from datetime import date

import pytest

from data_access.annotations import (AnnotationError, add_annotation, can_edit, delete_annotation, grant_service,
                                     service_annotations)
from data_access.db import get_engine
from data_access.users import authenticate, create_user

SERVICE = "export-a-vehicle"


def test_notes_are_listed_by_date_and_can_be_removed(database):
    with get_engine().begin() as conn:
        later = add_annotation(conn, SERVICE, date(2016, 3, 14), "  New   online form launched ", "alice")
        earlier = add_annotation(conn, SERVICE, date(2014, 1, 6), "Paper form withdrawn", "alice")
    notes = [n for n in service_annotations(SERVICE) if n["id"] in (later, earlier)]
    assert [(n["date"], n["text"]) for n in notes] == [(date(2014, 1, 6), "Paper form withdrawn"),
                                                       (date(2016, 3, 14), "New online form launched")]
    with get_engine().begin() as conn:
        assert delete_annotation(conn, SERVICE, later) and delete_annotation(conn, SERVICE, earlier)
        assert not delete_annotation(conn, "vehicle-tax-renewals", later)


@pytest.mark.parametrize("text, message", [("   ", "Enter the note"), ("x" * 301, "at most 300")])
def test_a_bad_note_is_refused(database, text, message):
    with get_engine().begin() as conn, pytest.raises(AnnotationError, match=message):
        add_annotation(conn, SERVICE, date(2016, 1, 1), text, "alice")


def test_admins_edit_every_service_and_editors_those_granted(database):
    name = f"editor-{uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn:
        create_user(conn, name, "a long enough password", "editor")
    editor = authenticate(name, "a long enough password")
    assert not can_edit(editor, SERVICE) and not can_edit(None, SERVICE)
    assert can_edit({"id": 0, "role": "admin"}, SERVICE)
    with get_engine().begin() as conn:
        grant_service(conn, name, SERVICE)
        grant_service(conn, name, SERVICE)  # twice is fine
    assert can_edit(editor, SERVICE) and not can_edit(editor, "vehicle-tax-renewals")
