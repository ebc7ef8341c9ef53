"""Consultations as the public sees them, grouped by phase; the staff list; saving one; publishing the results."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from portal.audit.services import pending_changes, record
from portal.consultations.models import Consultation, ConsultationPlace, Phase
from portal.core import timefmt
from portal.core.enums import PublishStatus
from portal.extensions import db


def published():
    return sa.select(Consultation).where(Consultation.status == PublishStatus.PUBLISHED)


def in_phase(phase: Phase, now=None):
    """A query for published consultations in one phase, decided on the server clock."""
    now = now or timefmt.now_utc()
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


def public_consultation(consultation_id: int) -> Consultation | None:
    """The consultation if residents may see it (published), with its places and documents loaded."""
    query = (
        published()
        .where(Consultation.id == consultation_id)
        .options(
            selectinload(Consultation.places).options(joinedload(ConsultationPlace.venue)),
            selectinload(Consultation.documents),
        )
    )
    return db.session.scalar(query)


def with_results(consultation_id: int) -> Consultation | None:
    """The consultation if residents may see its results (published, results published), else None; without the
    places and documents public_consultation() loads: the results page shows no places, and reads the documents
    only for the whole page, not for its htmx fragment."""
    return db.session.scalar(
        published().where(Consultation.id == consultation_id, Consultation.results_published_at.is_not(None))
    )


def staff_query(filters: dict):
    """Every consultation for the staff list: a state (draft or a phase), words in the title, a sort order."""
    state = filters.get("state")
    if state == "draft":
        query = sa.select(Consultation).where(Consultation.status == PublishStatus.DRAFT)
    elif state:
        query = in_phase(Phase(state))
    else:
        query = sa.select(Consultation)
    if q := filters.get("q"):
        query = query.where(sa.or_(Consultation.title_ja.contains(q), Consultation.title_en.contains(q)))
    order = {"soonest": Consultation.opens_at, "title": Consultation.title_ja}.get(filters.get("sort"),
                                                                                   Consultation.opens_at.desc())
    return query.order_by(None).order_by(order, Consultation.id)


def save(consultation: Consultation | None, values: dict, venue_ids: list[int]) -> Consultation:
    """Create or update a consultation and the places where it can be read, in the order given, audited
    ("publish" when this save publishes it)."""
    creating = consultation is None
    consultation = consultation or Consultation()
    for name, value in values.items():
        setattr(consultation, name, value)
    if creating:
        db.session.add(consultation)
    changes = pending_changes(consultation)
    before = sorted(p.venue_id for p in consultation.places)
    if before != sorted(venue_ids):
        consultation.places = [ConsultationPlace(venue_id=venue_id, position=n) for n, venue_id in enumerate(venue_ids)]
        changes["places"] = [before, sorted(venue_ids)]
    published = "status" in changes and consultation.status == "published"
    record("create" if creating else ("publish" if published else "update"), consultation, changes)
    return consultation


class ResultsNotPublishable(Exception):
    """The results cannot be published now."""


def publish_results(consultation: Consultation) -> None:
    """Publish the results: only once the comment period has ended, and only once."""
    if consultation.phase_at(timefmt.now_utc()) != Phase.REVIEWING:
        raise ResultsNotPublishable(_l("Results can be published once the comment period has ended, and only once."))
    consultation.results_published_at = timefmt.now_utc()
    record("publish", consultation)
