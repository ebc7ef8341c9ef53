"""The staff side of committees: the committee, its members and the meeting schedule. Services flush; views
commit."""

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.services import record, snapshot
from portal.committees.models import Committee, CommitteeMember, CommitteeTerm
from portal.core.reference import save_row
from portal.core.timefmt import tokyo_datetime
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind, MeetingStatus

FIELDS = ("slug", "name_ja", "name_en", "purpose_ja", "purpose_en", "rhythm_ja", "rhythm_en", "observation_ja",
          "observation_en", "department_ja", "department_en", "status")
TERM_FIELDS = ("number", "starts_on", "ends_on", "charge_ja", "charge_en")
MEMBER_FIELDS = ("name_ja", "name_en", "furigana", "role", "category", "affiliation_ja", "affiliation_en")


@dataclass
class SchedulePlan:
    """A run of committee meetings: from the first date, `count` meetings `months_between` months apart."""

    first_day: date
    count: int
    months_between: int
    starts: time
    ends: time
    venue_id: int | None
    #: seats for observers; None = no limit
    capacity: int | None


def save_committee(committee: Committee | None, values: dict) -> Committee:
    """Create or update a committee, audited; its short name must be its own."""
    return save_row(committee or Committee, values, audit=record,
                    unique={"slug": _l("Another committee already uses this short name.")})


def save_term(committee: Committee, term: CommitteeTerm | None, values: dict) -> CommitteeTerm:
    """Create or update a term of the committee (values: TERM_FIELDS), audited; its number must be its own."""
    return save_row(term or CommitteeTerm, {"committee_id": committee.id, **values}, within=("committee_id",),
                    unique={"number": _l("This committee already has a term with this number.")},
                    audit=lambda action, term: record(action, term, label=f"{committee.name_ja} {term.title_ja}"))


def same_weekday_of_month(first: date, months_later: int) -> date:
    """The same nth weekday (e.g. third Friday) `months_later` months after `first`."""
    nth, weekday = (first.day - 1) // 7, first.weekday()
    index = first.month - 1 + months_later
    month_start = date(first.year + index // 12, index % 12 + 1, 1)
    day = month_start + timedelta(days=(weekday - month_start.weekday()) % 7 + 7 * nth)
    if day.month != month_start.month:  # no fifth such weekday this month: take the last one
        day -= timedelta(days=7)
    return day


def term_for(committee: Committee, day: date) -> CommitteeTerm | None:
    return next((t for t in committee.terms if t.starts_on <= day <= t.ends_on), None)


def create_schedule(committee: Committee, plan: SchedulePlan) -> list[Meeting]:
    """Draft meetings every N months, numbered on from the last meeting of their term; none when no date falls
    within a term."""
    created = []
    for n in range(plan.count):
        day = same_weekday_of_month(plan.first_day, n * plan.months_between)
        term = term_for(committee, day)
        if term is None:
            continue
        begin = tokyo_datetime(term.starts_on, 0)
        end = tokyo_datetime(term.ends_on + timedelta(days=1), 0)
        last = db.session.scalar(sa.select(sa.func.max(Meeting.number)).where(
            Meeting.committee_id == committee.id, Meeting.starts_at >= begin, Meeting.starts_at < end))
        number = (last or 0) + 1
        meeting = Meeting(
            kind=MeetingKind.COMMITTEE, status=MeetingStatus.DRAFT, committee_id=committee.id, number=number,
            title_ja=f"{term.title_ja} 第{number}回 {committee.name_ja}",
            title_en=f"{committee.name_en or committee.name_ja}, term {term.number}, meeting {number}",
            starts_at=tokyo_datetime(day, plan.starts.hour, plan.starts.minute),
            ends_at=tokyo_datetime(day, plan.ends.hour, plan.ends.minute),
            venue_id=plan.venue_id, capacity=plan.capacity, seats_taken=0,
        )
        db.session.add(meeting)
        record("create", meeting)
        created.append(meeting)
    return created


def save_member(term: CommitteeTerm, member: CommitteeMember | None, values: dict) -> CommitteeMember:
    """Add a member, listed after the others of the term, or change one (values: MEMBER_FIELDS), audited."""
    if member is not None:
        return save_row(member, values, audit=record)
    return save_row(CommitteeMember, {"term_id": term.id, "position": len(term.members), **values},
                    audit=lambda action, member: record(action, member, label=f"{member.name_ja} ({term.title_ja})"))


def delete_member(member: CommitteeMember) -> None:
    record("delete", member, snapshot(member))
    db.session.delete(member)
    db.session.flush()
