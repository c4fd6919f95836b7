"""Dashboard configurations: every module type validated by its schema, with clear errors."""
import json
from pathlib import Path

import pytest

from dashboards.config import MODULE_TYPES, query_pairs, validate_dashboard, validate_module

CONFIGS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "dashboard-configs").glob("*.json"))
SOURCE = {"data-group": "carers-allowance", "data-type": "transactions-by-channel",
          "query-params": {"period": "week", "group_by": "channel", "collect": ["count:sum"]}}

# a good module of every type, and a bad one with the error it must give
GOOD = {
    "kpi": {"value-attribute": "number_of_transactions", "format": {"type": "number"}},
    "single_timeseries": {"value-attribute": "count:sum"},
    "grouped_timeseries": {"value-attribute": "count:sum", "category": "channel", "use_stack": True,
                           "one-hundred-percent": True},
    "completion_rate": {"value-attribute": "count:sum", "matching-attribute": "stage",
                        "numerator-matcher": "^done$", "denominator-matcher": "^start$"},
    "user_satisfaction_graph": {"value-attribute": "score", "total-attribute": "num_responses"},
    "user_satisfaction": {"value-attribute": "score"},
    "journey": {"value-attribute": "count:sum", "matching-attribute": "stage"},
    "bar_chart_with_number": {"value-attribute": "number_of_transactions"},
    "table": {"axes": {"x": {"key": "channel", "label": "Channel"}, "y": [{"key": "count:sum", "label": "Count"}]},
              "sort-by": "count:sum", "sort-order": "descending"},
    "list": {"label-attr": "title", "label-regex": "(.*)", "link-attr": "url"},
    "realtime": {},
    "availability": {"axis-period": "day"},
}
BAD = {
    "kpi": ({"value-attribute": 5, "format": {"type": "number"}}, "5 is not of type 'string'"),
    "single_timeseries": ({"value-attribute": "x", "colour": "red"}, "Additional properties are not allowed"),
    "grouped_timeseries": ({"value-attribute": "x", "use_stack": "yes"}, "'yes' is not of type 'boolean'"),
    "journey": ({"matching-attribute": 5}, "5 is not of type 'string'"),
    "table": ({"sort-by": "count:sum", "sort-order": "upwards"}, "'upwards' is not one of"),
    "availability": ({"axis-period": "fortnight"}, "is not one of"),
}


def module(kind, options, **extra):
    return {"slug": f"a-{kind.replace('_', '-')}", "module-type": kind, "title": f"A {kind}",
            "data-source": SOURCE, **options, **extra}


@pytest.mark.parametrize("kind", [k for k in MODULE_TYPES if k not in ("tab", "section")])
def test_a_good_module_of_every_type_is_valid(kind):
    assert validate_module(module(kind, GOOD[kind]), "$") == []


@pytest.mark.parametrize("kind", sorted(BAD))
def test_a_bad_module_says_where_and_why(kind):
    options, message = BAD[kind]
    errors = validate_module(module(kind, options), "$.modules[0]")
    assert errors and any(message in e.message for e in errors), errors
    assert all(e.path.startswith("$.modules[0]") for e in errors)


def test_tabs_and_sections_hold_valid_modules():
    tab = {"slug": "tabs", "module-type": "tab", "title": "Tabs",
           "tabs": [module("kpi", GOOD["kpi"]), module("kpi", {"format": {}})]}
    errors = validate_module(tab, "$.modules[2]")
    assert [e.path for e in errors] == ["$.modules[2].tabs[1].value-attribute"] or any(
        e.path.startswith("$.modules[2].tabs[1]") for e in errors)
    section = {"slug": "s", "module-type": "section", "title": "Section", "modules": []}
    assert "holds a list of modules" in validate_module(section, "$")[0].message


def test_unknown_type_and_bad_data_source():
    assert "must be one of" in validate_module({"module-type": "pie"}, "$")[0].message
    errors = validate_module(module("kpi", GOOD["kpi"], **{"data-source": {"data-group": "Bad"}}), "$")
    assert {e.path for e in errors} >= {"$.data-source.data-group", "$.data-source.data-type"}


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_the_six_real_dashboards_are_valid(path):
    assert validate_dashboard(json.loads(path.read_text())) == []


def test_a_dashboard_needs_slug_title_and_distinct_module_slugs():
    errors = validate_dashboard({"slug": "Not a slug", "dashboard-type": "x",
                                 "modules": [module("kpi", GOOD["kpi"]), module("kpi", GOOD["kpi"])]})
    assert {e.path for e in errors} == {"$.slug", "$.title", "$.dashboard-type", "$.modules"}


def test_query_pairs_repeat_list_parameters():
    assert query_pairs(module("kpi", GOOD["kpi"])) == [("period", "week"), ("group_by", "channel"),
                                                        ("collect", "count:sum")]
