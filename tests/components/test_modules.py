"""Every dashboard module type drawn from realistic answer rows (the original platform's real API
answers where we have them): the numbers of its table, summary and headline are those of the rows;
suppressed counts stay "suppressed"; a missing data set says so."""
import copy
import json
import math
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from components.modules import headlines, module_export, module_query, module_view, render_module
from components.modules.common import format_value
from domain.suppression import SUPPRESSED, threshold
from tests.dash_tree import find, text

ANSWERS = Path("/work/shared/data/govuk-pp/api-responses")
CONFIGS = Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs"


def answer(name: str) -> list[dict]:
    return json.loads((ANSWERS / name).read_text())["data"]


def modules_of(dashboard: str) -> dict:
    found = {}
    for module in json.loads((CONFIGS / f"{dashboard}.json").read_text())["modules"]:
        found[module["slug"]] = module
        for child in module.get("tabs", []):
            found[f"{module['slug']}/{child['slug']}"] = child
    return copy.deepcopy(found)


def find_class(component, class_name):
    if getattr(component, "className", None) == class_name:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        found = find_class(child, class_name) if hasattr(child, "children") else None
        if found is not None:
            return found
    return None


def table_rows(component, path: str) -> list[list[str]]:
    table = find(component, f"module-{path}-table")
    body = table.children[2]
    return [[text(cell) for cell in row.children] for row in body.children]


def table_header(component, path: str) -> list[str]:
    table = find(component, f"module-{path}-table")
    return [text(cell) for cell in table.children[1].children.children]


def week(start: str) -> str:
    return datetime.fromisoformat(start).strftime("%-d %b %Y")


def exact(value) -> str:
    return f"{value:,.0f}"


# --- grouped_timeseries ------------------------------------------------------------------------------

def carers_volumetrics():
    """The real carers-allowance module over the real weekly answer (its groups are named by `key`)."""
    module = modules_of("carers-allowance")["volumetrics"]
    module["category"], module["value-attribute"] = "key", "value:sum"
    module["axes"]["y"] = [{"label": "Paper form", "groupId": "ca_clerical_received", "format": "integer"},
                           {"label": "Digital", "groupId": "ca_e_claims_received", "format": "integer"}]
    return module


def test_grouped_timeseries_tabulates_each_group_and_the_total_of_each_week():
    rows = answer("carers_allowance_weekly_by_channel.json")
    module = carers_volumetrics()
    card = render_module(module, rows, {"path": "volumetrics"})
    by_group = {g["key"]: {v["_start_at"]: v["value:sum"] for v in g["values"]} for g in rows}
    paper, digital = by_group["ca_clerical_received"], by_group["ca_e_claims_received"]
    weeks = sorted(paper)
    assert table_header(card, "volumetrics") == ["Period", "Period start", "Period end", "Paper form", "Digital",
                                                 "Total"]
    got = table_rows(card, "volumetrics")
    assert [r[0] for r in got] == [week(w) for w in weeks]
    for row, start in zip(got, weeks):
        expected = [paper[start], digital[start]]
        assert row[3:5] == ["" if v is None else exact(v) for v in expected]
        known = [v for v in expected if v is not None]
        assert row[5] == (exact(sum(known)) if known else "")
    last = max(w for w in weeks if paper[w] is not None)
    summary = text(find(card, "module-volumetrics-summary"))
    assert f"week starting {week(last)}" in summary
    assert f"Paper form {exact(paper[last])}, Digital {exact(digital[last])}" in summary
    assert f"{exact(paper[last] + digital[last])} in all" in summary


def test_grouped_timeseries_maps_groups_and_shows_shares_with_suppressed_parts():
    module = modules_of("lasting-power-of-attorney")["volumetrics"]
    module["one-hundred-percent"], module["group-mapping"]["health_.*_paper_applications"] = True, "non-digital"
    weeks = ["2013-07-01T00:00:00+00:00", "2013-07-08T00:00:00+00:00"]
    counts = {"property_and_financial_digital_applications": [120, 130],
              "health_and_welfare_digital_applications": [80, SUPPRESSED],
              "property_and_financial_paper_applications": [656, 700],
              "health_and_welfare_paper_applications": [252, 260]}
    rows = [{"channel": name, "count:sum": sum(v for v in values if v != SUPPRESSED),
             "values": [{"_start_at": w, "_end_at": w, "count:sum": v} for w, v in zip(weeks, values)]}
            for name, values in counts.items()]
    frame = module_view(module, rows).frame
    digital = sum(values[0] for name, values in counts.items() if "digital" in name)
    paper = sum(values[0] for name, values in counts.items() if "paper" in name)
    first, second = frame.iloc[0], frame.iloc[1]
    assert (first["Digital"], first["Paper form"], first["Total"]) == (digital, paper, digital + paper)
    assert first["Digital (%)"] == round(digital / (digital + paper) * 100, 1)
    # a suppressed part: its group's sum, the total and every share are suppressed, never 0
    assert second["Digital"] == SUPPRESSED and second["Total"] == SUPPRESSED
    assert second["Digital (%)"] == SUPPRESSED and second["Paper form (%)"] == SUPPRESSED
    assert second["Paper form"] == sum(counts[k][1] for k in counts if "paper" in k)
    card = render_module(module, rows, {"path": "volumetrics"})
    assert table_rows(card, "volumetrics")[1][3:6] == [exact(second["Paper form"]), "Suppressed", "Suppressed"]


# --- completion_rate ---------------------------------------------------------------------------------

def test_completion_rate_is_the_numerator_groups_over_the_denominator_groups_each_week():
    rows = answer("carers_allowance_completion_rate.json")
    module = modules_of("carers-allowance")["completion-rate"]
    module["numerator-matcher"] = "consent-and-declaration$"  # the real answer stops before thank-you
    view = module_view(module, rows)
    groups = {g["eventLabel"]: {v["_start_at"]: v["uniqueEvents:sum"] for v in g["values"]} for g in rows}
    starts = sorted(groups["about-you"])
    rates = [round(groups["consent-and-declaration"][s] / groups["about-you"][s] * 100, 2) for s in starts]
    assert list(view.frame["Numerator"]) == [groups["consent-and-declaration"][s] for s in starts]
    assert list(view.frame["Denominator"]) == [groups["about-you"][s] for s in starts]
    assert list(view.frame["Completion rate (%)"]) == rates
    assert f"Completion rate was {rates[-1]:.1f}% in the week starting {week(starts[-1])}" in view.summary
    assert view.headline["value"] == rates[-1]


def test_completion_rate_without_numerator_records_has_no_figures_not_zero():
    rows = answer("carers_allowance_completion_rate.json")
    view = module_view(modules_of("carers-allowance")["completion-rate"], rows)  # thank-you$: no such group
    assert all(v is None for v in view.frame["Completion rate (%)"])
    assert "no figures" in view.summary and view.headline is None


def test_a_suppressed_denominator_suppresses_the_rate():
    module = modules_of("carers-allowance")["digital-takeup"]
    rows = [{"channel": c, "values": [{"_start_at": "2014-01-06T00:00:00+00:00", "_end_at": "2014-01-13T00:00:00+00:00",
                                       "count:sum": v}]} for c, v in (("digital", 40), ("paper", SUPPRESSED))]
    frame = module_view(module, rows).frame
    assert frame["Numerator"][0] == 40 and frame["Denominator"][0] == SUPPRESSED
    assert frame["Digital take-up (%)"][0] == SUPPRESSED


# --- journey -----------------------------------------------------------------------------------------

def test_journey_counts_each_configured_step_from_the_real_answer():
    rows = answer("carers_allowance_journey.json")
    module = modules_of("carers-allowance")["users-at-each-step"]
    assert ("group_by", "eventLabel") in module_query(module)  # the real module has no query parameters
    card = render_module(module, rows, {"path": "users-at-each-step"})
    totals = {g["eventLabel"]: g["uniqueEvents:sum"] for g in rows}
    steps = module["axes"]["y"]
    got = table_rows(card, "users-at-each-step")
    assert [r[0] for r in got] == [s["label"] for s in steps]
    first = totals[steps[0]["groupId"]]
    for row, step in zip(got, steps):
        count = totals.get(step["groupId"])
        assert row[1] == ("" if count is None else exact(count))
        assert row[2] == ("" if count is None else f"{count / first * 100:.1f}%")


# --- satisfaction ------------------------------------------------------------------------------------

def score(row: dict) -> float | None:
    counts = [row[f"rating_{n}:sum"] for n in range(1, 6)]
    if not sum(counts):
        return None  # a day without responses has no score, not 0%
    if sum(counts) < threshold():
        return SUPPRESSED  # a score of fewer than 5 people is not shown
    return round((sum(n * c for n, c in zip(range(1, 6), counts)) / sum(counts) - 1) / 4 * 100, 2)


def test_user_satisfaction_is_the_mean_rating_of_each_day():
    rows = answer("carers-allowance-user-satisfaction.json")
    module = modules_of("carers-allowance")["user-satisfaction"]
    assert ("collect", "rating_5:sum") in module_query(module)
    view = module_view(module, rows)
    rated = [r for r in rows if r["rating_1:sum"] is not None]
    frame = view.frame[view.frame["Responses"].notna()]
    assert list(frame["User satisfaction (%)"]) == [score(r) for r in rated]
    assert list(frame["Responses"]) == [sum(r[f"rating_{n}:sum"] for n in range(1, 6)) for r in rated]
    last = [r for r in rated if isinstance(score(r), float)][-1]
    assert f"User satisfaction was {score(last):.1f}% in {week(last['_start_at'])}" in view.summary


def test_a_suppressed_rating_suppresses_the_days_score_and_responses():
    rows = copy.deepcopy(answer("carers-allowance-user-satisfaction.json"))
    day = next(r for r in rows if r["rating_1:sum"] is not None)
    day["rating_2:sum"] = SUPPRESSED
    module = modules_of("carers-allowance")["user-satisfaction"]
    card = render_module(module, rows, {"path": "user-satisfaction"})
    row = next(r for r in table_rows(card, "user-satisfaction") if r[0] == week(day["_start_at"]))
    assert row[3:] == ["Suppressed", exact(day["rating_1:sum"]), "Suppressed", exact(day["rating_3:sum"]),
                       exact(day["rating_4:sum"]), exact(day["rating_5:sum"]), "Suppressed"]


# --- kpi and bar_chart_with_number -------------------------------------------------------------------

def test_a_kpi_shows_the_latest_record_and_its_change():
    rows = answer("kpi.json")  # newest first, as the module's sort_by asks
    modules = modules_of("carers-allowance")
    card = render_module(modules["transactions-per-year"], rows, {"path": "transactions-per-year"})
    latest, before = rows[0]["number_of_transactions"], rows[1]["number_of_transactions"]
    figure = text(find(card, "module-transactions-per-year-figure"))
    assert figure == f"{latest / 1e6:.2f}m"
    assert [r[3] for r in table_rows(card, "transactions-per-year")] == [exact(r["number_of_transactions"])
                                                                         for r in rows]
    change = (latest - before) / before * 100
    assert f"{'up' if change > 0 else 'down'} {abs(change):.1f}% on the period before" in text(
        find(card, "module-transactions-per-year-summary"))
    cost = module_view(modules["cost-per-transaction"], rows)
    assert format_value(cost.headline["value"], cost.headline["format"]) == f"£{rows[0]['cost_per_transaction']:.2f}"
    total = module_view(modules["total-cost"], rows)
    assert format_value(total.headline["value"], total.headline["format"]) == f"£{rows[0]['total_cost'] / 1e6:.2f}m"


def test_a_suppressed_kpi_stays_suppressed():
    rows = copy.deepcopy(answer("kpi.json"))
    rows[0]["number_of_transactions"] = SUPPRESSED
    card = render_module(modules_of("carers-allowance")["transactions-per-year"], rows, {"path": "t"})
    assert text(find(card, "module-t-figure")) == "Suppressed"
    assert table_rows(card, "t")[0][3] == "Suppressed"
    assert "suppressed" in text(find(card, "module-t-summary"))


def test_bar_chart_with_number_plots_each_record_and_shows_the_latest():
    rows = list(reversed(answer("kpi.json")))  # oldest first, as the module's sort_by asks
    modules = modules_of("hmrc-self-assessment")
    volumes = module_view(modules["transactions-per-quarter"], rows)
    assert list(volumes.figure.data[0].y) == [r["number_of_transactions"] for r in rows]
    assert volumes.headline["value"] == rows[-1]["number_of_transactions"]
    take_up = module_view(modules["digital-take-up-per-quarter"], rows)
    assert list(take_up.frame["Percentage digital take-up (%)"]) == [round(r["digital_takeup"] * 100, 2) for r in rows]
    assert f"{rows[-1]['digital_takeup'] * 100:.1f}%" in take_up.summary


# --- single_timeseries, table, list, realtime, availability ------------------------------------------

def weeks_from(first: datetime, count: int) -> list[tuple[str, str]]:
    starts = [first + timedelta(weeks=i) for i in range(count + 1)]
    return [(s.isoformat() + "+00:00", e.isoformat() + "+00:00") for s, e in zip(starts, starts[1:])]


def test_single_timeseries_shows_a_duration_in_minutes():
    module = modules_of("carers-allowance")["time-taken-to-complete-transaction"]
    spans = weeks_from(datetime(2014, 1, 6), 3)
    milliseconds = [1_260_000.0, 1_140_000.0, None]
    rows = [{"stage": "thank-you", "values": [{"_start_at": s, "_end_at": e, "avgSessionDuration:sum": v}
                                              for (s, e), v in zip(spans, milliseconds)]}]
    view = module_view(module, rows)
    assert list(view.frame["Average session time (minutes)"]) == [21.0, 19.0, None]
    assert view.headline["value"] == 19.0 and "week starting 13 Jan 2014" in view.summary


def test_a_table_sorts_and_works_out_the_change_on_the_week_before():
    module = modules_of("lasting-power-of-attorney")["help-usage"]
    spans = weeks_from(datetime(2014, 3, 3), 2)
    usage = {"help.bacs-payment": (40.0, 50.0), "help.lpa-type": (200.0, 150.0), "help.fees": (SUPPRESSED, 30.0)}
    rows = [{"eventDestination": name, "values": [{"_start_at": s, "_end_at": e, "uniqueEvents:sum": v}
                                                  for (s, e), v in zip(spans, values)]}
            for name, values in usage.items()]
    card = render_module(module, rows, {"path": "help-usage"})
    got = table_rows(card, "help-usage")
    by_last = sorted(usage.items(), key=lambda item: -item[1][1])
    assert [r[1] for r in got] == [exact(v[1]) for _, v in by_last]
    assert got[0] == ["Help LPA type", exact(150), f"{(150 - 200) / 200 * 100:.1f}%"]
    assert got[1] == ["Help BACS payment", exact(50), f"+{(50 - 40) / 40 * 100:.1f}%"]
    assert got[2][2] == "Suppressed"


def test_a_list_links_each_record():
    module = {"slug": "guides", "module-type": "list", "title": "Guides", "label-attr": "pageTitle",
              "label-regex": r"^(.*?) - GOV\.UK$", "link-attr": "pagePath"}
    rows = [{"pageTitle": "Apply for Carer's Allowance - GOV.UK", "pagePath": "/apply-carers-allowance"},
            {"pageTitle": "Carer's Credit - GOV.UK", "pagePath": "/carers-credit"}]
    card = render_module(module, rows, {"path": "guides"})
    links = find(card, "module-guides-list").children
    assert [(text(li.children), li.children.href) for li in links] == [
        ("Apply for Carer's Allowance", "/apply-carers-allowance"), ("Carer's Credit", "/carers-credit")]


def test_realtime_shows_the_latest_count_of_users_online():
    module = modules_of("carers-allowance")["live-service-usage"]
    now = datetime(2014, 6, 3, 14, 0)
    rows = [{"_timestamp": (now - timedelta(minutes=2 * i)).isoformat() + "+00:00", "unique_visitors": 30 + i}
            for i in range(10)]  # newest first
    view = module_view(module, rows)
    assert view.headline["value"] == 30 and list(view.frame["Users online"]) == [30 + i for i in reversed(range(10))]
    assert view.summary.startswith("30 users online at 14:00 3 Jun 2014")
    rows[0]["unique_visitors"] = SUPPRESSED
    assert module_view(module, rows).lead[0] == "Suppressed"


def test_availability_is_uptime_over_all_checks():
    module = modules_of("carers-allowance")["service-availability/30-days"]
    assert ("duration", "30") in module_query(module) and ("collect", "uptime:sum") in module_query(module)
    days = [(datetime(2014, 6, 1) + timedelta(days=i)) for i in range(3)]
    checks = [(1440, 0, 420.5), (1430, 10, 510.0), (1400, 40, 605.25)]
    rows = [{"_start_at": d.isoformat() + "+00:00", "_end_at": (d + timedelta(days=1)).isoformat() + "+00:00",
             "uptime:sum": up, "downtime:sum": down, "unmonitored:sum": 0, "avgresponse:mean": ms}
            for d, (up, down, ms) in zip(days, checks)]
    view = module_view(module, rows)
    up, down = sum(c[0] for c in checks), sum(c[1] for c in checks)
    assert view.headline["value"] == round(up / (up + down) * 100, 2)
    assert list(view.frame["Uptime (%)"]) == [round(u / (u + d) * 100, 2) for u, d, _ in checks]
    assert list(view.frame["Response time (ms)"]) == [round(ms) for _, _, ms in checks]


# --- containers, no data, exports, headlines ---------------------------------------------------------

def test_a_tab_links_to_a_panel_for_each_module_with_its_own_data():
    tab = modules_of("carers-allowance")["service-availability"]
    day = datetime(2014, 6, 1)
    rows = {"service-availability/30-days": [{"_start_at": day.isoformat() + "+00:00",
                                              "_end_at": (day + timedelta(days=1)).isoformat() + "+00:00",
                                              "uptime:sum": 1440, "downtime:sum": 0, "avgresponse:mean": 300}],
            "service-availability/24-hours": None}
    card = render_module(tab, None, {"path": "service-availability", "rows": rows})
    links = [li.children.children for li in find_class(card, "govuk-tabs__list pp-tabs__list").children]
    assert links == ["30 days", "24 hours"]
    assert text(find(card, "module-service-availability-30-days-figure")) == "100.00%"
    assert find(card, "module-service-availability-30-days").children[0].__class__.__name__ == "H3"
    assert "No data yet for this module (data set carers-allowance/monitoring)" in text(
        find(card, "module-service-availability-24-hours"))


@pytest.mark.parametrize("rows", [None, []], ids=["no data set", "empty"])
def test_a_module_without_data_says_so(rows):
    module = modules_of("carers-allowance")["volumetrics"]
    card = render_module(module, rows, {"path": "volumetrics"})
    assert text(find(card, "module-volumetrics-no-data")) == (
        "No data yet for this module (data set carers-allowance/transactions-by-channel).")


def test_the_export_holds_the_table_and_headlines_follow_the_modules():
    rows = answer("carers_allowance_weekly_by_channel.json")
    module = carers_volumetrics()
    export = module_export(module, rows, "Carer's Allowance", "ca-volumetrics")
    assert export.frame.equals(module_view(module, rows).frame)
    assert export.period.startswith(rows[0]["values"][0]["_start_at"][:10])
    kpis = modules_of("carers-allowance")
    found = headlines([kpis["transactions-per-year"], module], {"transactions-per-year": answer("kpi.json"),
                                                              "volumetrics": rows})
    assert [h["title"] for h in found] == ["Transactions per year"]  # a grouped chart has no single figure
    assert not math.isnan(found[0]["value"]) and re.match(r"\d+ \w+ \d{4} to", found[0]["period"])
