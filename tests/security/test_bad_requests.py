"""Bad requests are answered with a 4xx, never a 5xx: posts to every public state-changing URL with a missing,
draft, cancelled, closed or malformed parent, with no form token or a wrong one, in both languages; and a
rate-limited post to a parent that does not exist. The page is in the language of the URL."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.routing import IntegerConverter

from portal.extensions import db
from portal.meetings.models import MeetingStatus
from portal.registrations.models import Registration
from tests.helpers import csrf_token, post_form
from tests.security.test_requests import fingerprint

MISSING = 999999
#: ids a route converter refuses, and tokens no registration has
MALFORMED_IDS = ["abc", "-1", "1.5", "99999999999999999999999", "%00"]
BAD_TOKENS = ["not-a-real-token", "%00", "..%2F1"]
LANG = re.compile(r'<html[^>]*\blang="([a-z]+)"')


def public_post_rules(app):
    """Every POST rule residents and strangers can reach (staff and account pages have their own tests)."""
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and rule.endpoint != "static"
            and not rule.rule.startswith(("/admin", "/account"))]


@pytest.fixture
def parents(factory):
    """Meetings and consultations the public must not be able to post to, or only to be told it is over."""
    meetings = {"missing": MISSING, "draft": factory.meeting(status=MeetingStatus.DRAFT).id,
                "cancelled": factory.meeting(status=MeetingStatus.CANCELLED).id}
    consultations = {"missing": MISSING, "draft": factory.consultation(status="draft").id,
                     "closed": factory.consultation(opens_in=-60, days=30).id}
    db.session.commit()
    return {"meeting_id": meetings, "consultation_id": consultations}


def bad_urls(app, parents) -> list[str]:
    """Each public POST URL with each bad parent, malformed id or made-up token."""
    urls = set()
    for rule in public_post_rules(app):
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        strings = [name for name in rule._converters if name not in ints]
        values = {name: "TOKEN" for name in strings}
        cases = [{**values, **{name: ids[name] for name in ints}}
                 for ids in ({n: parents.get(n, {}).get(kind, MISSING) for n in ints}
                             for kind in ("missing", "draft", "cancelled", "closed"))] if ints else [values]
        for case in cases:
            url = app.url_map.bind("localhost").build(rule.endpoint, case)
            urls.update(url.replace("TOKEN", token) for token in BAD_TOKENS)
        if ints:  # a malformed id in the path, as typed into the address bar
            url = app.url_map.bind("localhost").build(rule.endpoint, {**values, **{n: 7 for n in ints}})
            for bad in MALFORMED_IDS:
                urls.add(url.replace("/7/", f"/{bad}/", 1).replace("TOKEN", BAD_TOKENS[0]))
    return sorted(urls)


def test_the_url_list_covers_registering_and_commenting(app, parents):
    urls = bad_urls(app, parents)
    for expected in (f"/meetings/{MISSING}/register", f"/meetings/{parents['meeting_id']['draft']}/register",
                     f"/meetings/{parents['meeting_id']['cancelled']}/register", "/meetings/abc/register",
                     f"/consultations/{MISSING}/comment", f"/consultations/{parents['consultation_id']['draft']}/comment",
                     f"/consultations/{parents['consultation_id']['closed']}/comment",
                     "/registrations/not-a-real-token/cancel", "/registrations/not-a-real-token/confirm/not-a-real-token"):
        assert expected in urls, expected


@pytest.mark.parametrize("token", [None, "wrong-token"], ids=["no token", "wrong token"])
@pytest.mark.parametrize("prefix,lang", [("", "ja"), ("/en", "en")])
def test_a_forged_post_to_a_bad_parent_is_a_4xx_in_the_page_language(app, parents, token, prefix, lang):
    urls = bad_urls(app, parents)
    before = fingerprint()
    for url in urls:
        client = app.test_client()  # a stranger with no session, as a script would be
        data = {"name": "多摩 花子", "furigana": "タマ ハナコ", "email": "hanako@example.jp", "companions": "0",
                "step": "send", "text": "意見です。"}
        if token:
            data["csrf_token"] = token
        # each a different address, so the per-address limits of these forms are not what answers
        response = client.post(prefix + url, data=data, environ_base={"REMOTE_ADDR": f"10.9.{len(url)}.{hash(url) % 250}"})
        assert 400 <= response.status_code < 500, (prefix + url, response.status_code)
        if response.mimetype == "text/html":
            assert LANG.search(response.get_data(as_text=True)).group(1) == lang, prefix + url
    assert fingerprint() == before  # nothing was saved


@pytest.mark.parametrize("prefix,lang", [("", "ja"), ("/en", "en")])
def test_a_proper_post_to_a_missing_or_draft_parent_is_404(app, client, parents, prefix, lang):
    for kind in ("missing", "draft"):
        for url in (f"/meetings/{parents['meeting_id'][kind]}/register",
                    f"/consultations/{parents['consultation_id'][kind]}/comment"):
            response = post_form(client, prefix + url, {"name": "多摩 花子", "step": "send"},
                                 page=prefix + "/consultations/comment-status")
            assert response.status_code == 404, (prefix + url)
            assert LANG.search(response.get_data(as_text=True)).group(1) == lang


@pytest.mark.parametrize("prefix,lang", [("", "ja"), ("/en", "en")])
def test_too_many_posts_to_a_missing_or_draft_parent_are_a_4xx(app, parents, prefix, lang):
    """The per-address limit answers before the view: the limit page must not look the parent up and fail."""
    for kind in ("missing", "draft"):
        for url in (f"/meetings/{parents['meeting_id'][kind]}/register",
                    f"/consultations/{parents['consultation_id'][kind]}/comment"):
            client = app.test_client()
            token = csrf_token(client, prefix + "/consultations/comment-status")
            address = {"REMOTE_ADDR": f"10.8.{len(url)}.{1 if kind == 'missing' else 2}"}
            codes = set()
            for _ in range(25):  # past both forms' limits (20 a minute, 10 an hour)
                response = client.post(prefix + url, data={"csrf_token": token, "name": "x"}, environ_base=address)
                codes.add(response.status_code)
                assert 400 <= response.status_code < 500, (prefix + url, response.status_code)
                assert LANG.search(response.get_data(as_text=True)).group(1) == lang
            assert 429 in codes, prefix + url


# Names: what people type is shown without control, bidi or zero-width characters


def registered_name(client, meeting, name, furigana="タマ\u200bハナコ"):
    data = {"name": name, "furigana": furigana, "email": "hanako@example.jp", "companions": "0"}
    url = f"/meetings/{meeting.id}/register"
    confirm = post_form(client, url, {**data, "step": "check"})
    assert confirm.status_code == 200
    done = post_form(client, url, {**data, "step": "send"})
    assert done.status_code == 302
    return confirm.get_data(as_text=True), client.get(done.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("typed,shown", [("多摩\u200b花子", "多摩花子"), ("invoice\u202efdp", "invoicefdp"),
                                         ("多摩\u2066\u00a0花子\u2069\ufeff", "多摩 花子"),
                                         ("\u200e多摩\t花子\u200f", "多摩 花子")])
def test_a_registration_name_is_cleaned_on_the_confirmation_the_page_and_the_roster(app, client, auth, factory,
                                                                                   typed, shown):
    organiser = auth.create(email="organiser@city.example.jp", roles=("editor",))
    meeting = factory.meeting(capacity=10, organiser_id=organiser.id)
    confirm, page = registered_name(client, meeting, typed)
    for body in (confirm, page):
        assert shown in body and typed not in body and "\u200b" not in body and "\u202e" not in body
    assert "タマハナコ" in confirm
    stored = db.session.scalar(sa.select(Registration).where(Registration.meeting_id == meeting.id))
    assert (stored.name, stored.furigana) == (shown, "タマハナコ")
    staff = app.test_client()
    auth.login(staff, organiser)
    roster = staff.get(f"/admin/meetings/{meeting.id}/registrations").get_data(as_text=True)
    assert shown in roster and "タマハナコ" in roster and typed not in roster
    assert shown in staff.get(f"/admin/meetings/{meeting.id}/registrations.csv").data.decode("utf-8-sig")


def test_a_name_of_only_invisible_characters_is_asked_for_again(client, factory):
    meeting = factory.meeting()
    response = post_form(client, f"/meetings/{meeting.id}/register",
                         {"name": "\u200b\u202e\u2066 ", "furigana": "タマ", "email": "hanako@example.jp",
                          "companions": "0", "step": "check"})
    assert response.status_code == 200
    assert "お名前を入力してください。" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_staff_entered_and_walk_in_names_are_cleaned(app, auth, factory):
    organiser = auth.create(email="organiser@city.example.jp", roles=("editor",))
    meeting = factory.meeting(capacity=10, organiser_id=organiser.id)
    staff = app.test_client()
    auth.login(staff, organiser)
    base = f"/admin/meetings/{meeting.id}"
    response = post_form(staff, f"{base}/registrations/new",
                         {"channel": "phone", "name": "電話\u200b太郎\u202e", "furigana": "でんわ\u200dたろう",
                          "companions": "0", "staff_note": "はがきで確定を連絡"})
    assert response.status_code == 302
    post_form(staff, f"{base}/walk-in", {"name": "\u2067飛び入り\u2069 花子", "companions": "0"},
              page=f"{base}/registrations")
    names = set(db.session.execute(sa.select(Registration.name, Registration.furigana)
                                   .where(Registration.meeting_id == meeting.id)).all())
    assert names == {("電話太郎", "デンワタロウ"), ("飛び入り 花子", None)}
    roster = staff.get(f"{base}/registrations").get_data(as_text=True)
    assert "電話太郎" in roster and "飛び入り 花子" in roster and "\u202e" not in roster and "\u2067" not in roster
