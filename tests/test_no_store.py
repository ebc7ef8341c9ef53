"""`Cache-Control: no-store` on every response that may carry someone's data; public pages for visitors
without a session and static files stay cacheable."""

import re

from tests.helpers import post_form, sibling_app

GUEST = {"name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0", "step": "send"}


def no_store(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store"


def guest_registration(app, meeting) -> str:
    """A guest registers in a browser of their own; the path of their registration page."""
    guest = app.test_client()
    response = post_form(guest, f"/meetings/{meeting.id}/register", GUEST)
    assert response.status_code == 302
    return re.sub(r"^https?://[^/]+", "", response.headers["Location"])


def test_staff_pages_exports_and_the_account_page_are_no_store(app, client, auth, factory):
    meeting, consultation = factory.meeting(capacity=10), factory.consultation()
    guest_registration(app, meeting)
    auth.as_role(client, "admin")
    for url in ("/account/me", "/en/account/me", "/admin/", f"/admin/meetings/{meeting.id}/registrations",
                f"/admin/meetings/{meeting.id}/accommodations", f"/admin/meetings/{meeting.id}/registrations.csv",
                f"/admin/consultations/{consultation.id}/comments.csv", "/admin/staff", "/admin/audit/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url


def test_public_pages_for_a_signed_in_person_are_no_store(client, auth, factory):
    meeting = factory.meeting()
    auth.as_role(client)  # a resident
    for url in ("/", "/meetings", f"/meetings/{meeting.id}", f"/meetings/{meeting.id}.ics", "/nope"):
        assert no_store(client.get(url)), url


def test_a_guests_registration_page_is_no_store_without_any_session(app, factory):
    meeting = factory.meeting(capacity=10)
    path = guest_registration(app, meeting)
    stranger = app.test_client()  # the emailed link opened in a fresh browser: no cookie at all
    page = stranger.get(path)
    assert page.status_code == 200 and "多摩 花子" in page.get_data(as_text=True)
    assert no_store(page)


def test_form_pages_and_every_post_answer_are_no_store(client, factory):
    meeting = factory.meeting(capacity=10)
    assert no_store(client.get(f"/meetings/{meeting.id}/register"))  # the form carries this visitor's token
    assert no_store(client.get("/account/login"))
    assert no_store(post_form(client, "/account/login", {"email": "nobody@example.jp", "password": "x"}))


def test_public_pages_for_an_anonymous_visitor_and_static_files_stay_cacheable(client, factory):
    meeting = factory.meeting()
    for url in ("/meetings", "/en/meetings", f"/meetings/{meeting.id}", "/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200 and not no_store(response), url
    asset = re.search(r'href="(/static/css/portal\.css[^"]*)"', client.get("/").get_data(as_text=True)).group(1)
    assert "max-age=31536000" in client.get(asset).headers["Cache-Control"]


def test_the_page_cache_never_keeps_a_guests_registration_page(app, factory, tmp_path):
    meeting = factory.meeting(capacity=10)
    path = guest_registration(app, meeting)
    cached = sibling_app(app, tmp_path, CACHE_TYPE="SimpleCache", PAGE_CACHE_SECONDS=10)
    for _ in range(2):
        page = cached.test_client().get(path)
        assert page.status_code == 200 and "X-Page-Cache" not in page.headers and no_store(page)


def test_a_committee_term_archive_is_public_but_a_comment_receipt_is_not(demo_app, demo_client):
    from portal.comments.models import Comment
    from portal.committees.models import CommitteeTerm
    from portal.extensions import db

    term = db.session.scalar(db.select(CommitteeTerm))
    archive = demo_client.get(f"/committees/{term.committee.slug}/terms/{term.number}")  # <number>: a term, no key
    assert archive.status_code == 200 and not no_store(archive)
    comment = db.session.scalar(db.select(Comment).where(Comment.receipt_number.is_not(None)))
    receipt = demo_client.get(f"/consultations/{comment.consultation_id}/comment/receipt/{comment.receipt_number}")
    assert receipt.status_code == 200 and no_store(receipt)
