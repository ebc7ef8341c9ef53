"""Request bodies are bounded by what each kind of form legally holds: an oversized or many-fielded body is a
413 before it is parsed, and the longest legal Japanese text of each form still goes through."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.comments.models import Comment
from portal.consultations.models import Consultation
from portal.core.timefmt import now_utc, to_tokyo
from portal.extensions import db
from portal.registrations.models import Registration
from tests.helpers import csrf_token, post_form
from tests.security.test_requests import fingerprint

KANJI = "協"  # 3 bytes in UTF-8, 9 once percent-encoded (%E5%8D%94)


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def million_fields(size: int) -> bytes:
    """A urlencoded body of `size` bytes made of tiny fields (over five million in 21 MB)."""
    return (b"a=&" * (size // 3 + 1))[:size]


# Refused: too large, too many fields


def test_a_21_mb_urlencoded_body_with_millions_of_fields_is_413_and_stores_nothing(client, factory):
    meeting = factory.meeting()
    token = csrf_token(client, f"/en/meetings/{meeting.id}/register")
    before = fingerprint()
    response = client.post(f"/en/meetings/{meeting.id}/register", data=million_fields(21 * 1024 * 1024),
                           content_type="application/x-www-form-urlencoded", headers={"X-CSRFToken": token})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too large" in page and "nothing has been saved" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert fingerprint() == before


def test_every_kind_of_post_refuses_a_body_over_its_limit(app, client, auth, factory):
    meeting, consultation = factory.meeting(), factory.consultation()
    public = app.config["FORM_MAX_BYTES"]
    for url, size in ((f"/meetings/{meeting.id}/register", public + 1),
                      ("/account/login", public + 1),
                      (f"/consultations/{consultation.id}/comment",
                       public + 2 * app.config["COMMENT_ATTACHMENT_MAX_BYTES"] + 1),
                      ("/admin/meetings/new", app.config["STAFF_FORM_MAX_BYTES"] + 1)):
        response = client.post(url, data=b"x" * size, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, url
    assert count(Registration) == count(Comment) == 0


def test_a_body_without_a_length_is_cut_off_at_the_limit(app, client, factory):
    meeting = factory.meeting()
    stream = io.BytesIO(b"name=" + b"x" * (app.config["FORM_MAX_BYTES"] * 2))
    response = client.post(f"/en/meetings/{meeting.id}/register", input_stream=stream,
                           content_type="application/x-www-form-urlencoded",
                           environ_base={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert count(Registration) == 0


def test_too_many_fields_is_413_urlencoded_or_multipart(app, client, factory):
    meeting = factory.meeting()
    url = f"/en/meetings/{meeting.id}/register"
    fields = app.config["FORM_MAX_FIELDS"] + 1
    urlencoded = "&".join(f"f{n}=x" for n in range(fields))  # a few KB: far under the size limit
    assert client.post(url, data=urlencoded, content_type="application/x-www-form-urlencoded").status_code == 413
    multipart = "".join(f'--b\r\nContent-Disposition: form-data; name="f{n}"\r\n\r\nx\r\n' for n in range(fields))
    response = client.post(url, data=multipart + "--b--\r\n", content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert count(Registration) == 0


def test_staff_forms_take_more_fields_but_not_without_bound(app, client, auth):
    auth.as_role(client, "editor")
    too_many = "&".join(f"f{n}=x" for n in range(app.config["STAFF_FORM_MAX_FIELDS"] + 1))
    response = client.post("/admin/meetings/new", data=too_many, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


def test_an_oversized_upload_says_the_file_is_too_large(app, client, factory):
    consultation = factory.consultation()
    limit = app.config["FORM_MAX_BYTES"] + 2 * app.config["COMMENT_ATTACHMENT_MAX_BYTES"]
    response = client.post(f"/en/consultations/{consultation.id}/comment", content_type="multipart/form-data",
                           data={"text": "x", "attachment": (io.BytesIO(b"%PDF-" + b"0" * limit), "big.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "The file is too large" in page
    assert f'href="/en/consultations/{consultation.id}/comment">Open the form again' in page  # a way back
    assert count(Comment) == 0


def test_an_htmx_request_over_the_limit_gets_a_fragment(client):
    response = client.post("/en/account/login", data=b"x" * (1024 * 1024),
                           content_type="application/x-www-form-urlencoded", headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "What you sent is too large" in page
    assert "<html" not in page and response.headers["HX-Retarget"] == "#main"


# Accepted: each form's longest legal Japanese text


def test_a_comment_of_the_maximum_length_in_kanji_is_accepted_urlencoded_and_multipart(app, client, factory):
    consultation = factory.consultation()
    text = KANJI * app.config["COMMENT_MAX_CHARS"]
    url = f"/consultations/{consultation.id}/comment"
    submitter = {"name": "多摩 花子" * 20, "address": "東京都多摩市関戸" + KANJI * 200, "email": "hanako@example.jp",
                 "eligibility": "resident", "text": text}
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        page = client.get(url).get_data(as_text=True)
        values = dict(re.findall(r'name="(form_token|started|csrf_token)" type="hidden" value="([^"]*)"', page))
        check = client.post(url, data={**values, **submitter, "step": "check"}, content_type=content_type)
        assert check.status_code == 200 and text in check.get_data(as_text=True), content_type
        done = client.post(url, data={**values, **submitter, "step": "send"}, content_type=content_type)
        assert done.status_code == 302, content_type
    db.session.expire_all()
    assert [len(c.text) for c in db.session.scalars(sa.select(Comment))] == [len(text)] * 2


def test_a_registration_with_every_accommodation_detail_at_its_longest_is_accepted(client, factory):
    kinds = [factory.accommodation(f"kind{n}", name_ja=f"配慮{n}", details_prompt_ja="詳しく") for n in range(12)]
    meeting = factory.meeting(capacity=10, accommodations=kinds)
    details = {f"acc_{k.id}": "y" for k in kinds} | {f"acc_{k.id}_details": KANJI * 1000 for k in kinds}
    response = post_form(client, f"/meetings/{meeting.id}/register",
                         {"name": KANJI * 120, "furigana": "た" * 120, "email": "hanako@example.jp",
                          "companions": "0", "consent": "y", "step": "send", **details})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert count(Registration) == 1


def test_a_staff_consultation_of_100000_kanji_is_accepted(client, auth):
    auth.as_role(client, "editor")
    opens = now_utc() + timedelta(days=1)
    summary = KANJI * 50_000  # each language at its limit: 900 KB once percent-encoded
    data = {"title_ja": KANJI * 255, "summary_ja": summary, "summary_en": summary, "department_ja": KANJI * 160,
            "eligibility_ja": KANJI * 2000, "eligibility_en": KANJI * 2000,
            "opens_at": to_tokyo(opens).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": to_tokyo(opens + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"), "status": "draft"}
    response = post_form(client, "/admin/consultations/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    (consultation,) = db.session.scalars(sa.select(Consultation)).all()
    assert consultation.summary_ja == summary and consultation.summary_en == summary


def test_a_staff_meeting_with_its_longest_texts_is_accepted(client, auth):
    from tests.test_admin_meetings import meeting_data

    auth.as_role(client, "editor")
    data = meeting_data(title_ja=KANJI * 200, summary_ja=KANJI * 20_000, summary_en=KANJI * 20_000,
                        agenda_ja="\n".join([KANJI * 99] * 50), agenda_en="\n".join([KANJI * 99] * 50))
    response = post_form(client, "/admin/meetings/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
