"""Resident accounts: sign-up with verification, login, sessions that really end, reset, changes, deletion."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import OneTimeToken, User
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import PASSWORD, post_form


def link_in(email, path: str) -> str:
    return re.search(rf"https?://[^\s]+({re.escape(path)}[^\s]+)", email.text_body).group(1)


def sign_up(client, email="hanako@example.jp", password=PASSWORD, **extra):
    data = {"display_name": "多摩 花子", "email": email, "password": password, "confirm": password, **extra}
    return post_form(client, "/account/signup", data)


def test_sign_up_verify_then_log_in(client, outbox):
    response = sign_up(client)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/signup/check-email")
    user = db.session.scalar(sa.select(User))
    assert user.email_verified_at is None and user.password_hash.startswith("$argon2id$")
    (email,) = outbox()
    assert email.to_address == "hanako@example.jp" and email.language == "ja"
    assert "メールアドレスの確認" in email.subject and "<a href=" in email.html_body
    # Not verified yet: the login is refused with the same message as a wrong password.
    response = post_form(client, "/account/login", {"email": "hanako@example.jp", "password": PASSWORD})
    assert "確認が済んでいません" in response.get_data(as_text=True)
    assert client.get(link_in(email, "/account/verify/")).status_code == 302
    response = post_form(client, "/account/login", {"email": "HANAKO@example.jp ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/me")
    assert "多摩 花子" in client.get("/account/me").get_data(as_text=True)


def test_english_sign_up_gets_english_email_links(client, outbox):
    post_form(client, "/en/account/signup", {"display_name": "Jane", "email": "jane@example.jp",
                                             "password": PASSWORD, "confirm": PASSWORD})
    (email,) = outbox()
    assert email.language == "en" and email.subject == "Confirm your email address"
    assert "/en/account/verify/" in email.text_body


def test_sign_up_answers_identically_for_a_known_email(client, outbox, auth):
    auth.create(email="known@example.jp")
    known = sign_up(client, email="known@example.jp")
    unknown = sign_up(client, email="new@example.jp")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "known@example.jp")) == 1
    subjects = [e.subject for e in outbox()]
    assert any("既に" in s or "アカウントを作ろうと" in s for s in subjects)


@pytest.mark.parametrize("password,message", [
    ("short1", "8文字以上"),
    ("password123", "推測されやすい"),
    ("ｐａｓｓｗｏｒｄ１２３", "推測されやすい"),  # full-width is normalised before the check
])
def test_weak_passwords_are_refused_on_the_same_form(client, password, message):
    response = sign_up(client, password=password)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert 'value="hanako@example.jp"' in body and 'value="多摩 花子"' in body  # what was typed is kept
    assert "<title>エラー：" in body


def test_japanese_password_works_and_full_width_digits_match(client, auth):
    user = auth.create(email="taro@example.jp")
    response = post_form(client, "/account/login", {"email": user.email, "password": "にわにはにわとり２０２６"})
    assert response.status_code == 302


@pytest.mark.parametrize("email", ["not-an-email", "a@", "<script>@x", "x" * 300 + "@example.jp"])
def test_hostile_emails_get_a_message(client, email):
    response = sign_up(client, email=email)
    assert response.status_code == 200 and "メールアドレス" in response.get_data(as_text=True)
    assert "<script>@x" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_wrong_password_and_unknown_email_look_the_same(client, auth):
    auth.create(email="taro@example.jp")
    wrong = post_form(client, "/account/login", {"email": "taro@example.jp", "password": "wrong password"})
    unknown = post_form(client, "/account/login", {"email": "nobody@example.jp", "password": "wrong password"})
    strip = lambda r: re.sub(r'value="[^"]*"', "", r.get_data(as_text=True))  # noqa: E731
    assert wrong.status_code == unknown.status_code == 200
    assert strip(wrong) == strip(unknown)


def test_login_rotates_the_session(client, auth):
    user = auth.create()
    client.get("/account/login")
    before = client.get_cookie("session").value
    auth.login(client, user)
    assert client.get_cookie("session").value != before


def test_after_logout_a_copied_session_cookie_no_longer_works(app, client, auth):
    user = auth.create()
    auth.login(client, user)
    copied = client.get_cookie("session").value
    assert client.get("/account/me").status_code == 200
    post_form(client, "/account/logout", {}, page="/account/me")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/account/me")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_password_change_ends_every_other_session(app, client, auth):
    user = auth.create()
    auth.login(client, user)
    other = app.test_client()
    auth.login(other, user)
    response = post_form(client, "/account/password", {"current": PASSWORD, "password": "新しいパスワード2026",
                                                       "confirm": "新しいパスワード2026"})
    assert response.status_code == 302
    assert client.get("/account/me").status_code == 200  # this session continues
    assert other.get("/account/me").status_code == 302  # the other one has ended


def test_session_has_a_fixed_lifetime(app, client, auth):
    user = auth.create()
    auth.login(client, user)
    with client.session_transaction() as session:
        session["login_at"] -= app.permanent_session_lifetime.total_seconds() + 1
    assert client.get("/account/me").status_code == 302


def test_session_cookie_flags(app, client, auth):
    app.config["SESSION_COOKIE_SECURE"] = True
    user = auth.create()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/account/login", base_url="https://localhost").get_data(as_text=True)).group(1)
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token},
                           base_url="https://localhost", headers={"Referer": "https://localhost/account/login"})
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_password_reset_answers_identically_and_its_link_works_once(client, auth, outbox):
    auth.create(email="taro@example.jp")
    known = post_form(client, "/account/password/forgot", {"email": "taro@example.jp"})
    unknown = post_form(client, "/account/password/forgot", {"email": "nobody@example.jp"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    email, no_account = outbox()  # one email either way: the unknown address is told no account uses it
    assert no_account.to_address == "nobody@example.jp" and "/account/password/reset/" not in no_account.text_body
    link = link_in(email, "/account/password/reset/")
    data = {"password": "あたらしい合言葉です", "confirm": "あたらしい合言葉です"}
    assert post_form(client, link, data).status_code == 302
    response = client.get(link)
    assert response.status_code == 400 and "既に使われています" in response.get_data(as_text=True)
    assert post_form(client, "/account/login", {"email": "taro@example.jp", "password": "あたらしい合言葉です"}).status_code == 302


def test_expired_reset_link_is_refused_with_a_clear_message(client, auth, outbox):
    auth.create(email="taro@example.jp")
    post_form(client, "/account/password/forgot", {"email": "taro@example.jp"})
    db.session.execute(sa.update(OneTimeToken).values(expires_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    response = client.get(link_in(outbox()[0], "/account/password/reset/"))
    assert response.status_code == 400 and "有効期限が切れています" in response.get_data(as_text=True)
    assert client.get("/account/password/reset/nonsense").status_code == 400


def test_change_email_through_a_link_to_the_new_address(client, auth, outbox):
    user = auth.create(email="old@example.jp")
    auth.login(client, user)
    post_form(client, "/account/email", {"email": "new@example.jp", "current": PASSWORD})
    assert db.session.get(User, user.id).email == "old@example.jp"
    email = outbox()[-1]
    assert email.to_address == "new@example.jp"
    assert client.get(link_in(email, "/account/email/confirm/")).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "new@example.jp"
    assert outbox()[-1].to_address == "old@example.jp"  # the old address is told


def test_delete_my_account(client, auth):
    user = auth.create()
    auth.login(client, user)
    response = post_form(client, "/account/delete", {"current": "wrong"})
    assert "現在のパスワードが違います" in response.get_data(as_text=True) or "チェック" in response.get_data(as_text=True)
    response = post_form(client, "/account/delete", {"current": PASSWORD, "confirm": "y"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
    assert client.get("/account/me").status_code == 302


def test_login_is_rate_limited_with_a_friendly_page(client, auth):
    """The per-client limit (one address guessing many accounts; the per-account one is in tests/security)."""
    auth.create()
    statuses = [post_form(client, "/account/login", {"email": f"resident{n}@example.jp", "password": "bad"}).status_code
                for n in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    response = post_form(client, "/account/login", {"email": "resident@example.jp", "password": "bad"})
    assert "しばらく" in response.get_data(as_text=True)


def test_open_redirects_are_refused(client, auth):
    user = auth.create()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = post_form(client, f"/account/login?next={target}", {"email": user.email, "password": PASSWORD},
                             page="/account/login")
        assert response.headers["Location"].endswith("/account/me"), target
        post_form(client, "/account/logout", {}, page="/account/me")


def test_posts_without_csrf_token_are_refused(client, auth):
    auth.create()
    response = client.post("/account/login", data={"email": "resident@example.jp", "password": PASSWORD})
    assert response.status_code == 400
