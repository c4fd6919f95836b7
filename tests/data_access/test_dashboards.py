"""Stored dashboards on SQLite and PostgreSQL: the six real configurations import, export round
trips, drafts stay unlisted until published or until their release time."""
import json
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from data_access.dashboards import (DashboardError, delete_dashboard, exported_config, get_dashboard, is_public,
                                    public_dashboards, save_dashboard)
from data_access.data_sets import utc_now
from data_access.db import get_engine

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs").glob("*.json"))


def unique(config: dict) -> dict:
    return {**config, "slug": f"{config['slug']}-{uuid.uuid4().hex[:6]}"}


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_the_six_real_dashboards_import_and_export_the_same(database, path):
    config = unique(json.loads(path.read_text()))
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, config, "importer")
        assert stored["modules"] == config["modules"] and stored["title"] == config["title"]
        exported = exported_config(stored)
        again = save_dashboard(conn, {**exported, "slug": exported["slug"] + "-copy"}, "importer")
        assert exported_config(again) == {**exported, "slug": exported["slug"] + "-copy"}
        delete_dashboard(conn, stored["slug"]) and delete_dashboard(conn, again["slug"])


def test_original_metadata_maps_onto_ours(database):
    config = unique(json.loads((CONFIGS[0]).read_text()))  # carers-allowance
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, config, "importer")
    assert stored["organisation"] == "Department for Work and Pensions"
    assert stored["related_links"][0] == {"title": "Apply for Carer's Allowance",
                                          "url": "https://www.gov.uk/apply-carers-allowance"}
    assert "annual number of applications" in stored["about_the_data"]


def test_a_draft_is_unlisted_until_published_or_released(database):
    draft = {"slug": f"draft-{uuid.uuid4().hex[:6]}", "title": "Embargoed statistics", "modules": []}
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, draft, "editor", status="draft")
    assert not is_public(stored) and stored["draft_key"]
    assert draft["slug"] not in {d["slug"] for d in public_dashboards()}
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, draft, "editor", release_at=utc_now() + timedelta(hours=1))
    assert not is_public(stored) and is_public(stored, now=utc_now() + timedelta(hours=2))
    with get_engine().begin() as conn:
        stored = save_dashboard(conn, draft, "editor", release_at=utc_now() - timedelta(seconds=1))
    assert is_public(stored) and draft["slug"] in {d["slug"] for d in public_dashboards()}


def test_an_invalid_configuration_is_refused_whole(database):
    slug = f"bad-{uuid.uuid4().hex[:6]}"
    with get_engine().begin() as conn, pytest.raises(DashboardError) as refused:
        save_dashboard(conn, {"slug": slug, "title": "T", "modules": [{"module-type": "kpi", "slug": "k",
                                                                     "title": "K"}]}, "editor")
    assert any(e.path == "$.modules[0].data-source" for e in refused.value.errors)
    assert get_dashboard(slug) is None
