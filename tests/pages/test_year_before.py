"""The same period a year before on the compare page, the drill-downs and the department and agency
pages (SQLite and PostgreSQL): the option round-trips through the URL, draws the overlay and says so,
and the exports (CSV, JSON, Excel) hold the figure of the period that ended twelve months earlier."""
import csv
import io
import json
import math
from urllib.parse import parse_qsl

import pytest
from openpyxl import load_workbook

import app  # noqa: F401 - registers the pages
from data_access.figures import scope_channel_volumes, scope_figures, service_figures
from domain.periods import YearEnding
from pages import channels, compare, completion, organisation, satisfaction, service
from tests.dash_tree import find, text

SERVICE, OTHER = "vehicle-tax-renewals", "voter-registrations"
SEP_2017, SEP_2016, SEP_2015 = YearEnding(2017, 9), YearEnding(2016, 9), YearEnding(2015, 9)
ON = ["year-before"]

# page: (layout with the URL's values, checkbox, chart, the overlay's trace names, table)
PAGES = {
    "service": (lambda **q: service.layout(slug=SERVICE, **q), "service-compare", "take-up",
                ["Digital take-up, a year before"]),
    "compare": (lambda **q: compare.layout(services=f"{SERVICE},{OTHER}", **q), "compare-year-before",
                "compare-transactions", ["Vehicle tax renewals, a year before", "Voter registrations, a year before"]),
    "channels": (lambda **q: channels.layout(scope="department", slug="dft", **q), "channels-compare",
                 "channels-volume", ["Total, a year before"]),
    "satisfaction": (lambda **q: satisfaction.layout(scope="service", slug=SERVICE, **q), "satisfaction-compare",
                     "satisfaction-score", ["User satisfaction, a year before"]),
    "completion": (lambda **q: completion.layout(scope="agency", slug="dvla", **q), "completion-compare",
                   "completion-rate", ["Completion rate, a year before"]),
    "organisation": (lambda **q: organisation.department_layout(slug="dft", **q), "organisation-compare",
                     "organisation-trend", ["Transactions, a year before", "Digital take-up, a year before"]),
}


def names(page, card_id) -> list[str]:
    return [trace.name for trace in find(page, f"{card_id}-graph").figure.data]


@pytest.mark.parametrize("name", PAGES)
def test_an_opened_url_ticks_the_box_and_draws_the_year_before(database, name):
    layout, checkbox, card_id, overlays = PAGES[name]
    page = layout(compare="year-before")
    assert find(page, checkbox).value == ON
    assert set(overlays) <= set(names(page, card_id))
    assert "same period a year before" in text(find(page, f"{card_id}-summary"))
    headers = find(page, f"{card_id}-table").children[1].children.children
    year_before = [th for th in headers if text(th).endswith(", a year before")]
    assert year_before and all("numeric" in th.className for th in year_before)  # formatted as numbers
    assert "compare=year-before" in find(page, f"{card_id}-download-csv").href
    plain = layout()
    assert find(plain, checkbox).value == []
    assert not set(overlays) & set(names(plain, card_id))
    assert "a year before" not in text(find(plain, f"{card_id}-summary"))
    assert "compare=" not in find(plain, f"{card_id}-download-csv").href


def test_ticking_the_box_writes_it_in_the_url(database):
    assert channels.show("department:dft", "number", None, None, "", ON)[3] == \
        "?scope=department&slug=dft&compare=year-before"
    assert channels.show("department:dft", "number", None, None, "", [])[3] == "?scope=department&slug=dft"
    assert satisfaction.show(f"service:{SERVICE}", ON)[1] == f"?scope=service&slug={SERVICE}&compare=year-before"
    assert completion.show("all", ON)[1] == "?compare=year-before" and completion.show("all", [])[1] == ""
    dft = {"kind": "department", "slug": "dft"}
    assert organisation.change_period("2016-03", ON, dft)[1] == "?period=2016-03&compare=year-before"
    current = compare.state(f"{SERVICE},{OTHER}", "2016-09", "2017-09", compare=ON)
    query = compare.query_string(current)
    assert query == f"?services={SERVICE},{OTHER}&from=2016-09&to=2017-09&compare=year-before"
    assert compare.state_from_params(dict(parse_qsl(query[1:])))["year_before"] is True
    assert "compare" not in compare.query_string(compare.state(f"{SERVICE},{OTHER}", compare=[]))


# --- the exports hold the figures of the period that ended a year before ------------------------------

def rows_of(body: bytes) -> dict[str, dict]:
    lines = [line for line in io.StringIO(body.decode("utf-8")) if not line.startswith("#")]
    return {row["Year ending"]: row for row in csv.DictReader(lines)}


def number(cell: str):
    return None if cell == "" else float(cell)


def get(path: str) -> bytes:
    answer = app.server.test_client().get(path)
    assert answer.status_code == 200, path
    return answer.data


def by_period(frame, column) -> dict:
    return {p: (None if math.isnan(v) else v) for p, v in zip(frame["period"], frame[column])}


def test_the_compare_export_reads_the_year_before_from_before_the_range(database):
    path = f"/exports/compare-measure.{{}}?services={SERVICE},{OTHER}&from=2016-09&to=2017-09&measure=transactions" \
           "&compare=year-before"
    rows = rows_of(get(path.format("csv")))
    for slug, name in ((SERVICE, "Vehicle tax renewals"), (OTHER, "Voter registrations")):
        volumes = by_period(service_figures(slug), "volume")
        for period in (SEP_2016, SEP_2017):  # Sep 2015 is outside the range, and still read
            assert number(rows[period.short_label][f"{name}, a year before"]) == volumes.get(period.shifted(-12))
    # voter registrations reported nothing for the year to December 2015: a gap, not 0
    assert rows["Dec 2016"]["Voter registrations, a year before"] == ""
    exported = json.loads(get(path.format("json")))
    assert "Vehicle tax renewals, a year before" in exported["columns"]
    assert exported["data"][-1]["Vehicle tax renewals, a year before"] == float(rows["Sep 2017"][
        "Vehicle tax renewals, a year before"])
    sheet = load_workbook(io.BytesIO(get(path.format("xlsx")))).active
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == "Year ending")
    assert "Voter registrations, a year before" in header


def test_the_drill_down_exports_hold_the_year_before(database):
    rate = rows_of(get("/exports/completion-rate.csv?scope=service&slug=" + SERVICE + "&compare=year-before"))
    figures = service_figures(SERVICE).set_index("period")
    assert float(rate["Sep 2017"]["Completion rate (%), a year before"]) == \
        round(figures.at[SEP_2016, "completion_rate"] * 100, 2)
    assert rate["Mar 2012"]["Completion rate (%), a year before"] == ""  # nothing before the first year
    score = rows_of(get("/exports/satisfaction-score.csv?scope=service&slug=" + SERVICE + "&compare=year-before"))
    assert float(score["Sep 2017"]["User satisfaction (%), a year before"]) == \
        round(figures.at[SEP_2016, "user_satisfaction"] * 100, 2)
    volumes = rows_of(get("/exports/channels-volumes.csv?scope=department&slug=dft&compare=year-before"))
    dft = scope_channel_volumes("department", "dft")
    assert float(volumes["Sep 2017"]["Total, a year before"]) == dft[dft["period"] == SEP_2016]["volume"].sum()
    assert "Total, a year before" not in next(iter(rows_of(get(
        "/exports/channels-volumes.csv?scope=department&slug=dft")).values()))


def test_the_department_trend_export_holds_the_year_before(database):
    trend = rows_of(get("/exports/organisation-trend.csv?kind=department&slug=dft&compare=year-before"))
    figures = scope_figures("department", "dft").set_index("period")
    assert float(trend["Sep 2017"]["Transactions, a year before"]) == figures.at[SEP_2016, "volume"]
    assert float(trend["Sep 2017"]["Digital take-up (%), a year before"]) == \
        round(figures.at[SEP_2016, "digital_take_up"] * 100, 2)
    assert trend["Sep 2016"]["Transactions, a year before"] == str(int(figures.at[SEP_2015, "volume"]))
