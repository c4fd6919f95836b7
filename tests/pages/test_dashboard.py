"""Self-service dashboards on SQLite and PostgreSQL: the six real configurations import and render;
modules with data show exactly the records' figures (suppressed counts as "suppressed"); a draft is
seen only with its key or by a signed-in editor; exports and the big screen hold the same figures."""
import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from data_access.dashboards import save_dashboard
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from ingest.records import Record
from tests.components.test_modules import find, table_rows, text

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs").glob("*.json"))
ANSWERS = Path("/work/shared/data/govuk-pp/api-responses")
CHANNELS = {"ca_clerical_received": "paper", "ca_e_claims_received": "digital"}
SMALL_WEEK = datetime(2013, 12, 16)  # after the real weeks: 3 digital claims, a small count


@pytest.fixture(scope="module")
def pages():
    import app  # noqa: F401 - the Dash app must exist before a page module registers itself
    from pages import big_screen, dashboard
    return dashboard, big_screen


def config_of(path: Path, groups: dict[str, str]) -> dict:
    """A real configuration with a unique slug, its data groups renamed (so tests own their data)."""
    text_of = path.read_text()
    for old, new in groups.items():
        text_of = text_of.replace(f'"data-group": "{old}"', f'"data-group": "{new}"')
    config = json.loads(text_of)
    return {**config, "slug": f"{config['slug']}-{uuid.uuid4().hex[:6]}"}


def weekly_channel_counts() -> dict[tuple[datetime, str], int]:
    """The real weekly Carer's Allowance claims by channel (the API answer's groups), as counts."""
    found = {}
    for group in json.loads((ANSWERS / "carers_allowance_weekly_by_channel.json").read_text())["data"]:
        for value in group["values"]:
            if value["value:sum"] is not None:
                start = datetime.fromisoformat(value["_start_at"]).replace(tzinfo=None)
                found[(start, CHANNELS[group["key"]])] = int(value["value:sum"])
    found[(SMALL_WEEK, "digital")], found[(SMALL_WEEK, "paper")] = 3, 2950
    return found


def kpi_records() -> list[dict]:
    """The real transactional-services summaries, as if of Carer's Allowance (newest first)."""
    records = json.loads((ANSWERS / "kpi.json").read_text())["data"]
    return [{k: v for k, v in r.items() if not k.startswith("_")} | {
        "_timestamp": r["_timestamp"], "service_id": "dwp-carers-allowance-new-claims"} for r in records]


def carers_dashboard(status="published") -> tuple[dict, dict]:
    """The real carers-allowance dashboard over data sets of its own: channels by week and summaries."""
    uid = uuid.uuid4().hex[:8]
    groups = {"carers-allowance": f"ca-{uid}", "transactional-services": f"ts-{uid}"}
    config = config_of(CONFIGS[0], groups)
    counts = weekly_channel_counts()
    with get_engine().begin() as conn:
        channels = create_data_set(conn, groups["carers-allowance"], "transactions-by-channel")
        store_records(conn, channels, [Record(None, start, {"channel": channel, "count": count})
                                       for (start, channel), count in counts.items()])
        summaries = create_data_set(conn, groups["transactional-services"], "summaries")
        store_records(conn, summaries, [Record(None, datetime.fromisoformat(r.pop("_timestamp")).replace(
            tzinfo=None), r) for r in kpi_records()])
        stored = save_dashboard(conn, config, "importer", status=status)
    return stored, {"groups": groups, "counts": counts}


def every_week(counts: dict) -> list[datetime]:
    """Every week from the first with records to the last (the answer fills the gaps)."""
    first, last = min(s for s, _ in counts), max(s for s, _ in counts)
    return [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]


def exact(value) -> str:
    return f"{value:,.0f}"


def test_the_real_carers_dashboard_shows_its_records(database, pages):
    dashboard, _ = pages
    stored, data = carers_dashboard()
    page = dashboard.layout(slug=stored["slug"])
    counts = data["counts"]
    weeks = every_week(counts)
    rows = table_rows(page, "volumetrics")
    assert [r[1] for r in rows] == [w.date().isoformat() for w in weeks]
    for row, start in zip(rows, weeks):
        paper, digital = counts.get((start, "paper")), counts.get((start, "digital"))
        if paper is None:  # a week without records: a gap, never 0
            assert row[3:] == ["", "", ""]
        elif start == SMALL_WEEK:  # the API suppresses 3; the total would give it away
            assert row[3:] == [exact(paper), "Suppressed", "Suppressed"]
        else:
            assert row[3:] == [exact(paper), exact(digital), exact(paper + digital)]
    take_up = table_rows(page, "digital-takeup")
    for row, start in zip(take_up, weeks):
        paper, digital = counts.get((start, "paper")), counts.get((start, "digital"))
        expected = "" if paper is None else "Suppressed" if start == SMALL_WEEK else (
            f"{digital / (paper + digital) * 100:.1f}%")
        assert row[5] == expected
    latest = kpi_records()[0]
    assert text(find(page, "module-transactions-per-year-figure")) == f"{latest['number_of_transactions'] / 1e6:.2f}m"
    assert text(find(page, "module-cost-per-transaction-figure")) == f"£{latest['cost_per_transaction']:.2f}"
    realtime = text(find(page, "module-live-service-usage-no-data"))
    assert realtime == f"No data yet for this module (data set {data['groups']['carers-allowance']}/realtime)."


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_each_real_dashboard_renders_every_module_in_order(database, pages, path):
    dashboard, _ = pages
    config = config_of(path, {})
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, config, "importer", status="published")
    page = dashboard.layout(slug=stored["slug"])
    shown = [section.id for section in find(page, "dashboard-modules").children]
    assert shown == [f"module-{m['slug']}" for m in config["modules"]]
    assert text(find(page, "dashboard-title")) == config["title"]
    if config.get("relatedPages"):
        assert find(page, "dashboard-related-links") is not None


def test_a_draft_is_seen_only_with_its_key_or_by_an_editor(database, pages):
    dashboard, _ = pages
    stored, _ = carers_dashboard(status="draft")
    slug = stored["slug"]
    assert text(dashboard.layout(slug=slug)).startswith("Page not found")
    assert text(dashboard.layout(slug=slug, key="not-the-key")).startswith("Page not found")
    with_key = dashboard.layout(slug=slug, key=stored["draft_key"])
    assert text(find(with_key, "dashboard-title")) == stored["title"] and find(with_key, "dashboard-draft")
    import app
    from flask import session
    with app.server.test_request_context(f"/dashboards/{slug}"):
        # an editor sees only the drafts of services granted to them; this one has no service
        session["user"] = {"id": 1, "username": "ed", "role": "editor"}
        assert text(dashboard.layout(slug=slug)).startswith("Page not found")
        session["user"] = {"id": 1, "username": "admin", "role": "admin"}
        assert text(find(dashboard.layout(slug=slug), "dashboard-title")) == stored["title"]
    assert slug not in str(dashboard.dashboards_list())


def test_the_list_links_published_dashboards(database, pages):
    dashboard, _ = pages
    stored, _ = carers_dashboard()
    assert f"/dashboards/{stored['slug']}" in str(dashboard.dashboards_list())


def test_a_modules_export_holds_its_table_and_a_drafts_needs_the_key(database, pages):
    dashboard, _ = pages
    stored, data = carers_dashboard(status="draft")
    import app
    client = app.server.test_client()
    url = f"/exports/dashboard-module.csv?slug={stored['slug']}&module=volumetrics"
    assert client.get(url).status_code == 404
    answer = client.get(url + f"&key={stored['draft_key']}")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    source = f"{data['groups']['carers-allowance']}/transactions-by-channel"
    assert f"Source: The Performance Platform's data set {source}" in body
    rows = list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))
    small = next(r for r in rows if r["Period start"] == SMALL_WEEK.date().isoformat())
    assert small["Digital"] == "suppressed" and small["Total"] == "suppressed"
    first = min(start for start, _ in data["counts"])
    assert rows[0]["Paper form"] == str(data["counts"][(first, "paper")])
    tab = client.get(f"/exports/dashboard-module.json?slug={stored['slug']}&module=service-availability"
                     f"&key={stored['draft_key']}")
    assert tab.status_code == 404  # a tab has no table of its own; nor has a module without data


def test_the_big_screen_rotates_the_dashboards_figures(database, pages):
    _, big_screen = pages
    stored, data = carers_dashboard()
    figures = big_screen.screen_figures(stored)
    latest = kpi_records()[0]
    assert [f["title"] for f in figures[:3]] == ["Transactions per year", "Total cost", "Cost per transaction"]
    assert figures[0]["value"] == f"{latest['number_of_transactions'] / 1e6:.2f}m"
    weeks = every_week(data["counts"])
    assert figures[3]["title"] == "Digital take-up" and figures[3]["value"] == "Suppressed"  # the latest week
    assert text(big_screen.slide(figures, 1)).startswith("Total cost")
    assert text(big_screen.slide(figures, len(figures))).startswith("Transactions per year")
    assert weeks[-1] == SMALL_WEEK
    assert [big_screen.clamp(v, big_screen.REFRESH) for v in ("1", "60", "999999", "soon", None)] == [
        10, 60, 3600, 60, 60]


def test_each_module_says_when_its_data_was_updated_and_when_the_next_update_is_due(database, pages):
    from data_access.data_sets import configure_data_set, get_data_set
    dashboard, _ = pages
    stored, data = carers_dashboard()
    group = data["groups"]["carers-allowance"]
    with get_engine().begin() as conn:
        configure_data_set(conn, group, "transactions-by-channel", max_age_expected=7 * 86400)
    body = dashboard.layout(slug=stored["slug"])
    line = text(find(body, "module-volumetrics-freshness"))
    assert line.startswith("Updated less than a minute ago") and "Next update due in 6 days" in line
    assert get_data_set(group, "transactions-by-channel").max_age_expected == 7 * 86400
