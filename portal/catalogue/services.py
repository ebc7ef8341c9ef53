"""The 合理的配慮 catalogue: adding and changing kinds. Services flush; views commit."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.audit.services import record
from portal.core.reference import save_row
from portal.extensions import db
from portal.meetings.models import Accommodation


def save_accommodation(accommodation: Accommodation | None, values: dict) -> Accommodation:
    """Create (at the end of the list unless a position is given) or update a kind of support, audited. A new
    kind's code must be its own; the code of an existing kind never changes (meeting-search links use it)."""
    if values.get("position", getattr(accommodation, "position", None)) is None:
        last = db.session.scalar(sa.select(sa.func.max(Accommodation.position))
                                 .where(Accommodation.id != getattr(accommodation, "id", None)))
        values = {**values, "position": (last or 0) + 1}
    return save_row(accommodation or Accommodation, values, audit=record,
                    unique={"code": _l("Another kind of support already uses this code.")})
