"""The services index a page at a time, on SQLite and PostgreSQL: the page's rows are the matching
slice of the whole sorted list, the pager is plain links kept in the URL (also without JavaScript),
and downloads hold every matching row whatever the page."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest

import app  # noqa: F401 - registers the pages
from data_access.figures import INDEX_PAGE_SIZE, service_index, service_index_count, service_index_page
from pages import index
from pages.server_render import page_html
from tests.dash_tree import find, links_in, text

SERVICES = 734  # in the demo data


def slugs(component) -> list[str]:
    """The services linked from the table's rows, in order."""
    rows = find(component, "services-body").children
    return [row.children[0].children.href.removeprefix("/services/") for row in rows]


def pager_links(component) -> tuple:
    nav = find(component, "services-pager").children
    return nav, links_in(nav)


def props(component) -> dict:
    return component.to_plotly_json()["props"]


@pytest.mark.parametrize("sort, descending", [("transactions", True), ("name", False), ("cost_per_transaction", False)])
def test_a_page_is_its_slice_of_the_whole_sorted_list(database, sort, descending):
    whole = list(service_index("2016-03", "", None, None, sort, descending)["slug"])
    for page in (1, 2, 15):
        got = service_index_page("2016-03", "", None, None, sort, descending, page)
        assert list(got["slug"]) == whole[(page - 1) * INDEX_PAGE_SIZE: page * INDEX_PAGE_SIZE]
    assert service_index_count() == SERVICES
    assert service_index_count("", "dft", "dvla") == len(service_index(department="dft", agency="dvla")) == 36


def test_the_first_page_shows_50_rows_and_a_pager_of_links(database):
    page = index.layout()
    assert slugs(page) == list(service_index()["slug"])[:INDEX_PAGE_SIZE]
    assert text(find(page, "services-count")) == f"Showing all {SERVICES} services: 1 to 50 on this page"
    nav, links = pager_links(page)
    assert props(nav)["aria-label"] == "Pagination"
    current = [link for link in links if props(link).get("aria-current") == "page"]
    assert [text(link) for link in current] == ["1"]
    named = {text(link): link.href for link in links}
    assert named["Next page"] == "/?page=2" and "Previous page" not in named
    assert named["15"] == "/?page=15" and "14" not in named  # far pages behind an ellipsis


def test_a_later_page_from_the_url_keeps_the_filters_and_sort(database):
    whole = list(service_index(None, "", "dft", None, "name", False)["slug"])
    page = index.layout(department="dft", sort="name", order="asc", page="2")
    assert slugs(page) == whole[50:100] and len(whole) == 74
    assert text(find(page, "services-count")) == f"Showing 74 of {SERVICES} services: 51 to 74 on this page"
    _, links = pager_links(page)
    named = {text(link): link.href for link in links}
    assert parse_qs(urlsplit(named["Previous page"]).query) == {"department": ["dft"], "sort": ["name"],
                                                                "order": ["asc"]}
    assert "Next page" not in named
    assert slugs(index.layout(department="dft", sort="name", order="asc", page="99")) == whole[50:]  # clamped
    assert slugs(index.layout(page="nonsense")) == list(service_index()["slug"])[:50]


def test_a_filter_change_starts_at_the_first_page_with_one_page_no_pager(database):
    rows, _, count, query, downloads, pager = index.show_services("", "dft", "dvla", "", {"sort": "name", "order": "asc"})
    assert len(rows) == 36 and pager is None
    assert count == f"Showing 36 of {SERVICES} services"
    assert query == "?department=dft&agency=dvla&sort=name&order=asc"


def test_downloads_hold_every_matching_row_whatever_the_page(database):
    page = index.layout(page="3")
    hrefs = [link.href for link in links_in(find(page, "services-downloads"))]
    assert hrefs and all("page=" not in href for href in hrefs)
    export = index.services_export({"page": "3"})
    assert len(export.frame) == SERVICES


def test_the_page_without_javascript_pages_by_links_and_sorts_from_the_first_page(database):
    html = page_html(app.app, "/", "sort=name&order=asc&page=2")
    nav = re.search(r'<nav[^>]*aria-label="Pagination"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert re.search(r'<a[^>]*aria-current="page"[^>]*>2</a>', nav)
    assert 'href="/?sort=name&amp;order=asc"' in nav  # page 1 and Previous
    assert 'href="/?sort=name&amp;order=asc&amp;page=3"' in nav
    names = re.findall(r'<th[^>]*pp-service-name[^>]*><a[^>]*>([^<]*)</a>', html)
    assert names == list(service_index(sort="name", descending=False)["name"])[50:100]
    sort_links = re.findall(r'<a[^>]*href="([^"]*)"[^>]*pp-sort-link|<a[^>]*pp-sort-link[^>]*href="([^"]*)"', html)
    assert sort_links and all("page=" not in (a or b) for a, b in sort_links)
    forms = re.findall(r'<form method="get".*?</form>', html, re.S)
    assert forms and all('name="page"' not in form for form in forms)  # a new filter starts at page 1

