"""Every public page answers in both languages with the right language, layout and links."""

import re

import pytest
import sqlalchemy as sa

from portal.areas.models import Area
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from tests.pages import public_urls


def html_lang(body: str) -> str:
    return re.search(r'<html lang="([^"]+)"', body).group(1)


@pytest.mark.parametrize("prefix,lang", [("", "ja"), ("/en", "en")])
def test_every_public_page_answers_in_its_language(demo_client, prefix, lang):
    urls = public_urls() + [f"/areas/{a.slug}" for a in db.session.scalars(sa.select(Area))]
    for url in urls:
        response = demo_client.get(prefix + url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        assert html_lang(body) == lang, url
        assert body.count("<h1") == 1, url
        assert 'class="skip-link" href="#main"' in body and '<main id="main"' in body, url


def test_japanese_is_at_the_root_and_english_under_en(demo_client):
    ja = demo_client.get("/meetings").get_data(as_text=True)
    en = demo_client.get("/en/meetings").get_data(as_text=True)
    assert "<h1>会議・イベント</h1>" in ja
    assert "<h1>Meetings and events</h1>" in en
    assert 'href="/en/areas"' in en and 'href="/areas"' in ja


def test_language_switch_keeps_the_page_and_its_filters(demo_client):
    ja = demo_client.get("/meetings?kind=forum").get_data(as_text=True)
    assert 'href="/en/meetings?kind=forum"' in ja
    en = demo_client.get("/en/meetings?kind=forum").get_data(as_text=True)
    assert 'href="/meetings?kind=forum" hreflang="ja" lang="ja"' in en


def test_home_shows_next_meetings_open_consultations_materials_and_areas(demo_client):
    body = demo_client.get("/").get_data(as_text=True)
    assert "近日開催の会議・イベント" in body
    assert "多摩市協働指針(改定案)" in body and "あと" in body
    assert "審議会・委員会の新着資料" in body and "/documents/" in body
    assert body.count('href="/areas/') >= 10


def test_area_page_lists_its_upcoming_and_past_meetings(demo_client):
    body = demo_client.get("/areas/higashiterakata").get_data(as_text=True)
    upcoming, past = body.split('id="past"')
    assert "まちづくりシミュレーションゲーム" in upcoming
    assert "「防災」" in past
    assert "約12,000人" in body and "モデルエリア" in body


def test_meeting_page_shows_when_where_access_seats_and_links(demo_client):
    forum = db.session.scalar(sa.select(Meeting).where(Meeting.kind == "forum"))
    body = demo_client.get(f"/meetings/{forum.id}").get_data(as_text=True)
    assert "2月1日" in body and "14:00〜16:00" in body
    assert "中央図書館 活動室1" in body and "多摩センター駅" in body
    assert "段差のない入口" in body and "残り52席(定員80人)" in body
    assert "手話通訳" in body and "7日前までにお申し込みください" in body
    assert f'href="/meetings/{forum.id}.ics"' in body


def test_committee_meeting_links_to_its_committee_and_lists_materials(demo_client):
    meeting = db.session.scalar(
        sa.select(Meeting).where(Meeting.kind == "committee").order_by(Meeting.starts_at)
    )
    body = demo_client.get(f"/en/meetings/{meeting.id}").get_data(as_text=True)
    assert 'href="/en/committees/jichi-suishin"' in body
    assert "Minutes of meeting 1" in body and "/documents/" in body


def test_draft_meeting_is_neither_listed_nor_reachable(client, factory):
    draft = factory.meeting(title_ja="準備中の会議", status=MeetingStatus.DRAFT)
    assert "準備中の会議" not in client.get("/meetings").get_data(as_text=True)
    assert client.get(f"/meetings/{draft.id}").status_code == 404
    assert client.get(f"/meetings/{draft.id}.ics").status_code == 404


def test_cancelled_meeting_is_not_listed_but_its_page_says_cancelled(client, factory):
    meeting = factory.meeting(
        title_ja="中止の会議", status=MeetingStatus.CANCELLED, cancel_reason_ja="台風の接近のため",
        cancel_reason_en="A typhoon is approaching",
    )
    assert "中止の会議" not in client.get("/meetings").get_data(as_text=True)
    assert "中止の会議" not in client.get("/").get_data(as_text=True)
    body = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "この会議は中止になりました" in body and "台風の接近のため" in body
    en = client.get(f"/en/meetings/{meeting.id}").get_data(as_text=True)
    assert "This meeting has been cancelled" in en and "A typhoon is approaching" in en


@pytest.mark.parametrize("url", [
    "/meetings/999999", "/meetings/999999.ics", "/areas/no-such-area", "/committees/none",
    "/committees/jichi-suishin/terms/99", "/consultations/999999", "/documents/999999",
    "/areas/..%2F..%2Fetc", "/meetings/abc",
])
@pytest.mark.parametrize("prefix,heading", [("", "ページが見つかりません"), ("/en", "Page not found")])
def test_unknown_ids_answer_a_friendly_404(demo_client, url, prefix, heading):
    response = demo_client.get(prefix + url)
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert heading in body and html_lang(body) == ("en" if prefix else "ja")


@pytest.mark.allow_server_errors
def test_unexpected_error_answers_a_friendly_500_in_the_page_language(demo_app):
    @demo_app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    client = demo_app.test_client()
    for url, text in (("/boom", "問題が発生しました"), ("/en/boom", "something went wrong")):
        response = client.get(url)
        assert response.status_code == 500
        assert text in response.get_data(as_text=True)


def test_consultations_are_grouped_by_phase(client, factory):
    factory.consultation(title_ja="募集中の案", opens_in=-3)
    factory.consultation(title_ja="予告の案", opens_in=10)
    factory.consultation(title_ja="集計中の案", opens_in=-60, days=30)
    from portal.core.timefmt import now_utc

    factory.consultation(title_ja="結果公表の案", opens_in=-120, days=30, results_published_at=now_utc())
    factory.consultation(title_ja="下書きの案", status="draft")
    body = client.get("/consultations").get_data(as_text=True)
    sections = {title: body.index(title) for title in ("意見募集中", "予告", "意見の集計中", "結果公表")}
    for draft, heading in (("募集中の案", "意見募集中"), ("予告の案", "予告"), ("集計中の案", "意見の集計中"),
                           ("結果公表の案", "結果公表")):
        assert body.index(draft) > sections[heading]
    assert "下書きの案" not in body


def test_consultation_page_shows_period_days_left_documents_and_paper_places(demo_client):
    from portal.consultations.models import Consultation
    from portal.core.timefmt import days_left

    body = demo_client.get("/consultations/1").get_data(as_text=True)
    # the demo is seeded relative to the day it is loaded: around midnight in Tokyo a day may have passed since
    left = days_left(db.session.get(Consultation, 1).closes_at)
    assert left in (24, 25)
    assert "意見募集中" in body and f"あと{left}日" in body and "(36日間)" in body
    assert "中央図書館 活動室1" in body and "関戸公民館" in body
    assert "意見書はここの投函箱に入れることができます。" in body
    assert "協働指針_改定案" not in body  # the file name is not shown; the title is
    assert "多摩市協働指針(改定案)" in body and "/documents/" in body


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ok"


def test_security_headers_on_every_page(client):
    response = client.get("/")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
