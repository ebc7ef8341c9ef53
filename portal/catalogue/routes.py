"""/admin/accommodations: the 合理的配慮 catalogue (editors and administrators)."""

from flask import url_for
from flask_babel import gettext as _

from portal.audit.services import record_state
from portal.catalogue import bp, services
from portal.catalogue.forms import AccommodationForm
from portal.core.forms import form_values
from portal.core.reference import STATE_ACTIONS, change_state, form_page, list_page
from portal.extensions import db
from portal.meetings.models import Accommodation

FIELDS = ("name_ja", "name_en", "lead_days", "details_prompt_ja", "details_prompt_en", "description_ja",
          "description_en", "position")


@bp.get("/")
def index():
    return list_page(Accommodation, Accommodation.position, Accommodation.id, title=_("Support catalogue"),
                     lead=_("The kinds of support (reasonable accommodation) participants can ask for, and how far ahead."),
                     new_url=url_for("catalogue.new"), new_label=_("New kind of support"),
                     headers=[_("Name (Japanese)"), _("Code"), _("Lead time"), _("Follow-up question"), _("Status")],
                     row="admin/_accommodation_row.html")


def _form_page(accommodation: Accommodation | None, form: AccommodationForm, fields: tuple):
    """The new or edit page: saved, it shows the kind's page."""
    return form_page(form, accommodation, lambda: services.save_accommodation(accommodation, form_values(form, fields)),
                     saved=_("The kind of support has been saved."), back=url_for("catalogue.index"),
                     done=lambda saved: url_for("catalogue.edit", accommodation_id=saved.id),
                     new_title=_("New kind of support"), retire=("catalogue.state", "accommodation_id"), submit=_("Save"),
                     title=accommodation and _("%(name)s (code %(code)s)", name=accommodation.name_ja,
                                               code=accommodation.code))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = AccommodationForm()
    return _form_page(None, form, ("code", *FIELDS))


@bp.route("/<int:accommodation_id>", methods=["GET", "POST"])
def edit(accommodation_id: int):
    accommodation = db.get_or_404(Accommodation, accommodation_id)
    form = AccommodationForm(obj=accommodation)
    del form.code  # the meeting search links by code: it stays as it was made
    return _form_page(accommodation, form, FIELDS)


@bp.post(f"/<int:accommodation_id>/<{STATE_ACTIONS}:action>")
def state(accommodation_id: int, action: str):
    return change_state(db.get_or_404(Accommodation, accommodation_id), action,
                        url_for("catalogue.edit", accommodation_id=accommodation_id), url_for("catalogue.index"),
                        audit=record_state)
