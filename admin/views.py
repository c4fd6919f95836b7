"""The admin views. Admins manage data sets and tokens; admins and editors upload files."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, session, url_for

from admin import admin, current_user, signed_in
from api.write import XLSX, Refused, parsed_records
from data_access.data_sets import (DataSetError, audit, audit_entries, configure_data_set, create_data_set,
                                   get_data_set, issue_token, list_data_sets, list_tokens, revoke_token)
from data_access.db import get_engine
from data_access.records import count_records, store_records
from ingest.templates import TEMPLATES, template_for


@admin.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    from data_access.users import authenticate
    error = None
    if request.method == "POST":
        user = authenticate(request.form.get("username", ""), request.form.get("password", ""))
        if user:
            session.clear()
            session["user"] = user
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/admin") else url_for("admin.data_sets"))
        error = "The username or password is not right."
    return render_template("sign_in.html", error=error), 200 if error is None else 401


@admin.route("/sign-out", methods=["POST"])
def sign_out():
    session.clear()
    return redirect(url_for("admin.sign_in"))


@admin.route("/")
@signed_in()
def data_sets():
    with get_engine().connect() as conn:
        rows = [(d, count_records(conn, d)) for d in list_data_sets()]
    return render_template("data_sets.html", rows=rows)


def _settings(form) -> dict:
    """A data set's settings from its form; DataSetError says what is wrong."""
    settings = {name: form.get(name) == "yes" for name in ("published", "realtime", "queryable")}
    age = form.get("max_age_expected", "").strip()
    if age and not age.isdigit():
        raise DataSetError("Expected time between updates must be a whole number of seconds")
    settings["max_age_expected"] = int(age) if age else None
    settings["auto_ids"] = [f.strip() for f in form.get("auto_ids", "").split(",") if f.strip()] or None
    schema = form.get("json_schema", "").strip()
    try:
        settings["json_schema"] = json.loads(schema) if schema else None
    except ValueError as error:
        raise DataSetError(f"The JSON Schema is not valid JSON: {error}") from None
    return settings


@admin.route("/data-sets/new", methods=["GET", "POST"])
@signed_in("admin")
def new_data_set():
    error = None
    if request.method == "POST":
        try:
            with get_engine().begin() as conn:
                created = create_data_set(conn, request.form.get("data_group", "").strip(),
                                          request.form.get("data_type", "").strip(), **_settings(request.form))
            return redirect(url_for("admin.data_set", data_group=created.data_group, data_type=created.data_type))
        except DataSetError as failed:
            error = str(failed)
    form = request.form if request.method == "POST" else {"published": "yes", "queryable": "yes"}
    return render_template("new_data_set.html", error=error, form=form), 200 if error is None else 400


@admin.route("/data-sets/<data_group>/<data_type>/settings", methods=["GET", "POST"])
@signed_in("admin")
def data_set_settings(data_group, data_type):
    found = _data_set_or_404(data_group, data_type)
    error = None
    if request.method == "POST":
        try:
            with get_engine().begin() as conn:
                configure_data_set(conn, data_group, data_type, **_settings(request.form))
            flash("Settings saved.")
            return redirect(url_for("admin.data_set", data_group=data_group, data_type=data_type))
        except DataSetError as failed:
            error = str(failed)
    form = request.form if request.method == "POST" else {
        **{name: "yes" if getattr(found, name) else "" for name in ("published", "realtime", "queryable")},
        "max_age_expected": found.max_age_expected or "", "auto_ids": ", ".join(found.auto_ids or []),
        "json_schema": json.dumps(found.json_schema, indent=2) if found.json_schema else ""}
    return render_template("data_set_settings.html", data_set=found, error=error, form=form), \
        200 if error is None else 400


def _data_set_or_404(data_group: str, data_type: str):
    found = get_data_set(data_group, data_type)
    if found is None:
        abort(404, f"There is no data set {data_group}/{data_type}.")
    return found


@admin.route("/data-sets/<data_group>/<data_type>")
@signed_in()
def data_set(data_group, data_type, **extra):
    found = _data_set_or_404(data_group, data_type)
    with get_engine().connect() as conn:
        records = count_records(conn, found)
    return render_template("data_set.html", data_set=found, records=records, tokens=list_tokens(found),
                           audit=audit_entries(found.name, limit=20), templates=TEMPLATES, **extra)


@admin.route("/data-sets/<data_group>/<data_type>/tokens", methods=["POST"])
@signed_in("admin")
def new_token(data_group, data_type):
    found = _data_set_or_404(data_group, data_type)
    with get_engine().begin() as conn:
        token = issue_token(conn, found, request.form.get("label", "").strip())
    return data_set(data_group, data_type, new_token=token)


@admin.route("/data-sets/<data_group>/<data_type>/tokens/<int:token_id>/revoke", methods=["POST"])
@signed_in("admin")
def revoke(data_group, data_type, token_id):
    found = _data_set_or_404(data_group, data_type)
    if token_id not in {t["id"] for t in list_tokens(found)}:
        abort(404)
    with get_engine().begin() as conn:
        revoke_token(conn, token_id)
    flash(f"Token {token_id} revoked: it can no longer write to {found.name}.")
    return redirect(url_for("admin.data_set", data_group=data_group, data_type=data_type))


@admin.route("/data-sets/<data_group>/<data_type>/upload", methods=["POST"])
@signed_in()
def upload(data_group, data_type):
    """A CSV or Excel file: every row stored, or none and every error shown."""
    found = _data_set_or_404(data_group, data_type)
    file = request.files.get("file")
    actor = f"user {current_user()['username']}"
    if not _may_upload(current_user(), found):
        with get_engine().begin() as conn:
            audit(conn, actor=actor, action="refused", data_set=found.name, status=403,
                  detail="upload: not an editor of the data set's service")
        abort(403, f"Only an admin or an editor of the service of {found.name} can upload to it.")
    if file is None or not file.filename:
        return data_set(data_group, data_type, upload_errors=[], upload_message="Choose a file to upload."), 400
    kind = XLSX if file.filename.lower().endswith(".xlsx") else "text/csv"
    try:
        records = parsed_records(file.read(), kind, found)
    except Refused as refused:
        with get_engine().begin() as conn:
            audit(conn, actor=actor, action="refused", data_set=found.name, status=refused.status,
                  detail=f"upload {file.filename}: {refused.message}")
        return data_set(data_group, data_type, upload_errors=refused.errors,
                        upload_message=f"{file.filename}: {refused.message}"), refused.status
    with get_engine().begin() as conn:
        stored = store_records(conn, found, records)
        audit(conn, actor=actor, action="upload", data_set=found.name, status=200, records=stored,
              detail=f"upload {file.filename}")
    flash(f"{file.filename}: {stored} record(s) stored.")
    return redirect(url_for("admin.data_set", data_group=data_group, data_type=data_type))


def _may_upload(user: dict, found) -> bool:
    """Admins upload to every data set; editors to those of their services and to those of no service."""
    from data_access.collectors import editor_service_ids
    return user["role"] == "admin" or found.service_id is None or found.service_id in editor_service_ids(user["id"])


def template_csv(name: str):
    """A template for a common data type, to fill in and upload (public)."""
    template = template_for(name)
    if template is None:
        abort(404)
    return Response(template.content, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{template.filename}"'})


@admin.route("/services/<slug>/notes", methods=["GET", "POST"])
@signed_in()
def notes(slug):
    """Dated notes shown on every chart of a service and in its exports (its editors and admins)."""
    from datetime import date

    from data_access.annotations import AnnotationError, add_annotation, can_edit, service_annotations
    from data_access.services import get_service
    service = get_service(slug)
    if service is None:
        abort(404, f"There is no service {slug}.")
    if not can_edit(current_user(), slug):
        abort(403, f"Only an admin or an editor of {service['name']} can add notes to its charts.")
    error = None
    if request.method == "POST":
        try:
            on = date.fromisoformat(request.form.get("date", "").strip())
        except ValueError:
            error = "Enter the date as YYYY-MM-DD, for example 2016-03-14"
        else:
            try:
                with get_engine().begin() as conn:
                    add_annotation(conn, slug, on, request.form.get("text", ""), current_user()["username"])
                flash("Note added: it shows on every chart of this service and in its downloads.")
                return redirect(url_for("admin.notes", slug=slug))
            except AnnotationError as failed:
                error = str(failed)
    return render_template("notes.html", service=service, notes=service_annotations(slug), error=error,
                           form=request.form), 200 if error is None else 400


@admin.route("/services/<slug>/notes/<int:note_id>/delete", methods=["POST"])
@signed_in()
def delete_note(slug, note_id):
    from data_access.annotations import can_edit, delete_annotation
    if not can_edit(current_user(), slug):
        abort(403)
    with get_engine().begin() as conn:
        if not delete_annotation(conn, slug, note_id):
            abort(404)
    flash("Note removed.")
    return redirect(url_for("admin.notes", slug=slug))
