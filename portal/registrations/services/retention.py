"""Reminders before a meeting, and deleting registrants' personal data after the retention period."""

from datetime import timedelta

import sqlalchemy as sa

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from portal.registrations.models import Registration, RegistrationStatus
from portal.registrations.services.emails import email_registrant


def send_reminders(days_before: int = 2) -> int:
    """Email registrants of meetings starting within `days_before` days; each registration at most once."""
    now = now_utc()
    candidates = db.session.scalars(
        sa.select(Registration.id).join(Meeting).where(
            Meeting.status == MeetingStatus.PUBLISHED,
            Meeting.starts_at > now, Meeting.starts_at <= now + timedelta(days=days_before),
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.reminded_at.is_(None), Registration.email.is_not(None),
        )
    ).all()
    sent = 0
    for registration_id in candidates:
        with write_transaction():
            # Claim it first: a second run, even a concurrent one, finds nothing to claim.
            claimed = db.session.execute(
                sa.update(Registration).where(Registration.id == registration_id, Registration.reminded_at.is_(None))
                .values(reminded_at=now).execution_options(synchronize_session=False)
            ).rowcount
            if claimed:
                email_registrant(db.session.get(Registration, registration_id), "registrations/reminder")
                sent += 1
    return sent


def purge_personal_data(retention_days: int) -> int:
    """Delete contact and accommodation details of meetings held more than `retention_days` ago.

    What stays is anonymous: status, number of people, generation, kind and status of support asked for.
    """
    cutoff = now_utc() - timedelta(days=retention_days)
    with write_transaction():
        registrations = db.session.scalars(
            sa.select(Registration).join(Meeting)
            .where(Meeting.starts_at < cutoff, Registration.purged_at.is_(None))
        ).all()
        for r in registrations:
            r.name = r.furigana = r.email = r.phone = r.staff_note = None
            r.user_id = None
            r.purged_at = now_utc()
            for request in r.requests:
                request.details = request.reason_ja = request.reason_en = None
    return len(registrations)
