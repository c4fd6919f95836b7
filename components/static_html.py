"""A Dash component tree as plain HTML, for clients without JavaScript (no SQL, no Flask).

- html.* components become their tags, with id, class, for, aria-*, data-*, href and the other
  attributes; text and attribute values are escaped; numbers are written as JavaScript writes
  them, and None, booleans, NaN and infinities as nothing (Dash sends the last two as null). A
  pattern-matching id (a dict) is left out: it exists only in the browser.
- dcc.Link becomes a link; dcc.Markdown its text, a paragraph per block.
- Controls (dcc.Dropdown, Input, RadioItems, Checklist) become a small GET form when `forms` names
  the query argument they set, with the request's other query arguments kept as hidden fields;
  otherwise they show their current value as text.
- What only works with JavaScript becomes nothing: charts (each has its summary and table beside
  it), stores, intervals, scripts, and the buttons that drive callbacks (their text stays). An element
  that says it is an image (role="img") but holds nothing after that is left out too.

`replace(component)` may return a component to render instead of one (None: keep it).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape
from typing import Any, Callable, Mapping

from dash.development.base_component import Component

HTML = "dash_html_components"
DCC = "dash_core_components"
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
TAGS = {"MapEl": "map", "ObjectEl": "object"}
ATTRIBUTE_NAMES = {"className": "class", "htmlFor": "for"}
NOT_ATTRIBUTES = frozenset({"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state",
                            "key", "setProps"})
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formAction", "cite", "data", "poster"})
SAFE_NAME = re.compile(r"^[A-Za-z_:][-A-Za-z0-9_:.]*$")
UNSAFE_URL = re.compile(r"^(javascript|vbscript):", re.IGNORECASE)
UNITLESS = frozenset({"opacity", "zIndex", "fontWeight", "lineHeight", "flex", "flexGrow", "flexShrink", "order",
                      "zoom"})
NOTHING = frozenset({"Graph", "Store", "Location", "Interval", "Download", "Upload"})
CONTROLS = frozenset({"Dropdown", "Input", "RadioItems", "Checklist"})
COMPONENT_FIELDS = frozenset({"available_properties", "available_wildcard_properties"})  # not props

Replace = Callable[[Component], Any]


@dataclass(frozen=True)
class Forms:
    """How controls become GET forms: the query argument each control (by id) sets, and the
    request's query arguments, kept as hidden fields so that each form changes one thing."""
    names: Mapping[str, str]
    query: Mapping[str, Any] = field(default_factory=dict)
    submit: str = "Show"


def render(tree, forms: Forms | None = None, replace: Replace | None = None) -> str:
    """The tree (a component, a list of them, text or None) as an HTML string."""
    out: list[str] = []
    _Writer(forms or Forms({}), replace).write(tree, out)
    return "".join(out)


def text_of(tree) -> str:
    """All the text in a tree, run together (for option labels, which hold only text)."""
    if tree is None or isinstance(tree, bool) or _not_finite(tree):
        return ""
    if isinstance(tree, (str, int, float)):
        return _number(tree) if not isinstance(tree, str) else tree
    if isinstance(tree, (list, tuple)):
        return "".join(text_of(t) for t in tree)
    return text_of(getattr(tree, "children", None))


class _Writer:
    def __init__(self, forms: Forms, replace: Replace | None):
        self.forms, self.replace = forms, replace

    def write(self, node, out: list[str], replaced: bool = False) -> None:
        if node is None or isinstance(node, bool) or _not_finite(node):  # React shows nothing for these
            return
        if isinstance(node, (list, tuple)):
            for child in node:
                self.write(child, out)
        elif isinstance(node, str):
            out.append(escape(node))
        elif isinstance(node, (int, float)):
            out.append(escape(_number(node)))
        elif isinstance(node, Component):
            swapped = None if replaced or self.replace is None else self.replace(node)
            if swapped is not None:
                self.write(swapped, out, replaced=True)
            else:
                self.component(node, out)
        else:
            raise TypeError(f"cannot render {type(node).__name__} as HTML: {node!r}")

    def component(self, node: Component, out: list[str]) -> None:
        props = props_of(node)
        if node._namespace == HTML:
            self.element(node._type, props, out)
        elif node._namespace == DCC:
            self.core(node._type, props, out)
        else:  # a component of another library: its content, if any
            self.write(props.get("children"), out)

    def element(self, kind: str, props: dict, out: list[str]) -> None:
        if kind == "Script":  # React never runs a script it draws; in the page's HTML it would run
            return
        if kind == "Button" and props.get("type") != "submit":  # a callback's button: only its text
            self.write(props.get("children"), out)
            return
        tag = TAGS.get(kind, kind.lower())
        if tag in VOID:
            out.append(f"<{tag}{attributes(props)}>")
            return
        inner: list[str] = []
        self.write(props.get("children"), inner)
        if props.get("role") == "img" and not "".join(inner).strip():
            return
        out.append(f"<{tag}{attributes(props)}>{''.join(inner)}</{tag}>")

    def core(self, kind: str, props: dict, out: list[str]) -> None:
        if kind in NOTHING:
            return
        if kind == "Link":
            self.element("A", {k: v for k, v in props.items() if k in ("id", "className", "title", "target", "href",
                                                                          "children")}, out)
        elif kind == "Markdown":
            self.markdown(props, out)
        elif kind in CONTROLS:
            out.append(self.control(kind, props))
        else:  # dcc.Loading and the like: their content
            self.write(props.get("children"), out)

    def markdown(self, props: dict, out: list[str]) -> None:
        source = props.get("children") or ""
        source = "\n".join(source) if isinstance(source, (list, tuple)) else str(source)
        blocks = [b.strip() for b in re.split(r"\n\s*\n", source) if b.strip()]
        paragraphs = "".join(f"<p>{escape(b)}</p>" for b in blocks)
        out.append(f"<div{attributes(_pick(props, 'id', 'className'))}>{paragraphs}</div>")

    def control(self, kind: str, props: dict) -> str:
        control_id = props.get("id")
        name = self.forms.names.get(control_id) if isinstance(control_id, str) else None
        if name is None:
            return self.current_value(kind, props)
        field_html = {"Dropdown": _select, "Input": _input, "RadioItems": _choices,
                      "Checklist": _choices}[kind](props, name, kind)
        hidden = "".join(f'<input type="hidden" name="{escape(key)}" value="{escape(str(value))}">'
                         for key, values in self.forms.query.items() if key != name
                         for value in (values if isinstance(values, (list, tuple)) else [values]))
        return (f'<form method="get" class="pp-static-form">{field_html}{hidden}'
                f'<button type="submit" class="govuk-button govuk-button--secondary pp-static-form__submit">'
                f'{escape(self.forms.submit)}</button></form>')

    @staticmethod
    def current_value(kind: str, props: dict) -> str:
        """A control the server cannot offer as a form: what it is set to, as text."""
        if kind == "Input":
            shown = str(props.get("value") or "")
        else:
            chosen = _chosen(props.get("value"))
            shown = ", ".join(label for value, label, _ in _options(props.get("options")) if value in chosen)
        return f'<p{attributes(_pick(props, "id"))} class="govuk-body pp-static-value">{escape(shown)}</p>'


def props_of(node: Component) -> dict:
    """The props set on a component: what `to_plotly_json()["props"]` gives, read straight from the
    component (twice as fast, for pages of thousands of table cells)."""
    return {k: v for k, v in vars(node).items() if k[0] != "_" and k not in COMPONENT_FIELDS}


# --- attributes ----------------------------------------------------------------------------------

def attributes(props: dict) -> str:
    """' id="x" class="y"': the props that are HTML attributes, escaped; none that runs script."""
    parts = []
    first = [k for k in ("id", "className") if k in props]
    for name in first + [k for k in props if k not in first]:
        value = props[name]
        if name in NOT_ATTRIBUTES or value is None or not SAFE_NAME.match(name) or name.lower().startswith("on"):
            continue
        if name == "id" and not isinstance(value, str):  # a pattern-matching id: only in the browser
            continue
        text = _attribute_value(name, value)
        if text is None:
            continue
        if name in URL_ATTRIBUTES and UNSAFE_URL.match(re.sub(r"[\x00-\x20]", "", text)):
            continue
        html_name = ATTRIBUTE_NAMES.get(name, name.lower())
        parts.append(f" {html_name}" if text is True else f' {html_name}="{escape(text)}"')
    return "".join(parts)


def _attribute_value(name: str, value):
    """The attribute's text, True for a bare boolean attribute, None for no attribute."""
    if name.startswith(("aria-", "data-")) and isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bool):
        return True if value else None
    if isinstance(value, (int, float)):
        return None if _not_finite(value) else _number(value)
    if name == "style" and isinstance(value, dict):
        return _style(value)
    return value if isinstance(value, str) else None


def _style(style: dict) -> str:
    declarations = []
    for key, value in style.items():
        if value is None:
            continue
        css_name = re.sub(r"([A-Z])", lambda m: "-" + m.group(1).lower(), key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key not in UNITLESS and value != 0:
            value = f"{_number(value)}px"
        declarations.append(f"{css_name}: {value}")
    return "; ".join(declarations)


def _number(value) -> str:
    """As JavaScript writes it: 3.0 is '3'."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _not_finite(value) -> bool:
    """NaN and infinities: Dash sends them to the browser as null."""
    return isinstance(value, float) and not math.isfinite(value)


def _pick(props: dict, *names: str) -> dict:
    return {k: props[k] for k in names if k in props}


# --- controls ------------------------------------------------------------------------------------

def _options(options) -> list[tuple[str, str, bool]]:
    """(value, label, disabled) for each of Dash's option forms: values, {value: label}, dicts."""
    if isinstance(options, dict):
        return [(str(v), text_of(label), False) for v, label in options.items()]
    found = []
    for option in options or []:
        if isinstance(option, dict):
            found.append((str(option.get("value", "")), text_of(option.get("label", "")),
                          bool(option.get("disabled"))))
        else:
            found.append((str(option), text_of(option), False))
    return found


def _chosen(value) -> set[str]:
    values = value if isinstance(value, (list, tuple)) else [] if value is None else [value]
    return {str(v) for v in values}


def _select(props: dict, name: str, _kind: str) -> str:
    chosen = _chosen(props.get("value"))
    multiple = bool(props.get("multi"))
    options = "".join(
        f'<option value="{escape(value)}"{" selected" if value in chosen else ""}'
        f'{" disabled" if disabled else ""}>{escape(label)}</option>'
        for value, label, disabled in _options(props.get("options")))
    return (f'<select{attributes(_pick(props, "id"))} name="{escape(name)}" class="govuk-select"'
            f'{" multiple" if multiple else ""}>{options}</select>')


def _input(props: dict, name: str, _kind: str) -> str:
    kept = _pick(props, "id", "type", "value", "placeholder", "autoComplete", "className", "min", "max", "step")
    return f'<input{attributes({"type": "text", **kept})} name="{escape(name)}">'


def _choices(props: dict, name: str, kind: str) -> str:
    kind_html = "radio" if kind == "RadioItems" else "checkbox"
    chosen = _chosen(props.get("value"))
    items = "".join(
        f'<label class="pp-static-choice"><input type="{kind_html}" name="{escape(name)}" value="{escape(value)}"'
        f'{" checked" if value in chosen else ""}{" disabled" if disabled else ""}> {escape(label)}</label> '
        for value, label, disabled in _options(props.get("options")))
    return f'<div{attributes(_pick(props, "id", "className"))}>{items}</div>'
