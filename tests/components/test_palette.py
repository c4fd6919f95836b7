"""The chart palette is readable and colour-blind safe: each colour stands out from the white page
(WCAG 1.4.11, 3:1 for graphics), and the colours drawn side by side stay apart when protanopia,
deuteranopia or tritanopia is simulated (Machado, Oliveira and Fernandes 2009, full severity)."""
import itertools
import math

import pytest

from components.palette import CATEGORICAL, CHANNEL_COLOURS, GRID, MID_GREY, SECONDARY_TEXT, TEXT
from domain.channels import CHANNELS

WHITE = "#FFFFFF"
# linear-RGB matrices of Machado et al. (2009), severity 1.0
DEFICIENCIES = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
}
APART = 10  # CIE76 ΔE: 2.3 is just noticeable; 10 and more is clearly a different colour


def _linear(hex_colour: str) -> list[float]:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]


def contrast(a: str, b: str) -> float:
    def luminance(colour):
        r, g, b = _linear(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _lab(linear: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(max(c, 0.0), 1.0) for c in linear)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen_with(colour: str, deficiency: str | None) -> tuple[float, float, float]:
    """The colour in CIELAB, as seen with the deficiency (None: typical colour vision)."""
    linear = _linear(colour)
    if deficiency:
        matrix = DEFICIENCIES[deficiency]
        linear = [sum(matrix[i][j] * linear[j] for j in range(3)) for i in range(3)]
    return _lab(linear)


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", WHITE), 2) == 21.0
    assert round(contrast("#767676", WHITE), 2) == 4.54  # the lightest grey that passes for text


@pytest.mark.parametrize("colour", [*CATEGORICAL, MID_GREY])
def test_every_chart_colour_stands_out_from_the_page(colour):
    assert contrast(colour, WHITE) >= 3, f"{colour} has only {contrast(colour, WHITE):.2f}:1 against white"


def test_text_and_grid_colours():
    assert contrast(TEXT, WHITE) >= 7
    assert contrast(SECONDARY_TEXT, WHITE) >= 4.5
    assert contrast(GRID, WHITE) < 1.5  # gridlines stay in the background, behind the data


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_channel_colours_stay_apart_with_colour_blindness(deficiency):
    """The channels are stacked next to each other in the same bar."""
    colours = list(CHANNEL_COLOURS.values())
    assert len(set(colours)) == len(CHANNELS)
    for a, b in itertools.combinations(colours, 2):
        distance = math.dist(seen_with(a, deficiency), seen_with(b, deficiency))
        assert distance >= APART, f"{a} and {b} are only ΔE {distance:.1f} apart ({deficiency or 'typical'})"


def test_a_simulated_deficiency_changes_what_is_seen():
    """The simulation is not a no-op: a red and a green far apart normally come close with
    deuteranopia and protanopia, but not with tritanopia."""
    def apart(deficiency):
        return math.dist(seen_with("#CC0000", deficiency), seen_with("#669900", deficiency))
    assert apart("deuteranopia") < APART < apart("protanopia") < apart(None) / 2
    assert apart("tritanopia") > apart(None) * 0.9
