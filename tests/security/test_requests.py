"""Hostile requests: forged cross-site posts, other people's ids and tokens, open redirects, oversized and
malformed input, header injection in email fields, session fixation. Each gets a clear 4xx or its form
again with a message, and nothing changes that should not."""

import hashlib
import itertools
import re
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from portal.extensions import db
from portal.mail.models import OutboxEmail
from portal.registrations.models import Registration
from tests.helpers import PASSWORD, post_form


def fingerprint() -> str:
    """A digest of every row of every table: any change shows."""
    digest = hashlib.sha256()
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(sa.select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def rule_urls(app, method: str, prefix: str = "/") -> list[str]:
    """Every URL of the app that takes `method`, with 1 for ids and a made-up value for tokens."""
    urls = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or not rule.rule.startswith(prefix) or rule.endpoint == "static":
            continue
        # an `any(...)` part (retire/restore/delete) gives one URL per word it takes
        choices = {name: [1] if isinstance(conv, IntegerConverter) else sorted(conv.items)
                   if isinstance(conv, AnyConverter) else ["not-a-real-token"]
                   for name, conv in rule._converters.items()}
        for combination in itertools.product(*choices.values()):
            urls.append(app.url_map.bind("localhost").build(rule.endpoint, dict(zip(choices, combination, strict=True))))
    return sorted(set(urls))


# Forged posts: no CSRF token


def test_every_state_changing_url_refuses_a_post_without_its_form_token(demo_app, demo_client, demo_auth):
    demo_auth.as_role(demo_client, "admin")
    urls = rule_urls(demo_app, "POST")
    assert len(urls) > 40
    before = fingerprint()
    for url in urls:
        response = demo_client.post(url, data={"title_ja": "偽の送信", "reason_ja": "x", "status": "accepted",
                                               "email": "x@example.jp", "password": PASSWORD})
        # 404: nothing with that id (the parent is checked first, and there is no form to send again)
        assert response.status_code in (400, 404), url
        if response.status_code == 400:
            assert "もう一度" in response.get_data(as_text=True), url  # a page that says what to do
    assert fingerprint() == before


# Other people's ids and tokens


def test_staff_urls_are_closed_to_residents_and_anonymous_visitors(demo_app, demo_client, demo_auth):
    urls = rule_urls(demo_app, "GET", "/admin")
    assert len(urls) > 30
    for url in urls:
        response = demo_client.get(url)
        assert response.status_code == 302 and "/account/login" in response.headers["Location"], url
    demo_auth.as_role(demo_client)  # a resident
    for url in urls:
        assert demo_client.get(url).status_code == 403, url


def test_a_registration_cannot_be_reached_without_its_own_token(client, factory, auth):
    meeting = factory.meeting(capacity=5)
    done = post_form(client, f"/meetings/{meeting.id}/register", {"step": "send", "name": "多摩 太郎",
                                                                  "furigana": "タマ タロウ", "email": "taro@example.jp",
                                                                  "companions": "0"})
    token = done.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/registrations/{token}").status_code == 200
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    other = auth.as_role(auth_client := client.application.test_client())  # another resident, logged in
    assert other is not None
    for url in (f"/registrations/{forged}", f"/registrations/{forged}/cancel", f"/registrations/{forged}/confirm/x",
                f"/registrations/{token}/confirm/wrong-code", "/registrations/1", "/registrations/..%2F1"):
        assert auth_client.get(url).status_code == 404, url
    for url in (f"/registrations/{forged}/accept", f"/registrations/{forged}/companions",
                f"/registrations/{forged}/cancel"):
        assert post_form(auth_client, url, {"companions": "3"}, page="/account/me").status_code == 404, url
    page = auth_client.get("/account/me").get_data(as_text=True)
    assert "多摩 太郎" not in page and token not in page
    assert db.session.scalar(sa.select(Registration.status)) == "pending"  # untouched


def test_a_receipt_number_does_not_open_another_consultation_or_anyone_elses_comment(client, factory):
    from tests.test_comments import send

    first, second = factory.consultation(), factory.consultation()
    number = send(client, first).headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/consultations/{first.id}/comment/receipt/{number}").status_code == 200
    assert client.get(f"/consultations/{second.id}/comment/receipt/{number}").status_code == 404
    assert client.get(f"/consultations/{first.id}/comment/receipt/AAAA-AAAA").status_code == 404
    # The status lookup needs the submitter's contact too.
    page = post_form(client, "/consultations/comment-status", {"receipt_number": number,
                                                                "contact": "someone-else@example.jp"})
    assert page.status_code == 200
    assert "この受付番号と連絡先に合うご意見はありません" in page.get_data(as_text=True)
    assert "受付済み" not in page.get_data(as_text=True)


def test_unpublished_documents_are_not_downloadable_by_the_public(client, factory):
    draft = factory.document(status="draft", meeting=factory.meeting())
    assert client.get(f"/documents/{draft.id}").status_code == 404


# Open redirects

@pytest.mark.parametrize("target", [
    "//evil.example/", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", " //evil.example", "///evil.example",
    "%2F%2Fevil.example", "https:/evil.example", "/%09/evil.example",
])
def test_login_never_redirects_off_site(client, auth, target):
    user = auth.create("hanako@example.jp")
    response = post_form(client, f"/account/login?next={quote(target, safe='')}",
                         {"email": user.email, "password": PASSWORD}, page="/account/login")
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.netloc in ("", "localhost"), location
    assert not any(ch in location for ch in "\t\n\r\\") and not parts.path.startswith("//"), location
    assert not location.lower().startswith(("javascript:", "http:evil", "https:/evil"))


# Oversized and malformed input


def test_an_oversized_body_gets_a_friendly_413(client, factory):
    meeting = factory.meeting()
    response = client.post(f"/meetings/{meeting.id}/register", data=b"x" * (30 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "大きすぎます" in response.get_data(as_text=True)


def test_a_form_with_thousands_of_fields_is_refused(client, factory):
    meeting = factory.meeting()
    body = "&".join(f"f{n}=x" for n in range(5000))
    response = client.post(f"/meetings/{meeting.id}/register", data=body,
                           content_type="multipart/form-data; boundary=x")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("query", [
    "page=99999999999999999999999", "page=-1", "page=abc", "area=%FF%FE", "q=" + "あ" * 20000,
    "kind=<script>", "when=%00", "acc=" + "&acc=".join(["x"] * 500), "from=9999-99-99", "date=0000-00-00",
    "seats=%C0%AF", "q=%ED%A0%80", "q=%00", "q=%25%5F%5C", "area=1%00",
])
def test_absurd_query_strings_never_break_a_list(demo_client, query):
    for path in ("/meetings", "/en/meetings", "/consultations", "/areas"):
        response = demo_client.get(f"{path}?{query}")
        assert response.status_code in (200, 400, 404), (path, query)


@pytest.mark.parametrize("path", ["/meetings/%00", "/meetings/99999999999999999999999", "/areas/%FF",
                                  "/committees/..%2F..%2Fetc", "/documents/-1", "/registrations/%00",
                                  "/consultations/1/comment/receipt/%0D%0ALocation:%20x"])
def test_malformed_paths_are_404(demo_client, path):
    assert demo_client.get(path).status_code == 404


@pytest.mark.parametrize("name", ["多摩\x00太郎", "多摩\ud800太郎".encode("utf-8", "surrogatepass"), b"\xff\xfe\xfd"])
def test_nul_bytes_and_malformed_utf8_in_a_form_are_never_stored(client, factory, name):
    meeting = factory.meeting()
    from tests.helpers import csrf_token

    token = csrf_token(client, f"/meetings/{meeting.id}/register")
    raw = name if isinstance(name, bytes) else name.encode()
    body = b"&".join([b"csrf_token=" + token.encode(), b"step=send", b"name=" + quote(raw).encode(),
                      b"furigana=" + quote("タマ タロウ").encode(), b"email=taro%40example.jp",
                      b"companions=0"])
    response = client.post(f"/meetings/{meeting.id}/register", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302  # registered, with the name cleaned
    [stored] = db.session.scalars(sa.select(Registration.name)).all()
    assert "\x00" not in stored and stored.encode("utf-8")  # storable, printable text


# Email fields


@pytest.mark.parametrize("field,value,accepted", [
    ("email", "taro@example.jp\r\nBcc: victim@example.jp", False),
    ("email", "taro@example.jp%0ABcc:victim@example.jp", False),
    ("name", "多摩 太郎\r\nBcc: victim@example.jp", True),  # a name may be odd; it never reaches a header
    ("email", "taro@example.jp>, victim@example.jp", False),
])
def test_header_injection_in_registration_fields_sends_no_extra_mail(app, client, factory, field, value, accepted,
                                                                      tmp_path):
    meeting = factory.meeting(capacity=5)
    data = {"step": "send", "name": "多摩 太郎", "furigana": "タマ タロウ", "email": "taro@example.jp",
            "companions": "0", field: value}
    response = post_form(client, f"/meetings/{meeting.id}/register", data)
    if accepted:
        assert response.status_code == 302
    else:  # the address is refused on the form: nothing registered
        assert response.status_code == 200 and 'href="#email"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == int(accepted)
    app.config.update(MAIL_SERVER="", MAIL_FOLDER=str(tmp_path / "mail"))
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    sent = list((tmp_path / "mail").glob("*.eml"))
    assert len(sent) == int(accepted)  # the confirmation link, to the one address typed
    for eml in sent:
        headers = eml.read_bytes().split(b"\n\n", 1)[0]
        assert b"victim" not in headers and not re.search(rb"^Bcc:", headers, re.M | re.I)
    queued = db.session.scalars(sa.select(OutboxEmail)).all()
    assert [row.to_address for row in queued] == ["taro@example.jp"] * int(accepted)
    assert not any("\n" in row.subject for row in queued)


# Sessions


def test_a_session_planted_before_login_is_not_the_session_after_it(client, auth):
    user = auth.create("hanako@example.jp", name="山田花子")
    client.get("/account/login")  # the visitor (or an attacker who set this cookie) has a session already
    planted = client.get_cookie("session").value
    post_form(client, "/account/login", {"email": user.email, "password": PASSWORD})
    assert client.get_cookie("session").value != planted
    attacker = client.application.test_client()
    attacker.set_cookie("session", planted)
    response = attacker.get("/account/me")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
