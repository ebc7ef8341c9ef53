"""The second factor belongs to the session: a staff role opens staff pages only in a session that has passed it.

Two ways a resident who is signed in becomes staff: an administrator changes their roles at /admin/staff/<id>
(every session of theirs ends), or accepts an invitation to their existing address (the role comes only when
they open the link signed in and pass the second factor). And the one access check sends a staff user whose
session has not passed it to enrolment or to the code page, then back to the page asked for.
"""

import re
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from portal.accounts.models import OneTimeToken, User, UserRole
from portal.audit.models import AuditEntry
from portal.core.enums import Role
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import PASSWORD, post_form

STAFF_PAGES = ["/admin/", "/admin/staff", "/admin/audit/"]


def roles_of(user_id: int) -> set[str]:
    db.session.expire_all()
    return db.session.get(User, user_id).role_names


def enrol(client, pages=None) -> str:
    """Set up the authenticator on the enrolment page; the page it leads to after the recovery codes."""
    page = client.get("/account/totp/setup").get_data(as_text=True)
    secret = re.search(r'<p class="secret"><code>([A-Z2-7]+)</code>', page).group(1)
    response = post_form(client, "/account/totp/setup", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/account/recovery-codes")
    codes_page = client.get("/account/recovery-codes").get_data(as_text=True)
    assert "コードを保管しました" in codes_page
    if pages is not None:
        pages.append(codes_page)
    return re.search(r'<a class="button" href="([^"]+)">', codes_page).group(1)


def assert_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"], url


def invite(admin_client, outbox, email: str, role: str) -> str:
    """Invite through the staff page; the link in the email."""
    post_form(admin_client, "/admin/staff", {"email": email, "roles": role})
    return re.search(r"https?://[^\s]+(/account/invite/[^\s]+)", outbox()[-1].text_body).group(1)


def signed_in(app, auth, email="hanako@example.jp", **values):
    """A person with their own browser, logged in through the pages."""
    user = auth.create(email, name=values.pop("name", "山田花子"), **values)
    client = app.test_client()
    auth.login(client, user)
    return user, client


@pytest.fixture
def admin_client(app, auth):
    client = app.test_client()
    auth.as_role(client, "admin", email="admin@city.example.jp")
    return client


def test_a_role_change_ends_the_residents_session_and_staff_pages_wait_for_enrolment(app, auth, admin_client):
    resident, x = signed_in(app, auth)
    assert x.get("/admin/").status_code == 403

    assert "すべての端末でログアウトします" in admin_client.get(f"/admin/staff/{resident.id}").get_data(as_text=True)
    response = post_form(admin_client, f"/admin/staff/{resident.id}", {"roles": ["admin"]})
    assert response.status_code == 302 and roles_of(resident.id) == {"admin"}

    for url in STAFF_PAGES + ["/account/me"]:
        assert_sent_to_login(x, url)  # the old session has ended everywhere

    response = post_form(x, "/account/login", {"email": "hanako@example.jp", "password": PASSWORD})
    assert response.headers["Location"].endswith("/account/totp/setup")
    for url in STAFF_PAGES:
        assert_sent_to_login(x, url)  # the password alone opens nothing
    enrol(x)
    for url in STAFF_PAGES:
        assert x.get(url).status_code == 200, url
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.changes["roles"] == [[], ["admin"]]


def test_an_admin_changing_their_own_roles_keeps_working(auth, admin_client):
    post_form(admin_client, "/admin/staff/1", {"roles": ["admin", "editor"]})
    for url in STAFF_PAGES + ["/admin/meetings/"]:
        assert admin_client.get(url).status_code == 200, url


def test_an_invitation_to_an_existing_resident_gives_the_role_only_after_the_second_factor(
        app, auth, admin_client, outbox):
    resident, x = signed_in(app, auth)

    assert "ログインした状態でリンクを開き" in admin_client.get("/admin/staff").get_data(as_text=True)
    response = post_form(admin_client, "/admin/staff", {"email": "ＨＡＮＡＫＯ@example.jp", "roles": "editor"})
    assert response.status_code == 302 and roles_of(resident.id) == set()  # nothing at the moment it is sent
    mail = outbox()[-1]
    assert mail.to_address == "hanako@example.jp" and "招待" in mail.subject and "ログインしてから" in mail.text_body
    link = re.search(r"https?://[^\s]+(/account/invite/[^\s]+)", mail.text_body).group(1)
    for url in STAFF_PAGES:
        assert x.get(url).status_code == 403, url

    # Not signed in, or signed in as someone else: the link says whose it is and gives nothing.
    anonymous = app.test_client()
    page = anonymous.get(link).get_data(as_text=True)
    assert "hanako@example.jp のアカウントあて" in page and "招待を受ける</button>" not in page
    someone_else = app.test_client()
    auth.login(someone_else, auth.create("taro@example.jp"))
    assert "のアカウントあて" in someone_else.get(link).get_data(as_text=True)
    assert post_form(someone_else, link, {}).status_code == 200 and roles_of(resident.id) == set()

    page = x.get(link).get_data(as_text=True)
    assert "協創ポータルに職員として参加する" in page and "編集担当" in page
    response = post_form(x, link, {})
    assert response.headers["Location"].endswith("/account/totp/setup")
    assert roles_of(resident.id) == set()  # accepted, but the second factor is still owed
    for url in STAFF_PAGES:
        assert x.get(url).status_code == 403, url

    pages = []
    assert enrol(x, pages).endswith("/admin/")
    assert roles_of(resident.id) == {"editor"} and "職員として登録しました" in pages[0]
    assert x.get("/admin/").status_code == 200 and x.get("/admin/meetings/").status_code == 200
    assert x.get("/admin/staff").status_code == 403  # editor, not admin
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "invite_accepted"))
    assert entry.changes["roles"] == [[], ["editor"]] and "山田花子" in entry.actor_name
    assert x.get(link).status_code == 400  # the link works once


def test_staff_who_passed_the_second_factor_accept_a_further_role_with_one_button(app, auth, admin_client, outbox):
    editor, x = signed_in(app, auth, "editor@city.example.jp", roles=("editor",), name="編集 花子")
    link = invite(admin_client, outbox, "editor@city.example.jp", "moderator")
    assert x.get("/admin/comments").status_code == 403
    response = post_form(x, link, {})
    assert response.headers["Location"].endswith("/admin/")
    assert "職員として登録しました" in x.get("/admin/").get_data(as_text=True)
    assert roles_of(editor.id) == {"editor", "moderator"}
    assert x.get("/admin/comments").status_code == 200


def test_an_invitation_that_expires_before_the_second_factor_gives_nothing(app, auth, admin_client, outbox):
    resident, x = signed_in(app, auth)
    link = invite(admin_client, outbox, "hanako@example.jp", "admin")
    post_form(x, link, {})
    db.session.execute(sa.update(OneTimeToken).values(expires_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    pages = []
    enrol(x, pages)
    assert 'class="notice notice-error"' in pages[0] and "このリンクは有効期限が切れています" in pages[0]
    assert "notice-success" not in pages[0]  # one message: the refusal, not also a cheerful welcome
    assert roles_of(resident.id) == set() and x.get("/admin/").status_code == 403


def test_invitation_accept_without_csrf_token_is_refused(app, auth, admin_client, outbox):
    resident, x = signed_in(app, auth)
    link = invite(admin_client, outbox, "hanako@example.jp", "admin")
    response = x.post(link, data={})
    assert response.status_code in (200, 400) and roles_of(resident.id) == set()
    assert x.get("/admin/").status_code == 403


@pytest.mark.parametrize("totp", [False, True], ids=["no authenticator yet", "authenticator set up"])
def test_a_staff_session_without_the_second_factor_is_sent_to_it_and_back(app, auth, totp):
    """A role that reached a signed-in session some other way (e.g. `create-admin` run for an existing
    address by hand, or a database restore) still opens nothing until this session passes the factor."""
    user, x = signed_in(app, auth)
    user.roles.append(UserRole(role=Role.ADMIN))
    if totp:
        user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), now_utc()
    db.session.commit()

    response = x.get("/admin/audit/?action=invite")
    if not totp:
        assert response.headers["Location"].endswith("/account/totp/setup")
        assert x.get("/en/admin/staff").headers["Location"].endswith("/en/account/totp/setup")
        assert enrol(x) == "/en/admin/staff"  # the last page asked for, in its language
    else:
        assert response.headers["Location"].endswith("/account/login/verify")
        wrong = post_form(x, "/account/login/verify", {"code": "12345６"})
        assert "コードが違います" in wrong.get_data(as_text=True)
        assert x.get("/admin/audit/").headers["Location"].endswith("/account/login/verify")
        response = post_form(x, "/account/login/verify", {"code": pyotp.TOTP(user.totp_secret).now()})
        assert response.headers["Location"].endswith("/admin/audit/")
    for url in STAFF_PAGES:
        assert x.get(url).status_code == 200, url


def test_a_resident_cannot_open_the_enrolment_page_without_a_reason(client, auth):
    auth.login(client, auth.create("hanako@example.jp"))
    assert client.get("/account/totp/setup").headers["Location"].endswith("/account/me")
    assert client.get("/account/login/verify").headers["Location"].endswith("/account/me")
