"""Reading Dash component trees in tests: find a component by id, its text, its links. A tree is made
of components, or of their JSON form as Dash sends it ({"type", "namespace", "props"}), as cached
answers hold them."""


def _prop(node, name):
    if isinstance(node, dict):
        return node.get("props", {}).get(name)
    return getattr(node, name, None)


def _children(node) -> list:
    if isinstance(node, (list, tuple)):
        return list(node)
    children = _prop(node, "children")
    return list(children) if isinstance(children, (list, tuple)) else [children]


def find(component, component_id):
    """The component with this id in a layout tree, or None."""
    if not isinstance(component, (list, tuple)) and _prop(component, "id") == component_id:
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
    found = [component] if not isinstance(component, (list, tuple)) and _prop(component, "href") else []
    for child in _children(component):
        if child is not None and not isinstance(child, (str, int, float)):
            found += links_in(child)
    return found
