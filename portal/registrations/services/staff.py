"""The staff side of a meeting's registrations: the roster, check-in at the door, the accommodation board."""

from datetime import timedelta

import sqlalchemy as sa

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations.models import (
    HOLDS_SEAT,
    AccommodationRequest,
    Channel,
    Registration,
    RegistrationStatus,
    RequestStatus,
)
from portal.registrations.services.emails import email_registrant
from portal.registrations.services.seats import lock_meeting


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
    """Staff arranged a request, or cannot: the resident sees it on their page and gets an email (flush only)."""
    from portal.audit.services import record

    request.status = status = RequestStatus(status)
    unavailable = status == RequestStatus.UNAVAILABLE
    request.reason_ja = (reason_ja or "").strip() or None if unavailable else None
    request.reason_en = (reason_en or "").strip() or None if unavailable else None
    record("update", request, label=f"{request.registration.name}: {request.accommodation.name_ja}")
    email_registrant(request.registration, "registrations/accommodation_status")


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
