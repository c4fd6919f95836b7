"""The dashboard editor through the real app (Flask test client), on SQLite and PostgreSQL: create,
add, reorder and remove modules, validation errors, draft, publish, scheduled release, preview,
import of the six real configurations, export round trip, and who may edit what."""
import io
import json
import re
import uuid
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

import admin.dashboards  # noqa: F401  (its routes, before the app registers the blueprint)
from data_access.annotations import grant_service
from data_access.dashboards import exported_config, get_dashboard, is_public
from data_access.data_sets import utc_now
from data_access.db import get_engine
from data_access.users import authenticate
from tests.admin.test_admin import PASSWORD, app_client, csrf, sign_in  # noqa: F401  (fixture)

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs").glob("*.json"))
SERVICE = "carer-s-allowance-new-claims"
OTHER_SERVICE = "vehicle-trade-licence-renewals"
DATA_SET = "transactional-services/summaries"
KPI = {"value-attribute": "number_of_transactions", "format": {"type": "number", "magnitude": True}}


class EditorForm(HTMLParser):
    """The fields of the editor's form as a browser would send them (no button)."""

    def __init__(self, page: str):
        super().__init__()
        self.fields, self._inside, self._select, self._textarea = [], False, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == "editor"
        elif not self._inside:
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "checkbox", "radio"):
            self.fields.append((attrs["name"], attrs.get("value", "")))
        elif tag == "select":
            self._select = attrs["name"]
            self.fields.append((self._select, ""))
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[-1] = (self._select, attrs["value"])
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            self.fields[-1] = (self._textarea, self.fields[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def press(client, path, page, action, **changes):
    """Press a button of the editor's form on `page`, after typing `changes` into its fields."""
    data = {}
    for name, value in EditorForm(page).fields:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    data["action"] = [action]
    return client.post(path, data=data)


def text(answer) -> str:
    return answer.get_data(as_text=True)


def modules_of(page: str) -> list:
    import html
    return json.loads(html.unescape(re.search(r'name="modules_json" value="([^"]*)"', page)[1]))


def error_summary(page: str) -> list[tuple[str, str]]:
    """(href, text) of each item of the error summary."""
    import html
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', page, re.S)
    return [(h, html.unescape(t)) for h, t in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', summary[0])] \
        if summary else []


def editor_of(client, service=SERVICE) -> str:
    name = sign_in(client, "editor")
    with get_engine().begin() as conn:
        grant_service(conn, name, service)
    return name


def add(client, path, page, kind, title, options, data_set=DATA_SET, query="", slug=""):
    return press(client, path, page, "add", module_type=kind, module_title=title, module_slug=slug,
                 module_data_set=data_set, module_query=query, module_options=json.dumps(options))


def started(client, slug, service=SERVICE, title="Claims dashboard"):
    """A new dashboard with three modules (not saved): the editor's page."""
    path = "/admin/dashboards/new"
    page = text(press(client, path, text(client.get(path)), "apply", slug=slug, title=title, service=service))
    page = text(add(client, path, page, "kpi", "Transactions per year", KPI,
                    query=f"filter_by=service:{SERVICE}&sort_by=_timestamp:descending"))
    page = text(add(client, path, page, "kpi", "Total cost", {**KPI, "value-attribute": "total_cost"}))
    return text(add(client, path, page, "single_timeseries", "Cost per transaction",
                    {"value-attribute": "cost_per_transaction"}, query="limit=5&flatten=true"))


def test_the_editor_needs_sign_in(app_client):
    answer = app_client.get("/admin/dashboards/new")
    assert answer.status_code == 302 and "/admin/sign-in" in answer.headers["Location"]


def test_an_editor_builds_a_dashboard_reorders_and_removes_modules_and_saves_a_draft(app_client):
    editor = editor_of(app_client)
    slug, path = f"claims-{uuid.uuid4().hex[:6]}", "/admin/dashboards/new"
    page = started(app_client, slug)
    assert [m["slug"] for m in modules_of(page)] == ["transactions-per-year", "total-cost", "cost-per-transaction"]
    first = modules_of(page)[0]
    assert first["data-source"] == {"data-group": "transactional-services", "data-type": "summaries", "query-params": {
        "filter_by": f"service:{SERVICE}", "sort_by": "_timestamp:descending"}}
    assert modules_of(page)[2]["data-source"]["query-params"] == {"limit": 5, "flatten": True}
    assert 'id="module-title" name="module_title" value=""' in page  # the add form is empty again
    # the title typed but not applied survives a Move up
    page = text(press(app_client, path, page, "up:2", title="Carer's Allowance claims"))
    assert [m["title"] for m in modules_of(page)] == ["Transactions per year", "Cost per transaction", "Total cost"]
    assert 'value="Carer&#39;s Allowance claims"' in page
    assert re.findall(r'class="pp-editor-module__title">([^<]+)<', page) == [
        "Transactions per year", "Cost per transaction", "Total cost"]
    page = text(press(app_client, path, page, "down:0"))
    assert [m["slug"] for m in modules_of(page)] == ["cost-per-transaction", "transactions-per-year", "total-cost"]
    page = text(press(app_client, path, page, "remove:1"))
    assert [m["slug"] for m in modules_of(page)] == ["cost-per-transaction", "total-cost"]
    assert get_dashboard(slug) is None  # nothing is saved until a save button
    answer = press(app_client, path, page, "draft", link_title="Apply", link_url="https://www.gov.uk/apply")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/admin/dashboards/{slug}/edit")
    saved = get_dashboard(slug)
    assert (saved["status"], saved["release_at"], saved["service_slug"]) == ("draft", None, SERVICE)
    assert saved["title"] == "Carer's Allowance claims" and saved["updated_by"] == editor
    assert [m["slug"] for m in saved["modules"]] == ["cost-per-transaction", "total-cost"]
    assert saved["related_links"] == [{"title": "Apply", "url": "https://www.gov.uk/apply"}]
    assert not is_public(saved)
    listing = text(app_client.get("/admin/dashboards"))
    assert f'href="/dashboards/{slug}?key={saved["draft_key"]}"' in listing and "Draft" in listing


def test_a_bad_module_is_refused_with_its_field_named(app_client):
    editor_of(app_client)
    path = "/admin/dashboards/new"
    page = text(app_client.get(path))
    answer = add(app_client, path, page, "kpi", "Total cost", {"format": {"type": "number"}})
    assert answer.status_code == 400
    assert error_summary(text(answer)) == [
        ("#module-options", "New module, value-attribute: kpi: 'value-attribute' is a required property")]
    assert modules_of(text(answer)) == []
    assert 'name="module_title" value="Total cost"' in text(answer)  # what was typed stays
    answer = add(app_client, path, page, "kpi", "Total cost", [], query="")
    assert error_summary(text(answer))[0][0] == "#module-options" and "not a JSON object" in text(answer)
    answer = add(app_client, path, page, "kpi", "Bad slug", KPI, slug="Not A Slug")
    assert error_summary(text(answer)) == [("#module-slug", "New module, slug: must be 1 to 120 of a-z, 0-9 and '-'")]
    answer = add(app_client, path, page, "kpi", "No data", KPI, data_set="", query="period=week")
    assert ("#module-data-set", "New module, data set: choose the data set the query parameters are for") \
        in error_summary(text(answer))


def test_every_error_of_the_configuration_names_its_module_and_field(app_client):
    editor_of(app_client)
    slug, path = f"claims-{uuid.uuid4().hex[:6]}", "/admin/dashboards/new"
    page = started(app_client, slug)
    broken = modules_of(page)
    del broken[1]["value-attribute"]
    broken[2]["data-source"]["data-group"] = "Not Valid"
    answer = press(app_client, path, page, "publish", title="", modules_json=json.dumps(broken))
    assert answer.status_code == 400
    assert error_summary(text(answer)) == [
        ("#title", "Title: a dashboard needs a title"),
        ("#module-1", "Module 2 “Total cost” (total-cost), value-attribute: kpi: 'value-attribute' is a required "
                      "property"),
        ("#module-2", "Module 3 “Cost per transaction” (cost-per-transaction), data-source.data-group: "
                      "must be 1 to 60 of a-z, 0-9 and '-'")]
    assert 'class="pp-editor-module pp-editor-module--error" id="module-1"' in text(answer)
    assert get_dashboard(slug) is None


def test_publish_and_schedule_a_release(app_client):
    editor_of(app_client)
    slug = f"claims-{uuid.uuid4().hex[:6]}"
    page = started(app_client, slug)
    assert press(app_client, "/admin/dashboards/new", page, "publish").status_code == 302
    assert get_dashboard(slug)["status"] == "published" and is_public(get_dashboard(slug))
    path = f"/admin/dashboards/{slug}/edit"
    page = text(app_client.get(path))
    assert "Published at" in page and [m["slug"] for m in modules_of(page)] == [
        "transactions-per-year", "total-cost", "cost-per-transaction"]
    past = press(app_client, path, page, "schedule", release_at="2020-01-01T09:00")
    assert past.status_code == 400 and error_summary(text(past)) == [
        ("#release_at", "Release time: it must be in the future (to release now, choose Publish)")]
    assert get_dashboard(slug)["status"] == "published"
    when = (utc_now() + timedelta(days=2)).replace(second=0, microsecond=0)
    assert press(app_client, path, page, "schedule", release_at=f"{when:%Y-%m-%dT%H:%M}").status_code == 302
    scheduled = get_dashboard(slug)
    assert (scheduled["status"], scheduled["release_at"]) == ("draft", when)
    assert not is_public(scheduled) and is_public(scheduled, now=when + timedelta(minutes=1))
    assert f"Scheduled</strong> for {when:%Y-%m-%d %H:%M} UTC" in text(app_client.get("/admin/dashboards"))


def test_preview_keeps_the_unsaved_configuration_for_its_author_only(app_client):
    from app import server
    from pages.dashboard_preview import layout
    editor = editor_of(app_client)
    slug = f"claims-{uuid.uuid4().hex[:6]}"
    page = started(app_client, slug)
    answer = press(app_client, "/admin/dashboards/new", page, "preview")
    assert answer.status_code == 200
    token = re.search(r'<iframe class="pp-editor-preview__frame" id="preview-frame" src="/admin-preview/([^"]+)"',
                      text(answer))[1]
    assert get_dashboard(slug) is None
    author, other = authenticate(editor, PASSWORD), {"id": -1, "username": "someone", "role": "admin"}
    with server.app_context():
        stored = admin.dashboards.load_preview(token, author)
        assert [m["slug"] for m in stored["modules"]] == [m["slug"] for m in modules_of(page)]
        assert admin.dashboards.load_preview(token, other) is None
    for who, title in ((None, "Sign in to see this preview"), (other, "This preview has expired")):
        with server.test_request_context(f"/admin-preview/{token}"):
            from flask import session
            if who:
                session["user"] = who
            assert layout(token=token).children[0].children == title


def test_the_preview_draws_the_configuration_with_live_data(app_client):
    from app import server
    from pages.dashboard_preview import layout
    editor = editor_of(app_client)
    page = started(app_client, f"claims-{uuid.uuid4().hex[:6]}")
    token = re.search(r'src="/admin-preview/([^"]+)"', text(press(app_client, "/admin/dashboards/new", page,
                                                                 "preview")))[1]
    with server.test_request_context(f"/admin-preview/{token}"):
        from flask import session
        session["user"] = authenticate(editor, PASSWORD)
        drawn = layout(token=token)
    latest = app_client.get(f"/data/transactional-services/summaries?filter_by=service:{SERVICE}"
                            "&sort_by=_timestamp:descending&limit=1").get_json()["data"][0]
    assert drawn.children[1].id == "preview-body" and "Claims dashboard" in str(drawn.children[0])
    assert f"'{latest['number_of_transactions']:,}'" in str(drawn.children[1])  # the live figure, in its table


def _import(client, content: bytes, **form):
    path = "/admin/dashboards/import"
    return client.post(path, data={"csrf_token": csrf(client, path), "file": (io.BytesIO(content), "config.json"),
                                   **form}, content_type="multipart/form-data")


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_the_six_real_configurations_import_through_the_page_and_export_the_same(app_client, path):
    sign_in(app_client, "admin")
    config = json.loads(path.read_text())
    answer = _import(app_client, path.read_bytes(), replace="yes")
    assert answer.status_code == 302, error_summary(text(answer))
    stored = get_dashboard(config["slug"])
    assert stored["status"] == "draft" and stored["modules"] == config["modules"]
    assert stored["title"] == config["title"]
    _renders(stored)
    exported = app_client.get(f"/admin/dashboards/{config['slug']}/export.json")
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{config["slug"]}.json"'
    assert exported.get_json() == exported_config(stored)
    copy = {**exported.get_json(), "slug": f"{config['slug']}-{uuid.uuid4().hex[:6]}"}
    pasted = app_client.post("/admin/dashboards/import", data={
        "json": json.dumps(copy), "status": "published", "csrf_token": csrf(app_client, "/admin/dashboards/import")})
    assert pasted.status_code == 302
    again = get_dashboard(copy["slug"])
    assert again["status"] == "published"
    assert exported_config(again) == {**copy, "published": True}


def _renders(stored):
    """The imported dashboard draws, with the public page's builder."""
    from app import server
    from pages.dashboard import dashboard_body
    with server.test_request_context("/"):
        drawn = dashboard_body(exported_config(stored))
    assert repr(stored["title"]) in str(drawn) and "dashboard-modules" in str(drawn)


def test_import_lists_every_error_and_stores_nothing(app_client):
    sign_in(app_client, "admin")
    bad = _import(app_client, b"{not json")
    assert bad.status_code == 400 and error_summary(text(bad))[0][1].startswith("The configuration is not valid JSON")
    slug = f"bad-{uuid.uuid4().hex[:6]}"
    config = {"slug": slug, "title": "Bad", "modules": [
        {"slug": "a", "module-type": "kpi", "title": "A", "data-source": {"data-group": "x", "data-type": "y"}},
        {"slug": "b", "module-type": "nope", "title": "B"}]}
    answer = _import(app_client, json.dumps(config).encode())
    assert answer.status_code == 400
    assert error_summary(text(answer)) == [
        ("#file", "Module 1 “A” (a), value-attribute: kpi: 'value-attribute' is a required property"),
        ("#file", "Module 1 “A” (a), format: kpi: 'format' is a required property"),
        ("#file", "Module 2 “B” (b), module-type: must be one of " + ", ".join(admin.dashboards.MODULE_TYPES)
         + ", not 'nope'")]
    assert get_dashboard(slug) is None
    assert _import(app_client, json.dumps({"slug": slug, "title": "Fine", "modules": []}).encode()).status_code == 302
    twice = _import(app_client, json.dumps({"slug": slug, "title": "Again", "modules": []}).encode())
    assert twice.status_code == 400 and error_summary(text(twice))[0][0] == "#replace"
    assert get_dashboard(slug)["title"] == "Fine"


def test_an_edited_dashboard_exports_and_imports_back_the_same(app_client):
    editor_of(app_client)
    slug = f"claims-{uuid.uuid4().hex[:6]}"
    press(app_client, "/admin/dashboards/new", started(app_client, slug), "draft")
    exported = app_client.get(f"/admin/dashboards/{slug}/export.json").get_json()
    assert exported["service"] == SERVICE and len(exported["modules"]) == 3
    assert _import(app_client, json.dumps(exported).encode(), replace="yes").status_code == 302
    assert app_client.get(f"/admin/dashboards/{slug}/export.json").get_json() == exported


def test_an_editor_cannot_touch_another_services_dashboard(app_client):
    sign_in(app_client, "admin")
    theirs = f"theirs-{uuid.uuid4().hex[:6]}"
    assert _import(app_client, json.dumps({"slug": theirs, "title": "Theirs", "service": OTHER_SERVICE,
                                           "modules": []}).encode()).status_code == 302
    app_client.post("/admin/sign-out", data={"csrf_token": csrf(app_client, "/admin/dashboards")})
    editor_of(app_client)
    for path in (f"/admin/dashboards/{theirs}/edit", f"/admin/dashboards/{theirs}/export.json"):
        assert app_client.get(path).status_code == 403
    assert app_client.post(f"/admin/dashboards/{theirs}/edit", data={
        "csrf_token": csrf(app_client, "/admin/dashboards"), "action": "publish", "title": "Mine now"}).status_code == 403
    assert theirs not in text(app_client.get("/admin/dashboards"))
    page = text(app_client.get("/admin/dashboards/new"))
    assert f'value="{SERVICE}"' in page and f'value="{OTHER_SERVICE}"' not in page
    mine = f"mine-{uuid.uuid4().hex[:6]}"
    for service, message in ((OTHER_SERVICE, f"Service: You cannot edit dashboards of the service {OTHER_SERVICE}"),
                             ("", "Service: Choose the service this dashboard belongs to")):
        answer = press(app_client, "/admin/dashboards/new", page, "draft", slug=mine, title="Mine", service=service)
        assert answer.status_code == 400 and error_summary(text(answer))[0][1].startswith(message)
    takeover = _import(app_client, json.dumps({"slug": theirs, "title": "Mine", "service": SERVICE,
                                               "modules": []}).encode(), replace="yes")
    assert takeover.status_code == 400 and "exists already and is not yours" in text(takeover)
    assert get_dashboard(theirs)["title"] == "Theirs"
    taken = press(app_client, "/admin/dashboards/new", page, "draft", slug=theirs, title="Mine", service=SERVICE)
    assert taken.status_code == 400 and "exists already" in text(taken)
    assert get_dashboard(theirs)["service_slug"] == OTHER_SERVICE


def test_an_admin_gives_a_dashboard_to_any_service(app_client):
    sign_in(app_client, "admin")
    page = text(app_client.get("/admin/dashboards/new"))
    assert f'value="{SERVICE}"' in page and f'value="{OTHER_SERVICE}"' in page
