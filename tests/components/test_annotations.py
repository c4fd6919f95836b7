from datetime import date

import pandas as pd
import plotly.graph_objects as go

from components.annotations import annotate, note_lines, period_of
from components.service_charts import add_year_before

FRAME = pd.DataFrame({"Year ending": ["Sep 2015", "Dec 2015", "Sep 2016", "Sep 2017"],
                      "Period start": ["2014-10-01", "2015-01-01", "2015-10-01", "2016-10-01"],
                      "Period end": ["2015-09-30", "2015-12-31", "2016-09-30", "2017-09-30"],
                      "Total": [100.0, 110.0, 120.0, 150.0]})
NOTES = [{"date": date(2015, 11, 2), "text": "Online form launched"}, {"date": date(2010, 1, 1), "text": "Too early"}]


def test_a_note_marks_the_first_period_that_holds_its_date():
    assert period_of(FRAME, date(2015, 11, 2)) == 1  # the year to Dec 2015 is the first to include it
    assert period_of(FRAME, date(2010, 1, 1)) is None
    figure = annotate(go.Figure(go.Bar(x=FRAME["Year ending"], y=FRAME["Total"])), FRAME, NOTES)
    assert [a.text for a in figure.layout.annotations] == ["Note 1"] and figure.layout.shapes[0].x0 == 1
    assert note_lines(NOTES)[0] == "Note 1, 2 November 2015: Online form launched"


def test_the_same_period_a_year_before():
    frame = add_year_before(FRAME, "Total")
    assert frame["Total, a year before"].tolist()[2:] == [100.0, 120.0]
    assert frame["Total, a year before"].isna().tolist()[:2] == [True, True]
