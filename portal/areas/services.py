import sqlalchemy as sa
from flask import abort

from portal.areas.models import Area
from portal.extensions import db


def all_areas():
    return db.session.scalars(sa.select(Area).order_by(Area.position, Area.id)).all()


def get_area_or_404(slug: str) -> Area:
    area = db.session.scalar(sa.select(Area).where(Area.slug == slug))
    if area is None:
        abort(404)
    return area
