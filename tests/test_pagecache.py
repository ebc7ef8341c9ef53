"""The short page cache for visitors without a session: shared only where it is the same for everyone."""

import re

import pytest

from portal.extensions import db
from tests.helpers import sibling_app


@pytest.fixture
def cached_client(app, tmp_path):
    cached = sibling_app(app, tmp_path, CACHE_TYPE="SimpleCache", PAGE_CACHE_SECONDS=10)
    yield cached.test_client()
    with cached.app_context():
        db.engine.dispose()


def test_a_public_page_is_served_from_the_cache_to_visitors_without_a_session(cached_client, factory):
    factory.meeting(title_ja="防災を考える会")
    first = cached_client.get("/meetings")
    again = cached_client.get("/meetings")
    assert "X-Page-Cache" not in first.headers and again.headers["X-Page-Cache"] == "hit"
    assert again.data == first.data and "防災を考える会" in again.get_data(as_text=True)
    assert "Content-Security-Policy" in again.headers  # the security headers are on cached pages too


def test_languages_and_htmx_fragments_are_kept_apart(cached_client, factory):
    factory.meeting(title_ja="防災を考える会", title_en="Disaster preparedness")
    cached_client.get("/meetings")
    english = cached_client.get("/en/meetings")
    assert "X-Page-Cache" not in english.headers and 'lang="en"' in english.get_data(as_text=True)
    fragment = cached_client.get("/meetings", headers={"HX-Request": "true"})
    assert "X-Page-Cache" not in fragment.headers and "<html" not in fragment.get_data(as_text=True)


def test_forms_and_logged_in_pages_are_never_cached(app, cached_client, factory, auth):
    meeting = factory.meeting(capacity=10)
    visitors = cached_client.application.test_client(use_cookies=False)  # every request a new visitor
    for path in (f"/meetings/{meeting.id}/register", "/account/login", "/account/signup"):
        tokens = set()
        for _ in range(2):
            form = visitors.get(path)
            assert "X-Page-Cache" not in form.headers, path  # its CSRF token belongs to one visitor
            tokens.add(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True))[1])
        assert len(tokens) == 2
    anonymous = cached_client.application.test_client()
    anonymous.get("/meetings")
    assert anonymous.get("/meetings").headers["X-Page-Cache"] == "hit"
    user = auth.create("hanako@example.jp", name="山田花子")
    auth.login(cached_client, user)
    for _ in range(2):
        page = cached_client.get("/meetings")
        assert "X-Page-Cache" not in page.headers and "ログアウト" in page.get_data(as_text=True)
