"""plotly.js's "finance" partial bundle, which Dash serves in place of plotly.py's full plotly.js.

The app draws only bar, scatter and funnel traces (with shapes, annotations and subplots), all in the
finance bundle: 1.3 MB against 4.8 MB (429 kB against 1.44 MB compressed). README.md beside this file
says where it comes from and how to update it.

How Dash loads plotly.js (dash 4.4.1): `Dash._setup_plotlyjs` adds plotly.py's `package_data/plotly.min.js`
to `dcc._js_dist` as a dynamic ("async": "eager") resource, so no page carries it as a script tag; the
renderer sets `window._dashPlotlyJSURL` to that file's path, hard-coded and without a fingerprint, and
dcc.Graph, when the first graph is drawn, loads `window.Plotly` or else a script from that URL. So:

1. the plotly entry of `dcc._js_dist` is replaced by this bundle: Dash serves it from
   `/_dash-component-suites/vendor.plotly_finance/` with its fingerprint (version and mtime) and a
   one-year Cache-Control, compressed like the rest, and no longer serves the full bundle at all;
2. every page names that fingerprinted URL in `<meta name="plotly-js">`, and `assets/plotly-bundle.js`
   (which Dash loads before its renderer) fixes `window._dashPlotlyJSURL` to it: a getter, and a setter
   that ignores the renderer's own value. A file and a meta tag, not an inline script, so that the
   Content-Security-Policy (api/headers.py) needs no hash for it.

Pages without a graph (the index) never fetch it; the first graph of a visit fetches it once.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from dash import Dash, dcc
from dash.fingerprint import build_fingerprint

BUNDLE = "plotly-finance.min.js"
NAMESPACE = __name__  # Dash's component-suites URLs name the package the file is in
META_NAME = "plotly-js"  # read by assets/plotly-bundle.js
HEADER = re.compile(r"plotly\.js \(finance - minified\) v(\d+\.\d+\.\d+)")


def bundle_version(path: Path = Path(__file__).with_name(BUNDLE)) -> str:
    """The plotly.js version in the bundle's licence header."""
    with open(path, encoding="utf-8") as file:
        found = HEADER.search(file.read(300))
    if not found:
        raise RuntimeError(f"{path} does not start with a plotly.js finance bundle's header")
    return found.group(1)


__version__ = bundle_version()  # Dash puts it in the file's fingerprint


def register_plotly_bundle(app: Dash) -> None:
    """Make `app` load this bundle, when a page draws its first graph, instead of the full plotly.js."""
    check_same_version()
    _replace_dcc_entry()
    app.config.meta_tags.append({"name": META_NAME, "content": bundle_url(app)})


def check_same_version() -> None:
    """plotly.py builds figures for the plotly.js version it ships: the bundle must be that version."""
    from plotly.offline import get_plotlyjs_version
    shipped = get_plotlyjs_version()
    if shipped != __version__:
        raise RuntimeError(f"vendor/plotly_finance holds plotly.js {__version__} but plotly.py ships plotly.js "
                           f"{shipped}: replace {BUNDLE} with the finance bundle of {shipped} "
                           "(vendor/plotly_finance/README.md says how)")


def _replace_dcc_entry() -> None:
    ours = {"relative_package_path": BUNDLE, "namespace": NAMESPACE, "async": "eager"}
    dcc._js_dist[:] = [entry for entry in dcc._js_dist if entry.get("namespace") not in ("plotly", NAMESPACE)]
    dcc._js_dist.append(ours)


def bundle_url(app: Dash) -> str:
    """The fingerprinted URL Dash serves the bundle at (as Dash builds those of its own files)."""
    modified = int(os.stat(Path(__file__).with_name(BUNDLE)).st_mtime)
    fingerprinted = build_fingerprint(BUNDLE, __version__, modified)
    return f"{app.config.requests_pathname_prefix}_dash-component-suites/{NAMESPACE}/{fingerprinted}"

