"""quick(kind, ...) makes the very component kind(...) makes, without the argument checks."""
import pytest
from dash import html

from components.quick_html import quick

CASES = [
    (html.Td, ("1,234",), {"className": "govuk-table__cell govuk-table__cell--numeric"}),
    (html.Th, ("Sep 2017",), {"scope": "row", "className": "govuk-table__header"}),
    (html.Td, (["Department", html.Span("Agency", className="pp-agency")],), {"className": "govuk-table__cell"}),
    (html.Td, ("12.5%",), {"className": "c", "data-value": "0.125", "aria-label": "take-up"}),
    (html.Tr, ([html.Td("a"), html.Td(None)],), {"className": "govuk-table__row"}),
    (html.A, ("A service",), {"href": "/services/a-service", "className": "govuk-link"}),
    (html.Td, (), {"className": "empty"}),
    (html.Td, (None,), {}),
]


@pytest.mark.parametrize("kind, args, props", CASES)
def test_the_same_component_as_dash_makes(kind, args, props):
    made, checked = quick(kind, *args, **props), kind(*args, **props)
    assert type(made) is kind
    assert made.to_plotly_json() == checked.to_plotly_json()
    assert vars(made) == vars(checked)  # props and the lists of prop names to_plotly_json reads


def test_components_do_not_share_their_props():
    first, second = quick(html.Td, "a", className="x"), quick(html.Td, "b")
    first.className = "changed"
    assert second.to_plotly_json()["props"] == {"children": "b"}
    assert quick(html.Td).to_plotly_json() == html.Td().to_plotly_json()
