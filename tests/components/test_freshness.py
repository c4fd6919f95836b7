from datetime import datetime, timedelta

import pytest

from components.freshness import age_in_words, freshness

NOW = datetime(2026, 11, 29, 12, 0)


@pytest.mark.parametrize("seconds, words", [(30, "less than a minute"), (60, "1 minute"), (3 * 3600 + 5, "3 hours"),
                                            (86400, "1 day"), (8 * 86400, "1 week"), (400 * 86400, "1 year")])
def test_ages_in_words(seconds, words):
    assert age_in_words(seconds) == words


def test_fresh_data_says_when_it_was_updated():
    assert freshness(NOW - timedelta(hours=3), 86400, NOW) == ("Updated 3 hours ago", False)
    assert freshness(NOW - timedelta(seconds=20), None, NOW) == ("Updated less than a minute ago", False)


def test_data_older_than_expected_is_flagged():
    text, stale = freshness(NOW - timedelta(days=3), 86400, NOW)
    assert stale and text == "Updated 3 days ago: out of date, an update was expected every 1 day"
    assert freshness(None, 3600, NOW) == ("Never updated", True)
    assert freshness(None, None, NOW) == ("Never updated", False)


def test_the_next_update_is_due_when_the_expected_age_runs_out():
    from components.freshness import next_update
    assert next_update(NOW - timedelta(hours=20), 86400, NOW) == "Next update due in 4 hours"
    assert next_update(NOW - timedelta(days=2), 86400, NOW) is None  # overdue: said by freshness()
    assert next_update(None, 86400, NOW) is None and next_update(NOW, None, NOW) is None
