"""A consultation shorter than 30 days states why, on the staff form and on the public pages (issue 10.8,
行政手続法 第40条)."""

from datetime import timedelta

import sqlalchemy as sa

from portal.consultations.models import Consultation
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import post_form
from tests.test_admin_content import consultation_data

REASON_JA = "法改正の施行日(4月1日)に間に合わせる必要があるため"
REASON_EN = "The plan must be ready when the amended law takes effect on 1 April."


def test_the_staff_form_asks_for_the_reason_and_keeps_what_was_typed(client, auth):
    auth.as_role(client, "editor")
    response = post_form(client, "/admin/consultations/new", consultation_data(20, title_ja="短期の計画案"))
    body = response.get_data(as_text=True)
    assert "募集期間が20日で、通常の30日より短くなっています。理由を入力してください。" in body
    assert "エラー：" in body and 'value="短期の計画案"' in body
    assert db.session.scalar(sa.select(sa.func.count(Consultation.id))) == 0
    # Only spaces are no reason either.
    body = post_form(client, "/admin/consultations/new", consultation_data(20, short_period_reason_ja="　 ")).get_data(as_text=True)
    assert "理由を入力してください" in body
    saved = post_form(client, "/admin/consultations/new", consultation_data(20, short_period_reason_ja=REASON_JA))
    assert saved.status_code == 302
    assert db.session.scalar(sa.select(Consultation.short_period_reason_ja)) == REASON_JA


def test_the_public_and_results_pages_show_the_reason_in_both_languages(client, auth):
    editor = client.application.test_client()
    auth.as_role(editor, "editor")
    post_form(editor, "/admin/consultations/new",
              consultation_data(20, short_period_reason_ja=REASON_JA, short_period_reason_en=REASON_EN))
    consultation = db.session.scalar(sa.select(Consultation))
    ja = client.get(f"/consultations/{consultation.id}").get_data(as_text=True)
    assert "意見募集期間を30日未満とした理由" in ja and REASON_JA in ja
    en = client.get(f"/en/consultations/{consultation.id}").get_data(as_text=True)
    assert "Reason for a comment period shorter than 30 days" in en and REASON_EN in en

    consultation.opens_at, consultation.closes_at = now_utc() - timedelta(days=25), now_utc() - timedelta(days=6)
    consultation.results_published_at = now_utc()
    db.session.commit()
    results = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert "意見募集期間を30日未満とした理由" in results and REASON_JA in results


def test_english_falls_back_to_the_japanese_reason_and_a_normal_period_shows_none(client, auth):
    editor = client.application.test_client()
    auth.as_role(editor, "editor")
    post_form(editor, "/admin/consultations/new", consultation_data(20, short_period_reason_ja=REASON_JA))
    post_form(editor, "/admin/consultations/new", consultation_data(30, title_ja="30日の案"))
    short, normal = db.session.scalars(sa.select(Consultation).order_by(Consultation.id)).all()
    en = client.get(f"/en/consultations/{short.id}").get_data(as_text=True)
    assert f'<span lang="ja">{REASON_JA}</span>' in en
    assert "30日未満とした理由" not in client.get(f"/consultations/{normal.id}").get_data(as_text=True)
