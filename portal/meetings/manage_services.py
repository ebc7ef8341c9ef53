"""The staff side of meetings: create, edit, duplicate, publish, cancel, report. Services flush; views commit."""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.areas.models import Area, Venue
from portal.audit.services import record
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Accommodation, AgendaItem, Meeting, MeetingStatus
from portal.meetings.services import commit_lottery_seed, committee_model

FIELDS = ("kind", "title_ja", "title_en", "summary_ja", "summary_en", "number", "format", "starts_at", "ends_at",
          "online_url", "capacity", "registration_opens_at", "registration_closes_at", "observer_lottery")
COPIED = FIELDS + ("area_id", "committee_id", "venue_id", "reserved_seats")


class WrongStatus(Exception):
    """The meeting is no longer in a status that allows this (sent twice, or changed in another tab)."""


@dataclass
class MeetingData:
    """What staff entered for a meeting (the view builds it from MeetingForm); empty text is None."""

    kind: str
    title_ja: str
    title_en: str | None
    summary_ja: str | None
    summary_en: str | None
    number: int | None
    format: str
    starts_at: datetime
    ends_at: datetime | None
    online_url: str | None
    capacity: int | None
    registration_opens_at: datetime | None
    registration_closes_at: datetime | None
    observer_lottery: bool
    area_id: int | None = None
    committee_id: int | None = None
    venue_id: int | None = None
    reserved_seats: int = 0
    accommodation_ids: list[int] = field(default_factory=list)
    #: one title per line; the English list follows the Japanese one item by item
    agenda_ja: list[str] = field(default_factory=list)
    agenda_en: list[str] = field(default_factory=list)
    #: chosen by an administrator; None keeps the organiser (for a new meeting: the editor who creates it)
    organiser_id: int | None = None


def form_choices() -> dict:
    committee = committee_model()
    return {
        "areas": db.session.scalars(sa.select(Area).order_by(Area.position)).all(),
        "committees": db.session.scalars(sa.select(committee).order_by(committee.id)).all(),
        "venues": db.session.scalars(sa.select(Venue).order_by(Venue.name_ja)).all(),
        "accommodations": db.session.scalars(sa.select(Accommodation).order_by(Accommodation.position)).all(),
        "organisers": _editors(),
    }


def _editors():
    from portal.accounts.models import User, UserRole
    from portal.core.enums import Role

    editors = sa.select(UserRole.user_id).where(UserRole.role.in_([Role.EDITOR, Role.ADMIN]))
    return db.session.scalars(sa.select(User).where(User.id.in_(editors)).order_by(User.display_name)).all()


def form_data(meeting: Meeting) -> dict:
    data = {name: getattr(meeting, name) for name in FIELDS}
    data.update(
        organiser=meeting.organiser_id, area=meeting.area_id, committee=meeting.committee_id, venue=meeting.venue_id,
        reserved_seats=meeting.reserved_seats, accommodations=[a.id for a in meeting.accommodations],
        agenda_ja="\n".join(i.title_ja for i in meeting.agenda_items),
        agenda_en="\n".join(i.title_en or "" for i in meeting.agenda_items),
    )
    return data


def save(data: MeetingData, acting_user_id: int, meeting: Meeting | None = None) -> Meeting:
    """Create (as a draft, organised by the acting editor) or update a meeting, with an audit entry."""
    creating = meeting is None
    meeting = meeting or Meeting(status=MeetingStatus.DRAFT, seats_taken=0, organiser_id=acting_user_id)
    if data.organiser_id:
        meeting.organiser_id = data.organiser_id
    for name in FIELDS:
        setattr(meeting, name, getattr(data, name))
    meeting.area_id, meeting.committee_id, meeting.venue_id = data.area_id, data.committee_id, data.venue_id
    meeting.reserved_seats = data.reserved_seats
    if creating:
        db.session.add(meeting)
    changes = _changes_with_collections(meeting, data)
    record("create" if creating else "update", meeting, changes)
    commit_lottery_seed(meeting)  # after the audit entry: the seed stays secret until the draw
    return meeting


def frees_seats(meeting: Meeting, capacity_before: int | None, reserved_before: int) -> bool:
    """The capacity went up (or its limit was lifted) or fewer seats are held back: seats became free."""
    more_room = capacity_before is not None and (meeting.capacity is None or meeting.capacity > capacity_before)
    return more_room or meeting.reserved_seats < reserved_before


def _changes_with_collections(meeting: Meeting, data: MeetingData) -> dict:
    from portal.audit.services import pending_changes

    changes = pending_changes(meeting)
    before_acc = sorted(a.code for a in meeting.accommodations) if meeting.id else []
    chosen = db.session.scalars(sa.select(Accommodation).where(Accommodation.id.in_(data.accommodation_ids))).all()
    meeting.accommodations = sorted(chosen, key=lambda a: a.position)
    after_acc = sorted(a.code for a in chosen)
    if before_acc != after_acc:
        changes["accommodations"] = [before_acc, after_acc]
    before_agenda = [i.title_ja for i in meeting.agenda_items] if meeting.id else []
    ja, en = data.agenda_ja, data.agenda_en
    if before_agenda != ja or [i.title_en for i in meeting.agenda_items] != (en + [None] * len(ja))[:len(ja)]:
        meeting.agenda_items = [
            AgendaItem(position=n, title_ja=title, title_en=en[n] if n < len(en) else None)
            for n, title in enumerate(ja)
        ]
        changes["agenda"] = [before_agenda, ja]
    return changes


def duplicate(meeting: Meeting) -> Meeting:
    """A draft copy (the next area meeting is usually a copy): no seats taken, no report, no cancellation."""
    copy = Meeting(status=MeetingStatus.DRAFT, seats_taken=0, organiser_id=meeting.organiser_id,
                   **{name: getattr(meeting, name) for name in COPIED})
    copy.accommodations = list(meeting.accommodations)
    copy.agenda_items = [AgendaItem(position=i.position, title_ja=i.title_ja, title_en=i.title_en)
                         for i in meeting.agenda_items]
    db.session.add(copy)
    db.session.flush()
    record("create", copy, {"copied_from": [None, meeting.id]})
    return copy


def publish(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.DRAFT:
        raise WrongStatus
    meeting.status = MeetingStatus.PUBLISHED
    record("publish", meeting)
    commit_lottery_seed(meeting)
    if meeting.lottery_seed and meeting.lottery_drawn_at is None:
        meeting.lottery_committed_at = now_utc()  # a draft's page is not public: the commitment is from now


def cancel(meeting: Meeting, reason_ja: str, reason_en: str | None) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise WrongStatus
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason_ja, meeting.cancel_reason_en = reason_ja.strip(), (reason_en or "").strip() or None
    record("cancel", meeting)


def save_report(meeting: Meeting, attendance: int, report_ja: str | None, report_en: str | None) -> None:
    meeting.attendance, meeting.report_ja, meeting.report_en = attendance, report_ja, report_en
    record("update", meeting)


def has_started(meeting: Meeting) -> bool:
    return meeting.starts_at <= now_utc()


def staff_list(filters: dict):
    query = sa.select(Meeting).options(sa.orm.joinedload(Meeting.area), sa.orm.joinedload(Meeting.venue))
    if q := filters.get("q"):
        query = query.where(sa.or_(Meeting.title_ja.contains(q), Meeting.title_en.contains(q)))
    if status := filters.get("status"):
        query = query.where(Meeting.status == status)
    if kind := filters.get("kind"):
        query = query.where(Meeting.kind == kind)
    order = {
        "latest": (Meeting.starts_at.desc(),),
        "title": (Meeting.title_ja,),
        "updated": (Meeting.updated_at.desc(),),
    }.get(filters.get("sort"), (Meeting.starts_at,))
    return query.order_by(*order, Meeting.id)
