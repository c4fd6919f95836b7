"""Dash html components built without re-checking their arguments, for the many cells of big tables.

`html.Td("1,234", className=c)` checks every argument against the component's props: ~5 us a
component, and the garbage it leaves; five years of monthly data in a table are hundreds of cells.
`quick(html.Td, "1,234", className=c)` makes the same object (tests/components/test_quick_html.py
compares the two) in ~0.4 us: a blank component's attributes, then the props, set as
Component.__init__ sets them. Only for props the component has, written by our own code.
"""
from __future__ import annotations

from dash.development.base_component import Component

_NOT_GIVEN = object()
_BLANKS: dict[type, dict] = {}


def quick(kind: type[Component], children=_NOT_GIVEN, **props) -> Component:
    """`kind(children, **props)`, unchecked. Props that are not identifiers (aria-*, data-*) go in
    `**{"aria-label": ...}` as with Dash."""
    blank = _BLANKS.get(kind)
    if blank is None:
        blank = _BLANKS[kind] = dict(kind().__dict__)  # the prop-name lists every instance holds
    made = kind.__new__(kind)
    attributes = made.__dict__
    attributes.update(blank)
    if children is not _NOT_GIVEN:
        attributes["children"] = children
    attributes.update(props)
    return made
