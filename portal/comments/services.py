"""Public comments: submitting (idempotent, checked on the server clock), receipts, moderation, results."""

import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.audit.services import record
from portal.comments.models import (
    Comment,
    CommentChannel,
    CommentStatus,
    CommentUpload,
    ConsultationSection,
    Opinion,
    OpinionGroup,
    ResponseCategory,
)
from portal.consultations.models import Consultation, Phase
from portal.core import timefmt
from portal.core.downloads import excel_csv
from portal.core.urls import external_url
from portal.documents import scanning
from portal.documents.models import ScanStatus
from portal.documents.services import upload_folder
from portal.extensions import db
from portal.mail.services import queue_email

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read out over the phone
#: control characters, zero-width characters and bidirectional overrides: invisible, or used to disguise text
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class SubmissionError(Exception):
    """Why a comment cannot be accepted now, said on the same form."""


def clean_text(text: str | None) -> str:
    """The text as typed, without invisible characters; line breaks kept."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE.sub("", text).strip()


def is_open(consultation: Consultation) -> bool:
    return consultation.status == "published" and consultation.phase_at(timefmt.now_utc()) == Phase.OPEN


def new_receipt_number() -> str:
    while True:
        raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(sa.select(Comment.id).where(Comment.receipt_number == number)) is None:
            return number


@dataclass
class Submission:
    """What a person wrote on the comment form, as plain values (text already cleaned)."""

    text: str
    name: str
    address: str | None
    email: str | None
    phone: str | None
    eligibility: str
    section_id: int | None = None
    help_needed: str | None = None
    attachment_name: str | None = None
    attachment_filename: str | None = None
    attachment_type: str | None = None
    #: the attachment's virus check (portal/documents/scanning.py); an attachment without one waits for it
    attachment_scan: str | None = None
    locale: str = "ja"


@dataclass
class Transcription(Submission):
    """A comment that came on paper, by post, fax or at the counter, as a moderator typed it in."""

    channel: CommentChannel = CommentChannel.PAPER
    received_on: date | None = None


def _values(data: Submission) -> dict:
    """The comment's columns; an attachment whose virus check is not known waits in quarantine."""
    values = asdict(data)
    if not data.attachment_name:
        values["attachment_scan"] = ScanStatus.CLEAN  # nothing to hold back
    elif data.attachment_scan not in {status.value for status in ScanStatus}:
        values["attachment_scan"] = ScanStatus.PENDING
    return values


def comment_with_token(form_token: str | None) -> Comment | None:
    """The comment a form's one-time key has already stored: the key, and the form's timing token bound to
    it, are used up."""
    if not form_token:
        return None
    return db.session.scalar(sa.select(Comment).where(Comment.form_token == form_token))


def submit(consultation: Consultation, data: Submission, form_token: str, user_id: int | None = None) -> Comment:
    """Store the comment once: the same form posted twice (even at the same moment) gives back the first."""
    existing = db.session.scalar(sa.select(Comment).where(Comment.form_token == form_token))
    if existing is not None:
        return existing
    if not is_open(consultation):
        raise SubmissionError(_l("Comments on this plan are closed. The period ended at %(when)s.",
                                 when=timefmt.format_datetime(consultation.closes_at)))
    comment = Comment(consultation_id=consultation.id, receipt_number=new_receipt_number(), form_token=form_token,
                      channel=CommentChannel.WEB, user_id=user_id, **_values(data))
    db.session.add(comment)
    if data.attachment_name:  # sent: the file is the comment's now, never an abandoned upload
        db.session.execute(sa.delete(CommentUpload).where(CommentUpload.stored_name == data.attachment_name))
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        existing = db.session.scalar(sa.select(Comment).where(Comment.form_token == form_token))
        if existing is None:
            raise
        return existing
    if comment.email:
        queue_email(comment.email, "comments/receipt", comment.locale, comment=comment, consultation=consultation,
                    status_url=external_url("comments.status", comment.locale))
    return comment


def find_for_submitter(receipt_number: str, contact: str) -> Comment | None:
    """A submitter's comment, found with the receipt number and the email or phone they gave."""
    number = unicodedata.normalize("NFKC", receipt_number or "").strip().upper()
    contact = unicodedata.normalize("NFKC", contact or "").strip().lower()
    if not number or not contact:
        return None
    comment = db.session.scalar(sa.select(Comment).where(Comment.receipt_number == number))
    if comment is None:
        return None
    known = {(comment.email or "").lower(), re.sub(r"\D", "", comment.phone or "")}
    return comment if contact in known or re.sub(r"\D", "", contact) in known - {""} else None


# Results


def result_counts(consultation_id: int) -> dict:
    """Accepted comments, distinct people, and comments per channel: web and paper counted together.

    Counted in SQL (a results page may stand on thousands of comments); the person key is the one of
    Comment.submitter_key(): the email, else the phone, else name and address.
    """
    person = sa.case(
        (Comment.person_key.is_not(None), Comment.person_key),  # purged: the digest kept for this count
        (sa.func.coalesce(Comment.email, "") != "", sa.func.lower(sa.func.trim(Comment.email))),
        (sa.func.coalesce(Comment.phone, "") != "", sa.func.lower(sa.func.trim(Comment.phone))),
        else_=sa.func.trim(sa.func.coalesce(Comment.name, "")) + "|" + sa.func.trim(sa.func.coalesce(Comment.address, "")),
    )
    accepted = sa.and_(Comment.consultation_id == consultation_id, Comment.status == CommentStatus.ACCEPTED)
    # one statement: the people, counted once (an uncorrelated subquery), ride along with each channel's row
    distinct_people = sa.select(sa.func.count(sa.distinct(person))).where(accepted).scalar_subquery()
    rows = db.session.execute(
        sa.select(Comment.channel, sa.func.count(), distinct_people).where(accepted).group_by(Comment.channel)).all()
    counted = {channel: n for channel, n, _ in rows}
    people = rows[0][2] if rows else 0
    by_channel = {channel: counted.get(channel, 0) for channel in CommentChannel}
    return {"comments": sum(counted.values()), "people": people,
            "by_channel": {k: v for k, v in by_channel.items() if v}}


def opinions_query(consultation_id: int, filters: dict):
    query = (
        sa.select(Opinion)
        .join(Comment, Opinion.comment_id == Comment.id)
        .outerjoin(OpinionGroup, Opinion.group_id == OpinionGroup.id)
        # the comment's consultation too: the planner then reads this consultation's comments by index,
        # not every comment of every consultation
        .where(Opinion.consultation_id == consultation_id, Comment.consultation_id == consultation_id,
               Comment.status == CommentStatus.ACCEPTED)
        .options(sa.orm.joinedload(Opinion.group), sa.orm.joinedload(Opinion.section), sa.orm.contains_eager(Opinion.comment))
        .order_by(Opinion.group_id.is_(None), Opinion.group_id, Comment.created_at, Opinion.position)
    )
    if section := filters.get("section"):
        query = query.where(Opinion.section_id == section)
    if category := filters.get("category"):
        query = query.where(sa.func.coalesce(OpinionGroup.category, Opinion.category) == category)
    return query


# Moderation (moderators)


def accept(comment: Comment, public_text: str, section_id: int | None) -> None:
    """Count the comment; its public version is what appears in the results (the original stays private)."""
    comment.public_text, comment.section_id = clean_text(public_text), section_id
    comment.status, comment.exclusion_reason = CommentStatus.ACCEPTED, None
    if not comment.opinions:
        comment.opinions.append(Opinion(consultation_id=comment.consultation_id, summary=comment.public_text,
                                        section_id=section_id, follows_comment=True))
    for opinion in comment.opinions:
        if opinion.follows_comment:  # a correction of the public text reaches the published summary
            opinion.summary, opinion.section_id = comment.public_text, section_id
    record("update", comment, label=comment.receipt_number)


@dataclass
class OpinionData:
    """An opinion and the city's response, as a moderator wrote them."""

    summary: str
    section_id: int | None = None
    group_id: int | None = None
    response_ja: str | None = None
    response_en: str | None = None
    category: str | None = None


def add_opinion(comment: Comment, data: OpinionData) -> Opinion:
    """Split a long comment: another of its points, with its own response."""
    opinion = Opinion(comment_id=comment.id, consultation_id=comment.consultation_id, position=len(comment.opinions))
    _apply_opinion(opinion, data)
    db.session.add(opinion)
    record("create", opinion, label=comment.receipt_number)
    return opinion


def edit_opinion(opinion: Opinion, data: OpinionData) -> None:
    """A moderator's own summary stops following the comment's public text; a response alone does not."""
    _apply_opinion(opinion, data)
    record("update", opinion, label=opinion.comment.receipt_number)


def _apply_opinion(opinion: Opinion, data: OpinionData) -> None:
    summary = data.summary.strip()
    if summary != opinion.summary:
        opinion.follows_comment = False
    opinion.summary, opinion.section_id, opinion.group_id = summary, data.section_id, data.group_id
    opinion.response_ja = (data.response_ja or "").strip() or None
    opinion.response_en = (data.response_en or "").strip() or None
    opinion.category = data.category or None


def add_group(consultation: Consultation, title_ja: str, response_ja: str | None, response_en: str | None,
              category: str | None) -> OpinionGroup:
    """A point several opinions share, answered once."""
    group = OpinionGroup(consultation_id=consultation.id, title_ja=title_ja.strip(),
                         response_ja=(response_ja or "").strip() or None,
                         response_en=(response_en or "").strip() or None, category=category or None)
    db.session.add(group)
    record("create", group)
    return group


def add_section(consultation: Consultation, title_ja: str, title_en: str | None) -> ConsultationSection:
    """A part of the draft that comments can be about, after the existing ones."""
    section = ConsultationSection(consultation_id=consultation.id, title_ja=title_ja.strip(),
                                  title_en=(title_en or "").strip() or None,
                                  position=len(sections(consultation)))
    db.session.add(section)
    record("create", section)
    return section


def sections(consultation: Consultation) -> list[ConsultationSection]:
    """The parts of the draft, in their order."""
    return db.session.scalars(sa.select(ConsultationSection).where(ConsultationSection.consultation_id == consultation.id)
                              .order_by(ConsultationSection.position, ConsultationSection.id)).all()


def groups(consultation: Consultation) -> list[OpinionGroup]:
    return db.session.scalars(sa.select(OpinionGroup).where(OpinionGroup.consultation_id == consultation.id)
                              .order_by(OpinionGroup.id)).all()


def exclude(comment: Comment, reason: str) -> None:
    """Not counted, with the reason; the submitter is told."""
    comment.status, comment.exclusion_reason = CommentStatus.EXCLUDED, reason.strip()
    record("update", comment, label=comment.receipt_number)
    if comment.email:
        queue_email(comment.email, "comments/excluded", comment.locale, comment=comment,
                    consultation=comment.consultation)


def transcribe(consultation: Consultation, data: Transcription, staff_id: int) -> Comment:
    """A paper, post, fax or counter comment, typed in: it gets a receipt number and counts like a web one."""
    comment = Comment(consultation_id=consultation.id, receipt_number=new_receipt_number(),
                      transcribed_by_id=staff_id, **_values(data))
    db.session.add(comment)
    db.session.flush()
    record("create", comment, label=comment.receipt_number)
    return comment


def save_changes(consultation: Consultation, changes_ja: str | None, changes_en: str | None) -> None:
    """What changed from the draft to the final plan, published with the results."""
    consultation.changes_ja = (changes_ja or "").strip() or None
    consultation.changes_en = (changes_en or "").strip() or None
    record("update", consultation)


def comments_csv(consultation: Consultation) -> bytes:
    """For the department: every comment with the private fields (the export is audit-logged by the view)."""
    rows = db.session.scalars(sa.select(Comment).where(Comment.consultation_id == consultation.id)
                              .order_by(Comment.created_at)).all()
    return excel_csv(
        ("receipt_number", "channel", "status", "received", "name", "address", "email", "phone", "eligibility",
         "help_needed", "text", "public_text", "exclusion_reason"),
        ((c.receipt_number, c.channel.value, c.status.value,
          timefmt.to_tokyo(c.created_at).strftime("%Y-%m-%d %H:%M"), c.name, c.address, c.email, c.phone,
          c.eligibility.value if c.eligibility else "", c.help_needed, c.text, c.public_text, c.exclusion_reason)
         for c in rows))


def results_csv(consultation: Consultation) -> bytes:
    """The published results table: opinions, responses and handling; nothing about the submitters."""
    opinions = db.session.scalars(opinions_query(consultation.id, {})).unique().all()
    return excel_csv(("section", "opinion", "response", "handling"), (
        (o.section.title_ja if o.section else "", o.summary, o.answer.response_ja or "",
         str(ResponseCategory(o.answer.category).label) if o.answer.category else "") for o in opinions))


def for_user(user) -> list[Comment]:
    """A resident's comments: sent while signed in, or with their confirmed address."""
    query = (sa.select(Comment).where(sa.or_(Comment.user_id == user.id, Comment.email == user.email))
             .options(sa.orm.joinedload(Comment.consultation)).order_by(Comment.created_at.desc()))
    return db.session.scalars(query).unique().all()


# Retention


def note_upload(stored_name: str) -> None:
    """Record a file stored from a comment form, so it can be removed if the comment is never sent.

    Its own short transaction, not the request's: the file is on disk whatever becomes of the request.
    """
    with db.engine.begin() as connection:
        connection.execute(sa.insert(CommentUpload).values(stored_name=stored_name, created_at=timefmt.now_utc()))


def attachment_path(comment: Comment) -> Path | None:
    """The attachment's file, for moderators: only once the virus check found it clean, and while it exists."""
    if not comment.attachment_name or comment.attachment_scan != ScanStatus.CLEAN:
        return None
    path = upload_folder() / comment.attachment_name
    return path if path.is_file() else None


def scan_pending_attachments() -> dict[str, int]:
    """The virus check of every attachment waiting for it (`flask scan-uploads`); an infected file is deleted and
    audited, the comment stays, marked, for moderators to see. Returns {"clean": n, "infected": n, "pending": n}."""
    pending = db.session.scalars(sa.select(Comment).where(Comment.attachment_scan == ScanStatus.PENDING,
                                                          Comment.attachment_name.is_not(None))).all()
    counts = scanning.scan_rows(pending, lambda comment: upload_folder() / comment.attachment_name, _mark_attachment,
                                lambda comment, virus: record("virus_found", comment, {"virus": [virus, None]},
                                                              label=comment.receipt_number))
    db.session.flush()
    return counts


def _mark_attachment(comment: Comment, status: ScanStatus) -> None:
    comment.attachment_scan = status


def _remove_file(stored_name: str | None) -> None:
    if stored_name:
        (upload_folder() / stored_name).unlink(missing_ok=True)


def purge_abandoned_uploads(hours: int, now=None) -> int:
    """Delete files uploaded on comment forms that were left at the confirm step; sent comments' files stay."""
    cutoff = (now or timefmt.now_utc()) - timedelta(hours=hours)
    old = db.session.scalars(sa.select(CommentUpload).where(CommentUpload.created_at < cutoff)).all()
    sent = set(db.session.scalars(sa.select(Comment.attachment_name).where(
        Comment.attachment_name.in_([row.stored_name for row in old]))))
    removed = 0
    for row in old:
        if row.stored_name not in sent:
            _remove_file(row.stored_name)
            removed += 1
        db.session.delete(row)
    db.session.flush()
    return removed


def person_digest(comment: Comment) -> str:
    """A keyed digest of who sent the comment: counts people without keeping their details."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, comment.submitter_key().encode(), hashlib.sha256).hexdigest()


def purge_personal_data(days: int, now=None) -> int:
    """Name, address, contact, help requests, account link and files of comments on consultations whose
    results were published `days` ago or more. Counts, channels, eligibility and the texts stay."""
    now = now or timefmt.now_utc()
    comments = db.session.scalars(
        sa.select(Comment).join(Consultation, Comment.consultation_id == Consultation.id)
        .where(Consultation.results_published_at <= now - timedelta(days=days),
               Comment.personal_data_purged_at.is_(None))).all()
    for comment in comments:
        comment.person_key = person_digest(comment)
        _remove_file(comment.attachment_name)
        comment.name = comment.address = comment.email = comment.phone = comment.help_needed = None
        comment.attachment_name = comment.attachment_filename = comment.attachment_type = None
        comment.user_id, comment.personal_data_purged_at = None, now
    db.session.flush()
    return len(comments)
