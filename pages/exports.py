"""Exports: /exports/<name>.<format>?<params> for every chart and table (CSV, JSON, Excel, PNG, SVG).

Each page registers a builder that returns the same `Export` (frame, figure, title, period) the page
itself draws from, so a download always holds exactly the numbers shown.
"""
from __future__ import annotations

import re
from typing import Callable
from urllib.parse import urlencode

from flask import Flask, Response, abort, request

from components.exports import FORMATS, Export, export_bytes

BUILDERS: dict[str, Callable[[dict], Export | None]] = {}
NAME = re.compile(r"^[a-z0-9-]{1,60}$")


def exporter(name: str):
    """Register `builder(params) -> Export | None` (None: no such thing, 404) as export `name`."""
    def register(builder):
        BUILDERS[name] = builder
        return builder
    return register


def export_url(name: str, fmt: str, **params) -> str:
    kept = {k: v for k, v in params.items() if v not in (None, "")}
    return f"/exports/{name}.{fmt}" + (f"?{urlencode(kept)}" if kept else "")


def export_links(name: str, **params) -> dict[str, str]:
    """The URL of every format of an export: {format: URL}."""
    return {fmt: export_url(name, fmt, **params) for fmt in FORMATS}


def download(name: str, fmt: str):
    if name not in BUILDERS or fmt not in FORMATS:
        abort(404)
    export = BUILDERS[name](request.args.to_dict())
    if export is None or (fmt in ("png", "svg") and export.figure is None):
        abort(404)
    return Response(export_bytes(export, fmt), mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{export.filename}.{fmt}"',
                             "Access-Control-Allow-Origin": "*"})


def register_exports(server: Flask) -> None:
    """The export route; every module of pages/ is imported so that its exporters are registered."""
    import importlib
    import pkgutil
    import pages
    for module in pkgutil.iter_modules(pages.__path__):
        importlib.import_module(f"pages.{module.name}")
    server.add_url_rule("/exports/<name>.<fmt>", "export", download)
