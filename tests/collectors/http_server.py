"""A real HTTP server on 127.0.0.1 (a free port) for collector tests: it serves given answers per
path, can answer malformed bodies or answer too slowly, and logs every request."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

MALFORMED = b"<html>\x00 this is not what you asked for"  # not JSON, not UTF-8 CSV, not a zip


class SourceServer:
    """`serve(path, body)` or `serve(path, callable(request) -> body)`; `malformed`, `slow` switches."""

    def __init__(self):
        self.routes: dict[str, tuple] = {}
        self.requests: list[dict] = []
        self.malformed = False
        self.slow = 0.0  # seconds to wait before answering
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.slow = 0.0
        self._server.shutdown()
        self._server.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body, content_type: str = "application/json", status: int = 200) -> None:
        self.routes[path] = (body, content_type, status)

    def serve_json(self, path: str, value, status: int = 200) -> None:
        self.serve(path, lambda request: json.dumps(value).encode(), status=status)

    def hits(self, path: str) -> list[dict]:
        return [r for r in self.requests if r["path"] == path]


def _handler(source: SourceServer):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer()

        def do_POST(self):
            self._answer()

        def _answer(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = {"method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                       "headers": dict(self.headers), "body": body, "form": parse_qs(body.decode("latin-1"))}
            source.requests.append(request)
            if source.slow:
                time.sleep(source.slow)
            route = source.routes.get(parts.path)
            if route is None:
                return self._send(404, "text/plain", b"not found")
            content, content_type, status = route
            content = content(request) if callable(content) else content
            self._send(status, content_type, MALFORMED if source.malformed else content)

        def _send(self, status: int, content_type: str, content: bytes):
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except OSError:
                pass  # the client gave up waiting (a slow answer): nothing to do

        def log_message(self, *args):
            pass

    return Handler


# --- answers for each source kind: (config, credentials, auto_ids, records a scheduled run writes) ---

KINDS = ("csv_url", "json_url", "excel_url", "performance_platform", "matomo", "plausible")


def _days(first: str, last: str) -> list[str]:
    from datetime import date, timedelta
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(start + timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


def _xlsx() -> bytes:
    import io
    from datetime import datetime

    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.append(["Week starting", "Channel", "Transactions"])
    sheet.append([datetime(2026, 11, 2), "online", 410])
    sheet.append([datetime(2026, 11, 2), "paper", 52])
    sheet.append([datetime(2026, 11, 9), "online", 433])
    sheet.append([datetime(2026, 11, 9), "paper", 47])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PP_ANSWER = {"data": [
    {"channel": "online", "_count": 2, "_group_count": 2, "count:sum": 300, "values": [
        {"_start_at": "2026-10-26T00:00:00+00:00", "_end_at": "2026-11-02T00:00:00+00:00", "_count": 0, "count:sum": None},
        {"_start_at": "2026-11-02T00:00:00+00:00", "_end_at": "2026-11-09T00:00:00+00:00", "_count": 1, "count:sum": 140},
        {"_start_at": "2026-11-09T00:00:00+00:00", "_end_at": "2026-11-16T00:00:00+00:00", "_count": 1, "count:sum": 160}]},
    {"channel": "phone", "_count": 1, "_group_count": 1, "count:sum": 25, "values": [
        {"_start_at": "2026-11-02T00:00:00+00:00", "_end_at": "2026-11-09T00:00:00+00:00", "_count": 1, "count:sum": 25}]},
]}


def serve_kind(kind: str, server: SourceServer):
    """Serve a realistic answer for `kind`; return (config, credentials, auto_ids, records expected)."""
    if kind == "csv_url":
        server.serve("/volumes.csv", b"Date,Channel name,Volume,comment\n# exported nightly\n"
                     b"20261102,online,120,\n20261102,phone,30,checked\n20261103,online,130,\n", "text/csv")
        return ({"url": server.url("/volumes.csv"), "columns": {"Channel name": "channel", "Volume": "count"},
                 "timestamp": {"column": "Date", "format": "%Y%m%d"}, "fields": {"period": "day"}},
                None, ["_timestamp", "channel"], 3)
    if kind == "json_url":
        server.serve_json("/export.json", {"data": [
            {"day": "2026-11-02", "where": "online", "n": 5}, {"day": "2026-11-03", "where": "online", "n": 7}]})
        return ({"url": server.url("/export.json"), "records_path": "data", "columns": {"where": "channel", "n": "count"},
                 "timestamp": {"column": "day"}}, {"bearer_token": "file-secret"}, ["_timestamp", "channel"], 2)
    if kind == "excel_url":
        server.serve("/volumes.xlsx", _xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return ({"url": server.url("/volumes.xlsx"), "columns": {"Channel": "channel", "Transactions": "count"},
                 "timestamp": {"column": "Week starting"}, "fields": {"period": "week"}},
                None, ["_timestamp", "channel"], 4)
    if kind == "performance_platform":
        server.serve_json("/data/other-service/transactions-by-channel", PP_ANSWER)
        return ({"url": server.url("/data/other-service/transactions-by-channel"),
                 "query": {"period": "week", "group_by": "channel", "collect": "count:sum", "duration": 3},
                 "columns": {"channel": "channel", "count:sum": "count"}}, None, ["_timestamp", "channel"], 3)
    if kind == "matomo":
        server.serve("/index.php", _matomo_answer)
        return ({"url": server.url("/index.php"), "site_id": 3, "method": "VisitsSummary.get", "days": 3,
                 "metrics": {"nb_visits": "visits", "nb_uniq_visitors": "visitors"}, "fields": {"channel": "digital"}},
                {"token_auth": "matomo-secret"}, ["_timestamp", "channel"], 3)
    if kind == "plausible":
        server.serve("/api/v1/stats/timeseries", _plausible_answer)
        return ({"url": server.base, "site_id": "example.service.gov.uk", "days": 3,
                 "metrics": {"visitors": "visitors", "pageviews": "pageviews"}, "fields": {"channel": "digital"}},
                {"api_key": "plausible-secret"}, ["_timestamp", "channel"], 3)
    raise ValueError(kind)


def _matomo_answer(request) -> bytes:
    if request["form"].get("token_auth") != ["matomo-secret"]:
        return json.dumps({"result": "error", "message": "You can't access this resource"}).encode()
    first, last = request["query"]["date"][0].split(",")
    return json.dumps({day: {"nb_visits": 10 + n, "nb_uniq_visitors": str(7 + n)} if n % 4 != 3 else []
                       for n, day in enumerate(_days(first, last))}).encode()


def _plausible_answer(request) -> bytes:
    first, last = request["query"]["date"][0].split(",")
    return json.dumps({"results": [{"date": day, "visitors": 3 + n, "pageviews": 9 + n}
                                   for n, day in enumerate(_days(first, last))]}).encode()
