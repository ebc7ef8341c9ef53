"""What a resident may still do with a registration, and where they stand on the waiting list."""

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Accommodation, Meeting, MeetingStatus
from portal.registrations.models import Registration, RegistrationStatus


def change_refusal(registration: Registration, now=None):
    """Why this registration can no longer be changed or cancelled by the resident, or None.

    The one rule for the page and the POST endpoints: until registration closes; for a lottery (whose
    deadline is the draw) until the meeting starts, so a winner who cannot come gives the seat on.
    """
    now = now or now_utc()
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.ATTENDED):
        return _l("This registration can no longer be changed.")
    if registration.meeting.status == MeetingStatus.CANCELLED:
        return _l("This meeting has been cancelled.")
    if now >= registration.meeting.offer_deadline:
        return _l("Registration for this meeting has closed, so it can no longer be changed or cancelled here. "
                  "Please contact the office.")
    return None


def may_change(registration: Registration, now=None) -> bool:
    return change_refusal(registration, now) is None


def is_late(meeting: Meeting, accommodation: Accommodation, moment=None) -> bool:
    """Asked after the lead time: it may not be arranged in time."""
    return (moment or now_utc()) > meeting.starts_at - timedelta(days=accommodation.lead_days)


WAITLIST_ORDER = (Registration.lottery_rank.is_(None), Registration.lottery_rank, Registration.created_at,
                  Registration.id)


def waitlist_position(registration: Registration) -> int:
    if registration.status != RegistrationStatus.WAITLISTED:
        return 0  # not on the list: no need to read it
    waiting = db.session.scalars(
        sa.select(Registration.id).where(
            Registration.meeting_id == registration.meeting_id, Registration.status == RegistrationStatus.WAITLISTED,
        ).order_by(*WAITLIST_ORDER)
    ).all()
    return waiting.index(registration.id) + 1 if registration.id in waiting else 0


def someone_waiting(meeting_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.WAITLISTED)))


def joins_waiting_list(meeting: Meeting) -> bool:
    """A newcomer would only be put on the waiting list now: no seat is left, or people already wait for one
    (nobody jumps the list). Never while a lottery takes applications: everyone then applies for the draw."""
    if meeting.lottery_pending:
        return False
    return meeting.seats_left == 0 or someone_waiting(meeting.id)
