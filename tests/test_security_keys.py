"""Security keys (WebAuthn) as a second factor for staff besides TOTP (issue 12.8), through the test client.

A software authenticator (an EC P-256 key, "none" attestation) answers the options the portal gives, so the
real ceremonies run end to end: enrolment with a key instead of the app, login with a key, the key page. The
browser flow with Chromium's virtual authenticator is in tests/browser/test_security_keys.py.
"""

import hashlib
import json
import os
import re

import cbor2
import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

from portal.accounts.models import SecurityKey, User
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.helpers import PASSWORD, csrf_token, post_form

BASE = "http://localhost:5000"


class SoftKey:
    """A security key in software: registers and signs like a real one (user present and verified)."""

    def __init__(self, origin=BASE):
        self.origin = origin
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.count = 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": self.origin,
                           "crossOrigin": False}).encode()

    def _auth_data(self, rp_id: str, flags: int, extra: bytes = b"") -> bytes:
        self.count += 1
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + self.count.to_bytes(4, "big") + extra

    def create(self, options: dict) -> dict:
        numbers = self.private.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id + cose
        auth = self._auth_data(options["rp"]["id"], 0x45, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth})
        return self._credential({"clientDataJSON": bytes_to_base64url(
            self._client_data("webauthn.create", options["challenge"])),
            "attestationObject": bytes_to_base64url(attestation), "transports": ["usb"]})

    def get(self, options: dict) -> dict:
        client_data = self._client_data("webauthn.get", options["challenge"])
        auth = self._auth_data(options["rpId"], 0x05)
        signature = self.private.sign(auth + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return self._credential({"clientDataJSON": bytes_to_base64url(client_data),
                                 "authenticatorData": bytes_to_base64url(auth),
                                 "signature": bytes_to_base64url(signature)})

    def _credential(self, response: dict) -> dict:
        raw = bytes_to_base64url(self.credential_id)
        return {"id": raw, "rawId": raw, "type": "public-key", "response": response,
                "clientExtensionResults": {}, "authenticatorAttachment": "cross-platform"}


@pytest.fixture
def app_at_localhost(app):
    app.config["BASE_URL"] = BASE
    return app


def post_json(client, url, body, page="/account/login", **kwargs):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(url, data=data, content_type=kwargs.pop("content_type", "application/json"),
                       headers={"X-CSRFToken": csrf_token(client, page)}, **kwargs)


def add_key(client, key: SoftKey, name="青いキー", page="/account/security") -> object:
    options = post_json(client, "/account/security/keys/options", {"name": name}, page=page)
    assert options.status_code == 200, options.get_data(as_text=True)
    return post_json(client, "/account/security/keys", {"name": name, "credential": key.create(options.json)},
                     page=page)


def log_in_with_password(client, user):
    response = post_form(client, "/account/login", {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith(("/account/login/verify", "/account/totp/setup"))
    return response


def key_login(client, key: SoftKey):
    options = post_json(client, "/account/login/key/options", {}, page="/account/login/verify")
    assert options.status_code == 200, options.get_data(as_text=True)
    return options.json, post_json(client, "/account/login/key", {"credential": key.get(options.json)},
                                   page="/account/login/verify")


def actions(user) -> list[str]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type.in_(["users", "security_keys"]))
                              .order_by(AuditEntry.id)).all()


@pytest.fixture
def staff(app_at_localhost, auth):
    """An editor signed in with TOTP, with one key registered on the security page; and their browser."""
    user = auth.create("henshu@city.example.jp", roles=("editor",), name="編集 次郎")
    client = app_at_localhost.test_client()
    auth.login(client, user)
    key = SoftKey()
    response = add_key(client, key)
    assert response.status_code == 200 and response.json["redirect"].endswith("/account/security")
    return user, client, key


def test_the_enrolment_page_keeps_the_app_key_as_text_and_a_key_can_be_enrolled_instead(app_at_localhost, auth):
    user = auth.create("atarashii@city.example.jp", roles=("editor",), totp=False)
    client = app_at_localhost.test_client()
    assert log_in_with_password(client, user).headers["Location"].endswith("/account/totp/setup")
    page = client.get("/account/totp/setup").get_data(as_text=True)
    assert re.search(r'<p class="secret"><code>[A-Z2-7]{32}</code>', page) and 'name="code"' in page
    assert 'data-webauthn="register"' in page and "js/webauthn.js" in page and "<script>" not in page

    response = add_key(client, SoftKey(), name="事務所のPC", page="/account/totp/setup")
    assert response.status_code == 200 and response.json["redirect"].endswith("/account/recovery-codes")
    codes = client.get("/account/recovery-codes").get_data(as_text=True)
    assert len(re.findall(r"<li><code>[0-9a-f-]+</code></li>", codes)) == 10
    assert client.get("/admin/").status_code == 200  # the key passed the second factor
    assert actions(user)[-1] == "security_key_added"

    # next login: no app, so the code page (its key option, recovery codes without JavaScript)
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    assert client.get("/account/totp/setup").headers["Location"].endswith("/account/login/verify")
    page = client.get("/account/login/verify").get_data(as_text=True)
    assert 'data-webauthn="login"' in page and "回復コード" in page


def test_a_key_logs_in_like_a_code_and_its_challenge_works_once(staff, app_at_localhost):
    user, client, key = staff
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    page = client.get("/account/login/verify").get_data(as_text=True)
    assert 'data-webauthn="login"' in page and 'name="code"' in page  # the code form stays beside it
    assert client.get("/admin/").status_code == 302

    options = post_json(client, "/account/login/key/options", {}, page="/account/login/verify").json
    assert options["rpId"] == "localhost" and options["allowCredentials"][0]["id"] == bytes_to_base64url(
        key.credential_id)
    answer = key.get(options)
    wrong = dict(answer, response=dict(answer["response"], signature=bytes_to_base64url(b"\x30\x00")))
    refused = post_json(client, "/account/login/key", {"credential": wrong}, page="/account/login/verify")
    assert refused.status_code == 400 and "セキュリティキー" in refused.json["error"]
    # the challenge went with the first answer: the right answer to it is refused now
    again = post_json(client, "/account/login/key", {"credential": answer}, page="/account/login/verify")
    assert again.status_code == 400

    options, response = key_login(client, key)
    assert response.status_code == 200 and response.json["redirect"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    assert actions(user)[-3:] == ["second_factor_failed", "second_factor_failed", "security_key_used"]
    stored = db.session.scalars(sa.select(SecurityKey)).one()
    assert stored.last_used_at is not None and stored.sign_count == key.count

    # the same answer again, in a new login with the old challenge's answer: refused
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    post_json(client, "/account/login/key/options", {}, page="/account/login/verify")
    replay = post_json(client, "/account/login/key", {"credential": key.get(options)}, page="/account/login/verify")
    assert replay.status_code == 400


def test_a_challenge_given_to_another_session_or_account_is_refused(staff, app_at_localhost, auth):
    user, client, key = staff
    other = auth.create("kanri@city.example.jp", roles=("admin",))
    other_client = app_at_localhost.test_client()
    log_in_with_password(other_client, other)
    assert post_json(other_client, "/account/login/key/options", {},
                     page="/account/login/verify").status_code == 403  # no keys: nothing to offer

    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    mine = app_at_localhost.test_client()
    log_in_with_password(mine, user)  # the same person, another browser: its own challenge
    foreign = post_json(mine, "/account/login/key/options", {}, page="/account/login/verify").json
    post_json(client, "/account/login/key/options", {}, page="/account/login/verify")
    response = post_json(client, "/account/login/key", {"credential": key.get(foreign)}, page="/account/login/verify")
    assert response.status_code == 400 and client.get("/admin/").status_code == 302
    # the administrator has no key: a key answer (even the editor's) is not asked of them
    refused = post_json(other_client, "/account/login/key", {"credential": key.get(foreign)},
                        page="/account/login/verify")
    assert refused.status_code == 403 and other_client.get("/admin/").status_code == 302


@pytest.mark.parametrize("body, content_type, status", [
    (b"{not json", "application/json", 400),
    (b"[1, 2, 3]", "application/json", 400),
    (b"\xff\xfe\x00", "application/json", 400),
    (b"[" * 100_000, "application/json", 413),
    (b'{"credential": "' + b"A" * 40_000 + b'"}', "application/json", 413),
    (b"credential=x", "application/x-www-form-urlencoded", 400),
    (json.dumps({"credential": {"id": "AAAA", "rawId": "AAAA", "response": {"clientDataJSON": "%%%"}}}).encode(),
     "application/json", 400),
    (json.dumps({"credential": {"id": 5, "rawId": [1], "response": None}}).encode(), "application/json", 400),
])
def test_broken_or_oversized_bodies_are_a_clean_4xx(staff, body, content_type, status):
    user, client, key = staff
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    post_json(client, "/account/login/key/options", {}, page="/account/login/verify")
    response = post_json(client, "/account/login/key", body, page="/account/login/verify", content_type=content_type)
    assert response.status_code == status
    # and the same on the registration side, signed in again
    registration = post_json(client, "/account/security/keys/options", body, page="/account/login/verify",
                             content_type=content_type)
    assert 400 <= registration.status_code < 500


def test_options_need_a_pending_login_or_a_signed_in_staff_member(app_at_localhost, auth, client):
    for url in ("/account/login/key/options", "/account/login/key", "/account/security/keys/options",
                "/account/security/keys"):
        assert post_json(client, url, {}).status_code == 403, url  # nobody
        assert client.post(url, json={}).status_code == 400, url  # no CSRF token
    resident = auth.create("jumin@example.jp")
    auth.login(client, resident)
    for url in ("/account/login/key/options", "/account/security/keys/options"):
        assert post_json(client, url, {"name": "キー"}, page="/").status_code == 403, url
    assert client.get("/account/security").status_code == 403
    assert 'href="/account/security"' not in client.get("/account/me").get_data(as_text=True)


def test_wrong_keys_count_like_wrong_codes_and_five_end_the_login(staff):
    user, client, key = staff
    client.post("/account/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in_with_password(client, user)
    stranger = SoftKey()
    stranger.credential_id = key.credential_id  # the right id, the wrong private key
    for _attempt in range(5):
        options = post_json(client, "/account/login/key/options", {}, page="/account/login/verify")
        response = post_json(client, "/account/login/key", {"credential": stranger.get(options.json)},
                             page="/account/login/verify")
    assert response.status_code == 200 and response.json["redirect"].endswith("/account/login")
    assert client.get("/account/login/verify").headers["Location"].endswith("/account/login")
    assert actions(user).count("second_factor_failed") == 5 and actions(user)[-1] == "second_factor_ended"


@pytest.mark.parametrize("lang, title, renamed, removed, empty_error", [
    ("", "セキュリティキー", "名前を変更しました", "を削除しました", "キーの名前を入力してください"),
    ("/en", "Security keys", "The key has been renamed.", "has been removed.", "Enter a name for the key."),
])
def test_the_key_page_lists_renames_and_removes_keys(staff, lang, title, renamed, removed, empty_error, auth):
    user, client, key = staff
    assert add_key(client, SoftKey(), name="予備のキー").status_code == 200
    page = client.get(f"{lang}/account/security").get_data(as_text=True)
    assert f"<h1>{title}</h1>" in page and "青いキー" in page and "予備のキー" in page
    assert 'data-webauthn="register"' in page and "<script>" not in page
    first, second = db.session.scalars(sa.select(SecurityKey).order_by(SecurityKey.id)).all()

    url = f"{lang}/account/security/keys/{first.id}/name"
    response = post_form(client, url, {f"key-{first.id}-name": "  "}, page=f"{lang}/account/security")
    assert response.status_code == 200 and empty_error in response.get_data(as_text=True)
    response = post_form(client, url, {f"key-{first.id}-name": "机の\u202eキー"}, page=f"{lang}/account/security",
                         follow_redirects=True)
    assert renamed in response.get_data(as_text=True) and "机のキー" in response.get_data(as_text=True)

    other = auth.create("betsu@city.example.jp", roles=("editor",))
    db.session.add(SecurityKey(user_id=other.id, credential_id=b"other", public_key=b"k", sign_count=0, name="他人"))
    db.session.commit()
    foreign = db.session.scalars(sa.select(SecurityKey).where(SecurityKey.name == "他人")).one()
    assert post_form(client, f"{lang}/account/security/keys/{foreign.id}/remove", {},
                     page=f"{lang}/account/security").status_code == 404

    response = post_form(client, f"{lang}/account/security/keys/{second.id}/remove", {},
                         page=f"{lang}/account/security", follow_redirects=True)
    assert removed in response.get_data(as_text=True) and ">予備のキー</h3>" not in response.get_data(as_text=True)
    assert actions(user)[-2:] == ["security_key_renamed", "security_key_removed"]


def test_the_only_second_factor_cannot_be_removed(app_at_localhost, auth):
    user = auth.create("hitotsu@city.example.jp", roles=("editor",), totp=False)
    client = app_at_localhost.test_client()
    log_in_with_password(client, user)
    assert add_key(client, SoftKey(), page="/account/totp/setup").status_code == 200
    key_id = db.session.scalars(sa.select(SecurityKey.id)).one()
    response = post_form(client, f"/account/security/keys/{key_id}/remove", {}, page="/account/security",
                         follow_redirects=True)
    assert "ほかのキーを追加" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).security_keys
