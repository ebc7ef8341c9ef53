"""Guessing passwords and codes for one account from many addresses (issue 12.1), telling registered addresses
from the work done (12.2), over-long passwords (12.4), hostile names (12.5), an invitation whose address someone
signed up with first and `create-admin` (12.7).

The throttling tests come through a trusted proxy (REMOTE_ADDR 10.0.0.5) with a new X-Forwarded-For for every
request, as an attacker with many addresses would: the per-client limit never applies, the per-account one does.
The clock is moved by patching the throttle's `now_utc`; nothing sleeps.
"""

import re
from datetime import timedelta
from unittest import mock

import pyotp
import pytest
import sqlalchemy as sa

from portal.accounts import passwords, throttle
from portal.accounts.models import SignInFailure, User
from portal.audit.models import AuditEntry
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import PASSWORD, IsolatedClient, csrf_token, post_form, sibling_app

PROXY = "10.0.0.5"
KNOWN, UNKNOWN = "hanako@example.jp", "nobody@example.jp"
PAUSED_JA = "最大15分"  # the paused message names the window
PAUSED_EN = "logging in to it is paused for up to 15 minutes"


class Attacker:
    """A browser behind the proxy whose address changes for every request."""

    def __init__(self, app, tmp_path):
        proxied = sibling_app(app, tmp_path, TRUSTED_PROXIES=[PROXY])
        proxied.test_client_class = IsolatedClient
        self.client = proxied.test_client()
        self.n = 0

    def post(self, url, data, page=None):
        self.n += 1
        address = f"203.0.{self.n // 250}.{self.n % 250 + 1}"
        token = csrf_token(self.client, page or url)
        return self.client.post(url, data={"csrf_token": token, **data}, environ_base={"REMOTE_ADDR": PROXY},
                                headers={"X-Forwarded-For": address})

    def login(self, email, password, lang=""):
        return self.post(f"{lang}/account/login", {"email": email, "password": password})


@pytest.fixture
def attacker(app, tmp_path):
    return Attacker(app, tmp_path)


def later(minutes):
    """Patch the throttle's clock forward."""
    moved = now_utc() + timedelta(minutes=minutes)
    return mock.patch.object(throttle, "now_utc", lambda: moved)


def answer(response, email) -> str:
    """What a visitor sees, without what differs by construction (the address typed, the CSRF token, nonces)."""
    text = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'(value|nonce|content)="[^"]{20,}"', r'\1="X"', text)


def test_the_account_limit_holds_across_twenty_addresses_and_unknown_addresses_answer_the_same(
        auth, attacker, outbox):
    auth.create(KNOWN, name="山田花子")
    answers = {}
    for email in (KNOWN, UNKNOWN):
        responses = [attacker.login(email, f"wrong-{n}") for n in range(20)]
        assert [r.status_code for r in responses] == [200] * 9 + [429] * 11, email
        assert "パスワードが違う" in responses[0].get_data(as_text=True)
        paused = responses[9].get_data(as_text=True)
        assert PAUSED_JA in paused or PAUSED_EN in paused  # (English until the catalogs are merged)
        answers[email] = [answer(r, email) for r in responses]
    assert answers[KNOWN] == answers[UNKNOWN]  # the same pages: nothing tells which address has an account

    english = attacker.login(KNOWN, "wrong", lang="/en")
    assert english.status_code == 429 and PAUSED_EN in english.get_data(as_text=True)
    assert 'value="hanako@example.jp"' in english.get_data(as_text=True)  # what was typed is kept

    assert attacker.login(KNOWN, PASSWORD).status_code == 429  # the right password waits for the window too
    with later(14):
        assert attacker.login(KNOWN, PASSWORD).status_code == 429
    with later(16):
        response = attacker.login(KNOWN, PASSWORD)
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/me")
        assert attacker.login(UNKNOWN, "wrong").status_code == 200  # no permanent lockout either
    with later(40):  # paused again: recorded, but its owner was told today already
        assert [attacker.login(KNOWN, "wrong").status_code for _ in range(10)][-1] == 429
    assert len([e for e in db.session.scalars(sa.select(AuditEntry.action)) if e == "sign_in_locked"]) == 3
    # the owner is told once; an address without an account gets nothing
    paused = [m for m in outbox() if "一時停止" in m.subject]
    assert [m.to_address for m in outbox()] == [KNOWN] and len(paused) == 1
    assert "/account/password/forgot" in paused[0].text_body


def test_failures_are_stored_by_hmac_and_pruned(auth, attacker):
    attacker.login(UNKNOWN, "wrong")
    stored = db.session.scalars(sa.select(SignInFailure.address_key)).all()
    assert len(stored) == 1 and UNKNOWN not in stored[0] and len(stored[0]) == 64
    with later(16):
        attacker.login("someone@example.jp", "wrong")
    assert db.session.scalar(sa.select(sa.func.count(SignInFailure.id))) == 1  # the old one was pruned


def test_an_administrator_lets_a_paused_account_log_in_again(app, auth, attacker):
    resident = auth.create(KNOWN, name="山田花子")
    for n in range(10):
        attacker.login(KNOWN, f"wrong-{n}")
    admin = app.test_client()
    auth.as_role(admin, "admin", email="admin@city.example.jp")
    listing = admin.get("/admin/staff").get_data(as_text=True)
    assert f"/admin/staff/{resident.id}" in listing and KNOWN in listing
    page = admin.get(f"/en/admin/staff/{resident.id}").get_data(as_text=True)
    assert "Let them log in again now" in page

    # only with the CSRF token, only for administrators
    assert admin.post(f"/admin/staff/{resident.id}/unlock", data={}).status_code in (302, 400)
    assert attacker.login(KNOWN, PASSWORD).status_code == 429
    editor = app.test_client()
    auth.as_role(editor, "editor", email="editor@city.example.jp")
    assert post_form(editor, f"/admin/staff/{resident.id}/unlock", {}, page="/admin/").status_code == 403

    response = post_form(admin, f"/admin/staff/{resident.id}/unlock", {}, page=f"/admin/staff/{resident.id}")
    assert response.status_code == 302
    assert "not paused" in admin.get(f"/en/admin/staff/{resident.id}").get_data(as_text=True)
    assert attacker.login(KNOWN, PASSWORD).status_code == 302
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "sign_in_unlocked"))
    assert entry.object_id == resident.id and "admin@city.example.jp" in entry.actor_name


def wrong_code(secret: str) -> str:
    valid = {pyotp.TOTP(secret).at(now_utc() + timedelta(seconds=30 * d)) for d in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(100000, 999999, 7919)) if c not in valid)


def test_five_wrong_codes_end_the_pending_login_and_count_towards_the_account(auth, attacker):
    staff = auth.create("staff@city.example.jp", roles=("editor",), name="職員 太郎")
    for _ in range(2):
        assert attacker.login(staff.email, PASSWORD).headers["Location"].endswith("/account/login/verify")
        for _wrong in range(4):
            response = attacker.post("/account/login/verify", {"code": wrong_code(staff.totp_secret)})
            assert response.status_code == 200 and "コードが違います" in response.get_data(as_text=True)
        response = attacker.post("/account/login/verify", {"code": wrong_code(staff.totp_secret)})
        assert response.status_code == 302 and response.headers["Location"].endswith("/account/login")
        page = attacker.client.get("/account/login").get_data(as_text=True)
        assert "確認コードの誤りが続いたため、このログインを終了しました" in page
        # the pending login is over: even the right code opens nothing now
        response = attacker.post("/account/login/verify", {"code": pyotp.TOTP(staff.totp_secret).now()},
                                 page="/account/login")
        assert response.headers["Location"].endswith("/account/login")
    # ten wrong codes: the account is paused, for the password step too
    assert attacker.login(staff.email, PASSWORD).status_code == 429
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("second_factor_failed") == 10 and actions.count("second_factor_ended") == 2
    assert actions.count("sign_in_locked") == 1


# Equal work whatever the address (12.2): a counting hasher, never a clock


class CountingHasher:
    def __init__(self, real):
        self.real, self.calls = real, []

    def hash(self, *args, **kwargs):
        self.calls.append("hash")
        return self.real.hash(*args, **kwargs)

    def verify(self, *args, **kwargs):
        self.calls.append("verify")
        return self.real.verify(*args, **kwargs)

    def check_needs_rehash(self, *args, **kwargs):
        return self.real.check_needs_rehash(*args, **kwargs)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(passwords._hasher)
    monkeypatch.setattr(passwords, "_hasher", counting)
    return counting


def work(hasher, outbox, client, url, data):
    hasher.calls.clear()
    before = len(outbox())
    response = post_form(client, url, data)
    return response.status_code, response.headers.get("Location"), list(hasher.calls), len(outbox()) - before


def test_sign_up_login_and_reset_do_the_same_work_for_registered_and_new_addresses(client, auth, hasher, outbox):
    auth.create(KNOWN, name="山田花子")
    for url, data in (
        ("/account/signup", {"display_name": "誰か", "password": "べつの合言葉です", "confirm": "べつの合言葉です"}),
        ("/account/login", {"password": "違う合言葉です"}),
        ("/account/password/forgot", {}),
    ):
        known = work(hasher, outbox, client, url, {"email": KNOWN, **data})
        new = work(hasher, outbox, client, url, {"email": "new@example.jp", **data})
        assert known[:2] == new[:2], url  # the same answer
        assert known[2:] == new[2:], url  # the same hashing, the same number of emails queued
        expected = {"/account/signup": (["hash"], 1), "/account/login": (["verify"], 0),
                    "/account/password/forgot": ([], 1)}[url]
        assert known[2:] == expected, url
    already = [m for m in outbox() if m.to_address == KNOWN]
    assert "/account/login" in already[0].text_body and "/account/password/forgot" in already[0].text_body


# Over-long passwords (12.4): refused by the forms before any hashing


def test_an_over_long_password_is_refused_before_hashing_on_every_form(app, client, auth, hasher, outbox):
    user = auth.create(KNOWN)
    huge = "あ" * 2_300_000
    one_too_many = "x" * 129
    hasher.calls.clear()
    response = post_form(client, "/account/login", {"email": KNOWN, "password": huge})
    assert response.status_code == 413  # ~20 MB percent-encoded: the body limit refuses it unread
    assert hasher.calls == []
    response = post_form(client, "/account/login", {"email": KNOWN, "password": "あ" * 20_000})  # under the body limit
    assert response.status_code == 200 and "128" in response.get_data(as_text=True) and hasher.calls == []

    anonymous_forms = {
        "/account/login": {"email": KNOWN, "password": one_too_many},
        "/account/signup": {"display_name": "花子", "email": "new@example.jp", "password": one_too_many,
                            "confirm": one_too_many},
    }
    for url, data in anonymous_forms.items():
        response = post_form(client, url, data)
        assert response.status_code == 200 and "128" in response.get_data(as_text=True), url
    post_form(client, "/account/password/forgot", {"email": KNOWN})
    reset = re.search(r"(/account/password/reset/[^\s]+)", outbox()[-1].text_body).group(1)
    response = post_form(client, reset, {"password": one_too_many, "confirm": one_too_many})
    assert response.status_code == 200 and "128" in response.get_data(as_text=True)

    auth.login(client, user)
    hasher.calls.clear()
    for url, data in {"/account/password": {"current": one_too_many, "password": one_too_many,
                                            "confirm": one_too_many},
                      "/account/email": {"email": "other@example.jp", "current": one_too_many},
                      "/account/delete": {"current": one_too_many, "confirm": "y"}}.items():
        response = post_form(client, url, data)
        assert response.status_code == 200 and "128" in response.get_data(as_text=True), url
    assert hasher.calls == []
    assert len(one_too_many[:128]) == passwords.MAX_LENGTH


# Names (12.5) and invitations (12.7)


def invite(app, auth, outbox, email) -> str:
    admin = app.test_client()
    auth.as_role(admin, "admin", email="admin@city.example.jp")
    post_form(admin, "/admin/staff", {"email": email, "roles": "editor"})
    return re.search(r"https?://[^\s]+(/account/invite/[^\s]+)", outbox()[-1].text_body).group(1)


def test_names_lose_bidi_controls_and_zero_width_characters(app, client, auth, outbox):
    post_form(client, "/account/signup", {"display_name": "多摩\u200b花子\u202e", "email": KNOWN,
                                          "password": PASSWORD, "confirm": PASSWORD})
    assert db.session.scalar(sa.select(User.display_name).where(User.email == KNOWN)) == "多摩花子"
    response = post_form(client, "/account/signup", {"display_name": "\u200b\u202e\u2066", "email": "z@example.jp",
                                                     "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200 and "お名前を入力してください" in response.get_data(as_text=True)

    link = invite(app, auth, outbox, "staff@city.example.jp")
    response = post_form(client, link, {"display_name": "invoice\u202efdp.exe", "password": PASSWORD,
                                        "confirm": PASSWORD})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(User.display_name).where(User.email == "staff@city.example.jp")) \
        == "invoicefdp.exe"


def test_an_invitation_whose_address_signed_up_first_upgrades_that_account(app, client, auth, outbox):
    from tests.test_second_factor_session import enrol

    link = invite(app, auth, outbox, KNOWN)
    stranger = app.test_client()
    assert "職員アカウント" in stranger.get(link).get_data(as_text=True) or stranger.get(link).status_code == 200
    token = csrf_token(stranger, link)  # the create-account form is open in someone's browser…

    post_form(client, "/account/signup", {"display_name": "山田花子", "email": KNOWN, "password": PASSWORD,
                                          "confirm": PASSWORD})  # …when the address signs up and confirms
    verify = re.search(r"(/account/verify/[^\s]+)", outbox()[-1].text_body).group(1)
    assert client.get(verify).status_code == 302

    response = stranger.post(link, data={"csrf_token": token, "display_name": "誰か", "password": "別の合言葉です",
                                         "confirm": "別の合言葉です"})
    assert response.status_code == 200 and "hanako@example.jp" in response.get_data(as_text=True)
    assert stranger.get(link).status_code == 200  # and opening the link again: no error either
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == KNOWN)) == 1

    owner = app.test_client()
    assert post_form(owner, "/account/login", {"email": KNOWN, "password": PASSWORD}).status_code == 302
    response = post_form(owner, link, {})
    assert response.headers["Location"].endswith("/account/totp/setup")
    enrol(owner)
    db.session.expire_all()
    assert db.session.scalar(sa.select(User).where(User.email == KNOWN)).role_names == {"editor"}
    assert owner.get("/admin/").status_code == 200


@pytest.mark.parametrize("address", ["admin@city", "admin@@city.example.jp", "ad min@city.example.jp",
                                     "x" * 250 + "@example.jp"])
def test_create_admin_refuses_an_address_the_login_form_would_refuse(app, client, address):
    result = app.test_cli_runner().invoke(args=["create-admin", address, "--password", PASSWORD])
    assert result.exit_code != 0 and "email" in result.output.lower()
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    form_answer = post_form(client, "/account/login", {"email": address, "password": PASSWORD})
    assert "パスワードが違う" not in form_answer.get_data(as_text=True)  # the form refuses it too


def test_create_admin_accepts_what_the_form_accepts_and_records_the_role(app, client):
    result = app.test_cli_runner().invoke(args=["create-admin", "Ｋａｎｒｉ@City.Example.JP", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User))
    assert user.email == "kanri@city.example.jp"
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.actor_name == "system" and entry.changes["roles"] == [[], ["admin"]]
    response = post_form(client, "/account/login", {"email": "kanri@city.example.jp", "password": PASSWORD})
    assert response.headers["Location"].endswith("/account/totp/setup")
