"""The staff side of areas and venues: save them, audited. Services flush; views commit."""

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.areas.models import Area, Venue
from portal.audit.services import record
from portal.core.reference import NameTaken
from portal.extensions import db

AREA_FIELDS = ("slug", "name_ja", "name_en", "district_type", "covers_ja", "covers_en", "population",
               "is_model_area", "description_ja", "description_en")
VENUE_FIELDS = ("name_ja", "name_en", "address_ja", "address_en", "access_ja", "access_en", "step_free",
                "accessible_toilet", "hearing_loop", "nursing_room", "parking")


def save_area(area: Area | None, values: dict) -> Area:
    """Create (at the end of the list) or update an area, audited; its short name must be its own."""
    clash = db.session.scalar(sa.select(Area).where(Area.slug == values["slug"], Area.id != (area.id if area else -1)))
    if clash is not None:
        raise NameTaken("slug", _("Another area already uses this short name."))
    creating = area is None
    if creating:
        area = Area(position=db.session.scalar(sa.select(sa.func.count(Area.id))))
        db.session.add(area)
    for name, value in values.items():
        setattr(area, name, value)
    record("create" if creating else "update", area)
    return area


def save_venue(venue: Venue | None, values: dict) -> Venue:
    """Create or update a venue, audited; its Japanese name must be its own."""
    clash = db.session.scalar(
        sa.select(Venue.id).where(Venue.name_ja == values["name_ja"], Venue.id != (venue.id if venue else -1)))
    if clash is not None:
        raise NameTaken("name_ja", _("Another venue already has this name."))
    creating = venue is None
    if creating:
        venue = Venue()
        db.session.add(venue)
    for name, value in values.items():
        setattr(venue, name, value)
    record("create" if creating else "update", venue)
    return venue
