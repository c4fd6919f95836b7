"""The ministers' summary: its layout on SQLite and PostgreSQL, figures checked against data_access."""
from datetime import timedelta

import pandas as pd
import pytest

import app  # noqa: F401 - registers the pages
from api.status import freshness
from components.summary import stale_frame
from data_access.data_sets import DataSet, list_data_sets, utc_now
from data_access.figures import reporting_periods, scope_figures, service_index
from data_access.services import departments
from domain.periods import YearEnding
from pages import summary
from tests.pages.test_organisation import find, links, text


def well_covered_year():
    """Worked out here: the latest year whose services handling >= 90% of the same months a year
    earlier's transactions reported again."""
    periods = reporting_periods()
    for period in periods:
        before = YearEnding(period.year - 1, period.month)
        if before not in periods:
            continue
        now, then = service_index(period.id), service_index(before.id)
        then = then[then["volume"].notna()]
        again = then[then["slug"].isin(now[now["volume"].notna()]["slug"])]
        if again["volume"].sum() / then["volume"].sum() >= 0.9:
            return period
    return periods[0]


def test_the_default_year_is_the_latest_with_good_coverage_and_the_page_says_so(database):
    year = well_covered_year()
    assert year == YearEnding(2017, 3)  # HMRC's largest services stopped reporting after it
    page = summary.layout()
    assert find(page, "summary-period").value == year.id
    assert text(find(page, "summary-default-year")).startswith(
        "The year to March 2017 is shown first: it is the latest year with good coverage")


def test_headline_figures_and_their_sentence(database):
    figures = scope_figures("all")
    row = figures[figures["period"] == YearEnding(2017, 3)].iloc[0]
    page = summary.layout()
    assert find(page, "group-transactions-value").title == f"{row['volume']:,.0f}"
    assert find(page, "group-digital_take_up-value").children == f"{row['digital_take_up'] * 100:.1f}%"
    first = text(find(page, "summary-sentences").children[0])
    assert first == (f"In the year to March 2017, {row['services']} services reported "
                     f"{row['volume'] / 1e9:.1f} billion transactions.")
    assert text(find(page, "summary-coverage")).startswith(
        f"Services covered: {row['services']} of {len(service_index())} services listed")


def test_largest_services_link_to_their_pages(database):
    page = summary.layout(period="2017-03")
    index = service_index("2017-03")
    top = index[index["volume"].notna()].sort_values("volume", ascending=False).head(10)
    hrefs = links(find(page, "summary-largest-table"))
    assert [h for h in hrefs if h.startswith("/services/")] == [f"/services/{s}" for s in top["slug"]]
    assert [h for h in hrefs if h.startswith("/departments/")] == [f"/departments/{s}" for s in top["department_slug"]]
    share = top["volume"].iloc[0] / index["volume"].sum() * 100
    assert f"{share:.1f}% of all those reported" in text(find(page, "summary-largest-sentence"))


def test_every_department_links_to_its_page_with_its_figures(database):
    page = summary.layout(period="2017-03")
    table = find(page, "summary-departments-table")
    assert [h for h in links(table)] == [f"/departments/{s}" for s in departments()["slug"]]
    dft = scope_figures("department", "dft")
    volume = dft[dft["period"] == YearEnding(2017, 3)].iloc[0]["volume"]
    assert f"{volume:,.0f}" in text(table)


def test_cost_movers_are_like_for_like(database):
    now, before = service_index("2017-03"), service_index("2016-03")
    both = now.merge(before, on="slug", suffixes=("", "_before"))
    both = both[(both["costed_volume"] >= 1000) & (both["costed_volume_before"] >= 1000)
                & (both["cost_per_transaction"] > 0) & (both["cost_per_transaction_before"] > 0)]
    change = (both["cost_per_transaction"] / both["cost_per_transaction_before"] - 1) * 100
    worst = both.loc[change.idxmax()]
    page = summary.layout(period="2017-03")
    assert text(find(page, "summary-cost-per-transaction-declined-sentence")) == (
        f"The cost per transaction of {worst['name']} rose by {change.max():.1f}%, from "
        f"£{worst['cost_per_transaction_before']:.2f} in the year to March 2016 to "
        f"£{worst['cost_per_transaction']:.2f} in the year to March 2017.")


def test_out_of_date_data_sets_are_counted_and_listed(database):
    # other tests add data sets to the shared databases: count here what is out of date now
    now = utc_now()
    monitored = [d for d in list_data_sets() if d.max_age_expected is not None]
    stale = [d for d in monitored
             if d.last_written_at is None or (now - d.last_written_at).total_seconds() > d.max_age_expected]
    page = summary.layout()
    sentence = text(find(page, "summary-stale-sentence"))
    if not monitored:
        assert sentence.startswith("No data set sent through the data API has an expected update interval")
    elif not stale:
        assert sentence.startswith("No data is out of date")
    else:
        assert sentence.startswith(f"{len(stale)} of the {len(monitored)} data sets" if len(monitored) > 1 else
                                   "The only data set")
        rows = find(page, "summary-stale-table").children[2].children
        assert sorted(text(r.children[0]) for r in rows) == sorted(d.name for d in stale)


def test_an_out_of_date_data_set_is_listed_with_its_service():
    now = utc_now()
    late = DataSet(1, "vehicle-tax-renewals", "transactions-by-channel", 7, None, None, True, True, False,
                   3600, now - timedelta(days=3), now - timedelta(hours=2))
    fresh = DataSet(2, "other", "completion", None, None, None, True, True, False, 3600, now, now)
    checks = [{**freshness(d, now), "service_id": d.service_id} for d in (late, fresh)]
    services = pd.DataFrame({"id": [7], "slug": ["vehicle-tax-renewals"], "name": ["Vehicle tax renewals"]})
    frame = stale_frame(checks, services)
    assert frame.to_dict("records") == [{
        "Data set": "vehicle-tax-renewals/transactions-by-channel", "Service": "Vehicle tax renewals",
        "Slug": "vehicle-tax-renewals", "Last updated": late.last_written_at.isoformat() + "+00:00",
        "Expected every (seconds)": 3600, "Out of date by (seconds)": 3600}]


def test_the_year_round_trips_through_the_url(database):
    page = summary.layout(period="2016-03")
    assert find(page, "summary-period").value == "2016-03"
    assert text(find(page, "summary-kpis-heading")) == "Key figures: year to March 2016"
    assert summary.change_period("2016-03")[1] == "?period=2016-03"  # the default year leaves no query: browser test


@pytest.mark.parametrize("name", ["summary-largest", "summary-departments"])
def test_summary_exports_follow_the_year(database, name):
    from pages.exports import BUILDERS
    export = BUILDERS[name]({"period": "2016-03"})
    assert export.period == "Year to March 2016" and not export.frame.empty
