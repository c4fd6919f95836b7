"""People who sign in to the admin pages: admins (everything) and editors."""
from __future__ import annotations

from sqlalchemy import Connection, insert, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from data_access.data_sets import utc_now
from data_access.db import get_engine
from data_access.schema import users

ROLES = ("admin", "editor")
MIN_PASSWORD = 12


class UserError(ValueError):
    pass


def create_user(conn: Connection, username: str, password: str, role: str) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 120:
        raise UserError("a username is 1 to 120 characters")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password has at least {MIN_PASSWORD} characters")
    try:
        with conn.begin_nested():
            conn.execute(insert(users).values(username=username, password_hash=generate_password_hash(password),
                                              role=role, created_at=utc_now()))
    except IntegrityError:
        raise UserError(f"user {username} exists already") from None


def authenticate(username: str, password: str) -> dict | None:
    """The user (id, username, role) if the password is right, else None."""
    with get_engine().connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    if row is None or not check_password_hash(row.password_hash, password or ""):
        return None
    return {"id": row.id, "username": row.username, "role": row.role}
