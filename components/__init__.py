"""Figures, tables and layout pieces built from plain data frames. No SQL here."""
import plotly.io as pio

from components.chart_card import layout_template

# every figure's look, set before any figure is built: plotly's default template
FIGURE_TEMPLATE = "performance_platform"
pio.templates[FIGURE_TEMPLATE] = layout_template()
pio.templates.default = FIGURE_TEMPLATE
