"""Staff pages for areas and venues under /admin/areas (editors)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.accounts.models import Role
from portal.areas.forms import AreaForm, VenueForm
from portal.areas.models import Area, Venue
from portal.audit.services import record
from portal.core.access import require_roles
from portal.core.forms import apply
from portal.extensions import db

bp = Blueprint("areas_admin", __name__, url_prefix="/admin/areas")
bp.before_request(require_roles(Role.EDITOR))

AREA_FIELDS = ("slug", "name_ja", "name_en", "district_type", "covers_ja", "covers_en", "population",
               "is_model_area", "description_ja", "description_en")
VENUE_FIELDS = ("name_ja", "name_en", "address_ja", "address_en", "access_ja", "access_en", "step_free",
                "accessible_toilet", "hearing_loop", "nursing_room", "parking")


@bp.get("/")
def index():
    areas = db.session.scalars(sa.select(Area).order_by(Area.position, Area.id)).all()
    venues = db.session.scalars(sa.select(Venue).order_by(Venue.name_ja)).all()
    return render_template("areas/manage/list.html", areas=areas, venues=venues)


def _save_area(form, area: Area | None):
    creating = area is None
    clash = db.session.scalar(sa.select(Area).where(Area.slug == form.slug.data, Area.id != (area.id if area else -1)))
    if clash is not None:
        form.slug.errors.append(_("Another area already uses this short name."))
        return None
    if creating:
        area = Area(position=db.session.scalar(sa.select(sa.func.count(Area.id))))
        db.session.add(area)
    apply(form, area, AREA_FIELDS)
    area.is_model_area = bool(form.is_model_area.data)
    record("create" if creating else "update", area)
    db.session.commit()
    flash(_("The area has been saved."))
    return redirect(url_for("areas_admin.index"))


@bp.route("/new", methods=["GET", "POST"])
def new_area():
    form = AreaForm()
    if form.validate_on_submit() and (response := _save_area(form, None)):
        return response
    return render_template("admin/form.html", form=form, title=_("New area"), submit=_("Save"),
                           back=url_for("areas_admin.index"))


@bp.route("/<int:area_id>", methods=["GET", "POST"])
def edit_area(area_id: int):
    area = db.session.get(Area, area_id) or abort(404)
    form = AreaForm(obj=area)
    if form.validate_on_submit() and (response := _save_area(form, area)):
        return response
    return render_template("admin/form.html", form=form, title=area.name_ja, submit=_("Save changes"),
                           back=url_for("areas_admin.index"))


def _venue_form(venue=None):
    form = VenueForm(obj=venue, data=None if venue is None else {"area": venue.area_id})
    form.area.set_choices((a.id, a.name_ja) for a in db.session.scalars(sa.select(Area).order_by(Area.position)))
    return form


def _save_venue(form, venue: Venue | None):
    creating = venue is None
    venue = venue or Venue()
    if creating:
        db.session.add(venue)
    apply(form, venue, VENUE_FIELDS)
    for name in ("step_free", "accessible_toilet", "hearing_loop", "nursing_room", "parking"):
        setattr(venue, name, bool(getattr(form, name).data))
    venue.area_id = form.area.data
    try:
        record("create" if creating else "update", venue)
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        form.name_ja.errors.append(_("Another venue already has this name."))
        return None
    flash(_("The venue has been saved."))
    return redirect(url_for("areas_admin.index"))


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue():
    form = _venue_form()
    if form.validate_on_submit() and (response := _save_venue(form, None)):
        return response
    return render_template("admin/form.html", form=form, title=_("New venue"), submit=_("Save"),
                           back=url_for("areas_admin.index"))


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
def edit_venue(venue_id: int):
    venue = db.session.get(Venue, venue_id) or abort(404)
    form = _venue_form(venue)
    if form.validate_on_submit() and (response := _save_venue(form, venue)):
        return response
    return render_template("admin/form.html", form=form, title=venue.name_ja, submit=_("Save changes"),
                           back=url_for("areas_admin.index"))
