"""validate_records: the contract's record rules, every error listed, nothing returned partially."""
import base64
import json
import math
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.records import (
    MAX_ERRORS,
    DataSetConfig,
    Record,
    RecordError,
    ValidationFailed,
    validate_records,
)

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "govuk-pp-schemas"
PLAIN = DataSetConfig("carers-allowance", "transactions-by-channel")


def schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def errors_of(body, config=PLAIN, row_numbers=None) -> list[RecordError]:
    with pytest.raises(ValidationFailed) as failure:
        validate_records(body, config, row_numbers)
    assert failure.value.errors, "a failure always lists at least one error"
    return failure.value.errors


def fields_of(errors) -> list[tuple]:
    return [(e.index, e.field) for e in errors]


# --- the body ---------------------------------------------------------------------------------

def test_one_object_is_one_record():
    records = validate_records({"channel": "digital", "count": 3}, PLAIN)
    assert records == [Record(record_id=None, timestamp=None, data={"channel": "digital", "count": 3})]


def test_a_list_of_objects_is_kept_in_order():
    records = validate_records([{"count": 1}, {"count": 2}], PLAIN)
    assert [r.data["count"] for r in records] == [1, 2]


def test_an_empty_list_is_no_records():
    assert validate_records([], PLAIN) == []


@pytest.mark.parametrize("body", ["text", 3, 2.5, True, None])
def test_a_body_that_is_not_an_object_or_list_is_one_error(body):
    errors = errors_of(body)
    assert errors == [RecordError(None, None, "the body must be a JSON object (one record) or a list of objects")]


def test_items_that_are_not_objects_are_errors_with_their_index():
    errors = errors_of([{"count": 1}, [1, 2], "x", None])
    assert fields_of(errors) == [(1, None), (2, None), (3, None)]
    assert "not a list" in errors[0].message


# --- fields and values ------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Count", "c", "1st", "count-all", "count all", "cöunt", "count\n", ""])
def test_bad_field_names_are_refused(name):
    errors = errors_of({name: 1})
    assert fields_of(errors) == [(0, name)]
    assert "lower-case letters" in errors[0].message


@pytest.mark.parametrize("name", ["ab", "count", "rating_1", "_id", "_timestamp", "a1", "number_of_digital_transactions"])
def test_good_field_names_pass(name):
    value = "2013-01-01T00:00:00Z" if name == "_timestamp" else "x"
    validate_records({name: value}, PLAIN)


@pytest.mark.parametrize("name", ["_count", "_updated_at", "_week_start_at", "__proto__"])
def test_reserved_names_cannot_be_sent(name):
    errors = errors_of({name: 1})
    assert fields_of(errors) == [(0, name)]
    assert "reserved" in errors[0].message


@pytest.mark.parametrize("value", ["text", 287, -1.5, 0, True, False, None, ""])
def test_flat_values_pass(value):
    assert validate_records({"value": value}, PLAIN)[0].data == {"value": value}


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], []])
def test_nested_values_are_refused(value):
    errors = errors_of({"value": value})
    assert fields_of(errors) == [(0, "value")]
    assert "nested" in errors[0].message


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_nan_and_infinity_are_refused(value):
    errors = errors_of({"value": value})
    assert "finite" in errors[0].message


def test_nan_from_json_loads_is_refused():
    errors = errors_of(json.loads('[{"count": NaN}, {"count": Infinity}]'))
    assert fields_of(errors) == [(0, "count"), (1, "count")]


def test_integers_beyond_what_clients_read_exactly_are_refused():
    validate_records({"count": 2**53 - 1}, PLAIN)
    assert "whole numbers" in errors_of({"count": 2**53})[0].message


def test_a_value_of_another_python_type_is_refused():
    assert "not datetime" in errors_of({"when": datetime(2013, 1, 1)})[0].message


# --- timestamps -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "sent, stored",
    [
        ("2013-01-01T00:00:00+00:00", datetime(2013, 1, 1)),
        ("2013-01-01T00:00:00Z", datetime(2013, 1, 1)),
        ("2013-01-01T01:30:00+01:00", datetime(2013, 1, 1, 0, 30)),
        ("2012-12-31T20:00:00-05:00", datetime(2013, 1, 1, 1)),
        ("2013-01-01T00:00:00.250000+00:00", datetime(2013, 1, 1, 0, 0, 0, 250000)),
    ],
)
def test_timestamps_are_stored_as_naive_utc(sent, stored):
    record = validate_records({"_timestamp": sent}, PLAIN)[0]
    assert record.timestamp == stored
    assert "_timestamp" not in record.data


@pytest.mark.parametrize(
    "value",
    ["2013-01-01", "2013-01-01T00:00:00", "01/01/2013", "yesterday", "", " 2013-01-01T00:00:00Z",
     "2013-02-30T00:00:00Z", 1356998400, None, True, "0001-01-01T00:00:00+01:00"],
)
def test_timestamps_need_iso_8601_with_an_offset(value):
    errors = errors_of({"_timestamp": value})
    assert fields_of(errors) == [(0, "_timestamp")]
    assert "ISO 8601" in errors[0].message


def test_start_and_end_are_kept_in_data_as_utc_iso_strings():
    record = validate_records(
        {"_start_at": "2013-01-01T01:00:00+01:00", "_end_at": "2013-01-08T00:00:00Z", "count": 1}, PLAIN
    )[0]
    assert record.data == {"_start_at": "2013-01-01T00:00:00+00:00", "_end_at": "2013-01-08T00:00:00+00:00", "count": 1}
    assert record.timestamp is None


def test_a_bad_end_is_an_error_on_that_field():
    assert fields_of(errors_of({"_end_at": "next week"})) == [(0, "_end_at")]


# --- ids --------------------------------------------------------------------------------------

def test_a_sent_id_is_the_record_id_and_not_data():
    record = validate_records({"_id": "2013-07-01-forms_posted", "value": 351}, PLAIN)[0]
    assert record.record_id == "2013-07-01-forms_posted"
    assert record.data == {"value": 351}


@pytest.mark.parametrize("value", ["", "   ", 17, None, True, "x" * 401])
def test_bad_ids_are_refused(value):
    errors = errors_of({"_id": value})
    assert fields_of(errors) == [(0, "_id")]


def test_an_id_of_400_characters_passes():
    assert validate_records({"_id": "x" * 400}, PLAIN)[0].record_id == "x" * 400


AUTO = DataSetConfig("carers-allowance", "transactions-by-channel", auto_ids=("_timestamp", "channel", "count"))


def decoded(record_id: str) -> str:
    return base64.urlsafe_b64decode(record_id.encode()).decode("utf-8")


def test_auto_ids_join_the_values_with_dots_in_urlsafe_base64():
    record = validate_records({"_timestamp": "2013-01-01T01:00:00+01:00", "channel": "digital", "count": 5}, AUTO)[0]
    assert decoded(record.record_id) == "2013-01-01T00:00:00+00:00.digital.5"
    assert record.record_id == base64.urlsafe_b64encode(b"2013-01-01T00:00:00+00:00.digital.5").decode()


def test_the_same_values_give_the_same_id_whatever_the_offset():
    one = validate_records({"_timestamp": "2013-01-01T00:00:00Z", "channel": "a/b?", "count": 5}, AUTO)[0]
    two = validate_records({"_timestamp": "2013-01-01T01:00:00+01:00", "channel": "a/b?", "count": 5}, AUTO)[0]
    assert one.record_id == two.record_id
    assert "/" not in one.record_id and "+" not in one.record_id


def test_auto_ids_use_non_ascii_text_as_utf8():
    config = DataSetConfig("g", "t", auto_ids=("place",))
    assert decoded(validate_records({"place": "Ynys Môn"}, config)[0].record_id) == "Ynys Môn"


def test_auto_id_fields_must_all_have_values():
    errors = errors_of([{"_timestamp": "2013-01-01T00:00:00Z", "channel": None}], AUTO)
    assert fields_of(errors) == [(0, "channel"), (0, "count")]
    assert "_timestamp, channel, count" in errors[0].message


def test_a_sent_id_wins_over_auto_ids():
    record = validate_records({"_id": "mine", "_timestamp": "2013-01-01T00:00:00Z"}, AUTO)[0]
    assert record.record_id == "mine"


# --- JSON Schema ------------------------------------------------------------------------------

BY_CHANNEL = DataSetConfig("carers-allowance", "transactions-by-channel", json_schema=schema("transactions-by-channel"))


def test_records_that_satisfy_the_schema_pass():
    records = validate_records(
        [{"_timestamp": "2013-01-07T00:00:00Z", "channel": "digital", "count": 1200, "period": "week"}], BY_CHANNEL
    )
    assert records[0].data == {"channel": "digital", "count": 1200, "period": "week"}


def test_every_schema_violation_is_reported_with_its_field():
    errors = errors_of([{"count": "many", "period": "fortnight"}, {"channel": "digital", "count": 1.5}], BY_CHANNEL)
    assert sorted(fields_of(errors), key=str) == sorted(
        [(0, "channel"), (0, "count"), (0, "period"), (1, "count")], key=str
    )
    assert all(e.message.startswith("does not match the data set's schema") for e in errors)
    assert any("'channel' is a required property" in e.message for e in errors)


def test_a_boolean_is_not_a_number_for_the_schema():
    errors = errors_of({"channel": "digital", "count": True}, BY_CHANNEL)
    assert fields_of(errors) == [(0, "count")]


def test_the_satisfaction_schema_wants_every_rating():
    config = DataSetConfig("g", "customer-satisfaction", json_schema=schema("customer-satisfaction"))
    record = {f"rating_{n}": n for n in range(1, 6)} | {"total": 15, "comments": 2, "slug": "apply"}
    validate_records(record, config)
    errors = errors_of({k: v for k, v in record.items() if k != "rating_3"}, config)
    assert fields_of(errors) == [(0, "rating_3")]


def test_the_timestamp_schema_checks_the_date_time_format():
    config = DataSetConfig("g", "t", json_schema=schema("timestamp"))
    validate_records({"_timestamp": "2013-01-01T00:00:00Z"}, config)
    fields = fields_of(errors_of({"value": 1}, config))
    assert fields == [(0, "_timestamp")]


def test_an_invalid_schema_is_one_plain_error():
    config = DataSetConfig("g", "t", json_schema={"type": "no-such-type"})
    errors = errors_of({"count": 1}, config)
    assert len(errors) == 1 and "JSON Schema is itself invalid" in errors[0].message


# --- personal data ----------------------------------------------------------------------------

def test_personal_data_is_refused_in_any_field():
    errors = errors_of(
        [
            {"channel": "digital", "note": "ask jane.smith@example.com"},
            {"postcode": "SW1A 1AA"},
            {"ni": "QQ 12 34 56 C", "dob": "1980-03-12"},
            {"card": 4111111111111111},
            {"_id": "07700 900123"},
        ]
    )
    assert fields_of(errors) == [(0, "note"), (1, "postcode"), (2, "ni"), (2, "dob"), (3, "card"), (4, "_id")]
    assert errors[0].message.startswith("looks like an email address")
    assert "personal data" in errors[0].message


def test_real_records_of_the_original_platform_pass():
    body = [
        {"_timestamp": "2013-07-01T00:00:00+00:00", "_id": "2013-07-01-property_and_financial_forms_posted",
         "comment": " From Dispatch Stats Combined + Individuals", "period": "day", "value": 351.0,
         "key": "property_and_financial_forms_posted", "id": "2013-07-01-property_and_financial_forms_posted"},
        {"_timestamp": "2012-10-01T00:00:00+00:00", "cost_per_transaction": 2.57, "digital_takeup": 0.9312530975876089,
         "end_at": "2013-10-01T00:00:00+00:00", "number_of_transactions": 2481770, "period": "year",
         "service_id": "bis-annual-returns", "total_cost": 6378148.899999999, "type": "seasonally-adjusted"},
    ]
    assert len(validate_records(body, PLAIN)) == 2


# --- all errors, all or nothing ---------------------------------------------------------------

def test_all_errors_of_all_records_are_listed_and_nothing_is_returned():
    errors = errors_of([{"count": 1}, {"Count": 1, "_x": 2}, {"count": 2}, {"_timestamp": "soon"}])
    assert fields_of(errors) == [(1, "Count"), (1, "_x"), (3, "_timestamp")]


def test_row_numbers_replace_indexes():
    errors = errors_of([{"count": 1}, {"_timestamp": "soon"}], row_numbers=[3, 7])
    assert fields_of(errors) == [(7, "_timestamp")]


def test_errors_are_capped_with_a_count_of_the_rest():
    errors = errors_of([{"Bad": 1}] * (MAX_ERRORS + 250))
    assert len(errors) == MAX_ERRORS + 1
    assert errors[-1] == RecordError(None, None, "250 more error(s) not listed")
    assert errors[MAX_ERRORS - 1].index == MAX_ERRORS - 1


def test_errors_serialise_for_the_api():
    assert errors_of({"Bad": 1})[0].as_dict()["field"] == "Bad"


# --- properties -------------------------------------------------------------------------------

FIELD_NAMES = st.sampled_from(["count", "channel", "period", "_timestamp", "_id", "_start_at", "Bad", "_x", "a", "dob"])
SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats()
    | st.text(max_size=20)
    | st.sampled_from(["2013-01-01T00:00:00Z", "2013-01-01", "digital", "week", "a@b.com", "SW1A 1AA"])
)
JSON_VALUES = st.recursive(
    SCALARS, lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=8,
)
RECORDS = st.dictionaries(FIELD_NAMES, SCALARS | JSON_VALUES, max_size=5)
BODIES = st.lists(RECORDS | JSON_VALUES, max_size=6) | RECORDS | JSON_VALUES
CONFIGS = st.sampled_from(
    [PLAIN, AUTO, BY_CHANNEL, DataSetConfig("g", "t", json_schema=schema("timestamp"), auto_ids=("_timestamp",))]
)


def outcome(body, config):
    """The records, or the errors; any other exception fails the test."""
    try:
        return validate_records(body, config), None
    except ValidationFailed as failure:
        assert failure.errors and all(isinstance(e, RecordError) and e.message for e in failure.errors)
        return None, failure.errors


@given(BODIES, CONFIGS)
@settings(max_examples=300, deadline=None)
def test_any_body_gives_records_or_errors_with_messages(body, config):
    outcome(body, config)


@given(st.lists(RECORDS, max_size=6), CONFIGS)
@settings(max_examples=200, deadline=None)
def test_a_body_passes_only_if_every_record_passes_and_then_whole(body, config):
    records, errors = outcome(body, config)
    alone = [outcome(item, config)[1] is None for item in body]
    if all(alone):
        assert records is not None and len(records) == len(body)
    else:
        assert records is None
        assert {e.index for e in errors if e.index is not None} == {i for i, ok in enumerate(alone) if not ok}


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_any_json_text_gives_records_or_errors(text):
    try:
        body = json.loads(text)
    except ValueError:
        return
    outcome(body, PLAIN)
