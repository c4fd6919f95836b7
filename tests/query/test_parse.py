"""The read query's parameters: every rule of docs/data-api.md "Read", one message per mistake."""
from datetime import datetime
from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from query.parse import PARAMETERS, Collect, InvalidQuery, Query, add_periods, parse_query, periods_end

NOW = datetime(2026, 11, 29, 10, 30)  # a Sunday


def parse(text: str, now: datetime = NOW) -> Query:
    return parse_query(parse_qsl(text, keep_blank_values=True), now=now)


def refused(text: str) -> str:
    with pytest.raises(InvalidQuery) as error:
        parse(text)
    return error.value.message


def test_no_parameters_is_a_raw_query():
    assert parse("") == Query()
    assert parse("").shape == "raw"


def test_start_and_end_at_become_naive_utc():
    query = parse("start_at=2014-01-06T00:00:00Z&end_at=2014-02-03T01:00:00%2B01:00")
    assert query.start_at == datetime(2014, 1, 6)
    assert query.end_at == datetime(2014, 2, 3)
    assert not query.inclusive


def test_an_unencoded_plus_in_the_offset_still_parses():
    assert parse("start_at=2014-01-06T00:00:00+00:00").start_at == datetime(2014, 1, 6)


@pytest.mark.parametrize("text, message", [
    ("start_at=yesterday", "'start_at' is not an ISO 8601 datetime: 'yesterday'"),
    ("end_at=2014-13-01T00:00:00Z", "'end_at' is not an ISO 8601 datetime: '2014-13-01T00:00:00Z'"),
    ("start_at=2014-01-06T00:00:00", "'start_at' needs a UTC offset or Z, as in 2014-01-06T00:00:00Z: "
                                     "'2014-01-06T00:00:00'"),
    ("start_at=", "'start_at' is not an ISO 8601 datetime: ''"),
])
def test_datetimes_must_be_iso_8601_with_an_offset(text, message):
    assert refused(text) == message


def test_start_at_must_come_before_end_at():
    assert refused("start_at=2014-02-01T00:00:00Z&end_at=2014-01-01T00:00:00Z") == "'start_at' must be before 'end_at'"
    assert refused("start_at=2014-01-01T00:00:00Z&end_at=2014-01-01T00:00:00Z") == "'start_at' must be before 'end_at'"
    assert parse("start_at=2014-01-01T00:00:00Z&end_at=2014-01-01T00:00:00Z&inclusive=true").inclusive


def test_inclusive_needs_end_at_and_true_or_false():
    assert parse("end_at=2014-01-01T00:00:00Z&inclusive=true").inclusive
    assert refused("inclusive=true") == "'inclusive' needs 'end_at'"
    assert refused("end_at=2014-01-01T00:00:00Z&inclusive=yes") == "'inclusive' must be true or false, not 'yes'"


@pytest.mark.parametrize("period", ["hour", "day", "week", "month", "quarter", "year"])
def test_every_period_is_known(period):
    assert parse(f"period={period}").period == period


def test_an_unknown_period_is_refused():
    assert refused("period=fortnight") == "'period' must be one of hour, day, week, month, quarter, year"


def test_unknown_and_repeated_parameters_are_refused():
    assert refused("colour=red").startswith("unknown parameter 'colour'; known parameters: start_at, end_at")
    assert refused("period=week&period=day") == "'period' may be given only once"


def test_group_by_repeats_in_order():
    assert parse("group_by=channel&group_by=region").group_by == ("channel", "region")


@pytest.mark.parametrize("text, message", [
    ("group_by=_timestamp", "'group_by' cannot be an internal field: '_timestamp'"),
    ("group_by=Channel", "'group_by' is not a valid field name (2 or more of a-z, 0-9 and _, starting with a letter or _): "
                         "'Channel'"),
    ("group_by=a", "'group_by' is not a valid field name (2 or more of a-z, 0-9 and _, starting with a letter or _): 'a'"),
    ("group_by=channel&group_by=channel", "'group_by' repeats 'channel'"),
])
def test_group_by_names_a_field_of_the_records(text, message):
    assert refused(text) == message


def test_filters_are_field_value_pairs_anded():
    query = parse("filter_by=channel:digital&filter_by=region:north:east")
    assert query.filter_by == (("channel", "digital"), ("region", "north:east"))
    assert parse("filter_by_prefix=key:ca_").filter_by_prefix == (("key", "ca_"),)


@pytest.mark.parametrize("text, message", [
    ("filter_by=channel", "'filter_by' must be field:value, as in channel:digital, not 'channel'"),
    ("filter_by=_id:abc", "'filter_by' cannot be an internal field: '_id'"),
    ("filter_by_prefix=Key:ca", "'filter_by_prefix' is not a valid field name (2 or more of a-z, 0-9 and _, starting with a "
                                "letter or _): 'Key'"),
    ("filter_by=channel:digital&filter_by_prefix=key:ca", "use either 'filter_by' or 'filter_by_prefix', not both"),
])
def test_filter_mistakes(text, message):
    assert refused(text) == message


def test_collect_defaults_to_set_and_keys_are_field_method():
    query = parse("period=week&collect=value&collect=value:sum&collect=value:sum&collect=rating:mean")
    assert query.collect == (Collect("value", "set"), Collect("value", "sum"), Collect("rating", "mean"))
    assert [collect.key for collect in query.collect] == ["value:set", "value:sum", "rating:mean"]


@pytest.mark.parametrize("text, message", [
    ("collect=value:sum", "'collect' needs 'group_by' or 'period'"),
    ("period=week&collect=value:max", "'collect' method must be one of sum, count, mean, set, not 'max'"),
    ("period=week&collect=_count", "'collect' cannot be an internal field: '_count'"),
    ("group_by=channel&collect=channel:count", "cannot collect 'channel': it is a 'group_by' field"),
])
def test_collect_mistakes(text, message):
    assert refused(text) == message


def test_sort_by():
    assert parse("group_by=channel&sort_by=_count:descending").sort_by == ("_count", "descending")
    assert parse("group_by=channel&collect=value:sum&sort_by=value:sum:ascending").sort_by == \
        ("value:sum", "ascending")
    assert parse("sort_by=_timestamp:descending").sort_by == ("_timestamp", "descending")
    assert parse("sort_by=value:ascending").sort_by == ("value", "ascending")


@pytest.mark.parametrize("text, message", [
    ("sort_by=value", "'sort_by' must be field:ascending or field:descending, not 'value'"),
    ("sort_by=value:up", "'sort_by' must be field:ascending or field:descending, not 'value:up'"),
    ("period=week&sort_by=_count:descending", "'sort_by' needs 'group_by': 'period' answers are always in time order"),
    ("group_by=channel&sort_by=region:ascending", "'sort_by' must be a 'group_by' field, _count or a collected key, "
                                                  "not 'region'"),
    ("group_by=channel&collect=value&sort_by=value:ascending", "'sort_by' cannot sort by a set of values: 'value'"),
    ("sort_by=_count:ascending", "'sort_by' of records must be a field, _timestamp or _id, not '_count'"),
])
def test_sort_by_mistakes(text, message):
    assert refused(text) == message


def test_limit():
    assert parse("limit=5").limit == 5
    assert parse("group_by=channel&period=week&limit=2").limit == 2
    assert parse("limit=0").limit is None  # 0 = no limit, as in Backdrop
    assert refused("limit=-1") == "'limit' must be a whole number of 0 or more, not '-1'"
    assert refused("limit=ten") == "'limit' must be a whole number of 0 or more, not 'ten'"
    assert refused("period=week&limit=2") == "a 'period' query can have a 'limit' only when it also has 'group_by'"


def test_flatten_needs_group_by_and_period():
    assert parse("group_by=channel&period=week&flatten=true").flatten
    assert refused("group_by=channel&flatten=true") == "'flatten' needs both 'group_by' and 'period'"
    assert refused("group_by=channel&period=week&flatten=1") == "'flatten' must be true or false, not '1'"


def test_format():
    assert parse("format=csv").format == "csv"
    assert refused("format=xml") == "'format' must be csv or json, not 'xml'"


@pytest.mark.parametrize("text, start, end", [
    ("period=week&duration=3&start_at=2014-01-08T12:00:00Z", datetime(2014, 1, 6), datetime(2014, 1, 27)),
    ("period=week&duration=3&end_at=2014-01-27T00:00:00Z", datetime(2014, 1, 6), datetime(2014, 1, 27)),
    ("period=month&duration=2&end_at=2014-01-15T00:00:00Z", datetime(2013, 11, 1), datetime(2014, 1, 1)),
    ("period=quarter&duration=4&start_at=2014-05-01T00:00:00Z", datetime(2014, 4, 1), datetime(2015, 4, 1)),
    # no bounds: the periods up to and including the current one
    ("period=day&duration=7", datetime(2026, 11, 23), datetime(2026, 11, 30)),
    ("period=week&duration=2", datetime(2026, 11, 16), datetime(2026, 11, 30)),
    ("period=year&duration=1", datetime(2026, 1, 1), datetime(2027, 1, 1)),
    ("period=hour&duration=2", datetime(2026, 11, 29, 9), datetime(2026, 11, 29, 11)),
])
def test_duration_places_the_window(text, start, end):
    query = parse(text)
    assert (query.start_at, query.end_at) == (start, end)


def test_duration_remembers_its_direction():
    assert parse("period=week&duration=3&start_at=2014-01-06T00:00:00Z").duration_from == "start_at"
    assert parse("period=week&duration=3&end_at=2014-01-06T00:00:00Z").duration_from == "end_at"
    assert parse("period=week&duration=3").duration_from == "now"


@pytest.mark.parametrize("text, message", [
    ("duration=3", "'duration' needs 'period'"),
    ("period=week&duration=0", "'duration' must be a whole number of 1 or more, not '0'"),
    ("period=week&duration=3&start_at=2014-01-06T00:00:00Z&end_at=2014-02-06T00:00:00Z",
     "'duration' goes with 'start_at' or 'end_at' (or neither), not both"),
    ("period=week&duration=3&end_at=2014-01-06T00:00:00Z&inclusive=true",
     "'inclusive' cannot be used with 'duration'"),
    ("period=year&duration=10&end_at=0005-01-01T00:00:00Z",
     "the query's time window falls outside the years 1 to 9999"),
    ("period=year&end_at=9999-12-31T00:00:00Z", "the query's time window falls outside the years 1 to 9999"),
    ("period=week&start_at=0001-01-01T00:30:00%2B01:00", "'start_at' is out of range: '0001-01-01T00:30:00+01:00'"),
    ("period=hour&start_at=1900-01-01T00:00:00Z&end_at=2100-01-01T00:00:00Z",
     "the query spans 1753176 hours; at most 100000 periods can be asked for at once"),
])
def test_duration_and_window_mistakes(text, message):
    assert refused(text) == message


def test_period_arithmetic():
    assert add_periods(datetime(2014, 11, 1), "quarter", 1) == datetime(2015, 2, 1)
    assert add_periods(datetime(2014, 1, 1), "month", -13) == datetime(2012, 12, 1)
    assert periods_end(datetime(2014, 1, 6), "week") == datetime(2014, 1, 6)
    assert periods_end(datetime(2014, 1, 6), "week", inclusive=True) == datetime(2014, 1, 13)
    assert periods_end(datetime(2014, 1, 7), "week") == datetime(2014, 1, 13)


# --- property: any parameter list gives a Query or an InvalidQuery, never another exception ---------

VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["true", "false", "csv", "json", "week", "month", "hour", "0", "3", "-1", "99999999999999999999",
                     "channel", "value:sum", "value:set", "_count:descending", "channel:ascending", "key:ca_",
                     "2014-01-06T00:00:00Z", "2014-01-06T00:00:00+01:00", "0001-01-01T00:00:00+01:00",
                     "9999-12-31T23:59:59-01:00", "2014-01-06"]),
)
PAIRS = st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=10)), VALUES), max_size=8)


@settings(max_examples=400, deadline=None)
@given(PAIRS)
def test_any_parameters_give_a_query_or_a_message(pairs):
    try:
        query = parse_query(pairs, now=NOW)
    except InvalidQuery as error:
        assert error.message
    else:
        assert isinstance(query, Query)
