"""Small helpers for driving Dash 4 components as a user would."""
from playwright.sync_api import Page, expect


def choose(page: Page, dropdown_id: str, option_text: str) -> None:
    """Open a Dash dropdown and pick the option whose text starts with option_text."""
    page.click(f"#{dropdown_id}")
    search = page.locator(".dash-dropdown-search")
    if search.count() and search.first.is_visible():  # long lists draw only their visible part
        search.first.fill(option_text)
    page.get_by_role("option").filter(has_text=option_text).first.click()
    expect(page.locator(f"#{dropdown_id}-value")).to_contain_text(option_text)


def column_numbers(page: Page, column_index: int) -> list:
    """The data-value of each cell in a column of the services table (None where not reported)."""
    values = page.eval_on_selector_all(
        f"#services-table tbody tr td:nth-child({column_index + 1})",
        "cells => cells.map(c => c.dataset.value)")
    return [float(v) if v else None for v in values]


def plotted(page: Page, graph_id: str) -> dict:
    """The traces Plotly drew (its decoded data): {name: {"x": [...], "y": [...]}}."""
    page.wait_for_selector(f"#{graph_id} .js-plotly-plot")  # a callback may be drawing it again
    return page.evaluate(
        """id => Object.fromEntries(document.querySelector('#' + id + ' .js-plotly-plot')._fullData
               .map(t => [t.name, {x: Array.from(t.x), y: Array.from(t.y)}]))""", graph_id)


def wait_until_sorted(page: Page, column_index: int, descending: bool) -> list:
    """Wait until the reported figures of a column are in order (the body re-renders after the
    header), then return them."""
    page.wait_for_function(
        """([n, descending]) => {
            const values = Array.from(document.querySelectorAll(
                `#services-table tbody tr td:nth-child(${n + 1})`))
                .map(c => c.dataset.value).filter(v => v).map(Number);
            return values.length > 1 && values.every((v, i) => i === 0 ||
                (descending ? values[i - 1] >= v : values[i - 1] <= v));
        }""", arg=[column_index, descending])
    return [v for v in column_numbers(page, column_index) if v is not None]


def wait_for_query(page: Page, expected: dict) -> None:
    """Wait until the address bar's query string holds exactly `expected`."""
    page.wait_for_function(
        """expected => {
            const got = Object.fromEntries(new URLSearchParams(window.location.search));
            return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(expected).sort());
        }""", arg=expected)


def download_csv(page: Page, selector: str, folder) -> list[dict]:
    """Click a download link as a user would and read the CSV file the browser saved (its rows,
    after the '#' lines naming title, period, source and licence)."""
    import csv
    with page.expect_download() as download:
        page.click(selector)
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    with open(path, encoding="utf-8") as file:
        return list(csv.DictReader(line for line in file if not line.startswith("#")))


# Dash has drawn the page: its app is hydrated, no callback is under way and every graph is drawn
# (the server's plain HTML is there before Dash takes over, so the DOM alone does not tell)
DASH_DRAWN = """() => {
    const state = window.store && window.store.getState();
    if (!state || state.appLifecycle !== 'HYDRATED' || state.isLoading) return false;
    const callbacks = Object.assign({}, state.callbacks);
    delete callbacks.stored;
    delete callbacks.completed;
    if (Object.values(callbacks).some(list => Array.isArray(list) && list.length)) return false;
    return !document.querySelector('._dash-loading, [data-dash-is-loading="true"]')
        && Array.from(document.querySelectorAll('.dash-graph')).every(g => g.querySelector('.main-svg'));
}"""


def wait_until_drawn(page: Page, timeout: float = 40_000) -> None:
    """Wait until Dash has drawn the page (a page with several charts can take 20 s on a busy
    2-core machine)."""
    page.wait_for_function(DASH_DRAWN, timeout=timeout)
