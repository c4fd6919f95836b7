"""The drill-down charts' frames, figures and summaries, from small frames worked out by hand."""
from datetime import datetime

import pandas as pd
import pytest

from components import drilldown_charts as dc
from components.year_before import add_year_before
from components.palette import CATEGORICAL
from domain.metrics import kpis
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED

Y1, Y2 = YearEnding(2015, 9), YearEnding(2017, 9)


def volumes(rows):
    return pd.DataFrame(rows, columns=["period", "channel", "volume"])


REPORTING = pd.DataFrame({"period": [Y1, Y2], "transactions": [3, 2], "ratings": [3, 1], "started": [2, 2]})


# --- channels ---------------------------------------------------------------------------------------

def test_volume_and_share_frames_add_up_and_hide_small_counts():
    frame = dc.channel_volume_frame(volumes([
        (Y1, "digital", 600), (Y1, "phone", 300), (Y1, "paper", 100),
        (Y2, "digital", 900), (Y2, "phone", 3), (Y2, "paper", 97)]), REPORTING)
    assert list(frame.columns) == ["Year ending", "Period start", "Period end", "Services reporting",
                                   "Digital", "Phone", "Paper", "Total"]
    assert list(frame["Services reporting"]) == [3, 2]
    assert list(frame.iloc[0, 4:]) == [600, 300, 100, 1000]
    # 3 phone calls are hidden, and the next smallest part with them, so neither can be worked out
    assert list(frame.iloc[1, 4:]) == [900, SUPPRESSED, SUPPRESSED, 1000]
    shares = dc.channel_share_frame(frame)
    assert list(shares.iloc[0, 4:]) == [60.0, 30.0, 10.0]
    assert list(shares.iloc[1, 4:]) == [90.0, SUPPRESSED, SUPPRESSED]


def test_the_volume_figure_names_channels_and_starts_with_the_selected_one_alone():
    frame = dc.channel_volume_frame(volumes([(Y1, "digital", 600), (Y1, "phone", 400)]), REPORTING)
    figure = dc.channel_volume_figure(frame, False, "phone", {"Phone"})
    assert [t.name for t in figure.data] == ["Digital", "Phone (illustrative)"]
    assert [t.meta for t in figure.data] == ["digital", "phone"]
    assert [t.visible for t in figure.data] == ["legendonly", True]
    assert figure.layout.barmode == "stack" and figure.layout.legend.itemclick == "toggleothers"
    percent = dc.channel_volume_figure(dc.channel_share_frame(frame), True, None)
    assert list(percent.data[0].y) == [60.0] and all(t.visible is True for t in percent.data)


@pytest.mark.parametrize("restyle, current, expected", [
    ([{"visible": [True, "legendonly", "legendonly"]}, [0, 1, 2]], None, "digital"),  # isolate digital
    ([{"visible": [True, True, True]}, [0, 1, 2]], "digital", None),  # the isolated one clicked again
    ([{"visible": ["legendonly", True]}, [0, 2]], "digital", "paper"),  # another isolated
    ([{"visible": ["legendonly"]}, [1]], None, None),  # one of three hidden: no single channel
    (None, "phone", "phone"),
])
def test_legend_clicks_choose_the_channel_left_showing(restyle, current, expected):
    assert dc.legend_choice(restyle, ["digital", "phone", "paper"], current) == expected


def test_a_clicked_bar_names_its_channel():
    assert dc.clicked_channel({"points": [{"x": "Sep 2017", "customdata": "paper"}]}) == "paper"
    assert dc.clicked_channel(None) is None and dc.clicked_channel({"points": []}) is None


def test_shift_between_two_years_in_percentage_points():
    data = volumes([(Y1, "digital", 600), (Y1, "phone", 400), (Y2, "digital", 900), (Y2, "phone", 100)])
    frame = dc.shift_frame(data, Y1, Y2)
    assert list(frame["Channel"]) == ["Digital", "Phone"]
    assert list(frame["Share, Sep 2015 (%)"]) == [60.0, 40.0]
    assert list(frame["Share, Sep 2017 (%)"]) == [90.0, 10.0]
    assert list(frame[dc.SHIFT]) == [30.0, -30.0]
    summary = dc.shift_summary(frame, Y1, Y2, 2)
    assert summary.startswith("Counting the 2 services that reported transactions in both years")
    assert "digital's share rose by 30.0 percentage points, from 60.0% to 90.0%" in summary
    assert "phone's share fell by 30.0 percentage points, from 40.0% to 10.0%" in summary
    phone = dc.shift_frame(data, Y1, Y2, "phone")
    assert list(phone["Channel"]) == ["Phone"] and list(phone[dc.SHIFT]) == [-30.0]
    figure = dc.shift_figure(frame)
    assert list(figure.data[0].y) == [30.0, -30.0] and list(figure.data[0].customdata) == ["digital", "phone"]
    assert list(figure.data[0].text) == ["+30.0", "-30.0"]


def test_kpi_line_for_all_channels_or_one():
    frame = dc.channel_volume_frame(volumes([(Y2, "digital", 900), (Y2, "phone", 100)]), REPORTING)
    assert dc.channel_kpi_text(frame, Y2, None) == (
        "All channels: 1,000 transactions in the year to September 2017 (2 services reporting).")
    assert dc.channel_kpi_text(frame, Y2, "phone") == (
        "Phone: 100 transactions in the year to September 2017, 10.0% of all 1,000 (2 services reporting).")


# --- satisfaction -------------------------------------------------------------------------------------

def ratings(rows):
    """Totals per period as scope_figures gives them: (period, [count of 1..5])."""
    frame = pd.DataFrame({"period": [p for p, _ in rows],
                          **{f"rating_{r}": [c[r - 1] for _, c in rows] for r in range(1, 6)}})
    return kpis(frame)


def test_ratings_frame_shares_and_suppression():
    figures = ratings([(Y1, [10, 20, 30, 40, 100]), (Y2, [2, 10, 20, 30, 38])])
    frame = dc.ratings_frame(figures, REPORTING)
    assert list(frame["Responses"]) == [200, 100]
    assert list(frame.iloc[0, 5:]) == [5.0, 10.0, 15.0, 20.0, 50.0]
    # two "very dissatisfied" are hidden with the next smallest rating, and their shares too
    assert list(frame.iloc[1, 5:]) == [SUPPRESSED, SUPPRESSED, 20.0, 30.0, 38.0]
    figure = dc.ratings_figure(frame)
    assert [t.name for t in figure.data] == ["1 Very dissatisfied", "2 Dissatisfied",
                                             "3 Neither satisfied nor dissatisfied", "4 Satisfied", "5 Very satisfied"]
    assert [t.marker.color for t in figure.data] == CATEGORICAL[:5]
    assert "100 people answered (1 service reporting)" in dc.ratings_summary(frame)
    assert "2 ratings suppressed" in dc.ratings_summary(frame)


def test_score_frame_flags_years_with_few_responses():
    figures = ratings([(Y1, [10, 20, 30, 40, 100]), (Y2, [0, 0, 10, 20, 20])])
    frame = dc.score_frame(figures, REPORTING)
    mean = (10 * 1 + 20 * 2 + 30 * 3 + 40 * 4 + 100 * 5) / 200
    assert frame["User satisfaction (%)"].iloc[0] == round((mean - 1) / 4 * 100, 2)
    assert list(frame[dc.FEW]) == ["no", "yes"]  # 50 responses < MIN_RESPONSES
    assert dc.few_responses(frame) == ["Sep 2017"]
    warning = dc.few_responses_warning(frame)
    assert warning.startswith(f"Fewer than {dc.MIN_RESPONSES} people answered in 1 of the 2 years shown (Sep 2017)")
    figure = dc.score_figure(frame)
    assert list(figure.data[0].marker.symbol) == ["circle", "circle-open"]
    assert list(figure.data[1].y) == [200, 50]
    assert dc.few_responses_warning(dc.score_frame(ratings([(Y1, [10, 20, 30, 40, 100])]), REPORTING)) is None


def test_a_score_from_a_handful_of_people_is_suppressed():
    frame = dc.score_frame(ratings([(Y2, [0, 0, 1, 1, 1])]), REPORTING)
    assert frame["Responses"].iloc[0] == SUPPRESSED and frame["User satisfaction (%)"].iloc[0] == SUPPRESSED
    assert dc.score_summary(frame) == "No satisfaction score can be shown for this scope: too few people answered."


# --- completion ---------------------------------------------------------------------------------------

def test_completion_rate_frame_and_summary():
    figures = kpis(pd.DataFrame({"period": [Y1, Y2], "started": [1000, 2000], "completed": [700, 1700]}))
    frame = dc.completion_rate_frame(figures, REPORTING)
    assert list(frame["Completion rate (%)"]) == [70.0, 85.0]
    assert dc.completion_summary(frame) == (
        "In the year to September 2017, 1,700 of 2,000 digital transactions started were completed: 85.0% "
        "(2 services reporting); in the year to September 2015 it was 70.0% (2 services reporting).")
    figure = dc.completion_figure(frame)
    assert [t.name for t in figure.data] == ["Completion rate", "Started", "Completed"]


def test_steps_follow_their_numbers_then_size():
    assert dc.stage_order({"10-done": 5, "2-details": 50, "1-start": 80, "help": 3, "faq": 9}) == [
        "1-start", "2-details", "10-done", "faq", "help"]


def journey(rows):
    return pd.DataFrame(rows, columns=["stage", "month", "count"])


def test_funnel_frame_drop_offs_and_summary():
    october, november = datetime(2026, 10, 1), datetime(2026, 11, 1)
    counts = journey([("1-start", october, 50), ("1-start", november, 1000), ("2-details", november, 800),
                      ("3-pay", november, 500), ("4-done", november, 450)])
    assert dc.latest_month(counts) == november
    frame = dc.funnel_frame(counts, november)
    assert list(frame["Step"]) == ["1-start", "2-details", "3-pay", "4-done"]
    assert list(frame["People"]) == [1000, 800, 500, 450]
    assert list(frame["Share of first step (%)"]) == [100.0, 80.0, 50.0, 45.0]
    assert list(frame["Drop-off from previous step"])[1:] == [200, 300, 50]
    assert list(frame["Drop-off from previous step (%)"])[1:] == [20.0, 37.5, 10.0]
    summary = dc.funnel_summary(frame, "November 2026")
    assert "1,000 people reached the first step, “1-start”, and 450 the last, “4-done”: 45.0% of them" in summary
    assert "largest drop-off was between “2-details” and “3-pay”: 300 people (37.5%)" in summary
    figure = dc.funnel_figure(frame)
    assert figure.data[0].type == "funnel" and list(figure.data[0].x) == [1000, 800, 500, 450]


def test_a_step_with_a_handful_of_people_hides_what_gives_it_away():
    november = datetime(2026, 11, 1)
    frame = dc.funnel_frame(journey([("1-start", november, 40), ("2-pay", november, 3), ("3-done", november, 2)]),
                            november)
    assert list(frame["People"]) == [40, SUPPRESSED, SUPPRESSED]
    assert list(frame["Drop-off from previous step"])[1:] == [SUPPRESSED, SUPPRESSED]
    assert list(frame["Share of first step (%)"])[1:] == [SUPPRESSED, SUPPRESSED]


# --- the same period a year before -------------------------------------------------------------------

S16, D16, S17 = YearEnding(2016, 9), YearEnding(2016, 12), YearEnding(2017, 9)
YEARLY = pd.DataFrame({"period": [S16, D16, S17], "transactions": [2, 2, 2], "ratings": [2, 2, 2],
                       "started": [2, 2, 2]})


def gaps(values) -> list:
    return [None if not isinstance(v, str) and v != v else v for v in values]


def test_channel_volumes_a_year_before_follow_the_total_or_the_channel_followed():
    frame = dc.channel_volume_frame(volumes([
        (S16, "digital", 600), (S16, "phone", 400), (D16, "digital", 700), (D16, "phone", 300),
        (S17, "digital", 900), (S17, "phone", 100)]), YEARLY)
    total = dc.with_volume_year_before(frame, False, None)
    # Sep 2017 against Sep 2016; Dec 2015 and Sep 2015 are not there: gaps, never 0
    assert gaps(total["Total, a year before"]) == [None, None, 1000]
    assert dc.channel_columns(total) == ["Digital", "Phone"]
    figure = dc.channel_volume_figure(total, False, None)
    assert [t.name for t in figure.data] == ["Digital", "Phone", "Total, a year before"]
    assert gaps(figure.data[2].y) == [None, None, 1000] and figure.data[2].line.dash == "dash"
    assert dc.volume_year_before_summary(total, False, None) == (
        " The dashed line shows the same period a year before. Transactions: 1,000 in the year to September 2017 "
        "against 1,000 in the year to September 2016.")
    shares = dc.with_volume_year_before(dc.channel_share_frame(frame), True, "phone")
    assert gaps(shares["Phone (%), a year before"]) == [None, None, 40.0]
    assert dc.volume_year_before_summary(shares, True, "phone").endswith(
        "Phone share: 10.0% in the year to September 2017 against 40.0% in the year to September 2016.")
    assert dc.volume_year_before_summary(frame, False, None) == ""  # not asked for: nothing said


def test_a_year_before_over_other_services_says_how_many_each_year_counts():
    """A scope's total a year before may add up other services (some stop or start reporting): the
    sentence names the count of each year when they differ, and only then."""
    reporting = YEARLY.assign(transactions=[700, 650, 414])
    frame = dc.channel_volume_frame(volumes([(S16, "digital", 3000), (D16, "digital", 2500), (S17, "digital", 1000)]),
                                    reporting)
    total = dc.with_volume_year_before(frame, False, None)
    assert dc.volume_year_before_summary(total, False, None) == (
        " The dashed line shows the same period a year before. Transactions: 1,000 in the year to September 2017 "
        "(414 services reporting) against 3,000 in the year to September 2016 (700 services reporting).")
    one = dc.with_volume_year_before(dc.channel_volume_frame(volumes([(S16, "digital", 30), (S17, "digital", 90)]),
                                                             YEARLY.assign(transactions=[2, 2, 1])), False, None)
    assert dc.volume_year_before_summary(one, False, None).endswith(
        "90 in the year to September 2017 (1 service reporting) against 30 in the year to September 2016 "
        "(2 services reporting).")


def test_the_score_a_year_before_is_drawn_with_the_score():
    figures = ratings([(S16, [0, 0, 0, 100, 100]), (D16, [0, 0, 100, 100, 0]), (S17, [0, 0, 0, 0, 200])])
    frame = add_year_before(dc.score_frame(figures, YEARLY), "User satisfaction (%)")
    # Sep 2016: mean 4.5, (4.5 - 1) / 4 = 87.5%; Sep 2017: 100%
    assert gaps(frame["User satisfaction (%), a year before"]) == [None, None, 87.5]
    figure = dc.score_figure(frame)
    assert [t.name for t in figure.data] == ["User satisfaction", "User satisfaction, a year before", "Responses"]
    assert figure.data[1].yaxis == "y"  # on the score's panel, not the responses'
    assert dc.score_summary(frame).endswith(
        "The dashed line shows the same period a year before: 100.0% in the year to September 2017 against 87.5% "
        "in the year to September 2016.")


def test_the_completion_rate_a_year_before_keeps_suppression_and_gaps():
    figures = kpis(pd.DataFrame({"period": [S16, D16, S17], "started": [3, 1000, 2000],
                                 "completed": [2, 700, 1700]}))
    frame = add_year_before(dc.completion_rate_frame(figures, YEARLY), dc.RATE)
    assert gaps(frame[dc.RATE + ", a year before"]) == [None, None, SUPPRESSED]  # 3 started in Sep 2016
    figure = dc.completion_figure(frame)
    assert [t.name for t in figure.data] == ["Completion rate", "Completion rate, a year before", "Started",
                                             "Completed"]
    assert gaps(figure.data[1].y) == [None, None, None]
    assert dc.completion_summary(frame).endswith(
        "85.0% in the year to September 2017 against suppressed in the year to September 2016.")
