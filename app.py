"""The Performance Platform web app: `server` is the WSGI app for gunicorn.

Run it with `gunicorn app:server` (README), or `python app.py` for a development server.
"""
import gc

import dash
from dash import Dash

from components.layout import SERVICE_NAME, page_shell
from data_access.cache import init_cache
from vendor.plotly_finance import register_plotly_bundle

INDEX_STRING = """<!DOCTYPE html>
<html lang="en-GB" class="govuk-template">
<head>
{%metas%}
<title>{%title%}</title>
{%favicon%}
{%css%}
</head>
<body class="govuk-template__body">
{%app_entry%}
{%config%}
{%scripts%}
{%renderer%}
</body>
</html>"""


def create_app() -> Dash:
    app = Dash(__name__, use_pages=True, title=SERVICE_NAME, update_title=None,
               suppress_callback_exceptions=True, compress=True,
               meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"},
                          {"name": "description", "content": "How public services perform: transactions, "
                           "digital take-up, cost per transaction, completion and satisfaction."}])
    app.index_string = INDEX_STRING
    app.layout = page_shell(dash.page_container)
    register_plotly_bundle(app)  # plotly.js's finance partial bundle, not the full one (vendor/plotly_finance)
    init_cache(app.server)
    from admin import register_admin
    from api import register_api
    from pages.exports import register_exports
    register_exports(app.server)
    register_api(app.server)
    register_admin(app.server)
    from api.errors import register_errors
    from api.limits import register_limits, trust_proxies
    register_errors(app.server)
    register_limits(app.server)  # after every route: it limits some of them by endpoint
    trust_proxies(app.server)  # TRUSTED_PROXIES: the client's address as the load balancer forwards it
    from pages.server_render import register_server_render
    register_server_render(app)  # pages as plain HTML for clients without JavaScript
    # Dash's inline scripts (renderer, clientside callbacks), allowed by hash; asked per response, since
    # Dash adds some when it serves its first request
    app.server.config["CSP_SCRIPT_HASHES"] = app.csp_hashes
    return app


app = create_app()
server = app.server
# What is built so far (modules, pages, plotly's validators: ~200,000 objects) lives as long as the
# process: out of the collector's sight, a full collection no longer walks it, which cost a callback
# that builds a few thousand objects ~20% of its time (bench/RESULTS.md).
gc.freeze()

if __name__ == "__main__":
    app.run(debug=True, host="127.0.0.1", port=8050)
