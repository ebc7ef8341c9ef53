import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.extensions import db


class MailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class OutboxEmail(db.Model):
    """One email, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(255))
    text_body: Mapped[str] = mapped_column(sa.Text)
    html_body: Mapped[str | None] = mapped_column(sa.Text)
    #: an iCalendar file sent as attachment (the meeting of a confirmation)
    ics: Mapped[str | None] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(8), default="ja")
    status: Mapped[MailStatus] = mapped_column(
        enum_type(MailStatus, "status"), default=MailStatus.PENDING, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: when the sender may try again (back-off after a failure)
    next_attempt_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    sent_at = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.status}>"
