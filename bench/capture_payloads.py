"""Capture the requests a browser makes while a public user browses and filters, for bench/locustfile.py.

Headless Chromium (as tests/browser/conftest.py launches it) visits the index and changes the
department filter, opens service pages and changes their year, and opens the channels drill-down of
each; every POST to /_dash-update-component is recorded with its body, as the browser sent it.
Writes a JSON list of visits: {"name", "path", "posts": [{"path", "body"}, ...]} (the callback
URL keeps its query string, e.g. Dash 4's `?endId=`).

    .venv/bin/python bench/capture_payloads.py http://127.0.0.1:8050 /tmp/payloads.json [slug ...]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_page_load import ARGS, CHROMIUM  # noqa: E402


def visit(browser, base: str, name: str, path: str, action=None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    posts = []
    page.on("request", lambda r: posts.append({"path": r.url[len(base):], "body": r.post_data})
            if "/_dash-update-component" in r.url and r.method == "POST" else None)
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if action:
        action(page)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
    context.close()
    print(f"  {name}: {path}, {len(posts)} callback requests", flush=True)
    return {"name": name, "path": path, "posts": posts}


def pick(dropdown_id: str, nth: int):
    """Open a Dash dropdown and choose its nth option, as a user would."""
    def act(page):
        page.wait_for_selector(f"#{dropdown_id}", state="visible")
        page.click(f"#{dropdown_id}")
        page.get_by_role("option").nth(nth).click()
    return act


def main() -> None:
    from playwright.sync_api import sync_playwright
    base, out, slugs = sys.argv[1].rstrip("/"), Path(sys.argv[2]), sys.argv[3:]
    visits = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        visits.append(visit(browser, base, "index", "/"))
        visits.append(visit(browser, base, "index: department filter", "/", pick("services-department", 1)))
        visits.append(visit(browser, base, "index: period filter", "/", pick("services-period", 3)))
        for slug in slugs:
            visits.append(visit(browser, base, "service", f"/services/{slug}"))
            visits.append(visit(browser, base, "service: year", f"/services/{slug}", pick("service-period", 2)))
            visits.append(visit(browser, base, "channels drill-down", f"/channels?scope=service&slug={slug}"))
        browser.close()
    out.write_text(json.dumps(visits))
    print(f"  {sum(len(v['posts']) for v in visits)} payloads of {len(visits)} visits -> {out}")


if __name__ == "__main__":
    main()
