"""Reading Dash component trees in tests: find a component by id, its text, its links."""


def _children(component) -> list:
    children = getattr(component, "children", None)
    return list(children) if isinstance(children, (list, tuple)) else [children]


def find(component, component_id):
    """The component with this id in a layout tree, or None."""
    if getattr(component, "id", None) == component_id:
        return component
    for child in _children(component):
        if child is not None and not isinstance(child, (str, int, float)):
            found = find(child, component_id)
            if found is not None:
                return found
    return None


def text(component) -> str:
    """All the text in a component tree, run together."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    return "".join(text(c) for c in _children(component))


def links_in(component) -> list:
    """Every component with an href in a layout tree, in order."""
    found = [component] if getattr(component, "href", None) else []
    for child in _children(component):
        if child is not None and not isinstance(child, (str, int, float)):
            found += links_in(child)
    return found
