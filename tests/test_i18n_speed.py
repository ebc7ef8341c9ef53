"""The page language and its translations are looked up once per request, and still follow force_locale()
(emails in the recipient's language) and work without a request."""

import contextvars

import pytest
from flask import render_template_string
from flask_babel import Domain, force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core import i18n
from portal.core.i18n import current_lang

TEMPLATE = "{{ _('Log in') }} {{ ngettext('%(num)s comment', '%(num)s comments', 2) }} {{ current_lang() }}"


@pytest.mark.parametrize("prefix, words", [("", "会議"), ("/en", "Meetings")])
def test_a_page_resolves_its_language_once(demo_client, monkeypatch, prefix, words):
    calls = []

    def counted(real):
        return lambda *args: calls.append(real.__name__) or real(*args)

    monkeypatch.setattr(i18n, "get_locale", counted(i18n.get_locale))
    monkeypatch.setattr(Domain, "get_translations", counted(Domain.get_translations))
    for _request in range(2):  # and again for the next request: nothing is kept from the one before
        calls.clear()
        body = demo_client.get(f"{prefix}/meetings").get_data(as_text=True)
        assert words in body and f'lang="{prefix.strip("/") or "ja"}"' in body
        assert sorted(calls) == ["get_locale", "get_translations"]


def test_force_locale_inside_a_request_switches_every_lookup_and_restores_them(app):
    with app.test_request_context("/"):
        assert (_("Log in"), current_lang()) == ("ログイン", "ja")
        assert render_template_string(TEMPLATE) == "ログイン 2件の意見 ja"
        with force_locale("en"):
            assert (_("Log in"), str(_l("Log in")), current_lang()) == ("Log in", "Log in", "en")
            assert render_template_string(TEMPLATE) == "Log in 2 comments en"
        assert (_("Log in"), str(_l("Log in")), current_lang()) == ("ログイン", "ログイン", "ja")
        assert render_template_string(TEMPLATE) == "ログイン 2件の意見 ja"


def test_an_email_queued_from_a_japanese_page_for_an_english_reader_is_in_english(app):
    from portal.mail.services import queue_email

    with app.test_request_context("/"):
        email = queue_email("jane@example.jp", "accounts/already_registered", "en", login_url="L", reset_url="R")
        assert email.subject == "Someone tried to create an account with your address"
        assert "This email was sent automatically" in email.text_body
        assert render_template_string(TEMPLATE) == "ログイン 2件の意見 ja"


def test_without_a_request_force_locale_chooses_and_without_an_app_nothing_is_translated(app):
    with force_locale("en"):  # as the command-line tools do
        assert (_("Log in"), current_lang()) == ("Log in", "en")
    with force_locale("ja"):
        assert (_("Log in"), current_lang()) == ("ログイン", "ja")
    outside = contextvars.Context().run(lambda: (_("Log in"), str(_l("Log in")), current_lang()))
    assert outside == ("Log in", "Log in", "ja")
