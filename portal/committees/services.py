"""Committee pages: current term, members by category, meetings of a term with their materials."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.committees.models import ROLE_ORDER, Committee, CommitteeMember, CommitteeTerm, MemberCategory
from portal.core.enums import PublishStatus
from portal.core.timefmt import TOKYO, now_utc, tokyo_today
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import VISIBLE, Meeting


def published_committees():
    query = (
        sa.select(Committee)
        .where(Committee.status == PublishStatus.PUBLISHED, Committee.retired_at.is_(None))  # retired: its page stays
        .options(joinedload(Committee.terms))  # a few terms each: one statement, not two
        .order_by(Committee.id)
    )
    return db.session.scalars(query).unique().all()


def published_committee(slug: str) -> Committee | None:
    """A committee residents may open (a retired one too: its page stays), with its terms; else None."""
    query = (
        sa.select(Committee)
        .where(Committee.slug == slug, Committee.status == PublishStatus.PUBLISHED)
        .options(joinedload(Committee.terms))
    )
    return db.session.scalars(query).unique().one_or_none()


def current_term(committee: Committee, today: date | None = None) -> CommitteeTerm | None:
    """The term running today, else the latest one that has started."""
    today = today or tokyo_today()
    started = [term for term in committee.terms if term.starts_on <= today]
    running = [term for term in started if today <= term.ends_on]
    return (running or started or [None])[0]


def term_numbered(committee: Committee, number: int) -> CommitteeTerm | None:
    return next((term for term in committee.terms if term.number == number), None)


def members_by_category(term: CommitteeTerm):
    """[(category title, [members])], chair and vice-chair first within each category."""
    members = db.session.scalars(
        sa.select(CommitteeMember).where(CommitteeMember.term_id == term.id)
    ).all()
    groups = []
    for category in MemberCategory:
        in_category = sorted(
            (m for m in members if m.category == category), key=lambda m: (ROLE_ORDER[m.role], m.position)
        )
        if in_category:
            groups.append((category.label, in_category))
    return groups


def _tokyo_bounds(term: CommitteeTerm):
    begin = datetime(term.starts_on.year, term.starts_on.month, term.starts_on.day, tzinfo=TOKYO)
    end_day = term.ends_on + timedelta(days=1)
    end = datetime(end_day.year, end_day.month, end_day.day, tzinfo=TOKYO)
    return begin, end


def term_meetings(committee: Committee, term: CommitteeTerm):
    """(upcoming, past) meetings of one term, with agenda and published materials loaded."""
    begin, end = _tokyo_bounds(term)
    query = (
        sa.select(Meeting)
        .where(
            Meeting.committee_id == committee.id,
            Meeting.status.in_(VISIBLE),
            Meeting.starts_at >= begin,
            Meeting.starts_at < end,
        )
        .options(
            joinedload(Meeting.venue),
            selectinload(Meeting.agenda_items),
            selectinload(Meeting.documents),
        )
        .order_by(Meeting.starts_at)
    )
    meetings = db.session.scalars(query).unique().all()
    now = now_utc()
    upcoming = [m for m in meetings if m.starts_at >= now]
    past = [m for m in meetings if m.starts_at < now]
    return upcoming, list(reversed(past))


def committee_documents(committee: Committee):
    """Reports and other papers of the committee itself (答申), newest first."""
    query = (
        sa.select(Document)
        .where(Document.committee_id == committee.id, Document.is_shown)
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return db.session.scalars(query).all()


def latest_materials(limit: int) -> list[Document]:
    """Newest public materials of committees and their meetings, for the home page."""
    # Committee meetings are few: their ids first, so only their documents are read, not every document. "Of
    # one of the committees" rather than "IS NOT NULL": equalities, which SQLite looks up in the
    # (committee_id, status, starts_at) index and the documents' parent indexes instead of reading every row.
    committees = sa.select(Committee.id)
    committee_meetings = sa.select(Meeting.id).where(Meeting.committee_id.in_(committees), Meeting.status.in_(VISIBLE))
    newest = (
        sa.select(Document.id)
        .where(
            Document.is_shown,
            sa.or_(Document.meeting_id.in_(committee_meetings), Document.committee_id.in_(committees)),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(limit)
        .subquery()
    )
    # The newest few are chosen first and only they are joined to their parents (PostgreSQL otherwise joined
    # every meeting to the candidates before sorting them).
    query = (
        sa.select(Document)
        .join(newest, Document.id == newest.c.id)
        .options(joinedload(Document.meeting), joinedload(Document.committee))
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    return db.session.scalars(query).unique().all()
