import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import TitledEnum
from portal.documents.models import ScanStatus
from portal.extensions import db


class CommentChannel(TitledEnum):
    WEB = "web", _l("Online")
    PAPER = "paper", _l("Drop box")  # the drop boxes at the viewing places
    MAIL = "mail", _l("Post")
    FAX = "fax", _l("Fax")
    COUNTER = "counter", _l("In person at the counter")


class CommentStatus(TitledEnum):
    RECEIVED = "received", _l("Received, being checked")
    ACCEPTED = "accepted", _l("Accepted")
    EXCLUDED = "excluded", _l("Not counted")


class Eligibility(TitledEnum):
    RESIDENT = "resident", _l("I live in the city")  # 市内在住
    WORKER = "worker", _l("I work in the city")  # 市内在勤
    STUDENT = "student", _l("I study in the city")  # 市内在学
    BUSINESS = "business", _l("A business in the city")  # 市内の事業者
    INTERESTED = "interested", _l("Another person with an interest in this plan")  # その他利害関係者


class ResponseCategory(TitledEnum):
    REFLECTED = "reflected", _l("Reflected in the plan")  # 反映
    PARTLY = "partly", _l("Partly reflected")  # 一部反映
    ALREADY = "already", _l("Already in the draft")  # 既に記載
    REFERENCE = "reference", _l("Kept for reference")  # 参考
    OTHER = "other", _l("Other")  # その他


class ConsultationSection(db.Model):
    """A part of the draft that comments can be about (staff define them)."""

    __tablename__ = "consultation_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title_ja: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str | None] = mapped_column(sa.String(255))


class Comment(db.Model):
    """意見: one submission, online or transcribed from paper. Submitter details are never public."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    #: 受付番号: random, so numbers say nothing about other comments
    receipt_number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: the form's one-time key: a second post of the same form finds the first comment instead of storing two
    form_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    channel: Mapped[CommentChannel] = mapped_column(enum_type(CommentChannel, "channel"), default=CommentChannel.WEB)
    status: Mapped[CommentStatus] = mapped_column(enum_type(CommentStatus, "status"), default=CommentStatus.RECEIVED,
                                                  index=True)
    #: the original text, as sent or transcribed; kept privately
    text: Mapped[str] = mapped_column(sa.Text)
    #: what the public sees, after redaction of names, phone numbers or addresses typed in the text
    public_text: Mapped[str | None] = mapped_column(sa.Text)
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_sections.id", ondelete="SET NULL"))
    name: Mapped[str | None] = mapped_column(sa.String(120))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    #: indexed for My page, which finds a resident's comments by account or by address
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    eligibility: Mapped[Eligibility | None] = mapped_column(enum_type(Eligibility, "eligibility"))
    #: help the submitter needs for the reply or to take part (large print, a phone call …)
    help_needed: Mapped[str | None] = mapped_column(sa.Text)
    locale: Mapped[str] = mapped_column(sa.String(8), default="ja")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: a private file: the submitter's attachment, or the scan of a paper comment
    attachment_name: Mapped[str | None] = mapped_column(sa.String(80))
    attachment_filename: Mapped[str | None] = mapped_column(sa.String(255))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(80))
    #: the attachment's virus check: nobody, staff included, opens it until it is clean ("clean" without a file)
    attachment_scan: Mapped[ScanStatus] = mapped_column(enum_type(ScanStatus, "attachment_scan"),
                                                        default=ScanStatus.CLEAN, server_default=ScanStatus.CLEAN.value)
    #: for paper, mail, fax and counter comments: the day it arrived and who typed it
    received_on: Mapped[sa.Date | None] = mapped_column(sa.Date)
    transcribed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    exclusion_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    #: when name, address, contact, help requests and file were deleted (COMMENT_RETENTION_DAYS after the results)
    personal_data_purged_at = mapped_column(UTCDateTime)
    #: a keyed digest of submitter_key(), kept at the purge so the published count of people stays the same
    person_key: Mapped[str | None] = mapped_column(sa.String(64))

    consultation = relationship("Consultation")
    section = relationship(ConsultationSection)
    opinions = relationship("Opinion", back_populates="comment", cascade="all, delete-orphan", order_by="Opinion.position")

    __table_args__ = (
        # the results page counts a consultation's accepted comments by channel and by person
        # (comments.services.result_counts) from this index alone, not from thousands of whole rows
        sa.Index("ix_comments_consultation_id_status_people", "consultation_id", "status", "channel", "person_key",
                 "email", "phone", "name", "address"),
    )

    @property
    def status_title(self):
        return CommentStatus(self.status).label

    @property
    def channel_title(self):
        return CommentChannel(self.channel).label

    def submitter_key(self) -> str:
        """Who sent it, for counting people: the email, else the phone, else name and address."""
        for value in (self.email, self.phone):
            if value:
                return value.strip().lower()
        return f"{(self.name or '').strip()}|{(self.address or '').strip()}" or f"#{self.id}"


class OpinionGroup(db.Model):
    """Opinions on the same point, answered together."""

    __tablename__ = "opinion_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    title_ja: Mapped[str] = mapped_column(sa.String(255))
    response_ja: Mapped[str | None] = mapped_column(sa.Text)
    response_en: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[ResponseCategory | None] = mapped_column(enum_type(ResponseCategory, "category"))


class Opinion(db.Model):
    """One point of a comment (a long comment may raise several), with the city's response (市の考え方)."""

    __tablename__ = "opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    #: the public summary of the opinion (意見の概要)
    summary: Mapped[str] = mapped_column(sa.Text)
    section_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation_sections.id", ondelete="SET NULL"))
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("opinion_groups.id", ondelete="SET NULL"))
    response_ja: Mapped[str | None] = mapped_column(sa.Text)
    response_en: Mapped[str | None] = mapped_column(sa.Text)
    category: Mapped[ResponseCategory | None] = mapped_column(enum_type(ResponseCategory, "category"))
    #: the summary is the comment's public text and follows its corrections, until a moderator edits the opinion
    follows_comment: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    comment = relationship(Comment, back_populates="opinions")
    section = relationship(ConsultationSection)
    group = relationship(OpinionGroup)

    __table_args__ = (
        # the results table pages and counts a consultation's opinions in their group order from this index
        sa.Index("ix_opinions_consultation_id_group_id", "consultation_id", "group_id", "comment_id", "position"),
    )

    @property
    def answer(self):
        """(response_ja, response_en, category): the group's when the opinion is answered with its group."""
        if self.group is not None and self.group.response_ja:
            return self.group
        return self


class CommentUpload(db.Model):
    """An attachment stored at the confirm step; the row goes when the comment is sent, or the file is abandoned."""

    __tablename__ = "comment_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
