"""Public comments keep personal data no longer than needed (issue 10.7): the purge a year after the results,
abandoned attachments, and the published opinion following a moderator's correction."""

import io
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.comments.models import Comment
from portal.core import timefmt
from portal.demo.pdf import make_pdf
from portal.documents.services import upload_folder
from portal.extensions import db
from tests.helpers import post_form
from tests.test_comments import SUBMITTER, TEXT, form_values, send


def main(html: str) -> str:
    return re.search(r"<main.*</main>", html, re.S).group(0)


def send_with_attachment(client, consultation, **fields):
    """Through the form: upload at the check step, then send; the comment's stored file name."""
    values = form_values(client, consultation)
    check = send(client, consultation, step="check", values=values,
                 attachment=(io.BytesIO(make_pdf("意見", ["添付"])), "意見書.pdf"), **fields).get_data(as_text=True)
    ref = re.search(r'name="attachment_ref" value="([^"]+)"', check).group(1)
    done = send(client, consultation, values=values, attachment_ref=ref, help_needed="large_print", **fields)
    assert done.status_code == 302, done.get_data(as_text=True)
    number = done.headers["Location"].rsplit("/", 1)[1]
    return db.session.scalar(sa.select(Comment).where(Comment.receipt_number == number))


def accept_and_publish(client, consultation, comment_ids, published_days_ago):
    for comment_id in comment_ids:
        page = f"/admin/consultations/{consultation.id}/comments/{comment_id}"
        assert post_form(client, page, {"public_text": TEXT, "action": "accept"}).status_code == 302
    consultation.opens_at = timefmt.now_utc() - timedelta(days=published_days_ago + 40)
    consultation.closes_at = timefmt.now_utc() - timedelta(days=published_days_ago + 5)
    db.session.commit()
    results = f"/admin/consultations/{consultation.id}/results"
    assert post_form(client, results, {"action": "publish"}).status_code == 302
    db.session.expire_all()
    consultation.results_published_at = timefmt.now_utc() - timedelta(days=published_days_ago)
    db.session.commit()


def test_submitters_details_and_files_are_purged_a_year_after_the_results(app, client, auth, factory):
    old, recent = factory.consultation(), factory.consultation()
    old_ids = [send_with_attachment(client, old).id,
               send_with_attachment(client, old, name="別 三郎", email="saburo@example.jp").id]
    recent_id = send_with_attachment(client, recent).id
    files = {c.id: upload_folder() / c.attachment_name for c in db.session.scalars(sa.select(Comment))}
    assert len(files) == 3 and all(path.exists() for path in files.values())
    staff = app.test_client()
    auth.as_role(staff, "moderator", email="mod@city.example.jp")
    accept_and_publish(staff, old, old_ids, published_days_ago=366)
    accept_and_publish(staff, recent, [recent_id], published_days_ago=364)
    results_before = main(client.get(f"/consultations/{old.id}/results").get_data(as_text=True))
    assert "2件(2人)" in results_before and TEXT in results_before

    output = app.test_cli_runner().invoke(args=["purge-personal-data"]).output
    assert "purged 2 comments" in output

    db.session.expire_all()
    for comment_id in old_ids:
        comment = db.session.get(Comment, comment_id)
        assert (comment.name, comment.address, comment.email, comment.phone, comment.help_needed) == (None,) * 5
        assert comment.attachment_name is None and comment.attachment_filename is None
        assert comment.personal_data_purged_at is not None
        assert not files[comment_id].exists()
        # what stays: the count, the channel, the eligibility, the texts
        assert comment.channel == "web" and comment.eligibility == "resident" and comment.public_text == TEXT
    kept = db.session.get(Comment, recent_id)
    assert kept.name == SUBMITTER["name"] and kept.email == SUBMITTER["email"] and kept.help_needed == "large_print"
    assert files[recent_id].exists() and kept.personal_data_purged_at is None
    assert main(client.get(f"/consultations/{old.id}/results").get_data(as_text=True)) == results_before
    moderation = staff.get(f"/admin/consultations/{old.id}/comments/{old_ids[0]}").get_data(as_text=True)
    assert "提出者の個人情報は" in moderation and "多摩 花子" not in moderation
    # idempotent: a second run finds nothing more
    assert "purged 0 comments" in app.test_cli_runner().invoke(args=["purge-personal-data"]).output


def test_the_retention_period_is_a_setting(app, client, auth, factory):
    consultation = factory.consultation()
    comment_id = send_with_attachment(client, consultation).id
    staff = app.test_client()
    auth.as_role(staff, "moderator", email="mod@city.example.jp")
    accept_and_publish(staff, consultation, [comment_id], published_days_ago=40)
    app.config["COMMENT_RETENTION_DAYS"] = 30
    assert "purged 1 comments" in app.test_cli_runner().invoke(args=["purge-personal-data"]).output
    db.session.expire_all()
    assert db.session.get(Comment, comment_id).email is None


def test_attachments_of_forms_never_sent_are_removed_after_a_day(app, client, factory, monkeypatch):
    consultation = factory.consultation()
    sent = send_with_attachment(client, consultation)
    abandoned = send(client, consultation, step="check",
                     attachment=(io.BytesIO(make_pdf("下書き", ["添付"])), "下書き.pdf")).get_data(as_text=True)
    assert "入力内容の確認" in abandoned
    stored = {p.name for p in upload_folder().iterdir()} - {sent.attachment_name}
    assert len(stored) == 1
    (abandoned_file,) = (upload_folder() / name for name in stored)

    runner = app.test_cli_runner()
    assert "removed 0 abandoned" in runner.invoke(args=["purge-personal-data"]).output  # not a day old yet
    assert abandoned_file.exists()
    later = timefmt.now_utc() + timedelta(hours=25)
    monkeypatch.setattr(timefmt, "now_utc", lambda: later)
    assert "removed 1 abandoned" in runner.invoke(args=["purge-personal-data"]).output
    assert not abandoned_file.exists()
    assert (upload_folder() / sent.attachment_name).exists()  # a sent comment's file is never touched
    assert "removed 0 abandoned" in runner.invoke(args=["purge-personal-data"]).output


def test_the_published_opinion_follows_a_correction_of_the_public_text(app, client, auth, factory):
    consultation = factory.consultation()
    comment = send_with_attachment(client, consultation, text="夜の開催を増やしてください。山田さん(090-1111-2222)も同じ意見です。")
    staff = app.test_client()
    auth.as_role(staff, "moderator", email="mod@city.example.jp")
    page = f"/admin/consultations/{consultation.id}/comments/{comment.id}"
    post_form(staff, page, {"public_text": "夜の開催を増やしてください。山田さん(090-1111-2222)も同じ意見です。", "action": "accept"})
    close = timefmt.now_utc() - timedelta(days=1)
    consultation.opens_at, consultation.closes_at = close - timedelta(days=30), close
    db.session.commit()
    post_form(staff, f"/admin/consultations/{consultation.id}/results", {"action": "publish"})
    results = f"/consultations/{consultation.id}/results"
    assert "090-1111-2222" in client.get(results).get_data(as_text=True)

    # The moderator notices the phone number and corrects the public text: the results follow.
    post_form(staff, page, {"public_text": "夜の開催を増やしてください。[個人情報のため削除]", "action": "accept"})
    body = client.get(results).get_data(as_text=True)
    assert "090-1111-2222" not in body and "夜の開催を増やしてください。[個人情報のため削除]" in body

    # Once the moderator writes the opinion's own summary, a later correction of the text leaves it alone.
    db.session.expire_all()
    opinion = db.session.get(Comment, comment.id).opinions[0]
    edited = post_form(staff, f"/admin/consultations/{consultation.id}/opinions/{opinion.id}",
                       {f"o{opinion.id}-summary": "夜間の開催を増やしてほしい。", f"o{opinion.id}-category": ""}, page=page)
    assert edited.status_code == 302
    post_form(staff, page, {"public_text": "夜の開催を増やしてください。", "action": "accept"})
    body = client.get(results).get_data(as_text=True)
    assert "夜間の開催を増やしてほしい。" in body and "[個人情報のため削除]" not in body
