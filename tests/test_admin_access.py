"""Every /admin URL: anonymous → login, resident → 403, each staff role as its role says."""

import pytest
import sqlalchemy as sa

from portal.committees.models import Committee, CommitteeMember, CommitteeTerm
from portal.consultations.models import Consultation
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import Meeting

EVERYONE_STAFF = ["/admin/"]
EDITOR = [
    "/admin/meetings/", "/admin/meetings/new", "/admin/meetings/{meeting}", "/admin/meetings/{meeting}/cancel",
    "/admin/meetings/{meeting}/report", "/admin/areas/", "/admin/areas/new", "/admin/areas/1", "/admin/areas/venues/new",
    "/admin/areas/venues/1", "/admin/committees/", "/admin/committees/new", "/admin/committees/{committee}",
    "/admin/committees/{committee}/edit", "/admin/committees/{committee}/terms/new", "/admin/committees/terms/{term}",
    "/admin/committees/terms/{term}/members/new", "/admin/committees/members/{member}",
    "/admin/committees/{committee}/schedule", "/admin/consultations/", "/admin/consultations/new",
    "/admin/consultations/{consultation}", "/admin/documents/new?meeting={meeting}", "/admin/documents/{document}",
    "/admin/areas/venues/", "/admin/accommodations/", "/admin/accommodations/new", "/admin/accommodations/1",
]
ADMIN = ["/admin/staff", "/admin/staff/{admin}", "/admin/audit/"]
POSTS = ["/admin/meetings/{meeting}/publish", "/admin/meetings/{meeting}/duplicate", "/admin/documents/{document}/delete",
         "/admin/committees/members/{member}/delete", "/admin/consultations/{consultation}/publish-results"]


def ids(admin_id: int) -> dict:
    return {
        "meeting": db.session.scalar(sa.select(Meeting.id).where(Meeting.kind == "forum")),
        "committee": db.session.scalar(sa.select(Committee.id)),
        "term": db.session.scalar(sa.select(CommitteeTerm.id)),
        "member": db.session.scalar(sa.select(CommitteeMember.id)),
        "consultation": db.session.scalar(sa.select(Consultation.id)),
        "document": db.session.scalar(sa.select(Document.id)),
        "admin": admin_id,
    }


def admin_urls(values, groups=(EVERYONE_STAFF, EDITOR, ADMIN)) -> list[str]:
    return [url.format(**values) for group in groups for url in group]


@pytest.fixture
def staff(demo_app, demo_auth):
    admin = demo_auth.create(email="admin@city.example.jp", roles=("admin",))
    return ids(admin.id)


def test_anonymous_visitors_are_sent_to_the_login_page(demo_app, staff):
    client = demo_app.test_client()
    for url in admin_urls(staff):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login?next=" in response.headers["Location"], url
    for url in POSTS:
        assert client.post(url.format(**staff)).status_code in (302, 400), url  # login or CSRF, never done


@pytest.mark.parametrize("role,allowed,forbidden", [
    (None, [], [EVERYONE_STAFF, EDITOR, ADMIN]),
    ("moderator", [EVERYONE_STAFF], [EDITOR, ADMIN]),
    ("editor", [EVERYONE_STAFF, EDITOR], [ADMIN]),
    ("admin", [EVERYONE_STAFF, EDITOR, ADMIN], []),
])
def test_roles_open_what_they_should_and_nothing_else(demo_app, demo_auth, staff, role, allowed, forbidden):
    client = demo_app.test_client()
    demo_auth.as_role(client, role)
    for url in admin_urls(staff, allowed):
        assert client.get(url).status_code == 200, url
        assert client.get("/en" + url).status_code == 200, "/en" + url
    for url in admin_urls(staff, forbidden):
        assert client.get(url).status_code == 403, url


def test_unknown_ids_in_admin_answer_404(demo_app, demo_auth, staff):
    client = demo_app.test_client()
    demo_auth.as_role(client, "admin", email="boss@city.example.jp")
    for url in ("/admin/meetings/99999", "/admin/committees/99999", "/admin/consultations/99999",
                "/admin/documents/99999", "/admin/staff/99999", "/admin/documents/new?meeting=99999",
                "/admin/documents/new", "/admin/areas/venues/99999"):
        assert client.get(url).status_code == 404, url


def test_staff_must_pass_the_second_factor(demo_app, demo_auth):
    from tests.helpers import PASSWORD, post_form

    editor = demo_auth.create(email="editor@city.example.jp", roles=("editor",))
    client = demo_app.test_client()
    response = post_form(client, "/account/login", {"email": editor.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/account/login/verify")
    assert client.get("/admin/").status_code == 302  # not logged in until the code is given
    response = post_form(client, "/account/login/verify", {"code": "000000"})
    assert "コードが違います" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
