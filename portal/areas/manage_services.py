"""The staff side of areas and venues: save them, audited. Services flush; views commit."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.areas.models import Area, Venue
from portal.audit.services import record
from portal.core.reference import save_row
from portal.extensions import db

AREA_FIELDS = ("slug", "name_ja", "name_en", "district_type", "covers_ja", "covers_en", "population",
               "is_model_area", "description_ja", "description_en")
VENUE_FIELDS = ("name_ja", "name_en", "address_ja", "address_en", "access_ja", "access_en", "step_free",
                "accessible_toilet", "hearing_loop", "nursing_room", "parking")


def save_area(area: Area | None, values: dict) -> Area:
    """Create (at the end of the list) or update an area, audited; its short name must be its own."""
    if area is None:
        values = {"position": db.session.scalar(sa.select(sa.func.count(Area.id))), **values}
    return save_row(area or Area, values, audit=record,
                    unique={"slug": _l("Another area already uses this short name.")})


def save_venue(venue: Venue | None, values: dict) -> Venue:
    """Create or update a venue, audited; its Japanese name must be its own."""
    return save_row(venue or Venue, values, audit=record, unique={"name_ja": _l("Another venue already has this name.")})
