"""Seats that never exceed capacity, and the waiting list's offers of freed seats.

Every change of seats runs in write_transaction(): on SQLite it takes the write lock first, and the seat
counter is changed by one conditional UPDATE (capacity checked in the same statement), never from a count
read earlier. On PostgreSQL the UPDATE's row lock gives the same guarantee.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from portal.registrations.models import HOLDS_SEAT, Registration, RegistrationStatus
from portal.registrations.services.emails import email_registrant
from portal.registrations.services.rules import WAITLIST_ORDER, someone_waiting


def lock_meeting(meeting_id: int) -> None:
    """Serialise the seat changes of one meeting: a row lock on PostgreSQL (SQLite holds the write lock already)."""
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())


def take_seats(meeting_id: int, seats: int) -> bool:
    """Add `seats` to the meeting if they fit, in one statement: True when they did."""
    result = db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting_id,
               sa.or_(Meeting.capacity.is_(None), Meeting.seats_taken + Meeting.reserved_seats + seats <= Meeting.capacity))
        .values(seats_taken=Meeting.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def give_back_seats(meeting_id: int, seats: int) -> None:
    if seats:
        db.session.execute(
            sa.update(Meeting).where(Meeting.id == meeting_id).values(seats_taken=Meeting.seats_taken - seats)
            .execution_options(synchronize_session=False)
        )


def seat_or_wait(registration: Registration, status: RegistrationStatus = RegistrationStatus.CONFIRMED) -> bool:
    """Add a registration recorded outside the web form (sample data, a list taken at the counter) through the
    seat counter: it holds its seats as `status` when they fit and nobody waits, else it waits. Flush only."""
    lock_meeting(registration.meeting_id)
    if not someone_waiting(registration.meeting_id) and take_seats(registration.meeting_id, registration.party_size):
        registration.status, registration.seats = status, registration.party_size
        registration.confirmed_at = now_utc()
    else:
        registration.status, registration.seats = RegistrationStatus.WAITLISTED, 0
    db.session.add(registration)
    db.session.flush()
    return registration.seats > 0


def recount_seats(meeting_id: int) -> None:
    """Set the seat counter to what the meeting's registration rows hold (data written around the counter)."""
    held = (sa.select(sa.func.coalesce(sa.func.sum(Registration.seats), 0))
            .where(Registration.meeting_id == meeting_id, Registration.status.in_(HOLDS_SEAT)).scalar_subquery())
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(seats_taken=held)
                       .execution_options(synchronize_session=False))
    db.session.expire(db.session.get(Meeting, meeting_id), ["seats_taken"])


def offer_to_waiting_list(meeting: Meeting) -> list[Registration]:
    """Offer freed seats to the waiting list in arrival order while the next party fits (the meeting is locked)."""
    now = now_utc()
    if now >= meeting.offer_deadline or meeting.status != MeetingStatus.PUBLISHED or meeting.lottery_pending:
        return []  # before a draw, the waiting list is the applications: the draw seats them, not their arrival
    offered = []
    while True:
        first = db.session.scalar(
            sa.select(Registration)
            .where(Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(*WAITLIST_ORDER)
            .limit(1)
        )
        if first is None or not take_seats(meeting.id, first.party_size):
            return offered
        first.status, first.seats = RegistrationStatus.OFFERED, first.party_size
        first.hold_expires_at = min(now + timedelta(hours=current_app.config["OFFER_HOURS"]), meeting.offer_deadline)
        db.session.flush()
        email_registrant(first, "registrations/offer")
        offered.append(first)


def offer_freed_seats(meeting: Meeting) -> list[Registration]:
    """Staff raised the capacity or lowered the seats held back: the freed seats go to the waiting list in
    order, exactly as a cancelled seat does (flush only: the staff form's request commits)."""
    db.session.flush()
    lock_meeting(meeting.id)
    return offer_to_waiting_list(meeting)


def release(registration: Registration, status: RegistrationStatus) -> None:
    """The registration gives its seats back and takes `status` (flush only; the meeting is locked)."""
    give_back_seats(registration.meeting_id, registration.seats)
    registration.status, registration.seats = status, 0
    registration.hold_expires_at = None
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_at = now_utc()
        for request in registration.requests:
            request.details = None  # accommodation details go at once (要配慮個人情報)
    db.session.flush()


def release_lapsed(meeting_id: int | None = None) -> int:
    """Inside a write transaction: guests who never confirmed and offers that lapsed give their seats to the
    next in line (flush only)."""
    query = sa.select(Registration).where(
        Registration.status.in_([RegistrationStatus.PENDING, RegistrationStatus.OFFERED]),
        Registration.hold_expires_at < now_utc(),
    )
    if meeting_id is not None:
        query = query.where(Registration.meeting_id == meeting_id)
    for locked in sorted(set(db.session.scalars(query.with_only_columns(Registration.meeting_id)))):
        lock_meeting(locked)
    expired = db.session.scalars(query).all()
    for registration in expired:
        release(registration, RegistrationStatus.CANCELLED)
        email_registrant(registration, "registrations/lapsed")
    for meeting in {r.meeting for r in expired}:
        offer_to_waiting_list(meeting)
    return len(expired)


def release_expired(meeting_id: int | None = None) -> int:
    """Guests who never confirmed and offers that lapsed give their seats to the next in line (commits)."""
    with write_transaction():
        return release_lapsed(meeting_id)
