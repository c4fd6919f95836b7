"""Peers are distrusted when they disagree: for a sample of charts, the plotted figure, the table on
the page, the CSV, JSON and Excel exports and the data API's answer give the same numbers, on the
app under gunicorn with SQLite and with PostgreSQL."""
import csv
import io
import json
import math
import urllib.request

import pytest
from openpyxl import load_workbook

from domain.channels import CHANNELS
from domain.suppression import SUPPRESSED

NAMES = {name: channel for channel, name in CHANNELS.items()}


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


@pytest.fixture(params=["sqlite", "postgresql"])
def stack(request, monkeypatch):
    """The app under gunicorn and, for in-process reads, its database."""
    monkeypatch.setenv("DATABASE_URL", request.getfixturevalue(f"{request.param}_url"))
    return request.getfixturevalue(f"{request.param}_server")


def sample(server) -> list[str]:
    """Two big services and one whose phone figure is suppressed somewhere."""
    small = json.loads(fetch(f"{server}/data/transactional-services/transactions-by-channel"
                             "?filter_by=count:suppressed&filter_by=channel:phone&limit=1"))["data"]
    return ["vehicle-tax-renewals", "paye-transactions", small[0]["service"]]


def norm(value):
    """A cell as a number, SUPPRESSED, or None (no figure)."""
    if value in (SUPPRESSED, "Suppressed"):
        return SUPPRESSED
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(str(value).replace(",", ""))


def exported(server, slug):
    base = f"{server}/exports/service-channels"
    text = fetch(f"{base}.csv?service={slug}").decode()
    from_csv = list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))
    from_json = json.loads(fetch(f"{base}.json?service={slug}"))["data"]
    sheet = list(load_workbook(io.BytesIO(fetch(f"{base}.xlsx?service={slug}"))).active.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(sheet) if row and row[0] == "Year ending")
    return from_csv, from_json, [dict(zip(sheet[at], row)) for row in sheet[at + 1:]]


def api_counts(server, slug) -> dict:
    rows = json.loads(fetch(f"{server}/data/transactional-services/transactions-by-channel"
                            f"?filter_by=service:{slug}"))["data"]
    return {(r["_start_at"][:10], r["channel"]): r["count"] for r in rows}


def table_rows(component, table_id: str) -> list[list[str]]:
    """The text of each body row of a table in a Dash component tree."""
    stack = [component]
    while stack:
        node = stack.pop()
        if getattr(node, "id", None) == table_id:
            return [[cell.children for cell in row.children] for row in node.children[2].children]
        children = getattr(node, "children", None)
        stack += [c for c in (children if isinstance(children, list) else [children]) if hasattr(c, "children")]
    raise AssertionError(f"no table {table_id}")


def test_channel_charts_figure_table_exports_and_api_agree(stack):
    import app  # noqa: F401  (pages register themselves with the app)
    from data_access.figures import service_figures
    from pages.service import _channel_chart, channels_export, periods_with_transactions
    checked = 0
    for slug in sample(stack):
        latest = periods_with_transactions(service_figures(slug))[0]
        export = channels_export(slug, latest)
        plotted = {t.name.removesuffix(" (illustrative)"): list(t.y) for t in export.figure.data}
        table = table_rows(_channel_chart(slug, latest, False), "channels-table")
        from_csv, from_json, from_xlsx = exported(stack, slug)
        api = api_counts(stack, slug)
        assert len(from_csv) == len(from_json) == len(from_xlsx) == len(table) == len(export.frame) > 0
        channels = [name for name in from_csv[0] if name in NAMES]
        for i, row in enumerate(from_csv):
            for position, name in enumerate(channels, start=1):
                peers = {"csv": norm(row[name]), "json": norm(from_json[i][name]), "xlsx": norm(from_xlsx[i][name]),
                         "table": norm(table[i][position]), "api": norm(api.get((row["Period start"], NAMES[name])))}
                assert len(set(peers.values())) == 1, (slug, row["Year ending"], name, peers)
                figure = norm(plotted[name][i])
                assert figure == peers["csv"] or (figure is None and peers["csv"] == SUPPRESSED), (slug, name, i)
                checked += 1
    assert checked > 100
