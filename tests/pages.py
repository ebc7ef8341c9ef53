"""The public pages of the demo data, for the page and accessibility tests."""

import sqlalchemy as sa

from portal.areas.models import Area
from portal.committees.models import Committee
from portal.consultations.models import Consultation
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind, MeetingStatus


def public_urls() -> list[str]:
    """One URL of every public page kind, with the interesting variants of meetings."""
    area = db.session.scalar(sa.select(Area).where(Area.is_model_area).order_by(Area.id))
    committee = db.session.scalar(sa.select(Committee))
    forum = db.session.scalar(sa.select(Meeting).where(Meeting.kind == MeetingKind.FORUM))
    cancelled = db.session.scalar(sa.select(Meeting).where(Meeting.status == MeetingStatus.CANCELLED))
    past_committee = db.session.scalar(
        sa.select(Meeting).where(Meeting.kind == MeetingKind.COMMITTEE).order_by(Meeting.starts_at)
    )
    online = db.session.scalar(sa.select(Meeting).where(Meeting.venue_id.is_(None)))
    consultations = db.session.scalars(sa.select(Consultation).order_by(Consultation.id)).all()
    earlier_term = min(t.number for t in committee.terms)
    return [
        "/",
        "/areas",
        f"/areas/{area.slug}",
        "/meetings",
        "/meetings?kind=area_meeting&acc=sign_language&seats=y",
        "/meetings?when=past",
        f"/meetings/{forum.id}",
        f"/meetings/{forum.id}/register",
        f"/meetings/{cancelled.id}",
        f"/meetings/{past_committee.id}",
        f"/meetings/{online.id}",
        "/committees",
        f"/committees/{committee.slug}",
        f"/committees/{committee.slug}/terms/{earlier_term}",
        "/consultations",
        *[f"/consultations/{c.id}" for c in consultations],
        *[f"/consultations/{c.id}/results" for c in consultations if c.results_published_at],
        *[f"/consultations/{c.id}/comment" for c in consultations if c.phase == "open"],
        "/consultations/comment-status",
    ]
