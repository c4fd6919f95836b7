"""list: a list of links from raw records: `label-attr` (the part matching `label-regex`, its first
group if it has one) as the text, `link-attr` as the address."""
from __future__ import annotations

import re

import pandas as pd
from dash import html

from components.modules.common import View


def _label(text: str, pattern: str) -> str:
    found = re.search(pattern, text) if pattern else None
    if not found:
        return text
    return found.group(1) if found.groups() and found.group(1) else found.group(0)


def list_frame(module: dict, rows: list[dict]) -> pd.DataFrame:
    label_key, link_key = module.get("label-attr", "title"), module.get("link-attr", "url")
    kept = [r for r in rows if r.get(label_key) is not None]
    return pd.DataFrame({"Item": [_label(str(r[label_key]), module.get("label-regex", "")) for r in kept],
                         "Link": [str(r.get(link_key) or "") for r in kept]})


def list_view(module: dict, rows: list[dict]) -> View:
    frame = list_frame(module, rows)
    return View(frame, f"{len(frame)} items." if len(frame) != 1 else "1 item.")


def link_list(frame: pd.DataFrame, element_id: str) -> html.Ul:
    """The items as links (an item without a safe address as text)."""
    items = [html.Li(html.A(item, href=link, className="govuk-link") if link.startswith(("http", "/")) else item)
             for item, link in zip(frame["Item"], frame["Link"])]
    return html.Ul(items, className="govuk-list govuk-list--bullet", id=element_id)
