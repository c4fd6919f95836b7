"""A service dashboard's year-before overlay and its notes, in headless Chromium."""
import uuid

import pytest
from playwright.sync_api import expect

from data_access.annotations import delete_annotation, grant_service, service_annotations
from data_access.db import get_engine
from data_access.figures import service_figures
from data_access.users import create_user
from domain.periods import YearEnding
from tests.browser.helpers import choose, download_csv, plotted, wait_for_query

pytestmark = pytest.mark.browser
SERVICE = "vehicle-tax-renewals"


def test_the_same_period_a_year_before_is_overlaid_and_exported(page, sqlite_server, sqlite_url, monkeypatch,
                                                                tmp_path):
    page.goto(f"{sqlite_server}/services/{SERVICE}")
    page.get_by_label("Show the same period a year before on the charts").check()
    wait_for_query(page, {"compare": "year-before"})
    traces = plotted(page, "take-up-graph")
    assert list(traces) == ["Digital take-up", "Digital take-up, a year before"]
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    figures = service_figures(SERVICE).set_index("period")
    expected = round(figures.loc[YearEnding(2016, 9), "digital_take_up"] * 100, 2)
    assert traces["Digital take-up, a year before"]["y"][-1] == expected
    rows = download_csv(page, "#take-up-download-csv", tmp_path)
    assert float(rows[-1]["Digital take-up (%), a year before"]) == expected
    expect(page.locator("#kpi-digital_take_up-change-year")).to_contain_text("on year to September 2016")

    page.reload()  # the URL keeps the overlay
    expect(page.get_by_label("Show the same period a year before on the charts")).to_be_checked()


def test_an_editor_adds_a_note_that_shows_on_the_charts(page, sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    name, text = f"editor-{uuid.uuid4().hex[:6]}", f"New online service {uuid.uuid4().hex[:4]}"
    with get_engine().begin() as conn:
        create_user(conn, name, "a long enough password", "editor")
        grant_service(conn, name, SERVICE)
    page.goto(f"{sqlite_server}/admin/services/{SERVICE}/notes")
    page.fill("#username", name)
    page.fill("#password", "a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.fill("#date", "2015-11-02")
    page.fill("#text", text)
    page.get_by_role("button", name="Add the note").click()
    expect(page.locator("#notes")).to_contain_text(text)
    page.goto(f"{sqlite_server}/services/{SERVICE}")
    expect(page.locator("#channels-notes")).to_contain_text(f"2 November 2015: {text}")
    page.wait_for_selector("#channels-graph .js-plotly-plot")
    labels = page.evaluate("""() => document.querySelector('#channels-graph .js-plotly-plot')
                                   ._fullLayout.annotations.map(a => a.text)""")
    assert labels[-1].startswith("Note ")
    with get_engine().begin() as conn:  # the shared database's other tests number their own notes
        for added in [n for n in service_annotations.uncached(SERVICE) if n["text"] == text]:
            delete_annotation(conn, SERVICE, added["id"])


SHADED = """id => { const plot = document.querySelector('#' + id + ' .js-plotly-plot');
                    const shade = plot._fullLayout.shapes[0];
                    return shade.visible ? plot._fullLayout.xaxis._categories[shade.x0 + 0.5] : null; }"""


def test_a_year_change_moves_the_shading_and_keeps_the_charts(page, sqlite_server):
    page.goto(f"{sqlite_server}/services/{SERVICE}?compare=year-before")
    page.wait_for_selector("#take-up-graph .js-plotly-plot")
    assert page.evaluate(SHADED, "channels-graph") == page.evaluate(SHADED, "take-up-graph") == "Sep 2017"
    before = {graph: plotted(page, graph) for graph in ("channels-graph", "take-up-graph")}
    page.evaluate("() => document.querySelectorAll('.js-plotly-plot').forEach(p => { p.dataset.kept = 'yes'; })")

    choose(page, "service-period", "Year to June 2016")
    expect(page.locator("#kpis-heading")).to_have_text("Key figures: year to June 2016")
    wait_for_query(page, {"period": "2016-06", "compare": "year-before"})
    expect(page.locator("#take-up-summary")).to_contain_text("in the year to June 2016")
    expect(page.locator("#channels-summary")).to_contain_text("In the year to June 2016 there were")
    page.wait_for_function(f"() => ({SHADED})('take-up-graph') === 'Jun 2016'")
    assert page.evaluate(SHADED, "channels-graph") == "Jun 2016"
    # the same plots, redrawn in place: the same traces (the year before's included), the same height
    assert page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'), p => p.dataset.kept)") \
        == ["yes", "yes"]
    assert {graph: plotted(page, graph) for graph in before} == before
    assert "Digital take-up, a year before" in before["take-up-graph"]
    for graph in before:
        assert page.locator(f"#{graph} .js-plotly-plot").bounding_box()["height"] == 380
