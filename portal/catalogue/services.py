"""The 合理的配慮 catalogue: adding and changing kinds. Services flush; views commit."""

import sqlalchemy as sa

from portal.audit.services import record
from portal.extensions import db
from portal.meetings.models import Accommodation


def code_taken(code: str) -> bool:
    return db.session.scalar(sa.select(Accommodation.id).where(Accommodation.code == code)) is not None


def save_accommodation(accommodation: Accommodation | None, values: dict) -> Accommodation:
    """Create (at the end of the list unless a position is given) or update a kind of support, audited."""
    creating = accommodation is None
    if creating:
        accommodation = Accommodation()
        db.session.add(accommodation)
    for name, value in values.items():
        setattr(accommodation, name, value)
    if accommodation.position is None:
        accommodation.position = (db.session.scalar(sa.select(sa.func.max(Accommodation.position))) or 0) + 1
    record("create" if creating else "update", accommodation)
    return accommodation
