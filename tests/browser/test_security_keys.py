"""Security keys in a real browser (issue 12.8): Chromium's virtual authenticator (DevTools protocol) registers a key
on the security page and logs in with it; with JavaScript off the code page still takes the authenticator code.

The relying party must be a host name, not an IP address: this test serves its own app at http://localhost:<port>
(BASE_URL says so), on 127.0.0.1 like every test server.
"""

import pyotp
import pytest

from portal.accounts.models import SecurityKey, User, UserRole
from portal.accounts.passwords import hash_password
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.browser.axe import describe, run_axe
from tests.browser.conftest import ADMIN_EMAIL, ADMIN_TOTP, _page, log_in_as_admin, serve
from tests.helpers import PASSWORD

CLERK_EMAIL = "madoguchi@city.example.jp"
CLERK_TOTP = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
AUTHENTICATOR = {"protocol": "ctap2", "transport": "usb", "hasResidentKey": False, "hasUserVerification": True,
                 "isUserVerified": True}


@pytest.fixture
def localhost_server(app):
    """Two staff members on an empty portal: the administrator of the other browser tests, and a clerk who already
    has a key (so the code page offers one)."""
    for email, secret, role in ((ADMIN_EMAIL, ADMIN_TOTP, "admin"), (CLERK_EMAIL, CLERK_TOTP, "editor")):
        db.session.add(User(email=email, password_hash=hash_password(PASSWORD), display_name="職員 花子",
                            email_verified_at=now_utc(), totp_secret=secret, totp_enabled_at=now_utc(),
                            roles=[UserRole(role=role)]))
    db.session.flush()
    clerk = db.session.query(User).filter_by(email=CLERK_EMAIL).one()
    db.session.add(SecurityKey(user_id=clerk.id, credential_id=b"elsewhere", public_key=b"-", name="青いキー"))
    db.session.commit()
    with serve(app) as url:
        url = url.replace("127.0.0.1", "localhost")
        app.config["BASE_URL"] = url
        yield url


def log_in_with_password(page, url, email):
    page.goto(url + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/account/login/verify")


def test_a_key_is_registered_named_and_logs_in_and_the_code_still_works_without_javascript(browser, localhost_server):
    url = localhost_server

    # Without JavaScript: the key option stays hidden, the authenticator code logs in
    context, page = _page(browser, java_script_enabled=False)
    log_in_with_password(page, url, CLERK_EMAIL)
    assert not page.locator("[data-webauthn]").is_visible()
    page.fill("#code", pyotp.TOTP(CLERK_TOTP).now())
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/admin/")
    context.close()

    # With JavaScript and a security key (strict CSP in force: the script is a file, no inline code)
    context, page = _page(browser)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})["authenticatorId"]
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in_as_admin(page, url)
    page.goto(url + "/account/security")
    page.fill("#key-name", "机の上のキー")
    page.locator("[data-webauthn] button").click()
    page.locator("h3", has_text="机の上のキー").wait_for()
    assert len(cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})["credentials"]) == 1
    violations = run_axe(page)
    assert not violations, describe(violations)

    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url(url + "/")
    log_in_with_password(page, url, ADMIN_EMAIL)
    key_option = page.locator("[data-webauthn]")
    key_option.wait_for(state="visible")
    violations = run_axe(page)
    assert not violations, describe(violations)
    key_option.locator("button").click()  # no code typed
    page.wait_for_url("**/admin/")
    assert not errors, errors
    context.close()

