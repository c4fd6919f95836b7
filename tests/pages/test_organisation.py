"""Department and agency pages: layouts rendered on SQLite and PostgreSQL, figures checked against
data_access; exports over HTTP."""
import csv
import io
import urllib.request

import pandas as pd
import pytest

import app  # noqa: F401 - registers the pages
from data_access.figures import scope_figures, service_index
from data_access.services import agencies, departments
from domain.periods import YearEnding
from pages import organisation
from tests.dash_tree import find, text

SEP_2017, SEP_2016, MAR_2016 = YearEnding(2017, 9), YearEnding(2016, 9), YearEnding(2016, 3)


def links(component) -> list[str]:
    found = [component.href] if getattr(component, "href", None) else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found += links(child)
    return found


def year_row(kind, slug, period):
    figures = scope_figures(kind, slug)
    return figures[figures["period"] == period].iloc[0]


def test_key_figures_are_the_volume_weighted_figures_of_the_department(database):
    page = organisation.department_layout(slug="dft", period="2017-09")
    row = year_row("department", "dft", SEP_2017)
    assert find(page, "group-transactions-value").title == f"{row['volume']:,.0f}"
    assert find(page, "group-digital_take_up-value").children == f"{row['digital_take_up'] * 100:.1f}%"
    assert find(page, "group-cost_per_transaction-value").title == f"£{row['cost_per_transaction']:,.2f}"
    assert text(find(page, "organisation-weighting")).startswith(
        f"These figures are volume-weighted: each is worked out from the totals of the {row['services']} services "
        "that reported in the year to September 2017")


def test_changes_compare_the_same_services_in_both_years(database):
    # worked out here from each service's own figures: services with a channel split in both years
    now, before = service_index("2017-09", department="dft"), service_index("2016-09", department="dft")
    both = now[now["channel_volume"] > 0].merge(before[before["channel_volume"] > 0], on="slug",
                                                   suffixes=("", "_before"))
    new = both["digital_volume"].sum() / both["channel_volume"].sum()
    old = both["digital_volume_before"].sum() / both["channel_volume_before"].sum()
    page = organisation.department_layout(slug="dft", period="2017-09")
    sentences = [text(li) for li in find(page, "organisation-sentences").children]
    verb = "rose" if new > old else "fell"
    assert (f"Digital take-up of the {len(both)} services that reported their channels in both years {verb} by "
            f"{abs(new - old) * 100:.1f} percentage points, from {old * 100:.1f}% in the year to September 2016 "
            f"to {new * 100:.1f}% in the year to September 2017.") in sentences


def test_every_service_of_the_department_is_listed_with_a_link(database):
    page = organisation.department_layout(slug="dft", period="2017-09")
    table = find(page, "organisation-services-table")
    expected = departments().set_index("slug").loc["dft", "services"]
    services = [href for href in links(table) if href.startswith("/services/")]
    assert len(services) == expected == len(set(services))
    assert "/services/vehicle-tax-renewals" in services
    agency_links = links(find(page, "organisation-agencies"))
    assert agency_links == [f"/agencies/{slug}" for slug in agencies("dft")["slug"]]


def test_the_biggest_movers_are_the_services_that_changed_most(database):
    now, before = service_index("2017-09", department="dft"), service_index("2016-09", department="dft")
    both = now.merge(before, on="slug", suffixes=("", "_before"))
    both = both[(both["channel_volume"] >= 1000) & (both["channel_volume_before"] >= 1000)]
    change = (both["digital_take_up"] - both["digital_take_up_before"]) * 100
    top = both.loc[change.idxmax(), "name"]
    page = organisation.department_layout(slug="dft", period="2017-09")
    sentence = text(find(page, "organisation-digital-take-up-improved-sentence"))
    assert sentence.startswith(f"Digital take-up of {top} rose by {change.max():.1f} percentage points")


def test_an_agency_page_links_to_its_department(database):
    page = organisation.agency_layout(slug="dvla", period="2017-09")
    assert text(find(page, "organisation-name")) == "Driver and Vehicle Licensing Agency"
    assert find(page, "organisation-department-link").href == "/departments/dft"
    row = year_row("agency", "dvla", SEP_2017)
    assert find(page, "group-transactions-value").title == f"{row['volume']:,.0f}"


def test_unknown_organisations_are_not_found(database):
    assert "not found" in text(organisation.department_layout(slug="no-such-department"))
    assert "not found" in text(organisation.agency_layout(slug="dft"))  # a department, not an agency


def test_the_year_round_trips_through_the_url(database):
    page = organisation.department_layout(slug="dft", period="2016-03")
    assert find(page, "organisation-period").value == "2016-03"
    assert text(find(page, "organisation-kpis-heading")) == "Key figures: year to March 2016"
    figures, query = organisation.change_period("2016-03", [], {"kind": "department", "slug": "dft"})
    assert query == "?period=2016-03"
    default = organisation.Scope("department", "dft").default[0]
    assert organisation.change_period(default.id, [], {"kind": "department", "slug": "dft"})[1] == ""
    # an unknown year falls back to the default
    assert find(organisation.department_layout(slug="dft", period="1999-01"), "organisation-period").value == default.id


def test_the_default_year_is_the_latest_well_covered_one(database):
    # HMRC's services mostly stopped reporting after March 2017 (34 services, then 8)
    assert organisation.Scope("department", "hmrc").default[0] == YearEnding(2017, 3)
    assert organisation.Scope("department", "dft").default[0] == SEP_2017


def get_csv(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.status == 200
        body = answer.read().decode("utf-8")
    return list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))


def test_exports_hold_the_figures_shown(sqlite_server, sqlite_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    rows = get_csv(sqlite_server + "/exports/organisation-services.csv?kind=agency&slug=dvla&period=2017-09")
    renewals = next(r for r in rows if r["Slug"] == "vehicle-tax-renewals")
    assert renewals["Transactions per year"] == "47055169" and renewals["Cost per transaction (£)"] == "1.1"
    assert len(rows) == agencies("dft").set_index("slug").loc["dvla", "services"]
    headlines = {r["Measure"]: r for r in get_csv(
        sqlite_server + "/exports/organisation-headlines.csv?kind=department&slug=dft&period=2017-09")}
    row = year_row("department", "dft", SEP_2017)
    assert float(headlines["Transactions per year"]["Year to Sep 2017"]) == pytest.approx(row["volume"])
    assert int(headlines["Transactions per year"]["Services reporting"]) == row["services"]
    trend = get_csv(sqlite_server + "/exports/organisation-trend.csv?kind=department&slug=dft")
    assert [r["Year ending"] for r in trend] == [p.short_label for p in scope_figures("department", "dft")["period"]]
    movers = pd.DataFrame(get_csv(sqlite_server + "/exports/organisation-movers.csv?kind=department&slug=dft"
                                  "&period=2017-09"))
    assert set(movers["Direction"]) == {"Improved", "Declined"}
    assert set(movers["Department"]) == {"Department for Transport"}
