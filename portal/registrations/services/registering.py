"""A resident (or staff for them) registers; the resident confirms, takes an offered seat, changes or cancels."""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Accommodation, Meeting
from portal.registrations.models import (
    HOLDS_SEAT,
    AccommodationRequest,
    Channel,
    Registration,
    RegistrationStatus,
)
from portal.registrations.services.emails import email_registrant
from portal.registrations.services.lottery import next_application_number
from portal.registrations.services.rules import is_late, someone_waiting
from portal.registrations.services.seats import (
    give_back_seats,
    lock_meeting,
    offer_to_waiting_list,
    release,
    release_lapsed,
    take_seats,
)


class RegistrationError(Exception):
    """A reason the registration cannot go ahead, said to the person."""


@dataclass
class RegistrationData:
    name: str
    furigana: str | None
    email: str | None
    phone: str | None = None
    age_group: str | None = None
    companions: int = 0
    #: {accommodation id: details}
    accommodations: dict[int, str | None] = field(default_factory=dict)
    locale: str = "ja"


def register(meeting: Meeting, data: RegistrationData, user=None, channel: Channel = Channel.WEB,
             staff_note: str | None = None, keep_profile: bool = False) -> Registration:
    """Book seats (or a waiting-list place) and record the requests; RegistrationError if it cannot be done.

    One transaction (it commits): lapsed holds of the meeting are released first, the signed-in `user`'s
    details are kept for next time when `keep_profile` is set, and a staff-entered registration is audited.
    """
    hold_hours = current_app.config["GUEST_CONFIRM_HOURS"]
    # The account owner proved this address already; staff-entered registrations need no email round trip.
    trusted = channel != Channel.WEB or (
        user is not None and user.email_verified_at is not None and user.email == data.email)
    try:
        with write_transaction():
            lock_meeting(meeting.id)
            release_lapsed(meeting.id)
            registration = Registration(
                meeting_id=meeting.id, user_id=getattr(user, "id", None), channel=channel, name=data.name,
                furigana=data.furigana, email=data.email, phone=data.phone, age_group=data.age_group,
                companions=data.companions, locale=data.locale, staff_note=staff_note,
            )
            if meeting.lottery_pending:
                registration.status = RegistrationStatus.WAITLISTED  # an application: the draw decides
                registration.application_number = next_application_number(meeting)
            # Nobody jumps the waiting list: a free seat is the first waiting person's (offered to them).
            elif not someone_waiting(meeting.id) and take_seats(meeting.id, 1 + data.companions):
                registration.seats = 1 + data.companions
                if trusted:
                    registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now_utc()
                else:
                    registration.status = RegistrationStatus.PENDING
                    registration.hold_expires_at = min(now_utc() + timedelta(hours=hold_hours), meeting.registration_deadline)
            else:
                registration.status = RegistrationStatus.WAITLISTED
            for accommodation_id, details in data.accommodations.items():
                accommodation = db.session.get(Accommodation, accommodation_id)
                registration.requests.append(AccommodationRequest(
                    accommodation_id=accommodation_id, details=details, late=is_late(meeting, accommodation)))
            db.session.add(registration)
            db.session.flush()
            if channel != Channel.WEB:
                from portal.audit.services import record

                record("create", registration, {"channel": [None, registration.channel.value]}, label=registration.name)
            if keep_profile and user is not None:
                save_profile(user, data)
            email_registrant(registration, "registrations/lottery_applied" if meeting.lottery_pending else {
                RegistrationStatus.CONFIRMED: "registrations/confirmed",
                RegistrationStatus.PENDING: "registrations/confirm_email",
                RegistrationStatus.WAITLISTED: "registrations/waitlisted",
            }[registration.status])
    except sa.exc.IntegrityError:
        raise RegistrationError(_l("This email address is already registered for this meeting. Use the link in "
                                   "the email we sent to see or change that registration.")) from None
    return registration


def save_profile(user, data: RegistrationData) -> None:
    """Keep the resident's details and usual support for the next form (flush only)."""
    user.furigana, user.phone, user.age_group = data.furigana, data.phone, data.age_group
    codes = dict(db.session.execute(
        sa.select(Accommodation.id, Accommodation.code).where(Accommodation.id.in_(list(data.accommodations)))).all())
    user.usual_accommodations = {codes[a]: details for a, details in data.accommodations.items() if a in codes}
    db.session.flush()


def for_user(user) -> list[Registration]:
    """A resident's registrations: made while signed in, or with their confirmed address."""
    query = (
        sa.select(Registration)
        .where(sa.or_(Registration.user_id == user.id, Registration.email == user.email))
        .options(sa.orm.joinedload(Registration.meeting))
        .order_by(Registration.created_at.desc())
    )
    return db.session.scalars(query).unique().all()


def confirm_email(registration: Registration) -> bool:
    """A guest opened the emailed link in time: the held seat becomes theirs."""
    return _take_held_seat(registration, RegistrationStatus.PENDING)


def accept_offer(registration: Registration) -> bool:
    """Take the offered seat; only one of two simultaneous attempts succeeds, and never after the offer lapsed."""
    return _take_held_seat(registration, RegistrationStatus.OFFERED)


def _take_held_seat(registration: Registration, held_as: RegistrationStatus) -> bool:
    """A seat held as `held_as` becomes confirmed, if it is still held and its hold has not lapsed."""
    with write_transaction():
        lock_meeting(registration.meeting_id)
        db.session.refresh(registration)
        if registration.status != held_as or registration.hold_expires_at < now_utc():
            return False
        registration.status, registration.confirmed_at = RegistrationStatus.CONFIRMED, now_utc()
        registration.hold_expires_at = None
        email_registrant(registration, "registrations/confirmed")
    return True


def cancel(registration: Registration) -> bool:
    with write_transaction():
        lock_meeting(registration.meeting_id)
        db.session.refresh(registration)
        if registration.status == RegistrationStatus.CANCELLED:
            return False
        release(registration, RegistrationStatus.CANCELLED)
        email_registrant(registration, "registrations/cancelled")
        offer_to_waiting_list(registration.meeting)
    return True


def change_companions(registration: Registration, companions: int) -> bool:
    """More companions need free seats; fewer give seats back to the waiting list."""
    with write_transaction():
        lock_meeting(registration.meeting_id)
        db.session.refresh(registration)
        delta = companions - registration.companions
        if registration.status in HOLDS_SEAT and delta > 0:
            if someone_waiting(registration.meeting_id) or not take_seats(registration.meeting_id, delta):
                return False
        elif registration.status in HOLDS_SEAT and delta < 0:
            give_back_seats(registration.meeting_id, -delta)
        if registration.status in HOLDS_SEAT:
            registration.seats += delta
        registration.companions = companions
        db.session.flush()
        if delta < 0:
            offer_to_waiting_list(registration.meeting)
    return True
