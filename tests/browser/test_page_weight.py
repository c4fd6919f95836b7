"""Page weight (issue #5) in headless Chromium against gunicorn: a page with charts fetches plotly.js's
finance partial bundle (vendor/plotly_finance), not plotly.py's full plotly.js; compressed, from a
fingerprinted URL the browser keeps for a year, and only where a chart is drawn. Its bar, scatter and
funnel traces still draw. What was fetched is read from Chromium's DevTools network events."""
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs_version
from sqlalchemy import delete

import vendor.plotly_finance as plotly_finance
from data_access.data_sets import create_data_set
from data_access.db import get_engine
from data_access.records import store_records
from data_access.schema import data_sets, records
from data_access.services import get_service
from ingest.records import Record
from tests.browser.helpers import DASH_DRAWN

pytestmark = pytest.mark.browser

VENDORED = Path(plotly_finance.__file__).with_name(plotly_finance.BUNDLE)
FULL_BUNDLE = "/_dash-component-suites/plotly/package_data/plotly.min.js"
PARTIAL_BUNDLE = "/_dash-component-suites/vendor.plotly_finance/plotly-finance.v"  # and its fingerprint
# plotly.js's finance bundle, as its README lists it; the full bundle has 47 trace types
FINANCE_TRACES = ["bar", "candlestick", "funnel", "funnelarea", "histogram", "indicator", "ohlc", "pie", "scatter",
                  "waterfall"]
SERVICE = "vehicle-tax-renewals"
JOURNEY_SERVICE = "voter-registrations"
STEPS = [("1-start", 1200), ("2-details", 900), ("3-pay", 700), ("4-done", 650)]
YEAR = "max-age=31536000"


class Network:
    """Every response the page receives, from DevTools events: request id -> url, status, headers,
    encodedDataLength (bytes over the wire), whether the browser's cache answered."""

    def __init__(self, page):
        self.cdp = page.context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.seen: dict[str, dict] = {}
        self.cdp.on("Network.requestWillBeSent",
                    lambda e: self.seen.setdefault(e["requestId"], {}).update(url=e["request"]["url"], cached=False))
        self.cdp.on("Network.responseReceived", self._received)
        self.cdp.on("Network.loadingFinished",
                    lambda e: self.seen.setdefault(e["requestId"], {}).update(bytes=e["encodedDataLength"]))
        self.cdp.on("Network.requestServedFromCache",
                    lambda e: self.seen.setdefault(e["requestId"], {}).update(cached=True))

    def _received(self, event):
        response = event["response"]
        self.seen.setdefault(event["requestId"], {}).update(
            id=event["requestId"], url=response["url"], status=response["status"],
            headers={k.lower(): v for k, v in response["headers"].items()},
            cached=bool(response.get("fromDiskCache") or response.get("fromMemoryCache")
                        or self.seen.get(event["requestId"], {}).get("cached")))

    def fetched(self, part: str) -> list[dict]:
        return [r for r in self.seen.values() if part in r.get("url", "")]

    def body(self, response: dict) -> str:
        found = self.cdp.send("Network.getResponseBody", {"requestId": response["id"]})
        assert not found["base64Encoded"]
        return found["body"]


def drawn_traces(page) -> dict:
    """How many bars, funnel steps and scatter lines Plotly drew in the page's SVG (with a shape)."""
    return page.evaluate("""() => {
        const drawn = selector => Array.from(document.querySelectorAll(selector))
            .filter(path => path.getAttribute('d')).length;
        return {bar: drawn('.js-plotly-plot .barlayer .trace.bars .point path'),
                funnel: drawn('.js-plotly-plot .funnellayer .trace.bars .point path'),
                scatter: drawn('.js-plotly-plot .scatterlayer .trace path.js-line')};
    }""")


def load_drawn(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DASH_DRAWN, timeout=40_000)


@pytest.fixture
def journey(sqlite_url, monkeypatch):
    """Journey steps a service sent, in the server's database (removed afterwards)."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with get_engine().begin() as conn:
        data_set = create_data_set(conn, f"test-journey-{uuid.uuid4().hex[:8]}", "journey",
                                   service_id=get_service(JOURNEY_SERVICE)["id"])
        store_records(conn, data_set, [Record(None, datetime(2026, 11, 2), {"stage": stage, "count": count})
                                       for stage, count in STEPS])
    yield data_set
    with get_engine().begin() as conn:
        conn.execute(delete(records).where(records.c.data_set_id == data_set.id))
        conn.execute(delete(data_sets).where(data_sets.c.id == data_set.id))


def test_charts_load_the_finance_bundle_only_where_drawn_and_cache_it(page, sqlite_server, journey):
    network = Network(page)

    # the index draws no chart: no plotly.js at all
    load_drawn(page, sqlite_server + "/")
    assert network.fetched(PARTIAL_BUNDLE) == [] and network.fetched(FULL_BUNDLE) == []
    assert page.evaluate("() => window.Plotly") is None

    # a service page: the finance bundle of plotly.py's plotly.js version, compressed, cached for a year
    network.seen.clear()
    load_drawn(page, f"{sqlite_server}/services/{SERVICE}")
    assert network.fetched(FULL_BUNDLE) == []
    [bundle] = network.fetched(PARTIAL_BUNDLE)
    assert bundle["status"] == 200 and not bundle["cached"]
    assert bundle["headers"]["content-encoding"] in ("zstd", "br", "gzip")
    assert YEAR in bundle["headers"]["cache-control"]
    assert bundle["bytes"] < VENDORED.stat().st_size / 2  # compressed: about a third of it
    body = network.body(bundle)
    assert body.startswith(f"/**\n* plotly.js (finance - minified) v{get_plotlyjs_version()}\n")
    assert len(body.encode()) == VENDORED.stat().st_size
    assert page.evaluate("() => window.Plotly.version") == get_plotlyjs_version()
    assert page.evaluate("() => Object.keys(window.Plotly.PlotSchema.get().traces).sort()") == FINANCE_TRACES

    drawn = drawn_traces(page)
    assert drawn["bar"] > 0 and drawn["scatter"] > 0, drawn

    # the journey funnel of a service that sends one: the bundle now comes from the browser's cache, and
    # so do Dash's fingerprinted assets (stylesheets, a11y.js)
    network.seen.clear()
    load_drawn(page, f"{sqlite_server}/completion?scope=service&slug={JOURNEY_SERVICE}")
    funnel = page.evaluate("() => document.querySelector('#journey-funnel-graph .js-plotly-plot')._fullData"
                           ".map(t => [t.type, Array.from(t.x)])")
    assert funnel == [["funnel", [count for _, count in STEPS]]]
    assert drawn_traces(page)["funnel"] == len(STEPS)
    assert all(r["cached"] for r in network.fetched(PARTIAL_BUNDLE)), network.fetched(PARTIAL_BUNDLE)
    assets = [r for r in network.fetched("/assets/") if "?m=" in r["url"]]
    assert assets and all(r["cached"] for r in assets), [(r["url"], r["status"]) for r in assets if not r["cached"]]
