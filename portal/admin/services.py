"""What the dashboard shows, and the staff list."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.accounts.models import User, UserRole
from portal.consultations.models import Consultation, Phase
from portal.consultations.services import in_phase
from portal.core.enums import PublishStatus
from portal.core.timefmt import now_utc
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus


def next_30_days():
    now = now_utc()
    query = (
        sa.select(Meeting)
        .where(Meeting.starts_at >= now, Meeting.starts_at < now + timedelta(days=30))
        .options(joinedload(Meeting.venue))
        .order_by(Meeting.starts_at)
    )
    return db.session.scalars(query).all()


def consultation_counts() -> dict:
    counts = {}
    for phase in Phase:
        query = in_phase(phase).with_only_columns(sa.func.count(Consultation.id)).order_by(None)
        counts[phase] = db.session.scalar(query)
    counts["draft"] = db.session.scalar(
        sa.select(sa.func.count(Consultation.id)).where(Consultation.status == PublishStatus.DRAFT))
    return counts


def drafts_waiting() -> dict:
    return {
        "meetings": db.session.scalar(sa.select(sa.func.count(Meeting.id)).where(Meeting.status == MeetingStatus.DRAFT)),
        "documents": db.session.scalar(sa.select(sa.func.count(Document.id)).where(Document.status == PublishStatus.DRAFT)),
    }


def staff_members():
    query = sa.select(User).where(sa.exists().where(UserRole.user_id == User.id)).order_by(User.display_name)
    return db.session.scalars(query).all()


def consultations_newest_first():
    return db.session.scalars(sa.select(Consultation).order_by(Consultation.opens_at.desc())).all()
