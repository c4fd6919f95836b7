"""The dashboard editor (admin pages that work without JavaScript): list, create, edit, preview,
save as draft, publish, schedule a release, import and export a dashboard's configuration.

The configuration being edited travels in the editor's one form (the details as fields, the
modules as JSON in a hidden field); every button posts the whole form, so nothing typed is lost
and nothing is saved until Save as draft, Publish or Schedule release. Preview stores the
configuration in the shared cache under a random token for pages/dashboard_preview.py, which
renders it with live data at /admin-preview/<token> (shown in a frame on the editor).
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import datetime
from urllib.parse import parse_qsl

from flask import Response, abort, flash, redirect, render_template, request, url_for

from admin import admin, current_user, signed_in
from data_access.annotations import editable_services
from dashboards.config import DASHBOARD_TYPES, MODULE_TYPES, SCHEMAS, ConfigError, validate_dashboard, validate_module

PREVIEW_SECONDS = 2 * 3600
DETAIL_FIELDS = {"$.slug": ("slug", "Slug"), "$.title": ("title", "Title"),
                 "$.dashboard-type": ("dashboard-type", "Type"), "$.modules": ("modules-heading", "Modules"),
                 "status": ("save-heading", "Status")}
MODULE_PATH = re.compile(r"^\$\.modules\[(\d+)\](?:\.(.+))?$")
NEW_MODULE_FIELDS = {"slug": "module-slug", "title": "module-title", "module-type": "module-type",
                     "data-source.query-params": "module-query", "data-source": "module-data-set"}


# --- permissions --------------------------------------------------------------------------------

def may_edit(user: dict, service_slug: str | None) -> bool:
    """Admins edit every dashboard; editors those of the services granted to them."""
    from data_access.annotations import can_edit
    return user["role"] == "admin" or (bool(service_slug) and can_edit(user, service_slug))


def _editable_dashboard(slug: str) -> dict:
    from data_access.dashboards import get_dashboard
    dashboard = get_dashboard(slug)
    if dashboard is None:
        abort(404, f"There is no dashboard {slug}.")
    if not may_edit(current_user(), dashboard["service_slug"]):
        abort(403, "Only an admin or an editor of this dashboard's service can change it.")
    return dashboard


def service_problem(user: dict, config: dict) -> str | None:
    """Why the user may not give this configuration's dashboard to its service (None if they may)."""
    if user["role"] == "admin":
        return None
    if not config.get("service"):
        return "Choose the service this dashboard belongs to"
    if not may_edit(user, config["service"]):
        return f"You cannot edit dashboards of the service {config['service']}: choose one of yours"
    return None


# --- the preview store (shared by every worker: the app's cache) ---------------------------------

def store_preview(config: dict, user: dict) -> str:
    from data_access.cache import cache
    token = secrets.token_urlsafe(24)
    cache.set(f"dashboard-preview-{token}", {"config": config, "user_id": user["id"]}, timeout=PREVIEW_SECONDS)
    return token


def load_preview(token: str, user: dict | None) -> dict | None:
    """The configuration stored for a preview, for the user who stored it only."""
    from data_access.cache import cache
    if not user or not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
        return None
    stored = cache.get(f"dashboard-preview-{token}")
    return stored["config"] if stored and stored["user_id"] == user["id"] else None


# --- errors, named for people ---------------------------------------------------------------------

def described(error: ConfigError, modules: list) -> dict:
    """An error for the error summary: its text (naming the module and field) and the link to it."""
    found = MODULE_PATH.match(error.path)
    if found:
        index = int(found[1])
        module = modules[index] if index < len(modules) and isinstance(modules[index], dict) else {}
        name = f"Module {index + 1} “{module.get('title', '')}” ({module.get('slug', '')})"
        field = f", {found[2]}" if found[2] else ""
        return {"text": f"{name}{field}: {error.message}", "href": f"#module-{index}", "module": index}
    anchor, label = DETAIL_FIELDS.get(error.path, ("modules-heading", error.path))
    return {"text": f"{label}: {error.message}", "href": f"#{anchor}", "field": anchor}


def new_module_error(error: ConfigError) -> dict:
    field = error.path.removeprefix("$.new").lstrip(".")
    anchor = next((a for key, a in NEW_MODULE_FIELDS.items() if field.startswith(key)), "module-options")
    label = field or "options"
    return {"text": f"New module, {label}: {error.message}", "href": f"#{anchor}", "field": anchor}


def problem(text: str, anchor: str) -> dict:
    return {"text": text, "href": f"#{anchor}", "field": anchor}


# --- the form <-> the configuration ------------------------------------------------------------------

def slugified(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:120]


def query_params(text: str) -> dict:
    """Query parameters written as in the data API (period=week&collect=count:sum): a repeated
    parameter becomes a list; whole numbers and true/false become JSON numbers and booleans."""
    params: dict = {}
    for key, value in parse_qsl(text.strip().lstrip("?"), keep_blank_values=True):
        value = int(value) if value.isdigit() else {"true": True, "false": False}.get(value, value)
        params[key] = [*params[key], value] if isinstance(params.get(key), list) else \
            [params[key], value] if key in params else value
    return params


def query_text(params: dict) -> str:
    from urllib.parse import urlencode

    from dashboards.config import query_pairs
    return urlencode(query_pairs({"data-source": {"query-params": params}}), safe=":,")


def config_from_form(form, slug: str) -> tuple[dict, list[dict]]:
    """The configuration being edited, from the editor's form, and any problem reading it."""
    errors = []
    try:
        modules = json.loads(form.get("modules_json") or "[]")
        if not isinstance(modules, list):
            raise ValueError("not a list")
    except ValueError:
        modules = []
        errors.append(problem("Modules: the list of modules was damaged; reload the editor", "modules-heading"))
    links = [{"title": t.strip(), "url": u.strip()}
             for t, u in zip(form.getlist("link_title"), form.getlist("link_url")) if t.strip() or u.strip()]
    config = {"slug": slug, "title": form.get("title", "").strip(),
              "dashboard-type": form.get("dashboard_type") or "transaction",
              "description": form.get("description", "").strip(),
              "about-the-data": form.get("about_the_data", "").strip(), "related-links": links, "modules": modules}
    if form.get("service"):
        config["service"] = form["service"]
    return {k: v for k, v in config.items() if v != ""}, errors


def module_from_form(form) -> tuple[dict, list[dict]]:
    """The module of the "Add a module" form, and its problems."""
    errors = []
    try:
        options = json.loads(form.get("module_options", "").strip() or "{}")
        if not isinstance(options, dict):
            raise ValueError("it must be a JSON object, in { }")
    except ValueError as failed:
        options = {}
        errors.append(problem(f"New module, options: not a JSON object ({failed})", "module-options"))
    title = form.get("module_title", "").strip()
    module = {**options, "slug": form.get("module_slug", "").strip() or slugified(title),
              "module-type": form.get("module_type", ""), "title": title}
    if form.get("module_description", "").strip():
        module["description"] = form["module_description"].strip()
    data_set, query = form.get("module_data_set", ""), form.get("module_query", "")
    if "/" in data_set:
        group, data_type = data_set.split("/", 1)
        module["data-source"] = {"data-group": group, "data-type": data_type, "query-params": query_params(query)}
    elif query.strip():
        errors.append(problem("New module, data set: choose the data set the query parameters are for",
                              "module-data-set"))
    return module, errors


def moved(modules: list, action: str) -> list:
    """The modules after a Move up, Move down or Remove button ("up:2", "down:0", "remove:1")."""
    verb, _, number = action.partition(":")
    if not number.isdigit() or int(number) >= len(modules):
        return modules
    index, modules = int(number), list(modules)
    if verb == "remove":
        del modules[index]
    elif verb in ("up", "down"):
        other = index - 1 if verb == "up" else index + 1
        if 0 <= other < len(modules):
            modules[index], modules[other] = modules[other], modules[index]
    return modules


def release_time(text: str) -> datetime:
    """A release time in UTC from the form (YYYY-MM-DDTHH:MM); ValueError says what is wrong."""
    from data_access.data_sets import utc_now
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError("Release time: enter a date and time, for example 2026-12-01T09:30") from None
    if when.tzinfo is not None:
        raise ValueError("Release time: enter it in UTC, without a time zone")
    if when <= utc_now():
        raise ValueError("Release time: it must be in the future (to release now, choose Publish)")
    return when


# --- the pages ------------------------------------------------------------------------------------

@admin.route("/dashboards")
@signed_in()
def dashboards():
    from data_access.dashboards import all_dashboards, get_dashboard, is_public
    user = current_user()
    rows = [get_dashboard(d["slug"]) for d in all_dashboards()]
    rows = [d for d in rows if d and may_edit(user, d["service_slug"])]
    return render_template("dashboards.html", rows=rows, is_public=is_public)


@admin.route("/dashboards/new", methods=["GET", "POST"])
@signed_in()
def new_dashboard():
    return _editor(None)


@admin.route("/dashboards/<slug>/edit", methods=["GET", "POST"])
@signed_in()
def edit_dashboard(slug):
    return _editor(_editable_dashboard(slug))


def _editor(dashboard: dict | None):
    """The editor: a GET shows the stored dashboard (or an empty one); a POST applies its button."""
    from data_access.dashboards import exported_config
    if request.method == "GET":
        config = exported_config(dashboard) if dashboard else {"modules": [], "dashboard-type": "transaction"}
        return _page(dashboard, config)
    slug = dashboard["slug"] if dashboard else request.form.get("slug", "").strip()
    config, errors = config_from_form(request.form, slug)
    action = request.form.get("action", "apply")
    if errors:
        return _page(dashboard, config, errors=errors), 400
    if action.partition(":")[0] in ("up", "down", "remove"):
        return _page(dashboard, {**config, "modules": moved(config["modules"], action)})
    if action == "add":
        return _add_module(dashboard, config)
    if action == "preview":
        return _preview(dashboard, config)
    if action in ("draft", "publish", "schedule"):
        return _save(dashboard, config, action)
    return _page(dashboard, config)


def _add_module(dashboard, config):
    module, errors = module_from_form(request.form)
    if not errors:
        errors = [new_module_error(e) for e in validate_module(module, "$.new")]
    if module["slug"] in {m.get("slug") for m in config["modules"] if isinstance(m, dict)}:
        errors.append(problem(f"New module, slug: another module is called {module['slug']!r}", "module-slug"))
    if errors:
        return _page(dashboard, config, errors=errors), 400
    return _page(dashboard, {**config, "modules": [*config["modules"], module]}, clear_new_module=True,
                 notice=f"Module “{module['title']}” added at the end (not saved yet).")


def _problems(dashboard, config) -> list[dict]:
    """Everything that stops this configuration being previewed or saved by this user."""
    from data_access.dashboards import get_dashboard
    errors = [described(e, config["modules"]) for e in validate_dashboard(config)]
    if dashboard is None and config.get("slug") and get_dashboard(config["slug"]):
        errors.append(problem(f"Slug: a dashboard called {config['slug']} exists already; choose another", "slug"))
    refused = service_problem(current_user(), config)
    if refused:
        errors.append(problem(f"Service: {refused}", "service"))
    return errors


def _preview(dashboard, config):
    errors = _problems(dashboard, config)
    if errors:
        return _page(dashboard, config, errors=errors), 400
    return _page(dashboard, config, preview_token=store_preview(config, current_user()))


def _save(dashboard, config, action):
    from data_access.dashboards import DashboardError, save_dashboard
    from data_access.db import get_engine
    errors = _problems(dashboard, config)
    release_at = None
    if action == "schedule":
        try:
            release_at = release_time(request.form.get("release_at", ""))
        except ValueError as failed:
            errors.append(problem(str(failed), "release_at"))
    if errors:
        return _page(dashboard, config, errors=errors), 400
    status = "published" if action == "publish" else "draft"
    try:
        with get_engine().begin() as conn:
            saved = save_dashboard(conn, config, current_user()["username"], status=status, release_at=release_at)
    except DashboardError as refused:
        return _page(dashboard, config, errors=[described(e, config["modules"]) for e in refused.errors]), 400
    flash(_saved_message(saved))
    return redirect(url_for("admin.edit_dashboard", slug=saved["slug"]))


def _saved_message(saved: dict) -> str:
    if saved["status"] == "published":
        return f"“{saved['title']}” is published at /dashboards/{saved['slug']}."
    if saved["release_at"]:
        return f"“{saved['title']}” is saved and will be released at {saved['release_at']:%Y-%m-%d %H:%M} UTC."
    return f"“{saved['title']}” is saved as a draft: only its editors can see it, at its unlisted link."


def _page(dashboard, config, errors=(), preview_token=None, notice=None, clear_new_module=False):
    from data_access.data_sets import list_data_sets
    errors = list(errors)
    links = [*config.get("related-links", []), {"title": "", "url": ""}]
    return render_template(
        "dashboards_edit.html", dashboard=dashboard, config=config, errors=errors, links=links,
        modules=config.get("modules", []), modules_json=json.dumps(config.get("modules", [])),
        module_errors=_by_module(errors),
        field_errors={e["field"]: e["text"] for e in errors if "field" in e},
        services=editable_services(current_user()), data_sets=list_data_sets(), types=DASHBOARD_TYPES,
        module_types=MODULE_TYPES, hints=type_hints(), preview_token=preview_token, notice=notice,
        form={} if clear_new_module or request.method == "GET" else request.form, query_text=query_text)


def _by_module(errors: list[dict]) -> dict:
    found: dict = {}
    for error in errors:
        if "module" in error:
            found.setdefault(error["module"], []).append(error["text"])
    return found


def type_hints() -> dict:
    """Each module type's option names, required ones marked, from its schema."""
    hints = {}
    for kind, file in MODULE_TYPES.items():
        properties = json.loads((SCHEMAS / file).read_text(encoding="utf-8")).get("properties", {})
        hints[kind] = [f"{name} (required)" if spec.get("required") is True else name
                       for name, spec in properties.items()]
    return hints


# --- import and export ------------------------------------------------------------------------------

@admin.route("/dashboards/import", methods=["GET", "POST"])
@signed_in()
def import_dashboard():
    if request.method == "GET":
        return render_template("dashboards_import.html", errors=[], form={},
                               services=editable_services(current_user()))
    config, errors = _uploaded_config()
    if config is not None:
        errors = _import_problems(config)
    if not errors:
        saved, errors = _store_import(config)
        if saved:
            flash(_saved_message(saved))
            return redirect(url_for("admin.edit_dashboard", slug=saved["slug"]))
    return render_template("dashboards_import.html", errors=errors, form=request.form,
                           services=editable_services(current_user())), 400


def _source() -> str:
    """Where the imported configuration came from: the file field, or the pasted JSON."""
    file = request.files.get("file")
    return "file" if file and file.filename else "json"


def _uploaded_config() -> tuple[dict | None, list[dict]]:
    """The configuration from the uploaded file, else the pasted JSON."""
    file = request.files.get("file")
    text = file.read().decode("utf-8-sig", errors="replace") if file and file.filename else \
        request.form.get("json", "")
    if not text.strip():
        return None, [problem("Choose a JSON file or paste a configuration", "file")]
    try:
        config = json.loads(text)
    except ValueError as failed:
        return None, [problem(f"The configuration is not valid JSON: {failed}", _source())]
    if not isinstance(config, dict):
        return None, [problem("The configuration must be a JSON object, in { }", _source())]
    if request.form.get("service"):
        config["service"] = request.form["service"]
    return config, []


def _import_problems(config: dict) -> list[dict]:
    from data_access.dashboards import get_dashboard
    modules = config.get("modules") if isinstance(config.get("modules"), list) else []
    errors = [{**described(e, modules), "href": f"#{_source()}"} for e in validate_dashboard(config)]
    refused = service_problem(current_user(), config)
    if refused:
        errors.append(problem(f"Service: {refused}", "service"))
    existing = get_dashboard(config["slug"]) if isinstance(config.get("slug"), str) else None
    if existing and not may_edit(current_user(), existing["service_slug"]):
        errors.append(problem(f"A dashboard called {config['slug']} exists already and is not yours", _source()))
    elif existing and request.form.get("replace") != "yes":
        errors.append(problem(f"A dashboard called {config['slug']} exists already: tick “Replace it” to "
                              "import over it", "replace"))
    return errors


def _store_import(config: dict) -> tuple[dict | None, list[dict]]:
    from data_access.dashboards import DashboardError, save_dashboard
    from data_access.db import get_engine
    status = "published" if request.form.get("status") == "published" else "draft"
    try:
        with get_engine().begin() as conn:
            return save_dashboard(conn, config, current_user()["username"], status=status), []
    except DashboardError as refused:
        return None, [{**described(e, config.get("modules") or []), "href": f"#{_source()}"} for e in refused.errors]


@admin.route("/dashboards/<slug>/export.json")
@signed_in()
def export_dashboard(slug):
    from data_access.dashboards import exported_config
    config = exported_config(_editable_dashboard(slug))
    return Response(json.dumps(config, indent=2, ensure_ascii=False) + "\n", mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.json"'})
