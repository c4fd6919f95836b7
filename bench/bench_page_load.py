"""First page load in headless Chromium (/usr/bin/chromium, launched as tests/browser/conftest.py does)
against a real gunicorn (2 workers): bytes transferred and time to the page drawn, for the index (`/`),
a service page and /compare (two services), each in a fresh browser context (empty cache), then loaded
again in the same context (the browser's cache on: what a returning visitor fetches).

Bytes: the sum of Chromium's `Network.loadingFinished` encodedDataLength over every request (DevTools
protocol), i.e. what went over the wire, compressed where the server compressed. Times: to the first KPI
visible (the server's HTML has it), and to Dash drawn (app hydrated, no callback under way, every graph
drawn: tests/browser/helpers.py's DASH_DRAWN). The biggest resources are listed with their
Content-Encoding and Cache-Control, and the plotly.js bundle the page loaded is named by its header.
Then a plain GET of the biggest scripts with `Accept-Encoding: gzip, br` checks whether gunicorn +
flask-compress compress them. Target reported, not asserted: <= 1.2 MB compressed per first load.

    .venv/bin/python bench/bench_page_load.py --services 1000
"""
from __future__ import annotations

import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import arguments, database_kind, gunicorn, machine  # noqa: E402
from bench.generate import prepared, record_slugs  # noqa: E402
from tests.browser.helpers import DASH_DRAWN  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET = 1.2e6
FIRST_KPI = {"index": "#services-body tr td", "service": ".pp-kpi__value", "compare": "#compare-ranking-table td"}
PLOTLY_HEADER = re.compile(r"plotly\.js(?: \((\w+) - minified\))? v([\d.]+)")


def _headers(response: dict) -> dict:
    return {k.lower(): v for k, v in response["headers"].items()}


def _watch(cdp) -> dict:
    """Network events into watched["seen"] (request id -> url, type, status, headers, bytes)."""
    watched = {"seen": {}}

    def received(event):
        headers = _headers(event["response"])
        watched["seen"].setdefault(event["requestId"], {}).update(
            url=event["response"]["url"], type=event.get("type", ""), status=event["response"]["status"],
            encoding=headers.get("content-encoding", ""), cache=headers.get("cache-control", ""))
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.loadingFinished", lambda e: watched["seen"].setdefault(e["requestId"], {}).update(
        bytes=e["encodedDataLength"]))
    return watched


def _load(page, watched: dict, url: str, selector: str) -> dict:
    watched["seen"] = {}
    began = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    to_kpi = time.perf_counter() - began
    page.wait_for_function(DASH_DRAWN, timeout=120_000)
    to_drawn = time.perf_counter() - began
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)
    resources = [r for r in watched["seen"].values() if "bytes" in r]
    return {"to_kpi": to_kpi, "to_drawn": to_drawn, "bytes": sum(r["bytes"] for r in resources),
            "resources": resources, "plotly": page.evaluate(
                "() => window.Plotly ? `${window.Plotly.version} (${Object.keys(window.Plotly.PlotSchema"
                ".get().traces).length} trace types)` : 'not loaded'")}


def first_load(browser, url: str, selector: str) -> tuple[dict, dict]:
    """(the first load with an empty cache, the same page loaded again with the cache on)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    watched = _watch(cdp)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    first = _load(page, watched, url, selector)
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    _load(page, watched, url, selector)  # fills the cache (the first load ran with it disabled)
    again = _load(page, watched, url, selector)
    context.close()
    return first, again


def plotly_bundle(found: dict) -> str:
    """The plotly.js bundle the page fetched, named by its header (or that it fetched none)."""
    import requests
    for r in sorted(found["resources"], key=lambda r: -r["bytes"]):
        if r.get("type") == "Script" and "plotly" in r.get("url", ""):
            named = PLOTLY_HEADER.search(requests.get(r["url"], timeout=30).text[:300])
            if named:
                return (f"plotly.js {named.group(1) or 'full'} v{named.group(2)}, {r['bytes'] / 1e3:,.0f} kB over "
                        f"the wire ({r['url'].split('?')[0].split('/')[-1]})")
    return "no plotly.js fetched"


def show(label: str, found: tuple[dict, dict]) -> None:
    first, again = found
    over = "over" if first["bytes"] > TARGET else "within"
    print(f"  {label}: {first['bytes'] / 1e6:.2f} MB over the wire in {len(first['resources'])} requests "
          f"({over} the 1.2 MB target); first KPI visible after {first['to_kpi'] * 1000:,.0f} ms, "
          f"Dash drawn after {first['to_drawn'] * 1000:,.0f} ms")
    print(f"    {plotly_bundle(first)}; window.Plotly: {first['plotly']}")
    print(f"    again, browser cache on: {again['bytes'] / 1e3:,.1f} kB in {len(again['resources'])} requests, "
          f"Dash drawn after {again['to_drawn'] * 1000:,.0f} ms")
    for r in sorted(first["resources"], key=lambda r: -r["bytes"])[:9]:
        name = r.get("url", "?").split("?")[0].replace("http://127.0.0.1", "")[-62:]
        print(f"    {r['bytes'] / 1e3:9.1f} kB  {r.get('encoding') or 'identity':8} {r.get('type', ''):10} "
              f"{name:62}  {r.get('cache') or '(no Cache-Control)'}")


def compression_check(base: str, found: dict) -> None:
    import requests
    scripts = sorted((r for r in found["resources"] if r.get("type") == "Script"), key=lambda r: -r["bytes"])[:4]
    print("  plain GET with Accept-Encoding: gzip, br (and without):")
    for r in scripts:
        packed = requests.get(r["url"], headers={"Accept-Encoding": "gzip, br"}, timeout=30)
        plain = requests.get(r["url"], headers={"Accept-Encoding": "identity"}, timeout=30)
        wire = int(packed.headers.get("Content-Length") or 0)
        print(f"    {r['url'].split('?')[0].replace(base, '')[-60:]:60} raw {len(plain.content) / 1e3:8.1f} kB, "
              f"Content-Encoding {packed.headers.get('Content-Encoding', 'none')!r}, "
              f"Content-Length {wire / 1e3:.1f} kB")


def main() -> None:
    from playwright.sync_api import sync_playwright
    args = arguments(__doc__.split("\n")[0])
    if args.record_services is None:
        args.record_services = 5
    print(f"bench_page_load  {machine()}\nChromium {CHROMIUM}, fresh context and cache disabled per first load")
    for count in args.services:
        with prepared(count, args, "page") as url:
            slugs = record_slugs(count, args.record_services)
            pages = [("/ (index)", "/", FIRST_KPI["index"]),
                     (f"/services/{slugs[0]}", f"/services/{slugs[0]}", FIRST_KPI["service"]),
                     ("/compare (2 services)", f"/compare?services={slugs[0]},{slugs[1]}", FIRST_KPI["compare"])]
            print(f"  {database_kind(url)}, N={count:,}")
            with gunicorn(env={"DATABASE_URL": url}) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for _, path, selector in pages:  # warm the server's cache
                    first_load(browser, base + path, selector)
                results = {label: first_load(browser, base + path, selector) for label, path, selector in pages}
                browser.close()
                for label, found in results.items():
                    show(label, found)
                compression_check(base, results[pages[1][0]][0])


if __name__ == "__main__":
    main()
