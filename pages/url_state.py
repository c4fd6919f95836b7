"""Page state mirrored in the URL's query string, so every view can be shared and reloaded.

The server callbacks put the query string in a Store; one client-side callback writes it to
the address bar with history.replaceState, which does not make Dash re-render the page.
"""
from urllib.parse import urlencode

from dash import Input, clientside_callback


def query_string(state: dict, defaults: dict) -> str:
    """'?q=tax&sort=name' with only the values that differ from the defaults."""
    kept = {k: v for k, v in state.items() if v not in (None, "") and v != defaults.get(k)}
    return "?" + urlencode(kept) if kept else ""


def mirror_to_address_bar(store_id: str) -> None:
    clientside_callback(
        """function (search) {
            if (typeof search === "string" && search !== window.location.search) {
                window.history.replaceState(null, "", window.location.pathname + search);
            }
        }""",
        Input(store_id, "data"),
    )
