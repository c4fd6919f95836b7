"""Comparison charts: each frame is what is plotted, tabulated and exported; gaps stay gaps."""
import math

import pandas as pd
import pytest

from components.compare_charts import (PERIOD_COLUMNS, Compared, channel_share_frame, effective_mode,
                                       measure_figure, measure_frame, measure_summary, mode_note, rank_column,
                                       ranking_frame, ranking_summary, series_frame, value_column)
from domain.metrics import kpis
from domain.periods import YearEnding
from domain.suppression import SUPPRESSED, numeric

Y14, Y15, Y16, Y17 = (YearEnding(y, 9) for y in (2014, 2015, 2016, 2017))
PERIODS = [Y14, Y15, Y16, Y17]


def service(name, rows, channels=None):
    """rows: period -> (volume, digital, cost per transaction, started, completed)."""
    records = [{"period": p, "volume": v, "channel_volume": v, "digital_volume": d, "costed_volume": v,
                "total_cost": v * c, "started": s, "completed": done, "rating_5": 10.0, "rating_1": 10.0}
               for p, (v, d, c, s, done) in rows.items()]
    volumes = pd.DataFrame(channels or [], columns=["period", "channel", "volume"])
    return Compared(name.lower().replace(" ", "-"), name, kpis(pd.DataFrame(records)), volumes)


@pytest.fixture
def big():
    return service("Big service", {Y14: (1000.0, 500.0, 2.0, 100.0, 80.0), Y15: (1200.0, 600.0, 1.8, 100.0, 90.0),
                                   Y16: (900.0, 600.0, 2.1, 100.0, 85.0), Y17: (1500.0, 1200.0, 1.5, 100.0, 95.0)},
                   [(Y16, "digital", 600.0), (Y16, "phone", 300.0), (Y17, "digital", 1200.0),
                    (Y17, "phone", 200.0), (Y17, "paper", 100.0)])


@pytest.fixture
def patchy():
    """Reports only two of the four years."""
    return service("Patchy service", {Y15: (400.0, 100.0, 5.0, 50.0, 40.0), Y17: (600.0, 300.0, 4.0, 50.0, 45.0)},
                   [(Y17, "digital", 300.0), (Y17, "phone", 300.0)])


def test_values_a_row_per_period_a_column_per_service_and_gaps_where_a_service_reports_nothing(big, patchy):
    frame = series_frame([big, patchy], PERIODS, "transactions", "absolute")
    assert list(frame.columns) == PERIOD_COLUMNS + ["Big service", "Patchy service"]
    assert list(frame["Year ending"]) == ["Sep 2014", "Sep 2015", "Sep 2016", "Sep 2017"]
    assert list(frame["Big service"]) == [1000.0, 1200.0, 900.0, 1500.0]
    patchy_values = list(frame["Patchy service"])
    assert math.isnan(patchy_values[0]) and math.isnan(patchy_values[2])  # gaps, never 0
    assert patchy_values[1] == 400.0 and patchy_values[3] == 600.0


def test_rates_are_percentages_and_costs_pounds(big):
    take_up = series_frame([big], PERIODS, "digital_take_up", "absolute")
    assert list(take_up["Big service"]) == [50.0, 50.0, 66.67, 80.0]  # 600 / 900 = 66.67%
    cost = series_frame([big], PERIODS, "cost_per_transaction", "absolute")
    assert list(cost["Big service"]) == pytest.approx([2.0, 1.8, 2.1, 1.5])


def test_indexed_each_service_from_its_own_first_year_with_a_figure(big, patchy):
    frame = series_frame([big, patchy], PERIODS, "transactions", "indexed")
    assert list(frame["Big service"]) == [100.0, 120.0, 90.0, 150.0]
    patchy_values = list(frame["Patchy service"])
    assert math.isnan(patchy_values[0]) and math.isnan(patchy_values[2])
    assert patchy_values[1] == 100.0 and patchy_values[3] == 150.0  # 600 / 400
    # a rate is indexed from its unrounded value: 600/900 over 500/1000
    take_up = series_frame([big], PERIODS, "digital_take_up", "indexed")
    assert list(take_up["Big service"]) == [100.0, 100.0, round(600 / 900 / 0.5 * 100, 2), 160.0]


def test_the_range_decides_the_first_year_shown(big):
    frame = series_frame([big], [Y16, Y17], "transactions", "indexed")
    assert list(frame["Big service"]) == [100.0, round(1500 / 900 * 100, 2)]


def test_the_figure_plots_exactly_the_frame_on_one_axis_with_gaps(big, patchy):
    for mode in ("absolute", "indexed"):
        frame = measure_frame([big, patchy], PERIODS, "transactions", mode)
        figure = measure_figure(frame, ["Big service", "Patchy service"], PERIODS, "transactions", mode)
        assert [t.name for t in figure.data] == ["Big service", "Patchy service"]
        for trace in figure.data:
            assert list(trace.x) == list(frame["Year ending"])
            assert [None if math.isnan(v) else v for v in trace.y] == \
                   [None if math.isnan(v) else v for v in numeric(frame[trace.name])]
            assert trace.connectgaps is False
        # told apart by line style and marker as well as colour
        assert figure.data[0].line.dash != figure.data[1].line.dash
        assert figure.data[0].marker.symbol != figure.data[1].marker.symbol
    assert figure.layout.yaxis.title.text == "Index (first year shown = 100)"


def test_small_counts_are_suppressed_and_so_is_what_is_made_of_them(big):
    tiny = service("Tiny service", {Y16: (40.0, 20.0, 3.0, 10.0, 9.0), Y17: (3.0, 1.0, 3.0, 10.0, 9.0)})
    frame = series_frame([big, tiny], PERIODS, "transactions", "absolute")
    assert frame["Tiny service"].iloc[3] == SUPPRESSED
    assert series_frame([tiny], PERIODS, "digital_take_up", "absolute")["Tiny service"].iloc[3] == SUPPRESSED
    indexed = series_frame([tiny], PERIODS, "transactions", "indexed")["Tiny service"]
    assert indexed.iloc[2] == 100.0 and indexed.iloc[3] == SUPPRESSED
    figure = measure_figure(frame, ["Big service", "Tiny service"], PERIODS, "transactions", "absolute")
    assert math.isnan(figure.data[1].y[3])  # a gap in the chart, "suppressed" in the table and exports


def test_share_of_channel_is_each_services_mix_adding_up_to_100(big, patchy):
    frame = channel_share_frame([big, patchy], PERIODS)
    assert list(frame.columns) == PERIOD_COLUMNS + ["Service", "Digital (%)", "Phone (%)", "Paper (%)"]
    assert list(zip(frame["Year ending"], frame["Service"])) == [
        ("Sep 2016", "Big service"), ("Sep 2017", "Big service"), ("Sep 2017", "Patchy service")]
    assert frame.iloc[1][["Digital (%)", "Phone (%)", "Paper (%)"]].tolist() == [80.0, 13.33, 6.67]
    assert frame.iloc[2]["Digital (%)"] == 50.0 and math.isnan(frame.iloc[2]["Paper (%)"])
    figure = measure_figure(frame, ["Big service", "Patchy service"], PERIODS, "transactions", "share",
                            illustrative={"Phone", "Paper"})
    assert figure.layout.barmode == "stack"
    assert [t.name for t in figure.data if t.showlegend] == ["Digital", "Phone (illustrative)", "Paper (illustrative)"]
    assert list(figure.data[0].x) == ["Sep 2014", "Sep 2015", "Sep 2016", "Sep 2017"]
    assert [None if math.isnan(v) else v for v in figure.data[0].y] == [None, None, 66.67, 80.0]
    assert measure_summary(frame, ["Big service", "Patchy service"], PERIODS, "transactions", "share").startswith(
        "In the year to September 2017, the digital share of transactions was 80.0% for Big service and 50.0% "
        "for Patchy service.")


def test_share_of_channel_means_values_for_the_measures_that_are_not_volumes(big):
    assert effective_mode("transactions", "share") == "share"
    assert effective_mode("cost_per_transaction", "share") == "absolute"
    assert effective_mode("digital_take_up", "nonsense") == "absolute"
    assert "not a share of channel" in mode_note("cost_per_transaction", "share")
    assert mode_note("transactions", "share") is None and mode_note("completion_rate", "indexed") is None
    frame = measure_frame([big], PERIODS, "completion_rate", "share")
    assert list(frame["Big service"]) == [80.0, 90.0, 85.0, 95.0]


def test_summary_names_the_leader_and_each_services_change(big, patchy):
    frame = series_frame([big, patchy], PERIODS, "cost_per_transaction", "absolute")
    text = measure_summary(frame, ["Big service", "Patchy service"], PERIODS, "cost_per_transaction", "absolute")
    assert text == ("In the year to September 2017, Big service had the lowest cost per transaction: £1.50. "
                    "Big service went from £2.00 in the year to September 2014 to £1.50 in the year to "
                    "September 2017 (down 25.0%); Patchy service went from £5.00 in the year to September 2015 "
                    "to £4.00 in the year to September 2017 (down 20.0%).")
    indexed = series_frame([big, patchy], PERIODS, "transactions", "indexed")
    assert measure_summary(indexed, ["Big service", "Patchy service"], PERIODS, "transactions", "indexed").startswith(
        "Each service's first year with a figure in the range is 100. In the year to September 2017, "
        "Big service and Patchy service had the highest index: 150.0.")


def test_summary_says_which_services_have_nothing_in_the_range(big, patchy):
    frame = series_frame([big, patchy], [Y14, Y16], "transactions", "absolute")
    text = measure_summary(frame, ["Big service", "Patchy service"], [Y14, Y16], "transactions", "absolute")
    assert text.startswith("In the year to September 2016 only Big service has a figure: 900.")
    assert text.endswith("Patchy service has no figures to show in this range.")


def test_ranking_puts_the_best_first_on_each_measure(big, patchy):
    frame = ranking_frame([patchy, big], Y17, "transactions", {"completion_rate"})
    assert list(frame["Service"]) == ["Big service", "Patchy service"]
    assert frame[value_column("transactions")].tolist() == [1500.0, 600.0]
    assert frame[rank_column("transactions")].tolist() == [1, 2]
    assert frame[rank_column("cost_per_transaction")].tolist() == [1, 2]  # £1.50 beats £4.00
    assert frame[value_column("completion_rate", {"completion_rate"})].tolist() == [95.0, 90.0]
    by_take_up = ranking_frame([patchy, big], Y17, "digital_take_up")
    assert by_take_up[rank_column("digital_take_up")].tolist() == [1, 2]
    text = ranking_summary(frame, Y17, {"completion_rate"})
    assert text == ("In the year to September 2017, Big service leads on transactions (1,500), digital take-up "
                    "(80.0%), cost per transaction (£1.50, the lowest) and completion rate (95.0%, illustrative); "
                    "Big service and Patchy service lead jointly on user satisfaction (50.0%).")


def test_a_service_without_figures_for_the_year_has_no_rank(big, patchy):
    frame = ranking_frame([big, patchy], Y16, "transactions")
    assert frame[rank_column("transactions")].tolist()[0] == 1
    assert math.isnan(frame[rank_column("transactions")].tolist()[1])
    text = ranking_summary(frame, Y16)
    assert text.endswith("Patchy service has no figures for that year.")


# --- the same period a year before -------------------------------------------------------------

def gaps(values) -> list:
    return [None if not isinstance(v, str) and math.isnan(v) else v for v in values]


def test_a_year_before_is_the_figure_of_the_period_that_ended_twelve_months_earlier(big, patchy):
    # the range is the last two years: the year before of Sep 2016 (Sep 2015) lies outside it, and is still read
    frame = measure_frame([big, patchy], [Y16, Y17], "transactions", "absolute", year_before=True)
    assert list(frame.columns) == PERIOD_COLUMNS + ["Big service", "Patchy service", "Big service, a year before",
                                                    "Patchy service, a year before"]
    assert gaps(frame["Big service, a year before"]) == [1200.0, 900.0]
    assert gaps(frame["Patchy service, a year before"]) == [400.0, None]  # no figure for Sep 2016: a gap, not 0
    take_up = measure_frame([big], [Y16, Y17], "digital_take_up", "absolute", year_before=True)
    assert gaps(take_up["Big service, a year before"]) == [50.0, 66.67]  # 600 / 1200, 600 / 900
    assert "Big service, a year before" not in measure_frame([big], [Y16, Y17], "transactions", "absolute")


def test_indexed_a_year_before_is_on_the_same_base_as_the_services_line(big, patchy):
    frame = measure_frame([big, patchy], [Y16, Y17], "transactions", "indexed", year_before=True)
    assert list(frame["Big service"]) == [100.0, round(1500 / 900 * 100, 2)]
    assert gaps(frame["Big service, a year before"]) == [round(1200 / 900 * 100, 2), 100.0]
    # Patchy's base is Sep 2017 (600); a year before Sep 2016 is Sep 2015 (400)
    assert gaps(frame["Patchy service, a year before"]) == [round(400 / 600 * 100, 2), None]


def test_a_suppressed_figure_a_year_before_stays_suppressed():
    tiny = service("Tiny service", {Y15: (3.0, 1.0, 3.0, 10.0, 9.0), Y16: (40.0, 20.0, 3.0, 10.0, 9.0),
                                    Y17: (50.0, 20.0, 3.0, 10.0, 9.0)})
    frame = measure_frame([tiny], [Y16, Y17], "transactions", "absolute", year_before=True)
    assert list(frame["Tiny service, a year before"]) == [SUPPRESSED, 40.0]
    figure = measure_figure(frame, ["Tiny service"], [Y16, Y17], "transactions", "absolute")
    assert gaps(figure.data[1].y) == [None, 40.0]  # a gap on the chart, "suppressed" in the table


def test_the_figure_draws_each_service_a_year_before_and_the_summary_says_so(big, patchy):
    frame = measure_frame([big, patchy], [Y16, Y17], "transactions", "absolute", year_before=True)
    names = ["Big service", "Patchy service"]
    figure = measure_figure(frame, names, [Y16, Y17], "transactions", "absolute")
    assert [t.name for t in figure.data] == names + ["Big service, a year before", "Patchy service, a year before"]
    assert gaps(figure.data[2].y) == [1200.0, 900.0] and gaps(figure.data[3].y) == [400.0, None]
    assert figure.data[2].line.color == figure.data[0].line.color  # the service's colour, hollow markers
    assert figure.data[2].marker.symbol == figure.data[0].marker.symbol + "-open"
    text = measure_summary(frame, names, [Y16, Y17], "transactions", "absolute")
    assert text.endswith("The dotted lines with hollow markers show each service in the same period a year before. "
                         "Big service: 1,500 in the year to September 2017 against 900 in the year to September "
                         "2016; Patchy service: 600 in the year to September 2017 against no figure for the year "
                         "to September 2016.")


def test_the_channel_mix_a_year_before_is_each_services_digital_share(big, patchy):
    frame = measure_frame([big, patchy], [Y16, Y17], "transactions", "share", year_before=True)
    assert list(zip(frame["Service"], gaps(frame["Digital (%), a year before"]))) == [
        ("Big service", None), ("Big service", 66.67), ("Patchy service", None)]  # 600 / 900 in Sep 2016
    figure = measure_figure(frame, ["Big service", "Patchy service"], [Y16, Y17], "transactions", "share")
    overlays = [t for t in figure.data if t.name == "Digital, a year before"]
    assert len(overlays) == 2 and gaps(overlays[0].y) == [None, 66.67] and gaps(overlays[1].y) == [None, None]
    assert measure_summary(frame, ["Big service", "Patchy service"], [Y16, Y17], "transactions", "share").endswith(
        "Big service: 80.0% in the year to September 2017 against 66.7% in the year to September 2016; "
        "Patchy service: 50.0% in the year to September 2017 against no figure for the year to September 2016.")
