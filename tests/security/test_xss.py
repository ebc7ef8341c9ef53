"""Cross-site scripting: markup typed into any text field is shown as text on every page that echoes it.

Every free-text column in the demo data gets two payloads appended (as if residents and staff had typed
them into every form), then every public page in both languages and every staff page is visited: the
payloads must appear escaped, never as markup. The forms residents fill are also checked directly.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests.helpers import post_form

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'
RAW = ("<script>alert(", "<img src=x onerror")
#: free text people type; not addresses, tokens, codes, file names or enum values
TEXT_COLUMN = re.compile(r"(title|name|summary|description|text|details|body|note|reason|report|furigana|address|"
                         r"organisation|organization|response|lead|question|excerpt|label|content|place|access|"
                         r"comment|answer|change|heading|message|instructions|notes|role_ja|role_en|purpose)")
NOT_TEXT = re.compile(r"(email|token|code|stored_name|filename|mime|status|kind|slug|hash|secret|language|lang$|"
                      r"url|phone|seed|number|type)")


def plant_payloads() -> int:
    """Append the payloads to every free-text column of every row; returns how many columns were touched."""
    touched = 0
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String) or column.primary_key or column.foreign_keys:
                continue
            if not TEXT_COLUMN.search(column.name) or NOT_TEXT.search(column.name):
                continue
            payload = SCRIPT if column.name.endswith("_en") else IMG
            length = getattr(column.type, "length", None)
            kept = sa.func.substr(column, 1, length - len(payload)) if length else column
            db.session.execute(table.update().where(column.isnot(None)).values({column: kept + payload}))
            touched += 1
    db.session.commit()
    return touched


def crawl(client, starts: list[str], prefix: str, limit: int = 700) -> dict[str, str]:
    """GET every internal link reachable from `starts` whose path begins with `prefix`; {url: body}."""
    seen, queue, pages = set(), list(starts), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code < 500, url
        if response.mimetype not in ("text/html", "application/atom+xml"):
            continue
        body = response.get_data(as_text=True)
        pages[url] = body
        for href in re.findall(r'href="([^"#]+)', body):
            href = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(href)
            if parts.netloc or not parts.path.removeprefix("/en").startswith(prefix) or "/static/" in parts.path:
                continue
            if re.search(r"/(documents|attachment|download)/?\d*$|\.csv|export|/calendar", parts.path):
                continue  # files: checked by their own tests
            queue.append(parts.path + ("?" + parts.query if parts.query else ""))
    return pages


def assert_escaped(pages: dict[str, str]) -> None:
    for url, body in pages.items():
        for raw in RAW:
            assert raw not in body, f"unescaped markup on {url}"
    echoed = sum("&lt;script&gt;alert(1)" in body or "&lt;img src=x onerror" in body or
                 "&#34;&gt;&lt;img" in body for body in pages.values())
    assert echoed > len(pages) // 4, "the payloads should be visible (as text) on many pages"


@pytest.mark.slow
def test_every_public_page_shows_planted_markup_as_text(demo_app, demo_client):
    assert plant_payloads() > 30
    pages = crawl(demo_client, ["/", "/en/", "/meetings?when=past", "/en/consultations"], "/")
    assert len(pages) > 60
    assert_escaped(pages)


@pytest.mark.slow
def test_every_staff_page_shows_planted_markup_as_text(demo_app, demo_client, demo_auth):
    plant_payloads()
    demo_auth.as_role(demo_client, "admin")
    pages = crawl(demo_client, ["/admin/", "/en/admin/"], "/admin")
    assert len(pages) > 30
    assert_escaped(pages)


def test_markup_in_a_guest_registration_is_shown_as_text(client, factory, auth):
    meeting = factory.meeting(capacity=20)
    refused = post_form(client, f"/meetings/{meeting.id}/register",  # furigana must be kana: the form again
                        {"step": "send", "name": "多摩" + IMG, "furigana": "タマ" + SCRIPT,
                         "email": "taro@example.jp", "companions": "0"}).get_data(as_text=True)
    assert not any(raw in refused for raw in RAW) and "&lt;script&gt;alert(1)" in refused
    response = post_form(client, f"/meetings/{meeting.id}/register",
                         {"step": "send", "name": "多摩" + IMG, "furigana": "タマ タロウ",
                          "email": "taro@example.jp", "companions": "0"})
    assert response.status_code == 302
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    auth.as_role(client, "admin")
    staff = client.get(f"/admin/meetings/{meeting.id}/registrations").get_data(as_text=True)
    for body in (detail, staff):
        assert not any(raw in body for raw in RAW)
    assert "&lt;img src=x onerror" in staff


def test_markup_in_a_comment_is_shown_as_text_on_confirm_receipt_and_moderation(client, factory, auth):
    from tests.test_comments import form_values, send

    consultation = factory.consultation()
    values = form_values(client, consultation)
    check = send(client, consultation, step="check", values=values, text="意見です。" + SCRIPT + IMG, name="花子" + IMG)
    done = send(client, consultation, values=values, text="意見です。" + SCRIPT + IMG, name="花子" + IMG)
    receipt = client.get(done.headers["Location"]).get_data(as_text=True)
    auth.as_role(client, "admin")
    queue = client.get(f"/admin/consultations/{consultation.id}/comments").get_data(as_text=True)
    bodies = [check.get_data(as_text=True), receipt, queue]
    for body in bodies:
        assert not any(raw in body for raw in RAW)
    assert "&lt;script&gt;alert(1)" in bodies[0]


def test_markup_in_an_account_name_is_shown_as_text(client):
    from tests.helpers import PASSWORD

    response = post_form(client, "/account/signup", {"display_name": "花子" + IMG, "email": "hanako@example.jp",
                                                     "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    # The name is echoed in the confirmation email (HTML part) before any page shows it.
    from portal.mail.models import OutboxEmail

    email = db.session.scalar(sa.select(OutboxEmail))
    assert not any(raw in (email.html_body or "") for raw in RAW)


def test_the_meeting_form_redisplays_markup_as_text_after_an_error(client, auth):
    auth.as_role(client, "editor")
    response = post_form(client, "/admin/meetings/new", {"kind": "area_meeting", "title_ja": SCRIPT + IMG,
                                                         "starts_at": "not a date"})
    body = response.get_data(as_text=True)
    assert response.status_code in (200, 422)
    assert not any(raw in body for raw in RAW)
    assert "&lt;script&gt;alert(1)" in body
