"""One headless Chromium (Debian's) for all browser tests, driven by Playwright."""
import os
import shutil

import pytest
from playwright.sync_api import expect

# the first render of a page can take seconds on a loaded 2-core machine
expect.set_options(timeout=15_000)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (README's test command does)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def _is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture
def page(browser, request):
    """A fresh page; the test fails on a JavaScript error or anything the Content-Security-Policy
    refused (tests that inject a script of their own, such as axe-core, mark themselves bypass_csp)."""
    bypass = request.node.get_closest_marker("bypass_csp") is not None
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900}, bypass_csp=bypass)
    page = context.new_page()
    errors, refused = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: refused.append(message.text) if _is_csp_violation(message) else None)
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not refused, f"Refused by the Content-Security-Policy: {refused}"
