"""Back after filtering with htmx, in a real browser, with the page cache on as in production: the whole page."""

import re

import pytest

from tests.browser.conftest import serve
from tests.helpers import sibling_app


@pytest.fixture
def cached_server(demo_app, tmp_path):
    """The demo portal with the 10-second page cache for visitors without a session."""
    cached = sibling_app(demo_app, tmp_path, CACHE_TYPE="SimpleCache", PAGE_CACHE_SECONDS=10)
    with serve(cached) as url:
        yield url


def test_back_after_two_filters_restores_the_whole_page(page, cached_server):
    page.goto(cached_server + "/meetings")
    for kind in ("forum", "seminar"):  # each answer is a fragment, kept in the page cache
        with page.expect_response(lambda r, kind=kind: f"kind={kind}" in r.url):
            page.select_option("#kind", kind)
        page.wait_for_url(re.compile(rf"/meetings\?.*kind={kind}"))
    with page.expect_response(lambda r: "kind=forum" in r.url
                              and r.request.headers.get("hx-history-restore-request") == "true"):
        page.go_back()
    page.wait_for_url(re.compile(r"/meetings\?.*kind=forum"))
    page.wait_for_selector("form.filters")
    assert page.locator("header.site-header").count() == 1 and page.locator("nav.main-nav").count() == 1
    assert page.locator("main h1").inner_text() == "会議・イベント"
    assert page.locator("#results").count() == 1
