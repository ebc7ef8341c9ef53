"""Registrations: seats that never exceed capacity, the waiting list and its offers, accommodation requests.

Every change of seats runs in write_transaction(): on SQLite it takes the write lock first, and the seat
counter is changed by one conditional UPDATE (capacity checked in the same statement), never from a count
read earlier. On PostgreSQL the UPDATE's row lock gives the same guarantee.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.core.urls import external_url
from portal.extensions import db
from portal.mail.services import queue_email
from portal.meetings.models import Accommodation, Meeting, MeetingStatus
from portal.registrations.models import (
    HOLDS_SEAT,
    AccommodationRequest,
    Channel,
    Registration,
    RegistrationStatus,
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


# Links


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def token_for(registration: Registration) -> str:
    """The signed link of a registration: unguessable, and a changed character makes it invalid."""
    return _serializer("registration").dumps(registration.id)


def confirm_code_for(registration: Registration) -> str:
    return _serializer("registration-confirm").dumps(registration.id)


def _load(salt: str, token: str) -> int | None:
    try:
        value = _serializer(salt).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def registration_for_token(token: str) -> Registration | None:
    registration_id = _load("registration", token)
    return db.session.get(Registration, registration_id) if registration_id else None


def code_matches(registration: Registration, code: str) -> bool:
    return _load("registration-confirm", code) == registration.id


# Rules


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


# Seats


def lock_meeting(meeting_id: int) -> None:
    """Serialise the seat changes of one meeting: a row lock on PostgreSQL (SQLite holds the write lock already)."""
    db.session.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())


def _take_seats(meeting_id: int, seats: int) -> bool:
    """Add `seats` to the meeting if they fit, in one statement: True when they did."""
    result = db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting_id,
               sa.or_(Meeting.capacity.is_(None), Meeting.seats_taken + Meeting.reserved_seats + seats <= Meeting.capacity))
        .values(seats_taken=Meeting.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def seat_or_wait(registration: Registration, status: RegistrationStatus = RegistrationStatus.CONFIRMED) -> bool:
    """Add a registration recorded outside the web form (sample data, a list taken at the counter) through the
    seat counter: it holds its seats as `status` when they fit and nobody waits, else it waits. Flush only."""
    lock_meeting(registration.meeting_id)
    if not someone_waiting(registration.meeting_id) and _take_seats(registration.meeting_id, registration.party_size):
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


def _give_back_seats(meeting_id: int, seats: int) -> None:
    if seats:
        db.session.execute(
            sa.update(Meeting).where(Meeting.id == meeting_id).values(seats_taken=Meeting.seats_taken - seats)
            .execution_options(synchronize_session=False)
        )


def _offer_free_seats(meeting: Meeting) -> list[Registration]:
    """Offer freed seats to the waiting list in arrival order while the next party fits."""
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
        if first is None or not _take_seats(meeting.id, first.party_size):
            return offered
        first.status, first.seats = RegistrationStatus.OFFERED, first.party_size
        first.hold_expires_at = min(now + timedelta(hours=current_app.config["OFFER_HOURS"]), meeting.offer_deadline)
        db.session.flush()
        _email(first, "registrations/offer")
        offered.append(first)


def _release(registration: Registration, status: RegistrationStatus) -> None:
    _give_back_seats(registration.meeting_id, registration.seats)
    registration.status, registration.seats = status, 0
    registration.hold_expires_at = None
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_at = now_utc()
        for request in registration.requests:
            request.details = None  # accommodation details go at once (要配慮個人情報)
    db.session.flush()


def release_expired(meeting_id: int | None = None) -> int:
    """Guests who never confirmed and offers that lapsed give their seats to the next in line."""
    with write_transaction():
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
            _release(registration, RegistrationStatus.CANCELLED)
            _email(registration, "registrations/lapsed")
        for meeting in {r.meeting for r in expired}:
            _offer_free_seats(meeting)
    return len(expired)


# Registering


def register(meeting: Meeting, data: RegistrationData, user=None, channel: Channel = Channel.WEB,
             staff_note: str | None = None) -> Registration:
    """Book seats (or a waiting-list place) and record the requests; RegistrationError if it cannot be done."""
    release_expired(meeting.id)
    hold_hours = current_app.config["GUEST_CONFIRM_HOURS"]
    # The account owner proved this address already; staff-entered registrations need no email round trip.
    trusted = channel != Channel.WEB or (
        user is not None and user.email_verified_at is not None and user.email == data.email)
    try:
        with write_transaction():
            lock_meeting(meeting.id)
            registration = Registration(
                meeting_id=meeting.id, user_id=getattr(user, "id", None), channel=channel, name=data.name,
                furigana=data.furigana, email=data.email, phone=data.phone, age_group=data.age_group,
                companions=data.companions, locale=data.locale, staff_note=staff_note,
            )
            if meeting.lottery_pending:
                registration.status = RegistrationStatus.WAITLISTED  # an application: the draw decides
                registration.application_number = _commit_and_number(meeting)
            # Nobody jumps the waiting list: a free seat is the first waiting person's (offered to them).
            elif not someone_waiting(meeting.id) and _take_seats(meeting.id, 1 + data.companions):
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
            _email(registration, "registrations/lottery_applied" if meeting.lottery_pending else {
                RegistrationStatus.CONFIRMED: "registrations/confirmed",
                RegistrationStatus.PENDING: "registrations/confirm_email",
                RegistrationStatus.WAITLISTED: "registrations/waitlisted",
            }[registration.status])
    except sa.exc.IntegrityError:
        raise RegistrationError(_l("This email address is already registered for this meeting. Use the link in "
                                   "the email we sent to see or change that registration.")) from None
    return registration


def _last_application_number(meeting_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Registration.application_number), 0))
                             .where(Registration.meeting_id == meeting_id))


def _commit_and_number(meeting: Meeting) -> int:
    """The next application number of a lottery; the seed is committed before the first application."""
    open_lottery(db.session.get(Meeting, meeting.id))
    return _last_application_number(meeting.id) + 1


def open_lottery(meeting: Meeting) -> None:
    """Commit the lottery's seed (once) and number the applications received so far in the order they came,
    including registrations made before staff switched the lottery on, so each one is drawn. Flush only."""
    from portal.meetings.services import commit_lottery_seed

    commit_lottery_seed(meeting)
    if not meeting.lottery_pending:
        return
    unnumbered = db.session.scalars(sa.select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.application_number.is_(None),
        Registration.status != RegistrationStatus.CANCELLED,
    ).order_by(Registration.created_at, Registration.id)).all()
    last = _last_application_number(meeting.id) if unnumbered else 0
    for number, registration in enumerate(unnumbered, start=last + 1):
        registration.application_number = number
    db.session.flush()


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
        _email(registration, "registrations/confirmed")
    return True


def cancel(registration: Registration) -> bool:
    with write_transaction():
        lock_meeting(registration.meeting_id)
        db.session.refresh(registration)
        if registration.status == RegistrationStatus.CANCELLED:
            return False
        _release(registration, RegistrationStatus.CANCELLED)
        _email(registration, "registrations/cancelled")
        _offer_free_seats(registration.meeting)
    return True


def change_companions(registration: Registration, companions: int) -> bool:
    """More companions need free seats; fewer give seats back to the waiting list."""
    with write_transaction():
        lock_meeting(registration.meeting_id)
        db.session.refresh(registration)
        delta = companions - registration.companions
        if registration.status in HOLDS_SEAT and delta > 0:
            if someone_waiting(registration.meeting_id) or not _take_seats(registration.meeting_id, delta):
                return False
        elif registration.status in HOLDS_SEAT and delta < 0:
            _give_back_seats(registration.meeting_id, -delta)
        if registration.status in HOLDS_SEAT:
            registration.seats += delta
        registration.companions = companions
        db.session.flush()
        if delta < 0:
            _offer_free_seats(registration.meeting)
    return True


def offer_freed_seats(meeting: Meeting) -> list[Registration]:
    """Staff raised the capacity or lowered the seats held back: the freed seats go to the waiting list in
    order, exactly as a cancelled seat does (flush only: the staff form's request commits)."""
    db.session.flush()
    lock_meeting(meeting.id)
    return _offer_free_seats(meeting)


# Email


def _email(registration: Registration, template: str) -> None:
    if not registration.email:
        return  # registered by phone without email: staff tell the person by post or phone
    from portal.meetings.ics import build_calendar

    meeting, lang = registration.meeting, registration.locale
    ics = None
    if registration.status == RegistrationStatus.CONFIRMED:
        from flask_babel import force_locale

        from portal.core.i18n import tr_text

        with force_locale(lang):
            ics = build_calendar([meeting], tr_text(meeting, "title"),
                                 lambda m: external_url("registrations.meeting", lang, meeting_id=m.id), "kyoso-portal").decode()
    queue_email(
        registration.email, template, lang, ics=ics, registration=registration, meeting=meeting,
        url=external_url("registrations.detail", lang, token=token_for(registration)),
        confirm_url=external_url("registrations.confirm_email", lang, token=token_for(registration),
                                 code=confirm_code_for(registration)),
    )


def save_profile(user, data: RegistrationData, form) -> None:
    """Keep the resident's details and usual support for the next form."""
    user.furigana, user.phone, user.age_group = data.furigana, data.phone, data.age_group
    user.usual_accommodations = {
        a.code: data.accommodations[a.id] for a in form.accommodation_list if a.id in data.accommodations
    }


def for_user(user) -> list[Registration]:
    """A resident's registrations: made while signed in, or with their confirmed address."""
    query = (
        sa.select(Registration)
        .where(sa.or_(Registration.user_id == user.id, Registration.email == user.email))
        .options(sa.orm.joinedload(Registration.meeting))
        .order_by(Registration.created_at.desc())
    )
    return db.session.scalars(query).unique().all()


# Staff side


def roster_query(meeting_id: int, filters: dict):
    query = (
        sa.select(Registration)
        .where(Registration.meeting_id == meeting_id)
        .options(sa.orm.selectinload(Registration.requests).joinedload(AccommodationRequest.accommodation))
        .order_by(Registration.created_at, Registration.id)
    )
    if status := filters.get("status"):
        query = query.where(Registration.status == status)
    if q := (filters.get("q") or "").strip():
        from portal.core.normalize import to_katakana

        like = [Registration.name.contains(q), Registration.email.contains(q.lower()),
                Registration.furigana.contains(to_katakana(q))]
        query = query.where(sa.or_(*like))
    return query


def counts(meeting_id: int) -> dict:
    """People (registrants and companions) by status and by generation, for the roster and the report."""
    rows = db.session.execute(
        sa.select(Registration.status, Registration.age_group, sa.func.sum(1 + Registration.companions))
        .where(Registration.meeting_id == meeting_id)
        .group_by(Registration.status, Registration.age_group)
    ).all()
    by_status, by_age = {}, {}
    for status, age_group, people in rows:
        by_status[status] = by_status.get(status, 0) + people
        if status in HOLDS_SEAT:
            by_age[age_group] = by_age.get(age_group, 0) + people
    return {"status": by_status, "age": by_age}


def _update_attendance(meeting_id: int) -> None:
    attended = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(1 + Registration.companions), 0))
        .where(Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.ATTENDED))
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting_id).values(attendance=attended)
                       .execution_options(synchronize_session=False))


def check_in(meeting: Meeting, registration: Registration | None = None, name: str | None = None,
             companions: int = 0) -> Registration:
    """Record who came to the door: a registrant, or (without `registration`) a walk-in.

    Never refused for lack of space: attendance is not a seat reservation. A person without a seat (on the
    waiting list, cancelled, walk-in) attends holding no seat, so the seat counter never passes capacity;
    staff see how far over capacity the room is (over_capacity). Checking someone in twice changes nothing.
    """
    from portal.audit.services import record

    with write_transaction():
        lock_meeting(meeting.id)
        if registration is None:
            registration = Registration(meeting_id=meeting.id, channel=Channel.WALK_IN,
                                        status=RegistrationStatus.ATTENDED, name=name or None,
                                        companions=companions, seats=0, confirmed_at=now_utc())
            db.session.add(registration)
            db.session.flush()
            record("create", registration, label=name or "walk-in")
        else:
            db.session.refresh(registration)
            if registration.status == RegistrationStatus.ATTENDED:
                return registration
            record("update", registration, {"status": [registration.status.value, "attended"]},
                   label=registration.name or "")
            if registration.status not in HOLDS_SEAT:
                registration.seats = 0
            registration.status, registration.hold_expires_at = RegistrationStatus.ATTENDED, None
            registration.confirmed_at = registration.confirmed_at or now_utc()
            db.session.flush()
        _update_attendance(meeting.id)
    return registration


def over_capacity(meeting: Meeting) -> int:
    """People expected or present beyond the capacity: held seats, seats held back, and attendees without a seat."""
    if meeting.capacity is None:
        return 0
    without_seat = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(1 + Registration.companions), 0))
        .where(Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.ATTENDED,
               Registration.seats == 0))
    return max(0, meeting.seats_taken + meeting.reserved_seats + without_seat - meeting.capacity)


def set_request_status(request: AccommodationRequest, status: str, reason_ja: str | None, reason_en: str | None) -> None:
    """Staff arranged a request, or cannot: the resident sees it on their page and gets an email."""
    from portal.audit.services import record

    request.status = status
    request.reason_ja = (reason_ja or "").strip() or None if status == "unavailable" else None
    request.reason_en = (reason_en or "").strip() or None if status == "unavailable" else None
    record("update", request, label=f"{request.registration.name}: {request.accommodation.name_ja}")
    _email(request.registration, "registrations/accommodation_status")


def board(meeting: Meeting) -> list[dict]:
    """What must be arranged by which date: one row per kind of support, with its active requests."""
    query = (
        sa.select(AccommodationRequest)
        .join(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status != RegistrationStatus.CANCELLED)
        .options(sa.orm.joinedload(AccommodationRequest.accommodation), sa.orm.joinedload(AccommodationRequest.registration))
        .order_by(AccommodationRequest.accommodation_id, AccommodationRequest.id)
    )
    groups: dict[int, dict] = {}
    for request in db.session.scalars(query).unique():
        accommodation = request.accommodation
        group = groups.setdefault(accommodation.id, {
            "accommodation": accommodation, "requests": [],
            "arrange_by": meeting.starts_at - timedelta(days=accommodation.lead_days),
        })
        group["requests"].append(request)
    return sorted(groups.values(), key=lambda g: (g["arrange_by"], g["accommodation"].position))


CSV_COLUMNS = ("id", "status", "channel", "name", "furigana", "email", "phone", "age_group", "companions",
               "accommodations", "registered_at")


def roster_csv(meeting: Meeting) -> bytes:
    """Every registration of the meeting with its contact details and support requests, for Excel."""
    from portal.core.downloads import excel_csv
    from portal.core.timefmt import to_tokyo

    def rows():
        for r in db.session.scalars(roster_query(meeting.id, {})):
            support = "; ".join(f"{q.accommodation.name_ja}({q.status_title})" + (f": {q.details}" if q.details else "")
                                for q in r.requests)
            yield (r.id, r.status.value, r.channel.value, r.name, r.furigana, r.email, r.phone,
                   r.age_group.value if r.age_group else "", r.companions, support,
                   to_tokyo(r.created_at).strftime("%Y-%m-%d %H:%M"))

    return excel_csv(CSV_COLUMNS, rows())


# Reminders and retention


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
                _email(db.session.get(Registration, registration_id), "registrations/reminder")
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


# The observer lottery (抽選)


def lottery_order(seed: str, application_numbers: list[int]) -> list[int]:
    """The drawn order, the same on any Python: application numbers sorted by HMAC-SHA256(key=seed,
    msg=the number in decimal), hex digest. Anyone can repeat it with the seed published after the draw:

        sorted(numbers, key=lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest())
    """
    import hashlib
    import hmac

    return sorted(application_numbers,
                  key=lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest())


def draw_lottery(meeting: Meeting) -> list[Registration]:
    """At the deadline: rank the applications with the committed seed and seat them in that order."""
    with write_transaction():
        lock_meeting(meeting.id)
        meeting = db.session.get(Meeting, meeting.id)
        if not meeting.lottery_pending:
            return []
        open_lottery(meeting)  # the seed if no application ever came; a number for any application without one
        applications = {r.id: r for r in db.session.scalars(sa.select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.WAITLISTED))}
        by_number = {r.application_number: r.id for r in applications.values()}
        if None in by_number:  # the published recipe ranks numbers: an application without one is not verifiable
            raise ValueError(f"meeting {meeting.id}: an application has no application number; nothing was drawn")
        meeting.lottery_drawn_at = now_utc()
        winners = []
        for rank, number in enumerate(lottery_order(meeting.lottery_seed, sorted(by_number)), start=1):
            registration = applications[by_number[number]]
            registration.lottery_rank = rank
            registration.lottery_won = _take_seats(meeting.id, registration.party_size)
            if registration.lottery_won:
                registration.status, registration.seats = RegistrationStatus.CONFIRMED, registration.party_size
                registration.confirmed_at = now_utc()
                winners.append(registration)
        db.session.flush()
        for registration in applications.values():
            _email(registration, "registrations/lottery_won" if registration in winners else "registrations/lottery_lost")
    return winners


def lottery_result(meeting: Meeting) -> list[tuple[int, bool]]:
    """The published draw: (application number, drew a seat) in drawn order; empty before the draw."""
    if meeting.lottery_drawn_at is None:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(Registration.application_number, Registration.lottery_won)
        .where(Registration.meeting_id == meeting.id, Registration.lottery_rank.is_not(None))
        .order_by(Registration.lottery_rank))]


def draw_due_lotteries() -> int:
    due = db.session.scalars(sa.select(Meeting).where(
        Meeting.observer_lottery.is_(True), Meeting.lottery_drawn_at.is_(None),
        Meeting.status == MeetingStatus.PUBLISHED,
        sa.func.coalesce(Meeting.registration_closes_at, Meeting.starts_at) <= now_utc())).all()
    for meeting in due:
        draw_lottery(meeting)
    return len(due)
