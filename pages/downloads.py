"""CSV downloads: each is built by the same frame builder as the chart or table it belongs to."""
import math
import re

from flask import Flask, Response, abort, request

from components.service_charts import channel_frame, take_up_frame
from components.services_table import index_csv_frame
from data_access.figures import channel_volumes, service_figures, service_index
from data_access.services import get_service


def _cell(value):
    """Numbers as plainly as they are stored (47055169, not 47055169.0); gaps empty."""
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.15g}"
    return value


def _csv(frame, filename: str) -> Response:
    return Response(frame.map(_cell).to_csv(index=False), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Access-Control-Allow-Origin": "*"})


def _service_or_404(slug: str) -> str:
    if not re.fullmatch(r"[a-z0-9-]{1,120}", slug) or get_service(slug) is None:
        abort(404)
    return slug


def channels_csv(slug):
    slug = _service_or_404(slug)
    return _csv(channel_frame(channel_volumes(slug)), f"{slug}-transactions-by-channel.csv")


def take_up_csv(slug):
    slug = _service_or_404(slug)
    return _csv(take_up_frame(service_figures(slug)), f"{slug}-digital-take-up.csv")


def sent_data_csv(slug, data_type):
    from components.sent_data import CHARTS
    from data_access.service_data import dashboard_rows, service_data_sets
    slug = _service_or_404(slug)
    found = next((d for d in service_data_sets(slug) if d.data_type == data_type), None)
    if found is None:
        abort(404)
    return _csv(CHARTS[data_type][1](dashboard_rows(found)), f"{slug}-{data_type}-by-month.csv")


def services_csv():
    from pages.index import _state  # the same cleaning of the query as the page itself
    state = _state(**{k: request.args.get(k, "") for k in ("q", "department", "agency", "period")},
                   sort=request.args.get("sort", "transactions"), order=request.args.get("order", "desc"))
    frame = service_index(state["period"] or None, state["q"], state["department"] or None,
                          state["agency"] or None, state["sort"], state["order"] == "desc")
    return _csv(index_csv_frame(frame), "services.csv")


def register_downloads(server: Flask) -> None:
    server.add_url_rule("/services/<slug>/channels.csv", view_func=channels_csv)
    server.add_url_rule("/services/<slug>/digital-take-up.csv", view_func=take_up_csv)
    server.add_url_rule("/services/<slug>/sent/<data_type>.csv", view_func=sent_data_csv)
    server.add_url_rule("/services.csv", view_func=services_csv)
