"""Nothing typed is lost (issue 10.13): a comment sent just after the period closed comes back whole, and any
form sent with an expired or missing CSRF token is shown again with what was typed and a fresh token."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.areas.models import Venue
from portal.comments.models import Comment, ConsultationSection
from portal.consultations.models import Consultation, ConsultationPlace
from portal.core import timefmt
from portal.extensions import db
from portal.meetings.models import Meeting
from tests.helpers import CSRF
from tests.test_admin_meetings import meeting_data
from tests.test_comments import SUBMITTER, form_values, send

LONG_TEXT = "第1章について。\n" + "夜や週末の開催を増やしてください。" * 40 + "\n以上です。"
EXPIRED_MESSAGE = ("ページを開いてから時間がたったため、送信できませんでした。入力された内容は残っています。"
                   "内容を確認して、もう一度送信してください。")


def token_in(body: str) -> str:
    match = CSRF.search(body)
    return match.group(1) or match.group(2)


def comment_count() -> int:
    db.session.commit()
    return db.session.scalar(sa.select(sa.func.count(Comment.id)))


def closing_consultation(factory):
    consultation = factory.consultation(department_ja="企画政策部 協創推進室", postal_address_ja="〒206-8666 多摩市関戸6-12-1",
                                        fax="042-000-1111")
    venue = Venue(name_ja="中央図書館", address_ja="多摩市落合2-33")
    section = ConsultationSection(consultation_id=consultation.id, title_ja="第3章 地域協創")
    db.session.add_all([venue, section])
    db.session.flush()
    db.session.add(ConsultationPlace(consultation_id=consultation.id, venue_id=venue.id))
    db.session.commit()
    return consultation, section


def test_a_comment_sent_a_minute_after_closing_comes_back_whole(app, client, factory, monkeypatch):
    consultation, section = closing_consultation(factory)
    with app.test_request_context():
        ended = timefmt.format_datetime(consultation.closes_at)
    values = form_values(client, consultation)  # the form opened while comments were open
    after = consultation.closes_at + timedelta(minutes=1)
    monkeypatch.setattr(timefmt, "now_utc", lambda: after)
    for step in ("check", "send"):  # at the confirm step, or sending from the confirm page
        response = send(client, consultation, step=step, values=values, text=LONG_TEXT, section=str(section.id),
                        attachment=(io.BytesIO(b"%PDF-1.4"), "意見書.pdf"))
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "意見募集は終了しました" in body
        assert f"意見募集は{ended}に終了したため" in body  # when it ended
        assert LONG_TEXT in body  # the whole text, as typed
        assert "第3章 地域協創" in body and SUBMITTER["name"] in body
        assert "添付されたファイルはここには表示されず" in body  # and the file is not, said so
        assert "企画政策部 協創推進室" in body and "多摩市関戸6-12-1" in body and "042-000-1111" in body
        assert "中央図書館" in body
    assert comment_count() == 0


def test_closed_between_confirm_and_send_comes_back_whole(client, factory, monkeypatch):
    consultation, _ = closing_consultation(factory)
    values = form_values(client, consultation)
    assert "入力内容の確認" in send(client, consultation, step="check", values=values, text=LONG_TEXT).get_data(as_text=True)
    consultation.closes_at = timefmt.now_utc() - timedelta(minutes=1)  # staff close it meanwhile
    db.session.commit()
    body = send(client, consultation, values=values, text=LONG_TEXT).get_data(as_text=True)
    assert "意見募集は終了しました" in body and LONG_TEXT in body and "添付されたファイル" not in body
    assert comment_count() == 0


def test_an_expired_token_on_the_comment_form_keeps_everything_and_sending_again_works(client, factory):
    consultation = factory.consultation()
    values = form_values(client, consultation)
    for token in ("expired", None):  # an old token, or none at all
        data = {**values, "text": LONG_TEXT, **SUBMITTER, "step": "send"}
        if token is None:
            del data["csrf_token"]
        else:
            data["csrf_token"] = token
        response = client.post(f"/consultations/{consultation.id}/comment", data=data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400 and EXPIRED_MESSAGE in body
        assert LONG_TEXT in body and SUBMITTER["email"] in body and SUBMITTER["address"] in body
        assert "CSRF" not in body  # said in words, not as a field error
        assert comment_count() == 0
    fresh = token_in(body)  # a current token, on the page
    again = client.post(f"/consultations/{consultation.id}/comment",
                        data={**values, "csrf_token": fresh, "text": LONG_TEXT, **SUBMITTER, "step": "send"})
    assert again.status_code == 302 and comment_count() == 1


def test_the_moderators_results_text_survives_an_expired_token(app, client, auth, factory):
    consultation = factory.consultation(opens_in=-40, days=30)
    auth.as_role(client, "moderator", email="mod@city.example.jp")
    url = f"/admin/consultations/{consultation.id}/results"
    changes = "## 主な変更点\n\n第3章に夜間開催の方針を加えました。\n" + "修正の詳細。" * 200
    response = client.post(url, data={"csrf_token": "expired", "changes_ja": changes, "action": "publish"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and EXPIRED_MESSAGE in body
    assert changes in body.replace("\r\n", "\n")
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).changes_ja is None
    assert db.session.get(Consultation, consultation.id).results_published_at is None
    again = client.post(url, data={"csrf_token": token_in(body), "changes_ja": changes, "action": "publish"})
    assert again.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Consultation, consultation.id)
    assert saved.changes_ja.startswith("## 主な変更点") and saved.results_published_at is not None


def test_a_staff_meeting_edit_survives_an_expired_token(client, auth, factory):
    meeting = factory.meeting(title_ja="元の題名")
    auth.as_role(client, "editor", email="editor@city.example.jp")
    url = f"/admin/meetings/{meeting.id}"
    data = meeting_data(title_ja="新しい題名", summary_ja="一時間かけて書いた概要。" * 30)
    response = client.post(url, data={**data, "csrf_token": "expired"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and EXPIRED_MESSAGE in body
    assert 'value="新しい題名"' in body and "一時間かけて書いた概要。" * 30 in body
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title_ja == "元の題名"
    assert client.post(url, data={**data, "csrf_token": token_in(body)}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).title_ja == "新しい題名"


def test_an_action_without_a_form_is_refused_and_offered_again(client, auth, factory):
    """A button that acts without a form (publish the results): nothing happens; a page offers to send it again."""
    consultation = factory.consultation(opens_in=-40, days=30)
    auth.as_role(client, "editor", email="editor@city.example.jp")
    url = f"/admin/consultations/{consultation.id}/publish-results"
    response = client.post(url, data={"csrf_token": "expired", "note": "結果を公表します"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "まだ送信されていません" in body and "結果を公表します" in body
    assert f'action="{url}"' in body
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).results_published_at is None
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body))
    assert hidden["note"] == "結果を公表します" and hidden["csrf_token"] != "expired"
    assert client.post(url, data=hidden).status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).results_published_at is not None


def test_hostile_posts_without_a_token_change_nothing_and_never_echo_a_password(client, auth):
    auth.as_role(client, "editor", email="editor@city.example.jp")
    logout = client.post("/account/logout", data={"password": "secret-Passw0rd"})
    body = logout.get_data(as_text=True)
    assert logout.status_code == 400 and "secret-Passw0rd" not in body
    assert client.get("/admin/meetings/").status_code == 200  # still signed in: the logout did not happen
