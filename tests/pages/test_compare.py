"""The compare page: its state from the URL, its exports and its layout, on SQLite and PostgreSQL;
its downloads over HTTP from the app under gunicorn."""
import csv
import io
import math
import urllib.error
import urllib.request
from urllib.parse import parse_qsl

import pytest

from data_access.figures import reporting_periods, service_figures
from domain.periods import YearEnding

RENEWALS, VOTERS, PETS = "vehicle-tax-renewals", "voter-registrations", "pet-passports"
SEVEN = [RENEWALS, VOTERS, PETS, "cattle-tracing-system", "vehicle-tax-refunds",
         "domestic-applications-for-uk-passports", "driving-licence-checks-by-licence-holders"]


@pytest.fixture(scope="module")
def compare():
    import app  # noqa: F401 - the Dash app must exist before a page module registers itself
    from pages import compare
    return compare


def test_a_shared_url_gives_back_the_same_state(database, compare):
    state = compare.state(f"{RENEWALS},{VOTERS},no-such-service,{RENEWALS}", "2017-09", "2014-03", "indexed",
                          "cost_per_transaction")
    assert state["services"] == [RENEWALS, VOTERS] and state["unknown"] == ["no-such-service"]
    assert (state["start"], state["end"]) == (YearEnding(2014, 3), YearEnding(2017, 9))  # put the right way round
    assert (state["mode"], state["metric"]) == ("indexed", "cost_per_transaction")
    query = compare.query_string(state)
    assert query == (f"?services={RENEWALS},{VOTERS}&from=2014-03&to=2017-09&mode=indexed"
                     "&metric=cost_per_transaction")
    again = compare.state_from_params(dict(parse_qsl(query[1:])))
    assert again == {**state, "unknown": []}


def test_unknown_values_fall_back_to_the_defaults(database, compare):
    state = compare.state(RENEWALS, "2099-01", "not-a-year", "sideways", "height")
    reported = service_figures(RENEWALS).dropna(subset=["volume"])["period"]
    assert (state["start"], state["end"]) == (min(reported), max(reported))
    assert (state["mode"], state["metric"]) == ("absolute", "transactions")
    nothing = compare.state("", "", "", "", "")
    periods = reporting_periods()
    assert nothing["services"] == [] and (nothing["start"], nothing["end"]) == (min(periods), max(periods))
    assert compare.query_string(nothing) == ""


def test_a_seventh_service_is_refused_with_a_message(database, compare):
    state = compare.state(",".join(SEVEN))
    assert state["services"] == SEVEN[:6] and state["refused"] == SEVEN[6:]
    message = "".join(part if isinstance(part, str) else "" for part in compare._error(state))
    assert "You can compare up to 6 services" in message and "Driving licence checks by licence holders" in message
    # the picker may list the new choice anywhere: the one refused is the one just added
    picked = [SEVEN[6], *SEVEN[:6]]
    assert compare.in_choice_order(picked, state["services"])[-1] == SEVEN[6]
    assert compare.choice(compare.in_choice_order(picked, state["services"]))["refused"] == [SEVEN[6]]


def expected_index(slug, periods, column="volume"):
    """Each figure over the service's first figure in the range, x 100, worked out here."""
    values = service_figures(slug).set_index("period")[column]
    shown = [float(values[p]) if p in values.index and not math.isnan(values[p]) else None for p in periods]
    base = next(v for v in shown if v)
    return [None if v is None else round(v / base * 100, 2) for v in shown]


def test_the_indexed_export_holds_each_service_indexed_to_its_own_first_year(database, compare):
    state = compare.state(f"{RENEWALS},{VOTERS}", "2014-03", "2017-06", "indexed")
    export = compare.measure_export(state, "transactions")
    periods = sorted(p for p in reporting_periods() if YearEnding(2014, 3) <= p <= YearEnding(2017, 6))
    assert list(export.frame["Year ending"]) == [p.short_label for p in periods]
    for slug, name in ((RENEWALS, "Vehicle tax renewals"), (VOTERS, "Voter registrations")):
        got = [None if isinstance(v, float) and math.isnan(v) else v for v in export.frame[name]]
        assert got == expected_index(slug, periods)
    voters = expected_index(VOTERS, periods)
    assert voters[0] is None and voters[2] == 100.0  # no figure until Sep 2014: a gap, then its base
    assert export.period == "Year to March 2014 to year to June 2017"
    bases = "Index bases (= 100): Vehicle tax renewals, year to March 2014; Voter registrations, year to September 2014."
    assert bases in export.notes


def test_the_values_export_and_the_ranking_hold_the_published_figures(database, compare):
    state = compare.state(f"{VOTERS},{RENEWALS}", "2016-09", "2017-09")
    values = compare.measure_export(state, "transactions").frame.set_index("Year ending")
    assert values.loc["Sep 2017", "Vehicle tax renewals"] == 47_055_169
    cost = compare.measure_export(state, "cost_per_transaction").frame.set_index("Year ending")
    assert cost.loc["Sep 2017", "Vehicle tax renewals"] == pytest.approx(1.10)
    ranking = compare.ranking_export(state).frame
    voters = service_figures(VOTERS).set_index("period").loc[YearEnding(2017, 9), "volume"]
    assert list(ranking["Service"]) == ["Vehicle tax renewals", "Voter registrations"]  # more transactions first
    assert list(ranking["Transactions per year"]) == [47_055_169, voters]
    assert list(ranking["Transactions: rank"]) == [1, 2]


def test_illustrative_measures_are_labelled(database, compare):
    state = compare.state(f"{RENEWALS},{VOTERS}")
    export = compare.measure_export(state, "user_satisfaction")
    assert export.title.startswith("User satisfaction (illustrative)")
    assert compare.ILLUSTRATIVE_NOTE in export.notes
    share = compare.measure_export({**state, "mode": "share"}, "transactions")
    assert compare.CHANNEL_NOTE in share.notes
    assert "Phone (illustrative)" in [t.name for t in share.figure.data]


def _ids(component) -> set:
    found = {getattr(component, "id", None)}
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            found |= _ids(child)
    return found


def test_the_layout_prompts_for_two_services_then_shows_the_ranking_and_every_chart(database, compare):
    alone = _ids(compare.layout(services=RENEWALS))
    assert "compare-prompt" in alone and "compare-ranking" not in alone
    both = _ids(compare.layout(services=f"{RENEWALS},{VOTERS}", mode="indexed", **{"from": "2014-03"}))
    assert {"compare-ranking", "compare-transactions", "compare-digital-take-up", "compare-cost-per-transaction",
            "compare-completion-rate", "compare-user-satisfaction"} <= both
    assert "compare-prompt" not in both


def get_csv(url):
    with urllib.request.urlopen(url, timeout=30) as answer:
        assert answer.headers["Content-Type"].startswith("text/csv")
        body = answer.read().decode("utf-8")
    return list(csv.DictReader(line for line in io.StringIO(body) if not line.startswith("#")))


def test_the_downloads_over_http(server):
    rows = get_csv(f"{server}/exports/compare-measure.csv?services={RENEWALS},{VOTERS}&from=2016-09&to=2017-09"
                   "&measure=digital_take_up")
    assert [r["Year ending"] for r in rows] == ["Sep 2016", "Dec 2016", "Mar 2017", "Jun 2017", "Sep 2017"]
    assert rows[-1]["Vehicle tax renewals"] == "81.87"  # 38,522,671 / 47,055,169
    ranking = get_csv(f"{server}/exports/compare-ranking.csv?services={RENEWALS},{VOTERS}&to=2017-09")
    assert ranking[0]["Service"] == "Vehicle tax renewals" and ranking[0]["Transactions per year"] == "47055169"
    with pytest.raises(urllib.error.HTTPError) as error:
        get_csv(f"{server}/exports/compare-measure.csv?services={RENEWALS}&measure=transactions")
    assert error.value.code == 404
