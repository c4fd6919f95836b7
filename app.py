"""The Performance Platform web app: `server` is the WSGI app for gunicorn.

Run it with `gunicorn app:server` (README), or `python app.py` for a development server.
"""
import dash
from dash import Dash

from components.layout import SERVICE_NAME, page_shell
from data_access.cache import init_cache

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
<footer>
{%config%}
{%scripts%}
{%renderer%}
</footer>
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
    init_cache(app.server)
    from admin import register_admin
    from api import register_api
    from pages.exports import register_exports
    register_exports(app.server)
    register_api(app.server)
    register_admin(app.server)
    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(debug=True, host="127.0.0.1", port=8050)
