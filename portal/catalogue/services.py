"""The 合理的配慮 catalogue: adding and changing kinds. Services flush; views commit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.audit.services import record
from portal.core.reference import NameTaken
from portal.extensions import db
from portal.meetings.models import Accommodation


def save_accommodation(accommodation: Accommodation | None, values: dict) -> Accommodation:
    """Create (at the end of the list unless a position is given) or update a kind of support, audited. A new
    kind's code must be its own; the code of an existing kind never changes (meeting-search links use it)."""
    creating = accommodation is None
    if creating:
        if db.session.scalar(sa.select(Accommodation.id).where(Accommodation.code == values["code"])) is not None:
            raise NameTaken("code", _("Another kind of support already uses this code."))
        accommodation = Accommodation()
        db.session.add(accommodation)
    for name, value in values.items():
        setattr(accommodation, name, value)
    if accommodation.position is None:
        accommodation.position = (db.session.scalar(sa.select(sa.func.max(Accommodation.position))) or 0) + 1
    record("create" if creating else "update", accommodation)
    return accommodation
