"""Colours: the Government Analysis Function's colour-blind-safe categorical palette.

https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/
Every colour has at least 3:1 contrast with the white page (WCAG 1.4.11), and the channel colours,
drawn side by side in stacked bars, stay clearly apart (CIE ΔE ≥ 10) with protanopia,
deuteranopia or tritanopia simulated: tests/components/test_palette.py measures both.
Charts never rely on colour alone: every series is also named in its legend, table and summary,
and lines of several series differ in dash and marker too.
"""
from domain.channels import CHANNELS, UNSPECIFIED

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
CATEGORICAL = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE]
MID_GREY = "#707070"  # "channel not reported": dark grey is too close to dark pink with deuteranopia

HIGHLIGHT = "#FFDD00"  # the selected period, behind the data
TEXT = "#0B0C0C"
SECONDARY_TEXT = "#505A5F"  # 7:1 on white: the chart's mode bar buttons
GRID = "#D7D7D7"

CHANNEL_COLOURS = {**dict(zip([c for c in CHANNELS if c != UNSPECIFIED], CATEGORICAL)), UNSPECIFIED: MID_GREY}


def channel_colour(channel_id: str) -> str:
    return CHANNEL_COLOURS.get(channel_id, LIGHT_PURPLE)
