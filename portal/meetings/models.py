import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.areas.models import Area, Venue
from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import TitledEnum
from portal.core.timefmt import now_utc
from portal.extensions import db


class MeetingKind(TitledEnum):
    AREA_MEETING = "area_meeting", _l("Area meeting")
    FORUM = "forum", _l("Forum")
    SEMINAR = "seminar", _l("Seminar / workshop")
    BRIEFING = "briefing", _l("Briefing")
    COMMITTEE = "committee", _l("Committee meeting")


class MeetingFormat(TitledEnum):
    IN_PERSON = "in_person", _l("In person")
    ONLINE = "online", _l("Online")
    HYBRID = "hybrid", _l("In person and online")


class MeetingStatus(TitledEnum):
    DRAFT = "draft", _l("Draft")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")


#: statuses residents see: a cancelled meeting stays on the page, marked as cancelled
VISIBLE = (MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)


class Accommodation(db.Model):
    """合理的配慮: one kind of help a participant can ask for, with its lead time."""

    __tablename__ = "accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    description_ja: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    #: days before the meeting a request must arrive to be arranged in time
    lead_days: Mapped[int] = mapped_column(default=0)
    #: when set, the form asks for details with this question (e.g. the number and ages of children)
    details_prompt_ja: Mapped[str | None] = mapped_column(sa.String(255))
    details_prompt_en: Mapped[str | None] = mapped_column(sa.String(255))
    position: Mapped[int] = mapped_column(default=0)
    #: when staff retired it: hidden from new choices and lists, kept for what already refers to it (never deleted)
    retired_at = mapped_column(UTCDateTime)

    __table_args__ = (sa.CheckConstraint("lead_days >= 0", name="lead_days_not_negative"),)

    def __repr__(self) -> str:
        return f"<Accommodation {self.code}>"


meeting_accommodations = sa.Table(
    "meeting_accommodations",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("accommodation_id", sa.ForeignKey("accommodations.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(db.Model):
    """会議・イベント: every gathering a resident can attend."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_type(MeetingKind, "kind"))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_type(MeetingStatus, "status"), default=MeetingStatus.DRAFT, index=True
    )
    title_ja: Mapped[str] = mapped_column(sa.String(200))
    title_en: Mapped[str | None] = mapped_column(sa.String(200))
    summary_ja: Mapped[str | None] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    #: None = citywide
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"), index=True)
    committee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("committees.id"))
    #: the committee meeting's number within its term (第3回)
    number: Mapped[int | None]
    format: Mapped[MeetingFormat] = mapped_column(
        enum_type(MeetingFormat, "format"), default=MeetingFormat.IN_PERSON
    )
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime)
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id"))
    #: joining link for online/hybrid meetings, shown only to confirmed registrants
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    #: None = no limit
    capacity: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0)
    #: seats staff hold back (press, guests, people needing accommodation)
    reserved_seats: Mapped[int] = mapped_column(default=0)
    registration_opens_at = mapped_column(UTCDateTime)
    registration_closes_at = mapped_column(UTCDateTime)
    cancel_reason_ja: Mapped[str | None] = mapped_column(sa.Text)
    cancel_reason_en: Mapped[str | None] = mapped_column(sa.Text)
    attendance: Mapped[int | None]
    #: public seats (傍聴) allocated by lottery at the registration deadline instead of first come
    observer_lottery: Mapped[bool] = mapped_column(default=False)
    #: the random seed of the draw, published so that anyone can repeat it
    lottery_seed: Mapped[str | None] = mapped_column(sa.String(64))
    lottery_drawn_at = mapped_column(UTCDateTime)
    #: since when the seed's SHA-256 is public (fixed by then); NULL for draws made before commitments existed
    lottery_committed_at = mapped_column(UTCDateTime)
    #: the editor who organises it: with admins, the only staff who see its registrations (要配慮個人情報)
    organiser_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    report_ja: Mapped[str | None] = mapped_column(sa.Text)
    report_en: Mapped[str | None] = mapped_column(sa.Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    area: Mapped[Area | None] = relationship()
    venue: Mapped[Venue | None] = relationship()
    organiser = relationship("User")
    committee = relationship("Committee", back_populates="meetings")
    accommodations = relationship(
        Accommodation, secondary=meeting_accommodations, order_by=Accommodation.position
    )
    agenda_items = relationship(
        "AgendaItem", order_by="AgendaItem.position", cascade="all, delete-orphan", back_populates="meeting"
    )
    documents = relationship(
        "Document",
        primaryjoin="and_(Document.meeting_id == Meeting.id, Document.is_shown)",
        order_by="Document.position",
        viewonly=True,
    )

    __table_args__ = (
        sa.CheckConstraint("seats_taken >= 0", name="seats_taken_not_negative"),
        sa.CheckConstraint("reserved_seats >= 0", name="reserved_seats_not_negative"),
        sa.CheckConstraint(
            "capacity IS NULL OR seats_taken + reserved_seats <= capacity", name="seats_within_capacity"
        ),
        sa.CheckConstraint("ends_at IS NULL OR ends_at >= starts_at", name="ends_after_start"),
        # the lists: published meetings in date order, overall and per area, kind or committee (ten years of
        # meetings): each filter an equality before the date, so a page reads only its own rows
        sa.Index("ix_meetings_status_starts_at", "status", "starts_at"),
        sa.Index("ix_meetings_area_id_status_starts_at", "area_id", "status", "starts_at"),
        sa.Index("ix_meetings_kind_status_starts_at", "kind", "status", "starts_at"),
        sa.Index("ix_meetings_committee_id_status_starts_at", "committee_id", "status", "starts_at"),
    )

    @property
    def kind_title(self):
        return MeetingKind(self.kind).label

    @property
    def status_title(self):
        return MeetingStatus(self.status).label

    @property
    def format_title(self):
        return MeetingFormat(self.format).label

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def is_public(self) -> bool:
        return self.status in VISIBLE

    @property
    def registration_deadline(self):
        return self.registration_closes_at or self.starts_at

    @property
    def offer_deadline(self):
        """Until when a freed seat is offered: the registration deadline, or for a lottery (whose deadline is the
        draw) the start of the meeting, so the drawn waiting list is used."""
        return self.starts_at if self.observer_lottery else self.registration_deadline

    @property
    def lottery_pending(self) -> bool:
        return self.observer_lottery and self.lottery_drawn_at is None

    def registration_closed_reason(self):
        """Why registering is not possible now, or None."""
        now = now_utc()
        if self.status == MeetingStatus.CANCELLED:
            return _l("This meeting has been cancelled.")
        if self.registration_opens_at and now < self.registration_opens_at:
            return _l("Registration has not opened yet.")
        if now >= self.registration_deadline:
            return _l("Registration for this meeting has closed.")
        return None

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.reserved_seats - self.seats_taken)

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.kind} {self.starts_at:%Y-%m-%d}>"


class AgendaItem(db.Model):
    """次第: one item of a meeting's agenda."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title_ja: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str | None] = mapped_column(sa.String(255))
    meeting = relationship(Meeting, back_populates="agenda_items")

    def __repr__(self) -> str:
        return f"<AgendaItem {self.meeting_id}#{self.position}>"
