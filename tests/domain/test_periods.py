from datetime import date

import pytest

from domain.periods import YearEnding, add_months, parse_span


def test_a_year_ending_september_runs_from_october_to_september():
    period = YearEnding(2017, 9)
    assert (period.start, period.end, period.last_day) == (date(2016, 10, 1), date(2017, 10, 1), date(2017, 9, 30))
    assert period.label == "Year to September 2017"
    assert period.span == "October 2016 to September 2017"
    assert period.short_label == "Sep 2017"
    assert period.phrase == "year to September 2017"


def test_a_calendar_year_ends_in_december():
    period = YearEnding(2015, 12)
    assert (period.start, period.end) == (date(2015, 1, 1), date(2016, 1, 1))


@pytest.mark.parametrize("text, expected", [
    ("April 2011 to March 2012", YearEnding(2012, 3)),
    ("October 2016 to September 2017", YearEnding(2017, 9)),
    ("January 2015 to December 2015", YearEnding(2015, 12)),
    # the published file's typo: by its position this column is calendar 2014
    ("January 2014 to December 2015", YearEnding(2014, 12)),
])
def test_spans_of_the_published_file_parse_to_twelve_months(text, expected):
    assert parse_span(text) == expected


@pytest.mark.parametrize("text", ["", "2017", "2017-13", "2017-9", "Sept 2017", None])
def test_a_bad_period_id_is_refused_with_a_clear_message(text):
    with pytest.raises(ValueError, match="period must look like 2017-09"):
        YearEnding.parse(text)


def test_ids_round_trip_and_periods_order_by_time():
    assert YearEnding.parse("2017-09") == YearEnding(2017, 9)
    assert YearEnding(2017, 9).id == "2017-09"
    assert YearEnding(2016, 12) < YearEnding(2017, 3) < YearEnding(2017, 9)
    assert YearEnding(2017, 9).shifted(-3) == YearEnding(2017, 6)
    assert YearEnding.from_end(date(2018, 1, 1)) == YearEnding(2017, 12)
    assert add_months(date(2016, 11, 1), 3) == date(2017, 2, 1)
