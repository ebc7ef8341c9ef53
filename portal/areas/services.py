import sqlalchemy as sa

from portal.areas.models import Area
from portal.extensions import db


def all_areas():
    """The areas residents pick from; a retired one stays readable at its own address only."""
    return db.session.scalars(sa.select(Area).where(Area.retired_at.is_(None)).order_by(Area.position, Area.id)).all()
