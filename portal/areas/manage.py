"""Staff pages for areas (/admin/areas) and venues (/admin/areas/venues) (editors).

Both are kept the same way: one flow (`_form_page`, `_state`), with what differs in a `_Pages`."""

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.areas import manage_services as services
from portal.areas.forms import AreaForm, VenueForm
from portal.areas.models import Area, Venue
from portal.audit.services import record_state
from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import form_values
from portal.core.reference import STATE_ACTIONS, change_state, choosable, form_page, list_page
from portal.extensions import db

bp = Blueprint("areas_admin", __name__, url_prefix="/admin/areas")
bp.before_request(require_roles(Role.EDITOR))


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


def _venue_form(venue: Venue | None) -> VenueForm:
    form = VenueForm(obj=venue, data=None if venue is None else {"area": venue.area_id})
    areas = db.session.scalars(sa.select(Area).order_by(Area.position)).all()
    form.area.set_choices((a.id, a.name_ja) for a in choosable(areas, keep={getattr(venue, "area_id", None)}))
    return form


@dataclass(frozen=True)
class _Pages:
    """What differs between the area pages and the venue pages."""

    model: type
    make_form: Callable  # (row or None) -> the form
    values: Callable  # form -> the values `save` takes
    save: Callable  # (row or None, values) -> row; raises NameTaken
    list_endpoint: str
    edit_endpoint: str
    state_endpoint: str
    id_arg: str
    new_title: str
    saved: str


AREAS = _Pages(Area, lambda area: AreaForm(obj=area), lambda form: form_values(form, services.AREA_FIELDS),
               services.save_area, "areas_admin.index", "areas_admin.edit_area", "areas_admin.area_state", "area_id",
               _l("New area"), _l("The area has been saved."))
VENUES = _Pages(Venue, _venue_form, lambda form: {**form_values(form, services.VENUE_FIELDS), "area_id": form.area.data},
                services.save_venue, "areas_admin.venues", "areas_admin.edit_venue", "areas_admin.venue_state",
                "venue_id", _l("New venue"), _l("The venue has been saved."))


def _form_page(pages: _Pages, row_id: int | None):
    """The new or edit page: saved, it goes back to the list."""
    row = None if row_id is None else db.get_or_404(pages.model, row_id)
    form = pages.make_form(row)
    back = url_for(pages.list_endpoint)
    return form_page(form, row, lambda: pages.save(row, pages.values(form)), saved=str(pages.saved),
                     done=lambda saved: back, back=back, new_title=str(pages.new_title),
                     retire=(pages.state_endpoint, pages.id_arg))


def _state(pages: _Pages, row_id: int, action: str):
    return change_state(db.get_or_404(pages.model, row_id), action,
                        url_for(pages.edit_endpoint, **{pages.id_arg: row_id}), url_for(pages.list_endpoint),
                        audit=record_state)


@bp.route("/new", methods=["GET", "POST"])
def new_area():
    return _form_page(AREAS, None)


@bp.route("/<int:area_id>", methods=["GET", "POST"])
def edit_area(area_id: int):
    return _form_page(AREAS, area_id)


@bp.post(f"/<int:area_id>/<{STATE_ACTIONS}:action>")
def area_state(area_id: int, action: str):
    return _state(AREAS, area_id, action)


@bp.route("/venues/new", methods=["GET", "POST"])
def new_venue():
    return _form_page(VENUES, None)


@bp.route("/venues/<int:venue_id>", methods=["GET", "POST"])
def edit_venue(venue_id: int):
    return _form_page(VENUES, venue_id)


@bp.post(f"/venues/<int:venue_id>/<{STATE_ACTIONS}:action>")
def venue_state(venue_id: int, action: str):
    return _state(VENUES, venue_id, action)
