"""Back after filtering with htmx, in a real browser, with the page cache on as in production: the whole page."""

import re
import threading

import pytest
from werkzeug.serving import make_server

from portal.extensions import db
from tests.conftest import sibling_app


@pytest.fixture
def cached_server(demo_app, tmp_path):
    """The demo portal with the 10-second page cache for visitors without a session."""
    cached = sibling_app(demo_app, tmp_path, CACHE_TYPE="SimpleCache", PAGE_CACHE_SECONDS=10)
    server = make_server("127.0.0.1", 0, cached, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with cached.app_context():
        db.engine.dispose()


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
