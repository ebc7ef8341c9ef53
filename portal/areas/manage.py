"""Staff pages for areas (/admin/areas) and venues (/admin/areas/venues) (editors)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.areas.forms import AreaForm, VenueForm
from portal.areas.models import Area, Venue
from portal.audit.services import record, record_state
from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import apply
from portal.core.reference import STATE_ACTIONS, change_state, choosable, list_page, retire_panel
from portal.extensions import db

bp = Blueprint("areas_admin", __name__, url_prefix="/admin/areas")
bp.before_request(require_roles(Role.EDITOR))

AREA_FIELDS = ("slug", "name_ja", "name_en", "district_type", "covers_ja", "covers_en", "population",
               "is_model_area", "description_ja", "description_en")
VENUE_FIELDS = ("name_ja", "name_en", "address_ja", "address_en", "access_ja", "access_en", "step_free",
                "accessible_toilet", "hearing_loop", "nursing_room", "parking")


@bp.get("/")
def index():
    return list_page(Area, Area.position, Area.id, title=_("Areas"), new_url=url_for("areas_admin.new_area"),
                     new_label=_("New area"), links=[(url_for("areas_admin.venues"), _("Venues"))],
                     headers=[_("Name (Japanese)"), _("District type"), _("Population"), _("Status")],
                     row="areas/manage/_area_row.html")


@bp.get("/venues/")
def venues():
    return list_page(Venue, Venue.name_ja, Venue.id, title=_("Venues"), new_url=url_for("areas_admin.new_venue"),
                     new_label=_("New venue"), links=[(url_for("areas_admin.index"), _("Areas"))],
                     headers=[_("Name (Japanese)"), _("Address"), _("Accessibility of the venue"), _("Status")],
                     row="areas/manage/_venue_row.html")


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
    flash(_("The area has been saved."), "success")
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
                           back=url_for("areas_admin.index"),
                           retire=retire_panel(area, "areas_admin.area_state", area_id=area.id))


@bp.post(f"/<int:area_id>/<{STATE_ACTIONS}:action>")
def area_state(area_id: int, action: str):
    return change_state(db.session.get(Area, area_id) or abort(404), action,
                        url_for("areas_admin.edit_area", area_id=area_id), url_for("areas_admin.index"),
                        audit=record_state)


def _venue_form(venue=None):
    form = VenueForm(obj=venue, data=None if venue is None else {"area": venue.area_id})
    areas = db.session.scalars(sa.select(Area).order_by(Area.position)).all()
    form.area.set_choices((a.id, a.name_ja) for a in choosable(areas, keep={getattr(venue, "area_id", None)}))
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
    flash(_("The venue has been saved."), "success")
    return redirect(url_for("areas_admin.venues"))


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue():
    form = _venue_form()
    if form.validate_on_submit() and (response := _save_venue(form, None)):
        return response
    return render_template("admin/form.html", form=form, title=_("New venue"), submit=_("Save"),
                           back=url_for("areas_admin.venues"))


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
def edit_venue(venue_id: int):
    venue = db.session.get(Venue, venue_id) or abort(404)
    form = _venue_form(venue)
    if form.validate_on_submit() and (response := _save_venue(form, venue)):
        return response
    return render_template("admin/form.html", form=form, title=venue.name_ja, submit=_("Save changes"),
                           back=url_for("areas_admin.venues"),
                           retire=retire_panel(venue, "areas_admin.venue_state", venue_id=venue.id))


@bp.post(f"/venues/<int:venue_id>/<{STATE_ACTIONS}:action>")
def venue_state(venue_id: int, action: str):
    return change_state(db.session.get(Venue, venue_id) or abort(404), action,
                        url_for("areas_admin.edit_venue", venue_id=venue_id), url_for("areas_admin.venues"),
                        audit=record_state)
