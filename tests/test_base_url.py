"""Links in emails and feeds start with BASE_URL, whatever Host header the request that caused them sent."""

import logging
import re

import pytest

from portal import create_app
from portal.config import TestConfig

EVIL = {"Host": "evil.example"}
BASE = "https://portal.city.example.jp"
LINK = re.compile(r"https?://[^\s\"<]+")


def post_as(client, url, data, headers):
    """A browser at a forged host name: the form's own token, fetched with the same Host header."""
    token = csrf_token_at(client, url, headers)
    return client.post(url, data={"csrf_token": token, **data}, headers=headers)


def csrf_token_at(client, url, headers):
    page = client.get(url, headers=headers).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def links(email) -> list[str]:
    return LINK.findall(email.text_body) + LINK.findall(email.html_body or "")


@pytest.fixture
def public_app(app):
    app.config["BASE_URL"] = BASE
    return app


def test_a_password_reset_requested_with_a_forged_host_links_to_base_url(public_app, client, auth, outbox):
    auth.create(email="taro@example.jp")
    response = post_as(client, "/account/password/forgot", {"email": "taro@example.jp"}, EVIL)
    assert response.status_code == 302
    (email,) = outbox()
    found = links(email)
    assert any(link.startswith(f"{BASE}/account/password/reset/") for link in found), found
    assert not any("evil.example" in link for link in found)


def test_a_guest_confirmation_requested_with_a_forged_host_links_to_base_url(public_app, client, factory, outbox):
    meeting = factory.meeting(capacity=10)
    data = {"name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0",
            "step": "send"}
    response = post_as(client, f"/en/meetings/{meeting.id}/register", data, EVIL)
    assert response.status_code == 302
    email = outbox()[-1]
    found = links(email)
    assert any(re.match(rf"{re.escape(BASE)}/en/registrations/[^/]+/confirm/", link) for link in found), found
    assert not any("evil.example" in link for link in found)


def test_feeds_link_to_base_url_whatever_the_host_header(public_app, client, factory):
    meeting = factory.meeting(status="published")
    factory.consultation()
    calendar = client.get(f"/meetings/{meeting.id}.ics", headers=EVIL).get_data(as_text=True)
    feed = client.get("/en/consultations/feed.atom", headers=EVIL).get_data(as_text=True)
    assert f"{BASE}/meetings/{meeting.id}" in calendar.replace("\r\n ", "")
    assert f"{BASE}/en/consultations" in feed
    assert not [link for link in LINK.findall(calendar + feed) if "evil.example" in link]


def test_without_base_url_links_use_the_local_fallback_and_a_warning_is_logged(tmp_path, caplog, monkeypatch):
    monkeypatch.setattr(logging.getLogger("portal"), "disabled", False)  # Alembic's logging setup turns it off
    class Development(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.db'}"
        BASE_URL = ""

    with caplog.at_level(logging.WARNING):
        app = create_app(Development)
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"
    assert any("BASE_URL is not set" in r.getMessage() for r in caplog.records)
    with app.test_request_context("/", headers=EVIL):
        from flask import url_for

        from portal.core.urls import external_url

        assert url_for("meetings.index", _external=True) == "http://127.0.0.1:5000/meetings"
        assert external_url("accounts.login", "en") == "http://127.0.0.1:5000/en/account/login"


def test_the_guest_email_is_queued_with_the_fallback_address_when_base_url_is_unset(client, factory, outbox):
    meeting = factory.meeting(capacity=10)
    data = {"name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0",
            "step": "send"}
    assert post_as(client, f"/meetings/{meeting.id}/register", data, EVIL).status_code == 302
    found = links(outbox()[-1])
    assert any(link.startswith("http://127.0.0.1:5000/registrations/") for link in found), found
    assert not any("evil.example" in link for link in found)


def test_production_refuses_a_base_url_that_is_not_https(app):
    app.config["BASE_URL"] = "http://portal.city.example.jp"
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1 and "BASE_URL" in result.output
