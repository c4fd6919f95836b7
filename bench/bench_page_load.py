"""First page load in headless Chromium (/usr/bin/chromium, launched as tests/browser/conftest.py does)
against a real gunicorn (2 workers): bytes transferred and time to the first KPI visible, for the index
(`/`) and a service page, each in a fresh browser context (empty cache).

Bytes: the sum of Chromium's `Network.loadingFinished` encodedDataLength over every request (DevTools
protocol), i.e. what went over the wire, compressed where the server compressed. The biggest
resources are listed with their Content-Encoding. Then a plain GET of the biggest scripts with
`Accept-Encoding: gzip, br` checks whether gunicorn + flask-compress compress them.
Target reported, not asserted: <= 1.2 MB compressed per first load.

    .venv/bin/python bench/bench_page_load.py --services 1000
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import arguments, database_kind, gunicorn, machine  # noqa: E402
from bench.generate import prepared, record_slugs  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TARGET = 1.2e6
FIRST_KPI = {"index": "#services-body tr td", "service": ".pp-kpi__value"}


def first_load(browser, url: str, selector: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    seen: dict[str, dict] = {}
    cdp.on("Network.responseReceived", lambda e: seen.setdefault(e["requestId"], {}).update(
        url=e["response"]["url"], type=e.get("type", ""), encoding={k.lower(): v for k, v in
                                                                   e["response"]["headers"].items()}.get("content-encoding", "")))
    cdp.on("Network.loadingFinished", lambda e: seen.setdefault(e["requestId"], {}).update(
        bytes=e["encodedDataLength"]))
    began = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(selector, state="visible", timeout=60_000)
    to_kpi = time.perf_counter() - began
    page.wait_for_load_state("networkidle")
    time.sleep(0.5)
    resources = [r for r in seen.values() if "bytes" in r]
    context.close()
    return {"to_kpi": to_kpi, "bytes": sum(r["bytes"] for r in resources), "resources": resources}


def show(label: str, found: dict) -> None:
    over = "over" if found["bytes"] > TARGET else "within"
    print(f"  {label}: {found['bytes'] / 1e6:.2f} MB over the wire in {len(found['resources'])} requests "
          f"({over} the 1.2 MB target); first KPI visible after {found['to_kpi'] * 1000:,.0f} ms")
    for r in sorted(found["resources"], key=lambda r: -r["bytes"])[:8]:
        name = r.get("url", "?").split("?")[0].replace("http://127.0.0.1", "")[-70:]
        print(f"    {r['bytes'] / 1e3:9.1f} kB  {r.get('encoding') or 'identity':8} {r.get('type', ''):10} {name}")


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
    print(f"bench_page_load  {machine()}\nChromium {CHROMIUM}, fresh context and cache disabled per load")
    for count in args.services:
        with prepared(count, args, "page") as url:
            slug = record_slugs(count, args.record_services)[0]
            print(f"  {database_kind(url)}, N={count:,}")
            with gunicorn(env={"DATABASE_URL": url}) as base, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                first_load(browser, base + "/", FIRST_KPI["index"])  # warm the server's cache
                first_load(browser, f"{base}/services/{slug}", FIRST_KPI["service"])
                index = first_load(browser, base + "/", FIRST_KPI["index"])
                show("/ (index)", index)
                service = first_load(browser, f"{base}/services/{slug}", FIRST_KPI["service"])
                show(f"/services/{slug}", service)
                browser.close()
                compression_check(base, service)


if __name__ == "__main__":
    main()
