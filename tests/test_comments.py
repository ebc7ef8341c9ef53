"""Sending a public comment: form → confirm → receipt, on the server's clock, once, safely."""

import io
import os
import re
import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.comments.models import Comment
from portal.core import timefmt
from portal.extensions import db, limiter
from tests.helpers import csrf_token

TEXT = "第3章の「地域協創」について、若い世代が参加しやすい夜の開催を増やしてください。"
SUBMITTER = {"name": "多摩 花子", "address": "多摩市関戸6-12-1", "email": "hanako@example.jp", "phone": "",
             "eligibility": "resident"}


def form_values(client, consultation) -> dict:
    page = client.get(f"/consultations/{consultation.id}/comment").get_data(as_text=True)
    values = dict(re.findall(r'<input (?:id="[^"]*" )?name="(form_token|started|csrf_token)" type="hidden" value="([^"]*)"', page))
    assert {"form_token", "started", "csrf_token"} <= set(values), values
    return values


def send(client, consultation, step="send", values=None, **fields):
    values = values or form_values(client, consultation)
    data = {**values, "text": TEXT, **SUBMITTER, "step": step, **fields}
    return client.post(f"/consultations/{consultation.id}/comment", data=data, content_type="multipart/form-data")


def comments():
    db.session.commit()
    return db.session.scalars(sa.select(Comment).order_by(Comment.id)).all()


def test_form_confirm_receipt_and_emailed_copy(client, factory, outbox):
    consultation = factory.consultation()
    values = form_values(client, consultation)
    check = send(client, consultation, step="check", values=values)
    body = check.get_data(as_text=True)
    assert "入力内容の確認" in body and TEXT in body and comments() == []
    done = send(client, consultation, values=values)
    assert done.status_code == 302
    (comment,) = comments()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", comment.receipt_number)
    receipt = client.get(done.headers["Location"]).get_data(as_text=True)
    assert comment.receipt_number in receipt and "受付番号" in receipt
    assert "多摩 花子" not in receipt and "hanako@example.jp" not in receipt
    email = outbox()[-1]
    assert email.to_address == "hanako@example.jp" and comment.receipt_number in email.subject and TEXT in email.text_body


def test_receipt_numbers_are_not_a_sequence(client, factory):
    consultation = factory.consultation()
    numbers = [send(client, consultation).headers["Location"].rsplit("/", 1)[1] for _ in range(3)]
    assert len(set(numbers)) == 3 and numbers != sorted(numbers) or len({n[:4] for n in numbers}) > 1


@pytest.mark.parametrize("server_tz", ["UTC", "America/Los_Angeles", "Asia/Tokyo"])
def test_the_last_second_counts_on_tokyo_time_whatever_the_server_zone(client, factory, monkeypatch, server_tz):
    monkeypatch.setenv("TZ", server_tz)
    time.tzset()
    try:
        consultation = factory.consultation(opens_in=-20, days=30)
        closes = consultation.closes_at
        values = form_values(client, consultation)
        monkeypatch.setattr(timefmt, "now_utc", lambda: closes - timedelta(seconds=1))
        assert send(client, consultation, values=values).status_code == 302
        values = form_values(client, consultation)
        monkeypatch.setattr(timefmt, "now_utc", lambda: closes + timedelta(seconds=1))
        late = send(client, consultation, values=values)
        body = late.get_data(as_text=True)
        assert late.status_code == 200 and "意見募集は終了しました" in body
        assert len(comments()) == 1
    finally:
        os.environ["TZ"] = "UTC"
        time.tzset()


def test_the_same_form_posted_twice_stores_one_comment(client, factory):
    consultation = factory.consultation()
    values = form_values(client, consultation)
    first = send(client, consultation, values=values)
    second = send(client, consultation, values=values)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(comments()) == 1


def test_the_same_form_posted_twice_at_once_stores_one_comment(app, factory):
    consultation = factory.consultation()
    client = app.test_client()
    values = form_values(client, consultation)
    barrier, results = threading.Barrier(2), []

    def post():
        other = app.test_client()
        other.set_cookie("session", client.get_cookie("session").value)
        barrier.wait()
        results.append(send(other, consultation, values=values).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302, 302] and len(comments()) == 1


@pytest.mark.parametrize("text", [
    "<script>alert('x')</script>", '<img src=x onerror="alert(1)">', "[link](javascript:alert(1)) javascript:alert(1)",
    "ｆｕｌｌ－ｗｉｄｔｈ と half-width 混在 １２３ 123",
])
def test_hostile_text_is_stored_and_shown_escaped(client, factory, outbox, text):
    consultation = factory.consultation()
    values = form_values(client, consultation)
    confirm = send(client, consultation, step="check", values=values, text=text).get_data(as_text=True)
    assert "<script>alert" not in confirm and "<img src=x" not in confirm
    send(client, consultation, values=values, text=text)
    (comment,) = comments()
    assert comment.text == text
    assert "<script>" not in outbox()[-1].html_body and "onerror=\"alert" not in outbox()[-1].html_body


def test_invisible_and_control_characters_are_removed(client, factory):
    consultation = factory.consultation()
    send(client, consultation, text="意見\u202eです\u200b\x00。\u2066")
    assert comments()[0].text == "意見です。"


def test_a_comment_over_the_limit_is_refused_with_the_text_kept(client, factory):
    consultation = factory.consultation()
    long_text = "あ" * 100_000
    response = send(client, consultation, text=long_text)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "上限は10,000文字" in body and long_text in body
    assert comments() == []


@pytest.mark.parametrize("content,name,message", [
    (b"<html><script>alert(1)</script></html>", "資料.pdf", "PDF・PNG・JPEG"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "図.pdf", "PDF・PNG・JPEG"),
    (b"\x89PNG\r\n\x1a\n" + b"0" * 6 * 1024 * 1024, "big.png", "MBを超えています"),
])
def test_bad_attachments_are_refused_with_the_text_kept(client, factory, content, name, message):
    consultation = factory.consultation()
    response = send(client, consultation, step="check", attachment=(io.BytesIO(content), name))
    body = response.get_data(as_text=True)
    assert message in body and TEXT in body and comments() == []


def test_a_pdf_attachment_is_kept_privately(client, factory):
    from portal.demo.pdf import make_pdf

    consultation = factory.consultation()
    values = form_values(client, consultation)
    check = send(client, consultation, step="check", values=values,
                 attachment=(io.BytesIO(make_pdf("意見", ["添付"])), "意見書.pdf")).get_data(as_text=True)
    ref = re.search(r'name="attachment_ref" value="([^"]+)"', check).group(1)
    send(client, consultation, values=values, attachment_ref=ref)
    (comment,) = comments()
    assert comment.attachment_filename == "意見書.pdf" and comment.attachment_type == "application/pdf"
    assert "意見書.pdf" not in client.get(f"/consultations/{consultation.id}").get_data(as_text=True)


def test_the_trap_field_and_a_robot_fast_send_get_a_message(app, client, factory):
    consultation = factory.consultation()
    trapped = send(client, consultation, website="http://spam.example").get_data(as_text=True)
    assert "隠れた入力欄" in trapped and TEXT in trapped
    app.config["COMMENT_MIN_SECONDS"] = 60
    fast = send(client, consultation).get_data(as_text=True)
    assert "すぐに送信されたため" in fast and TEXT in fast
    assert comments() == []


def test_too_many_comments_from_one_address_keep_the_text(client, factory):
    consultation = factory.consultation()
    try:
        for _ in range(10):
            assert send(client, consultation, step="check").status_code == 200
        blocked = send(client, consultation, step="check")
    finally:
        limiter.reset()
    body = blocked.get_data(as_text=True)
    assert blocked.status_code == 429 and "1時間ほどたってから" in body and TEXT in body


def test_an_expired_page_keeps_the_text(client, factory):
    consultation = factory.consultation()
    values = {**form_values(client, consultation), "csrf_token": "expired"}
    response = send(client, consultation, values=values)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "入力された内容は残っています" in body and TEXT in body
    assert comments() == []


def test_contact_is_required_and_address_as_the_consultation_says(client, factory):
    consultation = factory.consultation()
    body = send(client, consultation, email="", phone="", address="").get_data(as_text=True)
    assert "メールアドレスか電話番号を入力してください" in body and "住所を入力してください" in body
    relaxed = factory.consultation(require_address=False)
    assert send(client, relaxed, address="").status_code == 302


def test_closed_and_upcoming_consultations_take_no_comments(client, factory):
    for consultation in (factory.consultation(opens_in=-60, days=30), factory.consultation(opens_in=5)):
        page = client.get(f"/consultations/{consultation.id}/comment")
        assert page.status_code == 200 and "意見募集は終了しました" in page.get_data(as_text=True)


def test_a_submitter_looks_up_the_comment_with_receipt_and_email(client, factory):
    consultation = factory.consultation()
    number = send(client, consultation).headers["Location"].rsplit("/", 1)[1]
    token = csrf_token(client, "/consultations/comment-status")
    found = client.post("/consultations/comment-status", data={"csrf_token": token, "receipt_number": number.lower(),
                                                               "contact": "HANAKO@example.jp"})
    assert "受付済み(確認中)" in found.get_data(as_text=True)
    wrong = client.post("/consultations/comment-status", data={"csrf_token": token, "receipt_number": number,
                                                               "contact": "other@example.jp"})
    assert "合うご意見はありません" in wrong.get_data(as_text=True)


def test_a_signed_in_resident_sees_the_comment_on_my_page(client, auth, factory):
    consultation = factory.consultation()
    auth.as_role(client, None, email="hanako@example.jp")
    number = send(client, consultation).headers["Location"].rsplit("/", 1)[1]
    me = client.get("/account/me").get_data(as_text=True)
    assert number in me and "受付済み(確認中)" in me
