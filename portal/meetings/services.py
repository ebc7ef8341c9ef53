"""Meeting queries: what the public sees and how it is filtered."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal.areas.models import Area
from portal.core.timefmt import month_bounds, now_utc
from portal.extensions import db
from portal.meetings.models import VISIBLE, Accommodation, Meeting, MeetingStatus, meeting_accommodations


def with_listing_details(query):
    return query.options(
        joinedload(Meeting.area),
        joinedload(Meeting.venue),
        joinedload(Meeting.committee),
        selectinload(Meeting.accommodations),
    )


def listed():
    """Published meetings (cancelled and draft ones are not listed)."""
    return sa.select(Meeting).where(Meeting.status == MeetingStatus.PUBLISHED)


def filtered_meetings(filters: dict):
    query = with_listing_details(listed())
    now = now_utc()
    if kind := filters.get("kind"):
        query = query.where(Meeting.kind == kind)
    if slug := filters.get("area"):
        query = query.where(Meeting.area_id == sa.select(Area.id).where(Area.slug == slug).scalar_subquery())
    if month := filters.get("month"):
        year, mon = (int(part) for part in month.split("-"))
        start, end = month_bounds(year, mon)
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if codes := filters.get("acc"):
        # Meetings offering every selected kind of support.
        for code in codes:
            query = query.where(
                sa.exists()
                .where(meeting_accommodations.c.meeting_id == Meeting.id)
                .where(meeting_accommodations.c.accommodation_id == Accommodation.id)
                .where(Accommodation.code == code)
            )
    if filters.get("seats"):
        query = query.where(
            sa.or_(Meeting.capacity.is_(None), Meeting.seats_taken + Meeting.reserved_seats < Meeting.capacity)
        )
    if filters.get("month"):
        return query.order_by(Meeting.starts_at, Meeting.id)
    if filters.get("when") == "past":
        return query.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)


def upcoming(limit: int, area_id: int | None = None):
    query = with_listing_details(listed()).where(Meeting.starts_at >= now_utc())
    if area_id is not None:
        query = query.where(Meeting.area_id == area_id)
    return db.session.scalars(query.order_by(Meeting.starts_at).limit(limit)).unique().all()


def past(limit: int, area_id: int | None = None):
    query = with_listing_details(listed()).where(Meeting.starts_at < now_utc())
    if area_id is not None:
        query = query.where(Meeting.area_id == area_id)
    return db.session.scalars(query.order_by(Meeting.starts_at.desc()).limit(limit)).unique().all()


def visible_meeting(meeting_id: int, page: bool = True) -> Meeting | None:
    """A meeting the public may open by URL (published or cancelled), else None; with what its page shows, or
    without the agenda and documents (page=False: the registration form, which shows neither)."""
    query = with_listing_details(sa.select(Meeting).where(Meeting.id == meeting_id, Meeting.status.in_(VISIBLE)))
    if page:
        query = query.options(selectinload(Meeting.agenda_items), selectinload(Meeting.documents))
    return db.session.scalars(query).unique().one_or_none()


def offered_accommodations(meeting: Meeting) -> list[Accommodation]:
    """The kinds of support a resident may ask for at this meeting now (retired kinds are no longer offered)."""
    return [a for a in meeting.accommodations if a.retired_at is None]


def filter_choices():
    areas = db.session.scalars(sa.select(Area).order_by(Area.position, Area.id)).all()
    accommodations = db.session.scalars(sa.select(Accommodation).order_by(Accommodation.position)).all()
    return areas, accommodations


def committee_model():
    """The committee class, through the meeting's relationship: committees stand above meetings (they list their
    meetings), so this package names them by the relationship and never imports them."""
    return sa.inspect(Meeting).relationships["committee"].mapper.class_


def calendar_meetings(area_slug: str | None, committee_slug: str | None, limit: int = 500) -> list[Meeting] | None:
    """Meetings for a calendar feed: published and cancelled (so subscribers see the cancellation); None when the
    area or published committee it is filtered by does not exist."""
    from datetime import timedelta

    query = sa.select(Meeting).where(
        Meeting.status.in_(VISIBLE), Meeting.starts_at >= now_utc() - timedelta(days=365)
    )
    if area_slug is not None:
        area = db.session.scalar(sa.select(Area).where(Area.slug == area_slug))
        if area is None:
            return None
        query = query.where(Meeting.area_id == area.id)
    if committee_slug is not None:
        committee = db.session.scalar(
            sa.select(committee_model()).filter_by(slug=committee_slug, status="published")
        )
        if committee is None:
            return None
        query = query.where(Meeting.committee_id == committee.id)
    query = query.options(joinedload(Meeting.venue)).order_by(Meeting.starts_at).limit(limit)
    return db.session.scalars(query).unique().all()


# The observer lottery's commitment: the seed exists (secret) before the first application; only its hash is shown.


def commit_lottery_seed(meeting: Meeting) -> None:
    """Give a lottery meeting its secret seed once, before any application (never changed afterwards)."""
    import secrets

    if meeting.observer_lottery and meeting.lottery_seed is None and meeting.lottery_drawn_at is None:
        meeting.lottery_seed, meeting.lottery_committed_at = secrets.token_hex(16), now_utc()


def lottery_commitment(meeting: Meeting) -> str | None:
    """SHA-256 of the seed, published while applications are open; the seed itself only after the draw."""
    import hashlib

    return hashlib.sha256(meeting.lottery_seed.encode()).hexdigest() if meeting.lottery_seed else None
