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

from portal.accounts import passwords, services, throttle
from portal.accounts.models import OneTimeToken, SignInFailure, User
from portal.audit.models import AuditEntry
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import PASSWORD, IsolatedClient, count_queries, csrf_token, post_form, sibling_app

PROXY = "10.0.0.5"
KNOWN, UNKNOWN = "hanako@example.jp", "nobody@example.jp"
PAUSED_JA = "最大15分"  # the paused message names the window
PAUSED_EN = "logging in to it is paused for up to 15 minutes"


class Attacker:
    """A browser behind the proxy whose address changes for every request."""

    def __init__(self, app, tmp_path, proxied=None, first=0):
        if proxied is None:
            proxied = sibling_app(app, tmp_path, TRUSTED_PROXIES=[PROXY])
            proxied.test_client_class = IsolatedClient
        self.proxied = proxied
        self.client = proxied.test_client()
        self.n = first

    def another(self) -> "Attacker":
        """Another browser (its own cookies, its own addresses) behind the same proxy."""
        return Attacker(None, None, proxied=self.proxied, first=self.n + 10_000)

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


def test_wrong_passwords_typed_by_a_stranger_do_not_end_a_staff_members_pending_login(auth, attacker):
    """Only wrong second factors end a pending login; wrong passwords for the address (anyone can type it) count
    only towards the account's pause, as the codes do."""
    staff = auth.create("staff@city.example.jp", roles=("editor",), name="職員 太郎")
    stranger = attacker.another()
    assert attacker.login(staff.email, PASSWORD).headers["Location"].endswith("/account/login/verify")
    for n in range(5):
        assert stranger.login(staff.email, f"wrong-{n}").status_code == 200
    page = attacker.client.get("/account/login/verify")
    assert page.status_code == 200 and 'name="code"' in page.get_data(as_text=True)  # the login goes on
    for _ in range(4):  # 9 failures now: 5 passwords and 4 codes
        response = attacker.post("/account/login/verify", {"code": wrong_code(staff.totp_secret)})
        assert response.status_code == 200 and "コードが違います" in response.get_data(as_text=True)
    response = attacker.post("/account/login/verify", {"code": pyotp.TOTP(staff.totp_secret).now()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/")
    # passwords and codes together make the ten that pause the account
    assert stranger.login(staff.email, "wrong-5").status_code == 429
    assert stranger.login(staff.email, PASSWORD).status_code == 429
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions.count("second_factor_ended") == 0 and actions.count("sign_in_locked") == 1


def test_a_pause_is_recorded_when_two_failures_are_counted_together(auth, attacker, outbox, monkeypatch):
    """Two wrong passwords committed at the same moment both count 11: the pause is recorded and the owner told
    all the same, once."""
    user = auth.create(KNOWN, name="山田花子")
    user_id, key = user.id, throttle.address_key(KNOWN)
    for n in range(9):
        assert attacker.login(KNOWN, f"wrong-{n}").status_code == 200
    real = services.authenticate

    def with_another_worker(email, password):  # another worker counts a failure while this one hashes
        db.session.add(SignInFailure(address_key=key, user_id=user_id, created_at=now_utc()))
        return real(email, password)

    monkeypatch.setattr(services, "authenticate", with_another_worker)
    assert attacker.login(KNOWN, "wrong-9").status_code == 429
    monkeypatch.setattr(services, "authenticate", real)
    assert db.session.scalar(sa.select(sa.func.count(SignInFailure.id))) == 11
    assert attacker.login(KNOWN, PASSWORD).status_code == 429
    locks = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "sign_in_locked")).all()
    assert len(locks) == 1 and locks[0].object_id == user_id
    assert [m.to_address for m in outbox() if "一時停止" in m.subject] == [KNOWN]


# A signed-in session guessing its own current password (a computer left signed in)


def test_the_current_password_on_account_pages_is_throttled_like_a_login(auth, attacker, outbox):
    user = auth.create(KNOWN, name="山田花子")
    assert attacker.login(KNOWN, PASSWORD).status_code == 302
    forms = [("/account/email", {"email": "thief@example.jp"}),
             ("/account/password", {"password": "盗んだ新しい合言葉", "confirm": "盗んだ新しい合言葉"}),
             ("/account/delete", {"confirm": "y"})]
    responses = [attacker.post(url, {**data, "current": f"wrong-{n}"})
                 for n, (url, data) in enumerate(forms * 4) if n < 10]
    assert [r.status_code for r in responses] == [200] * 9 + [429]
    assert "現在のパスワードが違います" in responses[0].get_data(as_text=True)
    paused = responses[9].get_data(as_text=True)
    assert PAUSED_JA in paused or PAUSED_EN in paused
    # paused: even the right password changes nothing now, on any of the forms or at login
    for url, data in forms:
        response = attacker.post(url, {**data, "current": PASSWORD})
        assert response.status_code == 429, url
    english = attacker.post("/en/account/email", {"email": "thief@example.jp", "current": PASSWORD})
    assert english.status_code == 429 and PAUSED_EN in english.get_data(as_text=True)
    assert 'value="thief@example.jp"' in english.get_data(as_text=True)  # what was typed is kept
    assert attacker.login(KNOWN, PASSWORD).status_code == 429
    db.session.expire_all()
    assert db.session.get(User, user.id).email == KNOWN and "thief@example.jp" not in [m.to_address for m in outbox()]
    # recorded like failed logins, with who was signed in; the owner is told
    failed = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "password_check_failed")).all()
    assert len(failed) == 10 and {(e.actor_id, e.object_id) for e in failed} == {(user.id, user.id)}
    assert "wrong-" not in " ".join(str(e.changes) for e in failed)
    assert [m.to_address for m in outbox() if "一時停止" in m.subject] == [KNOWN]
    with later(16):  # the window has passed: the right password works again
        response = attacker.post("/account/email", {"email": "new@example.jp", "current": PASSWORD})
        assert response.status_code == 302
    assert outbox()[-1].to_address == "new@example.jp"


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


def statement_shape(statement: str) -> str:
    """"SELECT users", "INSERT one_time_tokens": what a statement does, to which table."""
    verb = statement.split()[0]
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)", statement)
    return f"{verb} {table.group(1) if table else ''}"


def work(hasher, outbox, client, url, data):
    """What a request did: its answer, the hashing, the emails queued, and its statements (what, to which table)."""
    hasher.calls.clear()
    before = len(outbox())
    token = csrf_token(client, url)  # fetched before counting
    with count_queries() as statements:
        response = client.post(url, data={"csrf_token": token, **data})
    return (response.status_code, response.headers.get("Location"), list(hasher.calls), len(outbox()) - before,
            [statement_shape(s) for s in statements])


def writes(statements: list[str]) -> list[str]:
    return sorted(s for s in statements if s.split()[0] in ("INSERT", "UPDATE", "DELETE"))


def test_sign_up_login_and_reset_do_the_same_work_for_registered_and_new_addresses(client, auth, hasher, outbox):
    auth.create(KNOWN, name="山田花子")
    for n, (url, data) in enumerate((
        ("/account/signup", {"display_name": "誰か", "password": "べつの合言葉です", "confirm": "べつの合言葉です"}),
        ("/account/login", {"password": "違う合言葉です"}),
        ("/account/password/forgot", {}),
    )):
        known = work(hasher, outbox, client, url, {"email": KNOWN, **data})
        new = work(hasher, outbox, client, url, {"email": f"new{n}@example.jp", **data})  # no account, ever
        assert known[:2] == new[:2], url  # the same answer
        assert known[2:4] == new[2:4], url  # the same hashing, the same number of emails queued
        expected = {"/account/signup": (["hash"], 1), "/account/login": (["verify"], 0),
                    "/account/password/forgot": ([], 1)}[url]
        assert known[2:4] == expected, url
        if url != "/account/signup":  # (a new account is rows of its own; the hashing is the work that shows)
            assert writes(known[4]) == writes(new[4]) != [], url  # the same rows written, to the same tables
    # a reset hashes nothing: the database work is all of it, and the same statement for statement
    assert known[4] == new[4] and "INSERT one_time_tokens" in known[4] and "INSERT outbox_emails" in known[4]
    already = [m for m in outbox() if m.to_address == KNOWN]
    assert "/account/login" in already[0].text_body and "/account/password/forgot" in already[0].text_body


def test_the_reset_token_stored_for_an_address_without_an_account_opens_nothing(client, outbox, monkeypatch):
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda n: "known-to-the-test-" + "x" * 30)
    assert post_form(client, "/account/password/forgot", {"email": UNKNOWN}).status_code == 302
    (mail,) = outbox()
    assert mail.to_address == UNKNOWN and "/account/password/reset/" not in mail.text_body
    token = db.session.scalar(sa.select(OneTimeToken))
    assert token.user_id is None and token.email == UNKNOWN
    link = "/account/password/reset/known-to-the-test-" + "x" * 30
    page = client.get(link)
    assert page.status_code == 400 and "このリンクは無効です" in page.get_data(as_text=True)
    response = client.post(link, data={"password": "新しい合言葉です", "confirm": "新しい合言葉です"})
    assert response.status_code == 400 and db.session.scalar(sa.select(sa.func.count(User.id))) == 0


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


def test_a_name_of_only_invisible_characters_is_asked_for_on_every_form_that_takes_a_name(client, factory):
    """One way of taking a name (portal.core.forms.name_field): sign-up, registration and comment forms alike."""
    from tests.test_comments import send

    invisible = "\u200b\u202e\u2066\ufeff"
    consultation = factory.consultation()
    response = send(client, consultation, step="check", name=invisible)
    assert response.status_code == 200 and "お名前を入力してください。" in response.get_data(as_text=True)
    response = send(client, consultation, step="check", name="多摩\u200b花子\u202e")
    assert response.status_code == 200 and "多摩花子" in response.get_data(as_text=True)
    meeting = factory.meeting()
    response = post_form(client, f"/en/meetings/{meeting.id}/register",
                         {"name": invisible, "email": KNOWN, "companions": "0", "step": "check"})
    assert response.status_code == 200 and "Enter your name." in response.get_data(as_text=True)
    response = post_form(client, "/en/account/signup", {"display_name": invisible, "email": KNOWN,
                                                        "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 200 and "Enter your name." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


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


def test_choosing_a_new_password_through_the_emailed_link_lifts_the_pause(auth, attacker, outbox):
    # The pause message sends people to "I forgot my password": the link proves the address is theirs.
    resident = auth.create(KNOWN, name="山田花子")
    for n in range(10):
        attacker.login(KNOWN, f"wrong-{n}")
    paused = attacker.login(KNOWN, PASSWORD)
    assert paused.status_code == 429 and "パスワードを忘れた方" in paused.get_data(as_text=True)
    assert 'aria-invalid="true"' not in paused.get_data(as_text=True)  # about the account: no field is marked wrong
    attacker.post("/account/password/forgot", {"email": KNOWN})
    reset = re.search(r"(/account/password/reset/[^\s]+)", outbox()[-1].text_body).group(1)
    new = "あたらしい合言葉 2026"
    assert attacker.post(reset, {"password": new, "confirm": new}).status_code == 302
    assert attacker.login(KNOWN, new).status_code == 302  # in at once, not after the window
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "sign_in_unlocked"))
    assert entry.object_id == resident.id and entry.changes == {"by": [None, "password_reset"]}
    assert KNOWN in entry.actor_name  # the owner lifted it, by the emailed link


def test_the_per_address_limit_page_offers_the_password_reset(client):
    # One address, many accounts tried: the address's own limit (10 a minute) answers, with a way forward.
    answers = [post_form(client, "/account/login", {"email": f"person{n}@example.jp", "password": "wrong"})
               for n in range(11)]
    assert [a.status_code for a in answers[:10]] == [200] * 10 and answers[10].status_code == 429
    page = answers[10].get_data(as_text=True)
    assert 'href="/account/password/forgot"' in page and "パスワードを忘れた方" in page
