"""Admin pages (server-rendered, they work without JavaScript): sign in, data sets, write tokens,
uploads of CSV and Excel files, the audit log. Every POST carries the session's CSRF token."""
from __future__ import annotations

import os
import secrets
from functools import wraps
from pathlib import Path

from flask import Blueprint, Flask, abort, redirect, render_template, request, session, url_for

from data_access.db import PROJECT_ROOT

admin = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def secret_key() -> str:
    """SECRET_KEY, or one kept in instance/secret_key (shared by the workers of one machine;
    set SECRET_KEY when several machines serve the app)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(PROJECT_ROOT / "instance" / "secret_key")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="ascii") as file:  # only the first worker writes it
            os.chmod(path, 0o600)
            file.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return path.read_text(encoding="ascii").strip()


def current_user() -> dict | None:
    return session.get("user")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@admin.before_request
def check_csrf():
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            abort(400, "The form has expired or did not come from this site. Go back, reload the page and try again.")


def signed_in(role: str | None = None):
    """Views for signed-in users (of a role, if given): others go to the sign-in page, or get 403."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("admin.sign_in", next=request.path))
            if role and user["role"] != role:
                abort(403, f"Only an {role} can do this.")
            return view(*args, **kwargs)
        return wrapper
    return decorate


@admin.app_context_processor
def template_globals():
    return {"csrf_token": csrf_token, "current_user": current_user}


def register_admin(server: Flask) -> None:
    """Every module of admin/ is imported first: each adds its views to the blueprint."""
    import importlib
    import pkgutil

    import admin as package
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"admin.{module.name}")
    from admin import views
    server.secret_key = secret_key()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         MAX_CONTENT_LENGTH=11 * 1024 * 1024)
    server.register_blueprint(admin)
    server.add_url_rule("/data-templates/<name>.csv", "data_template", views.template_csv)
