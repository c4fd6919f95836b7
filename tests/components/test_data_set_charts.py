"""Charts of the data a service sends: monthly frames from data API answers."""
from datetime import datetime

import pandas as pd

from components.data_set_charts import channels_frame, completion_frame, latest_summary, satisfaction_frame

SEP, OCT, NOV = datetime(2026, 9, 1), datetime(2026, 10, 1), datetime(2026, 11, 1)


def test_channels_by_month_keep_empty_months_empty_not_zero():
    rows = [{"channel": "digital", "_start_at": SEP, "_end_at": OCT, "count:sum": 1200},
            {"channel": "phone", "_start_at": SEP, "_end_at": OCT, "count:sum": 300},
            {"channel": "digital", "_start_at": OCT, "_end_at": NOV, "count:sum": 1300},
            {"channel": "phone", "_start_at": OCT, "_end_at": NOV, "count:sum": None}]
    frame = channels_frame(rows)
    assert list(frame.columns) == ["Month", "Period start", "Period end", "Digital", "Phone", "Total"]
    assert frame["Month"].tolist() == ["Sep 2026", "Oct 2026"]
    assert frame["Period end"].tolist() == ["2026-09-30", "2026-10-31"]
    assert frame["Total"].tolist() == [1500.0, 1300.0] and pd.isna(frame["Phone"][1])


def test_satisfaction_score_from_monthly_rating_sums():
    rows = [{"_start_at": SEP, "_end_at": OCT, **{f"rating_{n}:sum": c for n, c in zip(range(1, 6), [10, 10, 20, 30, 30])}}]
    frame = satisfaction_frame(rows)
    # mean = (10 + 20 + 60 + 120 + 150) / 100 = 3.6 -> (3.6 - 1) / 4 = 65%
    assert frame["User satisfaction (%)"].tolist() == [65.0] and frame["Responses"].tolist() == [100.0]
    assert latest_summary(frame, "User satisfaction (%)", "User satisfaction") == (
        "User satisfaction was 65.0% in September 2026, the latest month with data.")


def test_completion_rate_and_its_suppression():
    rows = [{"_start_at": SEP, "_end_at": OCT, "started:sum": 200, "completed:sum": 150},
            {"_start_at": OCT, "_end_at": NOV, "started:sum": 4, "completed:sum": 3}]
    frame = completion_frame(rows)
    assert frame["Completion rate (%)"].tolist() == [75.0, "suppressed"]
    assert frame["Started"].tolist() == [200.0, "suppressed"]


def test_sent_data_can_show_the_same_month_a_year_before():
    from types import SimpleNamespace

    from components.sent_data import sent_export
    months = [datetime(2025, 9, 1), datetime(2025, 10, 1), datetime(2026, 9, 1), datetime(2026, 10, 1)]
    rows = [{"_start_at": start, "_end_at": end, "started:sum": 100 + n, "completed:sum": 50 + n}
            for n, (start, end) in enumerate(zip(months, [*months[1:2], datetime(2025, 11, 1), *months[3:],
                                                           datetime(2026, 11, 1)]))]
    data_set = SimpleNamespace(data_type="completion", name="svc/completion")
    export = sent_export("svc", "A service", data_set, rows, year_before=True)
    rates = export.frame["Completion rate (%)"].tolist()
    assert export.frame["Completion rate (%), a year before"].tolist()[2:] == rates[:2]
    assert [t.name for t in export.figure.data][-1] == "Completion rate, a year before"
    assert "a year before" not in " ".join(sent_export("svc", "A service", data_set, rows).frame.columns)
