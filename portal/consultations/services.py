"""Consultations as the public sees them, grouped by phase."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from portal.consultations.models import Consultation, ConsultationPlace, Phase
from portal.core.enums import PublishStatus
from portal.core.timefmt import now_utc
from portal.extensions import db


def published():
    return sa.select(Consultation).where(Consultation.status == PublishStatus.PUBLISHED)


def in_phase(phase: Phase, now=None):
    """A query for published consultations in one phase, decided on the server clock."""
    now = now or now_utc()
    no_results = Consultation.results_published_at.is_(None)
    query = published()
    if phase == Phase.UPCOMING:
        return query.where(no_results, Consultation.opens_at > now).order_by(Consultation.opens_at)
    if phase == Phase.OPEN:
        return query.where(
            no_results, Consultation.opens_at <= now, Consultation.closes_at >= now
        ).order_by(Consultation.closes_at)
    if phase == Phase.REVIEWING:
        return query.where(no_results, Consultation.closes_at < now).order_by(Consultation.closes_at.desc())
    return query.where(Consultation.results_published_at.is_not(None)).order_by(
        Consultation.results_published_at.desc()
    )


def list_phase(phase: Phase, limit: int | None = None):
    query = in_phase(phase)
    if limit:
        query = query.limit(limit)
    return db.session.scalars(query).all()


def get_consultation_or_404(consultation_id: int) -> Consultation:
    query = (
        published()
        .where(Consultation.id == consultation_id)
        .options(
            selectinload(Consultation.places).options(joinedload(ConsultationPlace.venue)),
            selectinload(Consultation.documents),
        )
    )
    consultation = db.session.scalar(query)
    if consultation is None:
        abort(404)
    return consultation
