"""Colours: the Government Analysis Function's colour-blind-safe categorical palette.

https://analysisfunction.civilservice.gov.uk/policy-store/data-visualisation-colours-in-charts/
Charts never rely on colour alone: every series is also named in its legend, table and summary.
"""
from domain.channels import CHANNELS

DARK_BLUE = "#12436D"
TURQUOISE = "#28A197"
DARK_PINK = "#801650"
ORANGE = "#F46A25"
DARK_GREY = "#3D3D3D"
LIGHT_PURPLE = "#A285D1"
CATEGORICAL = [DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, LIGHT_PURPLE]

HIGHLIGHT = "#FFDD00"  # the selected period, behind the data
TEXT = "#0B0C0C"
GRID = "#D7D7D7"

CHANNEL_COLOURS = dict(zip(CHANNELS, CATEGORICAL))


def channel_colour(channel_id: str) -> str:
    return CHANNEL_COLOURS.get(channel_id, LIGHT_PURPLE)
