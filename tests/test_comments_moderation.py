"""Moderation, responses and published results of public comments; submitters never shown."""

from datetime import timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.comments import services
from portal.comments.models import Comment, ConsultationSection, Opinion
from portal.core.timefmt import now_utc
from portal.extensions import db
from tests.helpers import post_form

PRIVATE = ["多摩 花子", "多摩市関戸6-12-1", "hanako@example.jp", "042-111-2222", "紙 一郎", "多摩市落合1-1", "ichiro@example.jp",
           "鈴木さんの電話は090-9999-8888"]


def web_comment(consultation, text, **values):
    data = services.Submission(text=text, name=values.get("name", "多摩 花子"), address=values.get("address", "多摩市関戸6-12-1"),
                               email=values.get("email", "hanako@example.jp"), phone=values.get("phone", "042-111-2222"),
                               eligibility="resident")
    import hashlib

    comment = services.submit(consultation, data, form_token=hashlib.sha256((text + str(values)).encode()).hexdigest()[:40])
    db.session.commit()
    return comment


def close(consultation):
    consultation.opens_at, consultation.closes_at = now_utc() - timedelta(days=40), now_utc() - timedelta(days=5)
    db.session.commit()


def test_only_moderators_and_admins_moderate(app, auth, factory):
    consultation = factory.consultation()
    url = f"/admin/consultations/{consultation.id}/comments"
    for role, expected in (("moderator", 200), ("admin", 200), ("editor", 403), (None, 403)):
        client = app.test_client()
        auth.as_role(client, role, email=f"{role or 'resident'}@city.example.jp")
        assert client.get(url).status_code == expected, role
    assert app.test_client().get(url).status_code == 302


def test_redaction_changes_only_the_public_text_and_views_are_audited(app, client, auth, factory):
    consultation = factory.consultation()
    comment = web_comment(consultation, "夜の開催を増やしてください。鈴木さんの電話は090-9999-8888です。")
    auth.as_role(client, "moderator", email="mod@city.example.jp")
    page = f"/admin/consultations/{consultation.id}/comments/{comment.id}"
    assert "鈴木さんの電話は090-9999-8888" in client.get(page).get_data(as_text=True)
    post_form(client, page, {"public_text": "夜の開催を増やしてください。[個人情報のため削除]", "action": "accept"})
    db.session.commit()
    comment = db.session.get(Comment, comment.id)
    assert comment.status == "accepted" and "090-9999-8888" in comment.text
    assert comment.public_text.endswith("[個人情報のため削除]") and comment.opinions[0].summary == comment.public_text
    assert "鈴木さんの電話は090-9999-8888" in client.get(page).get_data(as_text=True)  # the original stays for moderators
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "comments")).all()
    assert "view" in actions and "update" in actions


def test_excluding_tells_the_submitter_why(client, auth, factory, outbox):
    consultation = factory.consultation()
    comment = web_comment(consultation, "関係のない宣伝です。")
    auth.as_role(client, "moderator", email="mod@city.example.jp")
    page = f"/admin/consultations/{consultation.id}/comments/{comment.id}"
    response = post_form(client, page, {"public_text": comment.text, "action": "exclude"})
    assert "対象外とする理由を入力してください" in response.get_data(as_text=True)
    post_form(client, page, {"public_text": comment.text, "action": "exclude", "exclusion_reason": "計画と関係がないため"})
    db.session.commit()
    assert db.session.get(Comment, comment.id).status == "excluded"
    assert outbox()[-1].to_address == "hanako@example.jp" and "計画と関係がないため" in outbox()[-1].text_body


def test_full_cycle_web_and_paper_counted_together_then_published(app, client, auth, factory):
    consultation = factory.consultation(opens_in=-10)
    section = ConsultationSection(consultation_id=consultation.id, title_ja="第3章 地域協創", title_en="Chapter 3")
    db.session.add(section)
    db.session.commit()
    first = web_comment(consultation, "夜の開催を増やしてください。あわせて、オンライン参加も。")
    second = web_comment(consultation, "もう一つ:若者向けの広報を。")  # the same person again
    third = web_comment(consultation, "別の人の意見です。", name="別 三郎", email="saburo@example.jp", phone="")
    auth.as_role(client, "moderator", email="mod@city.example.jp")
    paper = post_form(client, f"/admin/consultations/{consultation.id}/comments/new", {
        "channel": "paper", "received_on": "2026-11-20", "text": "紙で出した意見です。", "name": "紙 一郎",
        "address": "多摩市落合1-1", "email": "ichiro@example.jp", "eligibility": "resident"})
    assert paper.status_code == 302
    paper_comment = db.session.scalar(sa.select(Comment).where(Comment.channel == "paper"))
    assert paper_comment.receipt_number and paper_comment.transcribed_by_id is not None

    for comment in (first, second, third, paper_comment):
        post_form(client, f"/admin/consultations/{consultation.id}/comments/{comment.id}",
                  {"public_text": comment.text, "action": "accept", "section": str(section.id)})
    # Split the first comment: its second point becomes another opinion.
    post_form(client, f"/admin/consultations/{consultation.id}/comments/{first.id}/opinions",
              {"new-summary": "オンライン参加も可能にしてほしい。", "new-category": "partly"},
              page=f"/admin/consultations/{consultation.id}/comments/{first.id}")
    # A grouped response answers two opinions.
    post_form(client, f"/admin/consultations/{consultation.id}/groups",
              {"title_ja": "開催時間", "response_ja": "夜間の開催を検討します。", "category": "reflected"})
    group_id = db.session.scalar(sa.select(sa.func.max(sa.text("id"))).select_from(sa.table("opinion_groups")))
    opinion = db.session.scalar(sa.select(Opinion).where(Opinion.comment_id == first.id).order_by(Opinion.position))
    post_form(client, f"/admin/consultations/{consultation.id}/opinions/{opinion.id}",
              {f"o{opinion.id}-summary": "夜の開催を増やしてほしい。", f"o{opinion.id}-group": str(group_id),
               f"o{opinion.id}-section": str(section.id)},
              page=f"/admin/consultations/{consultation.id}/comments/{first.id}")

    db.session.commit()
    counts = services.result_counts(consultation.id)
    assert counts["comments"] == 4 and counts["people"] == 3
    assert counts["by_channel"] == {"web": 3, "paper": 1}

    results = f"/admin/consultations/{consultation.id}/results"
    early = post_form(client, results, {"changes_ja": "夜間開催を追記", "action": "publish"})
    assert early.status_code == 400 and "募集期間の終了後" in early.get_data(as_text=True)
    assert client.get(f"/consultations/{consultation.id}/results").status_code == 404
    close(consultation)
    post_form(client, results, {"changes_ja": "第3章に夜間開催を追記しました。", "action": "publish"})

    public = app.test_client()
    page = public.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert "4件(3人)" in page and "投函箱: 1" in page and "オンライン: 3" in page
    assert "夜間の開催を検討します。" in page and "オンライン参加も可能にしてほしい。" in page
    assert "第3章に夜間開催を追記しました。" in page
    partly = public.get(f"/consultations/{consultation.id}/results?category=partly",
                        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "オンライン参加も可能にしてほしい。" in partly and "夜の開催を増やしてほしい。" not in partly and "<html" not in partly
    by_section = public.get(f"/consultations/{consultation.id}/results?section={section.id}").get_data(as_text=True)
    assert "夜の開催を増やしてほしい。" in by_section

    # Nothing about the submitters on any public page, feed or public export.
    urls = ["/", "/consultations", f"/consultations/{consultation.id}", f"/consultations/{consultation.id}/results",
            f"/consultations/{consultation.id}/results?category=reflected", f"/consultations/{consultation.id}/results.csv",
            "/consultations/feed.atom", "/en/consultations/feed.atom", f"/en/consultations/{consultation.id}/results"]
    for url in urls:
        body = public.get(url).get_data(as_text=True)
        assert public.get(url).status_code == 200, url
        for secret in PRIVATE:
            assert secret not in body, (url, secret)
    feed = public.get("/consultations/feed.atom")
    assert feed.mimetype == "application/atom+xml" and "<feed" in feed.get_data(as_text=True)
    csv = public.get(f"/consultations/{consultation.id}/results.csv").data
    assert csv.startswith(b"\xef\xbb\xbf") and "夜間の開催を検討します。" in csv.decode("utf-8-sig")

    # The department's export has the private fields, and is audited.
    private = client.get(f"/admin/consultations/{consultation.id}/comments.csv")
    text = private.data.decode("utf-8-sig")
    assert "hanako@example.jp" in text and "紙 一郎" in text
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "export",
                                                         AuditEntry.object_type == "comments"))

    # The submitter finds the response through the receipt number.
    from tests.helpers import csrf_token

    token = csrf_token(public, "/consultations/comment-status")
    status = public.post("/consultations/comment-status", data={
        "csrf_token": token, "receipt_number": first.receipt_number, "contact": "hanako@example.jp"}).get_data(as_text=True)
    assert "受理" in status and f"/consultations/{consultation.id}/results" in status


def test_published_results_with_many_opinions_are_paged_without_javascript_and_with_htmx(client, factory):
    consultation = factory.consultation(opens_in=-60, days=30)
    for n in range(60):
        comment = Comment(consultation_id=consultation.id, receipt_number=f"PAGE-{n:04d}", text=f"意見{n}",
                          status="accepted", public_text=f"公開する意見その{n}")
        db.session.add(comment)
        db.session.flush()
        db.session.add(Opinion(comment_id=comment.id, consultation_id=consultation.id, summary=f"公開する意見その{n}"))
    consultation.results_published_at = now_utc()
    db.session.commit()
    first = client.get(f"/consultations/{consultation.id}/results").get_data(as_text=True)
    assert "次のページ" in first and f"/consultations/{consultation.id}/results?page=2" in first
    second = client.get(f"/consultations/{consultation.id}/results?page=2", headers={"HX-Request": "true"})
    assert second.status_code == 200 and "<html" not in second.get_data(as_text=True)
    assert "前のページ" in second.get_data(as_text=True)
