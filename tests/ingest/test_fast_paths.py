"""The write path's shortcuts decide exactly as the full checks do: the quick schema pass never passes
a record the JSON Schema validator would refuse, and the privacy guard's shortcuts (no digit, a short
whole number) never let personal data through."""
import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft7Validator, Draft202012Validator

from ingest import privacy
from ingest.records import (SHORTEST_PERSONAL_NUMBER, DataSetConfig, ValidationFailed, _is_date_time,
                            _schema_validator, validate_records)
from ingest.schema_check import quick_check

SCHEMAS = sorted((Path(__file__).resolve().parents[2] / "docs" / "govuk-pp-schemas").glob("*.json"))
CHECKS = (privacy._email, privacy._birth_date, privacy._ni_number, privacy._card, privacy._phone,
          privacy._postcode)
VALUES = [None, True, False, 0, 1, -1, 5, 2**53, 1.0, 1.5, -0.0, math.nan, math.inf, "", "digital", "week",
          "2013-01-01T00:00:00Z", "2013-01-01", "not a date", [], {}, [1], {"a": 1}]


def _full(field: str, value: str):
    """Every check of the privacy guard, with no shortcut."""
    return next((reason for check in CHECKS if (reason := check(field, value))), None)


def _errors(validator, record) -> list[str]:
    return [e.message for e in validator.iter_errors(record)]


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_the_original_platforms_schemas_get_the_quick_pass(path):
    assert quick_check(json.loads(path.read_text()), _is_date_time) is not None


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.stem for p in SCHEMAS])
def test_the_quick_pass_never_passes_what_the_validator_refuses(path):
    schema = json.loads(path.read_text())
    compiled = _schema_validator(schema)
    fields = list(schema["properties"])
    base = {"_timestamp": "2013-01-01T00:00:00Z"}
    for name in fields:  # each property with every kind of value, the others valid or absent
        for value in [*VALUES, *(schema["properties"][name].get("enum") or [])]:
            for others in ({}, _valid_record(schema)):
                record = {**base, **others, name: value}
                if compiled.surely_valid(record):
                    assert _errors(compiled.validator, record) == [], (name, value)
    assert compiled.surely_valid({**base, **_valid_record(schema)})


def _valid_record(schema: dict) -> dict:
    """A record that passes the schema (built from its rules)."""
    record = {}
    for name, rules in schema["properties"].items():
        if "enum" in rules:
            record[name] = rules["enum"][0]
        elif rules.get("format") == "date-time":
            record[name] = "2013-01-01T00:00:00Z"
        elif rules.get("type") in ("integer", "number"):
            record[name] = max(rules.get("minimum", 0), min(rules.get("maximum", 10), 10))
        elif rules.get("type") == "string":
            record[name] = "text"
    return record


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["count", "channel", "period", "rating", "other"]),
                       st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8),
                                 st.sampled_from(["week", "month", "hour", "2013-01-01T00:00:00Z"]))),
       st.sampled_from([Draft4Validator, Draft7Validator, Draft202012Validator]))
def test_any_record_the_quick_pass_passes_has_no_schema_error(record, cls):
    schema = {"$schema": cls.META_SCHEMA["$schema"], "type": "object", "required": ["count"],
              "properties": {"count": {"type": "integer", "minimum": 0}, "channel": {"type": ["string", "null"]},
                             "period": {"enum": ["week", "month", 7]}, "rating": {"type": "number", "maximum": 5},
                             "other": {"type": "string", "format": "date-time"}}}
    compiled = _schema_validator(schema)
    if compiled.surely_valid(record):
        assert _errors(compiled.validator, record) == []


@pytest.mark.parametrize("schema", [
    {"type": "object", "additionalProperties": False, "properties": {"count": {"type": "integer"}}},
    {"type": "object", "properties": {"count": {"$ref": "#/definitions/n"}}, "definitions": {"n": {}}},
    {"$schema": "http://json-schema.org/draft-03/schema#", "properties": {"count": {"required": True}}},
    {"type": "object", "properties": {"count": {"type": "integer", "exclusiveMinimum": 0}}},
    {"type": "object", "properties": {"when": {"type": "string", "format": "email"}}},
    {"type": "array"},
])
def test_other_schemas_are_left_to_the_validator(schema):
    assert quick_check(schema, _is_date_time) is None


def test_errors_are_worded_by_the_validator_as_before():
    schema = json.loads((SCHEMAS[0].parent / "transactions-by-channel.json").read_text())
    config = DataSetConfig("g", "transactions-by-channel", schema)
    body = [{"_timestamp": "2013-01-01T00:00:00Z", "channel": "digital", "count": 1.5},
            {"_timestamp": "2013-01-01T00:00:00Z", "count": 3, "period": "fortnight"}]
    with pytest.raises(ValidationFailed) as failed:
        validate_records(body, config)
    assert [e.as_dict() for e in failed.value.errors] == [
        {"index": 0, "field": "count", "message": "does not match the data set's schema: 1.5 is not of type 'integer'"},
        {"index": 1, "field": "channel", "message": "does not match the data set's schema: 'channel' is a required property"},
        {"index": 1, "field": "period", "message": "does not match the data set's schema: 'fortnight' is not one of "
                                                   "['hour', 'day', 'week', 'month', 'year', 'decade', 'century']"},
    ]


@pytest.mark.parametrize("field", ["count", "dob", "date_of_birth", "card", "phone"])
def test_whole_numbers_below_eight_digits_never_look_personal(field):
    edges = [0, 1, 9, 10, 99, 1_000_000, 1_234_567, 7_700_900, 9_999_999]
    for number in [*edges, *range(0, SHORTEST_PERSONAL_NUMBER, 9_973)]:
        for value in (number, -number):
            assert _full(field, str(value)) is None, value
    assert _full("dob", str(SHORTEST_PERSONAL_NUMBER + 9_800_312)) == privacy.BIRTH_DATE  # 19800312: the bound is tight


def test_a_personal_number_is_still_refused():
    body = [{"count": 19800312, "dob": 19800312}, {"count": 4111111111111111}]
    with pytest.raises(ValidationFailed) as failed:
        validate_records(body, DataSetConfig("g", "t"))
    assert [(e.index, e.field) for e in failed.value.errors] == [(0, "dob"), (1, "count")]


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["note", "dob", "channel"]), st.text(max_size=40))
def test_the_privacy_guard_answers_as_every_check_does(field, value):
    assert privacy.find_personal_data(field, value) == _full(field, value)


@pytest.mark.parametrize("value", ["jane@example.com", "online", "Born on the fourth", "QQ CC", "digital"])
def test_text_without_digits_still_gets_the_email_check(value):
    assert privacy.find_personal_data("dob", value) == _full("dob", value)
