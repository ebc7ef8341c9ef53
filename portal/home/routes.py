import sqlalchemy as sa
from flask import Response, render_template

from portal.areas import services as areas
from portal.committees import services as committees
from portal.consultations import services as consultations
from portal.consultations.models import Phase
from portal.core.fragments import shared_page
from portal.extensions import db
from portal.home import bp
from portal.meetings import services as meetings


@bp.get("/")
@shared_page()
def index():
    return render_template(
        "home/public/index.html",
        meetings=meetings.upcoming(5),
        consultations=consultations.list_phase(Phase.OPEN, limit=5),
        materials=committees.latest_materials(5),
        areas=areas.all_areas(),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return Response("database unavailable", status=503, mimetype="text/plain")
    return Response("ok", mimetype="text/plain")
