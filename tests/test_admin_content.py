"""Documents, committees and consultations through the admin pages, with hostile input."""

import io
from datetime import date, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from portal.consultations.models import Consultation
from portal.core.timefmt import now_utc, to_tokyo
from portal.demo.pdf import make_pdf
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import Meeting
from tests.helpers import post_form

DOC = {"kind": "handout", "title_ja": "第1回会議資料", "summary_ja": "会議で配る資料です。", "language": "ja",
       "status": "published"}


def upload(client, meeting_id, filename, content):
    return post_form(client, f"/admin/documents/new?meeting={meeting_id}",
                     {**DOC, "file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def stored_files(app):
    from pathlib import Path

    return [p for p in Path(app.config["UPLOAD_FOLDER"]).glob("*") if p.is_file()]


@pytest.mark.parametrize("filename,content,message", [
    ("資料.pdf", b"<html><script>alert(1)</script></html>", "PDFではありません"),
    ("図.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "PDFではありません"),
    ("空.pdf", b"", "ファイルが空です"),
    ("大きい.pdf", b"%PDF-1.4\n" + b"0" * 5000, "MBを超えています"),
    ("../../etc/passwd.pdf", None, "ファイル名に"),
    ("壊れた.pdf", b"%PDF-1.4\nthis is not really a pdf", "PDFを読み取れませんでした"),
])
def test_bad_uploads_are_refused_on_the_form_and_nothing_is_stored(app, client, auth, factory, filename, content, message):
    app.config["UPLOAD_MAX_BYTES"] = 4000
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    response = upload(client, meeting.id, filename, make_pdf("x", ["x"]) if content is None else content)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body
    assert 'value="第1回会議資料"' in body  # the rest of the form is kept
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []


def test_real_pdf_with_a_japanese_name_downloads_under_that_name(app, client, auth, factory):
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    content = make_pdf("第1回会議資料", ["資料"], pages=3)
    response = upload(client, meeting.id, "第1回会議資料.pdf", content)
    assert response.status_code == 302
    document = db.session.scalar(sa.select(Document))
    assert document.page_count == 3 and document.stored_name != "第1回会議資料.pdf"
    assert document.stored_name.endswith(".pdf") and "第" not in document.stored_name
    download = client.get(f"/documents/{document.id}")
    assert download.data == content
    assert "filename*=UTF-8''" + quote("第1回会議資料.pdf") in download.headers["Content-Disposition"]
    assert "第1回会議資料" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_document_upload_requires_a_text_summary(client, auth, factory):
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    response = post_form(client, f"/admin/documents/new?meeting={meeting.id}",
                         {**DOC, "summary_ja": "", "file": (io.BytesIO(make_pdf("x", ["x"])), "x.pdf")},
                         content_type="multipart/form-data")
    assert "資料の概要を短く入力してください。" in response.get_data(as_text=True)


def test_a_year_of_committee_meetings_every_two_months(client, auth, factory):
    committee = factory.committee()
    factory.term(committee, number=9, start=date(2026, 11, 1))
    venue = factory.venue()
    auth.as_role(client, "editor")
    response = post_form(client, f"/admin/committees/{committee.id}/schedule", {
        "first_day": "2026-11-20", "count": "6", "months_between": "2", "starts": "19:00", "ends": "21:00",
        "venue": str(venue.id), "capacity": "10"})
    assert response.status_code == 302
    meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
    assert [m.number for m in meetings] == [1, 2, 3, 4, 5, 6]
    days = [to_tokyo(m.starts_at) for m in meetings]
    assert all(d.weekday() == 4 and 15 <= d.day <= 21 and d.hour == 19 for d in days)  # the third Friday, 19:00
    assert [d.month for d in days] == [11, 1, 3, 5, 7, 9]
    assert all(m.status == "draft" and m.title_ja.startswith("第九期 第") for m in meetings)


def test_committee_members_added_and_shown_publicly(client, auth, factory):
    committee = factory.committee(slug="jichi")
    term = factory.term(committee, number=9)
    auth.as_role(client, "editor")
    post_form(client, f"/admin/committees/terms/{term.id}/members/new", {
        "name_ja": "多摩 一郎", "name_en": "Ichiro Tama", "role": "chair", "category": "public"})
    body = client.get("/committees/jichi").get_data(as_text=True)
    assert "多摩 一郎" in body and "委員長" in body and "公募市民" in body


def consultation_data(days: int, **values):
    opens = now_utc() + timedelta(days=1)
    data = {"title_ja": "計画案", "summary_ja": "概要", "department_ja": "協創推進室",
            "opens_at": to_tokyo(opens).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": to_tokyo(opens + timedelta(days=days - 1)).strftime("%Y-%m-%dT%H:%M"), "status": "published"}
    data.update(values)
    return data


def test_a_short_consultation_period_needs_a_stated_reason(client, auth):
    auth.as_role(client, "editor")
    response = post_form(client, "/admin/consultations/new", consultation_data(20))
    body = response.get_data(as_text=True)
    assert "募集期間が20日で、通常の30日より短くなっています。理由を入力してください。" in body
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0
    response = post_form(client, "/admin/consultations/new", consultation_data(20, short_period_reason_ja="法改正の施行日に間に合わせるため"))
    assert response.status_code == 302
    assert post_form(client, "/admin/consultations/new", consultation_data(30, title_ja="30日の案")).status_code == 302


def test_consultation_states_follow_dates_and_the_results_action(client, auth, factory):
    consultation = factory.consultation(opens_in=-40, days=30)
    auth.as_role(client, "editor")
    assert "意見の集計中" in client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    post_form(client, f"/admin/consultations/{consultation.id}/publish-results", {},
              page=f"/admin/consultations/{consultation.id}")
    assert "結果公表" in client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    open_one = factory.consultation(opens_in=-1)
    response = post_form(client, f"/admin/consultations/{open_one.id}/publish-results", {},
                         page=f"/admin/consultations/{open_one.id}")
    assert response.status_code == 409


def test_area_slug_must_be_unique_and_safe(client, auth, factory):
    factory.area(slug="suwa")
    auth.as_role(client, "editor")
    data = {"slug": "suwa", "name_ja": "別のエリア", "district_type": "existing"}
    assert "別のエリアで使われています" in post_form(client, "/admin/areas/new", data).get_data(as_text=True)
    data["slug"] = "../../x"
    assert "半角の英小文字" in post_form(client, "/admin/areas/new", data).get_data(as_text=True)


def test_admin_consultation_list_filters_with_and_without_htmx(client, auth, factory):
    factory.consultation(title_ja="下書きの計画", status="draft")
    factory.consultation(title_ja="募集中の計画")
    auth.as_role(client, "editor")
    full = client.get("/admin/consultations/?state=draft").get_data(as_text=True)
    assert "下書きの計画" in full and "募集中の計画" not in full and "<html" in full
    fragment = client.get("/admin/consultations/?state=open", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "募集中の計画" in fragment and "下書きの計画" not in fragment and "<html" not in fragment
    assert client.get("/admin/consultations/?state=nonsense").status_code == 200


def test_staff_decide_whether_commenters_give_an_address(client, auth):
    auth.as_role(client, "editor")
    post_form(client, "/admin/consultations/new", consultation_data(35, title_ja="住所不要の案"))
    consultation = db.session.scalar(sa.select(Consultation).where(Consultation.title_ja == "住所不要の案"))
    assert consultation.require_address is False  # the box was not ticked
