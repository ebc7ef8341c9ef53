"""Every htmx list answers `HX-Request: true` with its results fragment (no page around it, the rows in it) and
says `Vary: HX-Request`, so a cache never gives the fragment to a plain visit or the page to htmx; without the
header the same URL is the whole page with the same rows. The list of URLs is checked against the views:
a new view that renders a fragment must be added here."""

import ast
import inspect
import textwrap
from pathlib import Path

import pytest

from portal.comments.models import Comment, Opinion
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import post_form

PORTAL = Path(__file__).resolve().parent.parent / "portal"
FRAGMENT = {"HX-Request": "true"}

#: each htmx list: its URL (ids filled from the `lists` fixture) and a row the fragment must show (Japanese,
#: English when they differ)
LISTS = {
    "/meetings": ("断片の会議", "Fragment meeting"),
    "/consultations/{consultation}/results": "断片の意見の要旨",
    "/admin/meetings/": "断片の会議",
    "/admin/meetings/{meeting}/registrations": "断片 花子",
    "/admin/consultations/": "断片の計画案",
    "/admin/consultations/{consultation}/comments": "FRAG-0001",
    "/admin/audit/": "断片の会議",  # opening the roster is recorded
    "/admin/areas/": "断片エリア",
    "/admin/areas/venues/": "断片会場",
    "/admin/committees/": "断片委員会",
    "/admin/accommodations/": "断片の配慮",
}


@pytest.fixture
def lists(client, factory, auth):
    """One row in every list, and the client logged in as an admin (who sees every staff list)."""
    area, venue = factory.area(name_ja="断片エリア"), factory.venue(name_ja="断片会場")
    committee = factory.committee(name_ja="断片委員会")
    factory.accommodation("fragment", name_ja="断片の配慮")
    meeting = factory.meeting(title_ja="断片の会議", title_en="Fragment meeting", area=area, venue=venue,
                              committee=committee, capacity=10)
    consultation = factory.consultation(title_ja="断片の計画案", opens_in=-60, days=30, results_published_at=now_utc())
    accepted = Comment(consultation_id=consultation.id, receipt_number="FRAG-0000", text="断片の意見",
                       status="accepted", public_text="断片の意見")
    received = Comment(consultation_id=consultation.id, receipt_number="FRAG-0001", text="届いたばかりの意見")
    db.session.add_all([accepted, received])  # the results show the first; the queue lists the new one by default
    db.session.flush()
    db.session.add(Opinion(comment_id=accepted.id, consultation_id=consultation.id, summary="断片の意見の要旨"))
    db.session.commit()
    registered = post_form(client, f"/meetings/{meeting.id}/register", {
        "step": "send", "name": "断片 花子", "furigana": "ダンペン ハナコ", "email": "hanako@example.jp",
        "companions": "0"})
    assert registered.status_code == 302
    auth.as_role(client, "admin")
    assert client.get(f"/admin/meetings/{meeting.id}/registrations").status_code == 200
    return {"meeting": meeting.id, "consultation": consultation.id}


@pytest.mark.parametrize("url", list(LISTS))
def test_an_htmx_request_gets_the_results_fragment_and_a_plain_one_the_page(client, lists, url):
    rows = LISTS[url] if isinstance(LISTS[url], tuple) else (LISTS[url],) * 2
    for prefix, row in zip(("", "/en"), rows, strict=True):
        path = prefix + url.format(**lists)
        fragment = client.get(path, headers=FRAGMENT)
        body = fragment.get_data(as_text=True)
        assert fragment.status_code == 200, path
        assert "<html" not in body and "<main" not in body and '<form class="filters"' not in body, path
        assert row in body, path
        assert "HX-Request" in fragment.vary, path
        page = client.get(path)
        whole = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert "<html" in whole and 'id="results"' in whole and row in whole, path
        assert "HX-Request" in page.vary, path


def _renderers() -> set[str]:
    """render_page and the portal's helpers that call it (transitively), such as the staff reference lists'
    list_page; views (functions with a route decorator) are not helpers."""
    trees = [ast.parse(path.read_text()) for path in PORTAL.rglob("*.py")]
    helpers = [node for tree in trees for node in ast.walk(tree)
               if isinstance(node, ast.FunctionDef) and not any(_is_route(d) for d in node.decorator_list)]
    renderers = {"render_page"}
    while more := {f.name for f in helpers if f.name not in renderers and _calls(f, renderers)}:
        renderers |= more
    return renderers


def _is_route(decorator) -> bool:
    return isinstance(decorator, ast.Call) and getattr(decorator.func, "attr", None) in (
        "route", "get", "post", "put", "patch", "delete")


def _calls(node, names: set[str]) -> bool:
    return any(isinstance(call, ast.Call) and (getattr(call.func, "id", None) in names
                                               or getattr(call.func, "attr", None) in names)
               for call in ast.walk(node))


def test_every_view_that_renders_a_fragment_is_checked_here(app):
    renderers = _renderers()
    views = set()
    for endpoint, view in app.view_functions.items():
        function = inspect.unwrap(view)
        if function.__module__.startswith("portal.") and _calls(
                ast.parse(textwrap.dedent(inspect.getsource(function))), renderers):
            views.add(endpoint)
    adapter = app.url_map.bind("localhost")
    checked = {adapter.match(url.format(meeting=1, consultation=1))[0] for url in LISTS}
    assert views == checked, f"add a URL here for {sorted(views - checked)}; gone: {sorted(checked - views)}"
