import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import TitledEnum
from portal.extensions import db


class RegistrationStatus(TitledEnum):
    #: a guest's seat, held until the emailed link is opened
    PENDING = "pending", _l("Waiting for your email confirmation")
    CONFIRMED = "confirmed", _l("Confirmed")
    WAITLISTED = "waitlisted", _l("On the waiting list")
    #: a freed seat, held for a waitlisted person until the offer expires
    OFFERED = "offered", _l("A seat is offered to you")
    CANCELLED = "cancelled", _l("Registration cancelled")
    ATTENDED = "attended", _l("Attended")


#: statuses that hold seats (the registrant and companions)
HOLDS_SEAT = (RegistrationStatus.PENDING, RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED,
              RegistrationStatus.ATTENDED)


class AgeGroup(TitledEnum):
    """The generations the city counts participation by (seed 000)."""

    CHILD = "child", _l("Primary or junior high school pupil")  # 小中学生
    YOUNG = "young", _l("High school or university student, young adult")  # 高校生・大学生・若者
    MIDDLE = "middle", _l("In your 30s to 50s")  # 30〜50代
    SENIOR = "senior", _l("60 or over")  # 60代以上


class Channel(enum.StrEnum):
    WEB = "web"
    PHONE = "phone"
    COUNTER = "counter"
    WALK_IN = "walk_in"


class Registration(db.Model):
    """参加申込: one person (and companions) for one meeting."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus, "status"), index=True)
    #: how it reached us; staff enter phone and counter registrations
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel"), default=Channel.WEB)
    name: Mapped[str | None] = mapped_column(sa.String(120))
    #: in katakana (hiragana is converted)
    furigana: Mapped[str | None] = mapped_column(sa.String(120))
    #: normalised: trimmed, NFKC, lower case; None for phone registrations without email, and after purging;
    #: indexed for My page, which finds a resident's registrations by account or by address
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    age_group: Mapped[AgeGroup | None] = mapped_column(enum_type(AgeGroup, "age_group"))
    companions: Mapped[int] = mapped_column(default=0)
    #: the language of the emails to this registrant (the page language at registration)
    locale: Mapped[str] = mapped_column(sa.String(8), default="ja")
    #: for staff-entered registrations: how the resident was told (post, phone)
    staff_note: Mapped[str | None] = mapped_column(sa.Text)
    #: 申込番号 of an observer-lottery application: 1, 2, 3 … within the meeting, published with the draw
    application_number: Mapped[int | None]
    #: place drawn in the observer lottery (1 = first); orders the waiting list after the draw
    lottery_rank: Mapped[int | None]
    #: drawn a seat in the lottery (kept when the winner later cancels, for the published result)
    lottery_won: Mapped[bool | None]
    #: seats this registration holds now (1 + companions while it holds a seat, else 0)
    seats: Mapped[int] = mapped_column(default=0)
    #: a pending guest seat or an offer lapses at this time
    hold_expires_at = mapped_column(UTCDateTime)
    confirmed_at = mapped_column(UTCDateTime)
    cancelled_at = mapped_column(UTCDateTime)
    reminded_at = mapped_column(UTCDateTime)
    #: personal data removed after the retention period; counts are kept
    purged_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    meeting = relationship("Meeting")
    user = relationship("User")
    requests = relationship("AccommodationRequest", cascade="all, delete-orphan", back_populates="registration",
                            order_by="AccommodationRequest.id")

    __table_args__ = (
        sa.CheckConstraint("companions >= 0", name="companions_not_negative"),
        sa.CheckConstraint("seats >= 0", name="seats_not_negative"),
        # One active registration per meeting and email (a cancelled one does not block registering again).
        sa.Index("uq_registrations_meeting_email_active", "meeting_id", "email", unique=True,
                 sqlite_where=sa.text("status != 'cancelled' AND email IS NOT NULL"),
                 postgresql_where=sa.text("status != 'cancelled' AND email IS NOT NULL")),
        sa.Index("uq_registrations_meeting_application_number", "meeting_id", "application_number", unique=True),
    )

    @property
    def status_title(self):
        return RegistrationStatus(self.status).label

    @property
    def party_size(self) -> int:
        return 1 + self.companions

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class RequestStatus(TitledEnum):
    RECEIVED = "received", _l("Received")  # 受付
    ARRANGED = "arranged", _l("Arranged")  # 手配済み
    UNAVAILABLE = "unavailable", _l("Cannot be arranged")  # 手配不可


class AccommodationRequest(db.Model):
    """A request for one kind of support, followed by staff until it is arranged (要配慮個人情報)."""

    __tablename__ = "accommodation_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    accommodation_id: Mapped[int] = mapped_column(sa.ForeignKey("accommodations.id"), index=True)
    #: e.g. the number and ages of children for childcare; removed at purge
    details: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, "status"), default=RequestStatus.RECEIVED)
    #: why it cannot be arranged, shown to the resident
    reason_ja: Mapped[str | None] = mapped_column(sa.Text)
    reason_en: Mapped[str | None] = mapped_column(sa.Text)
    #: asked after the lead time: may not be arranged in time
    late: Mapped[bool] = mapped_column(default=False)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    registration = relationship(Registration, back_populates="requests")
    accommodation = relationship("Accommodation")

    __table_args__ = (
        sa.UniqueConstraint("registration_id", "accommodation_id", name="uq_accommodation_requests_registration_kind"),
    )

    @property
    def status_title(self):
        return RequestStatus(self.status).label
