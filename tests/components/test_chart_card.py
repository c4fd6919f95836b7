"""new_figure builds figures without plotly's validation (a third of their cost): each figure it makes,
with the year-before overlay and the highlight added later, must be one plotly's validating
constructor accepts as it is, and the shared template must keep only what the app draws."""
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots
import pytest
from plotly.utils import PlotlyJSONEncoder

import components  # noqa: F401  (the app's template, plotly's default)
from components.chart_card import DRAWN_TRACES, new_figure
from components.service_charts import channel_figure, line_figure
from components.year_before import YEAR_BEFORE, overlay_year_before
from domain.suppression import SUPPRESSED

MONTHS = [f"{month} 2024" for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun")]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"Month": MONTHS, "Period start": MONTHS, "Period end": MONTHS,
                         "Digital": [10.0, 20.0, np.nan, 40.0, SUPPRESSED, 60.0],
                         "Phone": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                         "Total": [11.0, 22.0, 3.0, 44.0, SUPPRESSED, 66.0],
                         "Total" + YEAR_BEFORE: [np.nan, np.nan, 1.0, 2.0, 3.0, 4.0],
                         "Rate (%)": [50.0, 51.5, SUPPRESSED, 52.0, 53.0, np.nan]})


def _json(figure: go.Figure) -> str:
    return json.dumps(figure.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True)


FIGURES = {
    "stacked bars, highlighted, with the year before": lambda f: overlay_year_before(
        channel_figure(f, "Mar 2024", {"Phone"}), f, "Total"),
    "a line with a percentage axis": lambda f: line_figure(f, "Rate (%)", "Rate", "Jun 2024"),
    "a line of counts, nothing highlighted": lambda f: line_figure(f, "Phone", "Phone", None, percent=False),
    "subplots, the year before on the second, without a legend": lambda f: overlay_year_before(
        make_subplots(rows=2, cols=1), f, "Total", x=MONTHS, row=2, col=1, showlegend=False),
}


@pytest.mark.parametrize("build", FIGURES.values(), ids=FIGURES.keys())
def test_figures_built_unvalidated_are_what_validation_accepts(build):
    figure = build(_frame())
    validated = go.Figure(figure.to_plotly_json())  # raises on any property plotly does not know
    assert _json(validated) == _json(figure)


def test_the_year_before_goes_on_the_subplot_asked_for():
    figure = FIGURES["subplots, the year before on the second, without a legend"](_frame())
    line = figure.data[-1]
    assert (line.xaxis, line.yaxis, line.showlegend, line.name) == ("x2", "y2", False, "Total" + YEAR_BEFORE)


def test_an_unknown_property_is_caught_by_that_check():
    figure = new_figure([{"type": "scatter", "x": [1], "y": [2], "colour": "red"}], "Count")
    with pytest.raises(ValueError, match="colour"):
        go.Figure(figure.to_plotly_json())


def test_the_template_keeps_only_what_the_app_draws():
    template = pio.templates[pio.templates.default].to_plotly_json()
    assert sorted(template["data"]) == sorted(DRAWN_TRACES)
    assert not {"geo", "polar", "scene", "ternary", "colorscale"} & set(template["layout"])
    assert template["layout"]["yaxis"]["rangemode"] == "tozero"  # the app's own layout is still there
    assert len(json.dumps(template)) < 2_500
