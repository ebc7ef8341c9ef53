"""Back after filtering a list shows the whole page, never the results fragment alone.

With `historyCacheSize: 0` htmx asks the server again when a person presses Back, sending
`HX-Request: true` and `HX-History-Restore-Request: true`; that request is a page request. Every htmx list
(every template with hx-get) is checked: a fragment request first (it fills the page cache), then the
restore request to the same URL.
"""

from pathlib import Path

import pytest

from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import sibling_app

FRAGMENT = {"HX-Request": "true"}
RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
PUBLIC_LISTS = ["/meetings", "/en/meetings", "/meetings?kind=forum&seats=y", "/en/meetings?page=1",
                "/consultations/{consultation}/results", "/en/consultations/{consultation}/results",
                "/consultations/{consultation}/results?category=reflected"]
STAFF_LISTS = ["/admin/meetings/", "/admin/meetings/?q=防災", "/admin/consultations/", "/admin/audit/",
               "/en/admin/audit/", "/admin/meetings/{meeting}/registrations",
               "/admin/consultations/{consultation}/comments", "/admin/accommodations/", "/admin/areas/",
               "/admin/areas/venues/", "/admin/committees/?q=委員会"]

#: each template with an htmx list, and the list above that checks it
TEMPLATES = {
    "meetings/public/list.html": "/meetings", "comments/public/results.html": "/consultations/{consultation}/results",
    "meetings/manage/list.html": "/admin/meetings/", "consultations/manage/list.html": "/admin/consultations/",
    "audit/manage/list.html": "/admin/audit/", "registrations/manage/roster.html": "/admin/meetings/{meeting}/registrations",
    "comments/manage/queue.html": "/admin/consultations/{consultation}/comments",
    "admin/reference_list.html": "/admin/accommodations/",
}


def test_every_htmx_list_is_checked_here():
    root = Path(__file__).resolve().parent.parent / "templates"
    found = {str(p.relative_to(root)) for p in root.rglob("*.html")
             if "hx-get" in p.read_text() and not p.name.startswith("_") and p.parent.name != "_macros"}
    assert found <= set(TEMPLATES), f"add the new htmx list to this file: {sorted(found - set(TEMPLATES))}"
    assert set(TEMPLATES.values()) <= set(PUBLIC_LISTS + STAFF_LISTS)


@pytest.fixture
def lists(factory):
    meeting = factory.meeting(title_ja="防災を考える会", title_en="Disaster preparedness")
    consultation = factory.consultation(results_published_at=now_utc())
    return {"meeting": meeting.id, "consultation": consultation.id}


@pytest.fixture
def cached_app(app, tmp_path):
    cached = sibling_app(app, tmp_path, CACHE_TYPE="SimpleCache", PAGE_CACHE_SECONDS=10)
    yield cached
    with cached.app_context():
        db.engine.dispose()


def assert_whole_page(response, url):
    page = response.get_data(as_text=True)
    assert response.status_code == 200, url
    for part in ("<html", '<header class="site-header">', 'class="main-nav"', '<main id="main"',
                 '<form class="filters"', 'id="results"'):
        assert part in page, (url, part)


def assert_fragment(response, url):
    page = response.get_data(as_text=True)
    assert response.status_code == 200, url
    assert "<html" not in page and "<main" not in page and '<form class="filters"' not in page, url


@pytest.mark.parametrize("cache", [False, True], ids=["without page cache", "with page cache"])
def test_back_after_filtering_a_public_list_shows_the_whole_page(app, cached_app, lists, cache):
    visitor = (cached_app if cache else app).test_client()
    for url in (u.format(**lists) for u in PUBLIC_LISTS):
        assert_fragment(visitor.get(url, headers=FRAGMENT), url)
        back = visitor.get(url, headers=RESTORE)
        assert_whole_page(back, url)
        assert {"HX-Request", "HX-History-Restore-Request"} <= set(back.vary), url
        assert_fragment(visitor.get(url, headers=FRAGMENT), url)  # the fragment is still a fragment
    if cache:
        # The whole page the restore got is the cached page: the next plain visit is served from it.
        url = PUBLIC_LISTS[0]
        assert visitor.get(url).headers.get("X-Page-Cache") == "hit"
        assert_whole_page(visitor.get(url, headers=RESTORE), url)


def test_a_restore_request_served_from_the_cache_is_the_whole_page(cached_app, lists):
    """The order a person causes: filter (fragment cached), visit elsewhere, Back (restore) twice."""
    visitor = cached_app.test_client()
    visitor.get("/meetings?kind=forum", headers=FRAGMENT)
    first = visitor.get("/meetings?kind=forum", headers=RESTORE)
    again = visitor.get("/meetings?kind=forum", headers=RESTORE)
    assert again.headers.get("X-Page-Cache") == "hit"
    assert_whole_page(first, "/meetings?kind=forum")
    assert_whole_page(again, "/meetings?kind=forum")


def test_back_after_filtering_a_staff_list_shows_the_whole_page(app, auth, lists):
    client = app.test_client()
    auth.as_role(client, "admin", email="admin@city.example.jp")
    for url in (u.format(**lists) for u in STAFF_LISTS):
        assert_fragment(client.get(url, headers=FRAGMENT), url)
        assert_whole_page(client.get(url, headers=RESTORE), url)
