"""Dated notes on a service's charts ("new online form launched"), and who may write them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, delete, insert, select

from data_access.cache import bump_generation, memoized
from data_access.data_sets import utc_now
from data_access.db import get_engine
from data_access.schema import annotations, service_editors, services, users
from data_access.services import service_id_of

MAX_TEXT = 300


class AnnotationError(ValueError):
    pass


@memoized
def service_annotations(slug: str) -> list[dict]:
    """The service's notes, oldest first: id, date, text, author."""
    query = (select(annotations.c.id, annotations.c.date, annotations.c.text, annotations.c.author)
             .join(services, services.c.id == annotations.c.service_id)
             .where(services.c.slug == slug).order_by(annotations.c.date, annotations.c.id))
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def add_annotation(conn: Connection, slug: str, on: date, text: str, author: str) -> int:
    text = " ".join((text or "").split())
    if not text:
        raise AnnotationError("Enter the note")
    if len(text) > MAX_TEXT:
        raise AnnotationError(f"A note is at most {MAX_TEXT} characters")
    service_id = conn.execute(select(services.c.id).where(services.c.slug == slug)).scalar_one_or_none()
    if service_id is None:
        raise AnnotationError(f"There is no service {slug}")
    added = conn.execute(insert(annotations).values(service_id=service_id, date=on, text=text, author=author,
                                                    created_at=utc_now())).inserted_primary_key[0]
    bump_generation(conn)
    return added


def delete_annotation(conn: Connection, slug: str, annotation_id: int) -> bool:
    service_id = service_id_of(slug)
    result = conn.execute(delete(annotations).where(annotations.c.id == annotation_id,
                                                    annotations.c.service_id == service_id))
    if result.rowcount:
        bump_generation(conn)
    return result.rowcount == 1


def grant_service(conn: Connection, username: str, slug: str) -> None:
    """Make a user an editor of a service."""
    user_id = conn.execute(select(users.c.id).where(users.c.username == username)).scalar_one_or_none()
    service_id = conn.execute(select(services.c.id).where(services.c.slug == slug)).scalar_one_or_none()
    if user_id is None or service_id is None:
        raise AnnotationError(f"no user {username}" if user_id is None else f"no service {slug}")
    if not conn.execute(select(service_editors).where(service_editors.c.user_id == user_id,
                                                      service_editors.c.service_id == service_id)).first():
        conn.execute(insert(service_editors).values(user_id=user_id, service_id=service_id))


def can_edit(user: dict | None, slug: str) -> bool:
    """Admins edit every service; editors the services granted to them."""
    if not user:
        return False
    if user.get("role") == "admin":
        return True
    query = (select(service_editors.c.user_id).join(services, services.c.id == service_editors.c.service_id)
             .where(service_editors.c.user_id == user["id"], services.c.slug == slug))
    with get_engine().connect() as conn:
        return conn.execute(query).first() is not None


def editable_services(user: dict) -> list[dict]:
    """The services a user may edit (all for an admin): slug and name, by name."""
    query = select(services.c.slug, services.c.name).order_by(services.c.name, services.c.slug)
    if user["role"] != "admin":
        query = query.join(service_editors, service_editors.c.service_id == services.c.id).where(
            service_editors.c.user_id == user["id"])
    with get_engine().connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
