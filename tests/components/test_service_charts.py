"""The chart components: the frame is what is plotted, tabulated and downloaded."""
import pandas as pd
import pytest

from components.service_charts import (channel_figure, channel_frame, channel_summary, take_up_figure,
                                       take_up_frame, take_up_summary)
from domain.metrics import kpis
from domain.periods import YearEnding

Y16, Y17 = YearEnding(2016, 9), YearEnding(2017, 9)


@pytest.fixture
def volumes():
    rows = [(Y16, "paper", 300.0), (Y16, "digital", 600.0), (Y16, "phone", 100.0),
            (Y17, "digital", 800.0), (Y17, "phone", 150.0), (Y17, "paper", 50.0)]
    return pd.DataFrame(rows, columns=["period", "channel", "volume"])


def test_channel_frame_has_a_row_per_period_and_channels_in_their_display_order(volumes):
    frame = channel_frame(volumes)
    assert list(frame.columns) == ["Year ending", "Period start", "Period end", "Digital", "Phone", "Paper", "Total"]
    assert frame.to_dict("records")[1] == {
        "Year ending": "Sep 2017", "Period start": "2016-10-01", "Period end": "2017-09-30",
        "Digital": 800.0, "Phone": 150.0, "Paper": 50.0, "Total": 1000.0}


def test_channel_figure_plots_exactly_the_frame(volumes):
    frame = channel_frame(volumes)
    figure = channel_figure(frame, "Sep 2017", illustrative={"Phone", "Paper"})
    assert [t.name for t in figure.data] == ["Digital", "Phone (illustrative)", "Paper (illustrative)"]
    for trace, column in zip(figure.data, ["Digital", "Phone", "Paper"]):
        assert list(trace.x) == ["Sep 2016", "Sep 2017"]
        assert list(trace.y) == list(frame[column])
    assert figure.layout.barmode == "stack"
    assert len(figure.layout.shapes) == 1  # the selected year is shaded


def test_channel_summary_states_the_figures_in_words(volumes):
    text = channel_summary(channel_frame(volumes), Y17)
    assert text == ("In the year to September 2017 there were 1,000 transactions: digital 80.0%, phone 15.0%, "
                    "paper 5.0%. In the year to September 2016 there were 1,000.")
    assert "No transactions are reported" in channel_summary(channel_frame(volumes), YearEnding(2015, 9))


def test_take_up_frame_figure_and_summary_agree():
    totals = pd.DataFrame({"period": [Y16, Y17], "volume": [1000.0, 1000.0], "channel_volume": [1000.0, 1000.0],
                           "digital_volume": [600.0, 800.0]})
    frame = take_up_frame(kpis(totals))
    assert list(frame["Digital take-up (%)"]) == [60.0, 80.0]
    figure = take_up_figure(frame, Y17)
    assert list(figure.data[0].y) == [60.0, 80.0]
    assert take_up_summary(frame, Y17) == ("Digital take-up was 80.0% in the year to September 2017, "
                                           "against 60.0% in the year to September 2016.")


def test_small_counts_are_suppressed_in_the_frame_the_figure_and_the_summary():
    volumes = pd.DataFrame([(Y17, "digital", 3.0), (Y17, "phone", 1.0), (Y16, "digital", 40.0),
                            (Y16, "phone", 2.0)], columns=["period", "channel", "volume"])
    frame = channel_frame(volumes)
    # phone 2 is small; digital goes too, or 42 - 40 would give it away
    assert frame["Digital"].tolist() == ["suppressed", "suppressed"]
    assert frame["Phone"].tolist() == ["suppressed", "suppressed"]
    assert frame["Total"].tolist() == [42.0, "suppressed"]
    figure = channel_figure(frame, "Sep 2017")
    assert pd.isna(figure.data[0].y[0]) and pd.isna(figure.data[1].y[1])
    assert "fewer than 5 transactions" in channel_summary(frame, Y17)
    assert "suppressed" in frame.to_csv(index=False)
