"""The staff side of committees: terms, members and the meeting schedule."""

from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort

from portal.audit.services import record
from portal.committees.models import Committee, CommitteeMember, CommitteeTerm
from portal.core.timefmt import tokyo_datetime
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind, MeetingStatus


def get_or_404(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    return obj


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


def create_schedule(committee: Committee, form) -> list[Meeting]:
    """Draft meetings every N months, numbered on from the last meeting of their term."""
    created = []
    for n in range(form.count.data):
        day = same_weekday_of_month(form.first_day.data, n * form.months_between.data)
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
            starts_at=tokyo_datetime(day, form.starts.data.hour, form.starts.data.minute),
            ends_at=tokyo_datetime(day, form.ends.data.hour, form.ends.data.minute),
            venue_id=form.venue.data, capacity=form.capacity.data, seats_taken=0,
        )
        db.session.add(meeting)
        record("create", meeting)
        created.append(meeting)
    return created


def add_member(term: CommitteeTerm, form) -> CommitteeMember:
    member = CommitteeMember(term_id=term.id, position=len(term.members))
    form.populate_obj(member)
    db.session.add(member)
    record("create", member, label=f"{member.name_ja} ({term.title_ja})")
    return member
