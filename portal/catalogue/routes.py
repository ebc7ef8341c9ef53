"""/admin/accommodations: the 合理的配慮 catalogue (editors and administrators)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.audit.services import record_state
from portal.catalogue import bp, services
from portal.catalogue.forms import AccommodationForm
from portal.core.forms import form_values
from portal.core.reference import STATE_ACTIONS, NameTaken, change_state, list_page, retire_panel
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


def _page(form, title, accommodation=None):
    return render_template("admin/form.html", form=form, title=title, submit=_("Save"),
                           back=url_for("catalogue.index"),
                           retire=accommodation and retire_panel(accommodation, "catalogue.state",
                                                                 accommodation_id=accommodation.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = AccommodationForm()
    if form.validate_on_submit():
        try:
            accommodation = services.save_accommodation(None, {"code": form.code.data, **form_values(form, FIELDS)})
        except NameTaken as taken:
            form[taken.field].errors.append(str(taken))
        else:
            db.session.commit()
            flash(_("The kind of support has been saved."), "success")
            return redirect(url_for("catalogue.edit", accommodation_id=accommodation.id))
    return _page(form, _("New kind of support"))


@bp.route("/<int:accommodation_id>", methods=["GET", "POST"])
def edit(accommodation_id: int):
    accommodation = db.get_or_404(Accommodation, accommodation_id)
    form = AccommodationForm(obj=accommodation)
    del form.code  # the meeting search links by code: it stays as it was made
    if form.validate_on_submit():
        services.save_accommodation(accommodation, form_values(form, FIELDS))
        db.session.commit()
        flash(_("The kind of support has been saved."), "success")
        return redirect(url_for("catalogue.edit", accommodation_id=accommodation.id))
    return _page(form, _("%(name)s (code %(code)s)", name=accommodation.name_ja, code=accommodation.code),
                 accommodation)


@bp.post(f"/<int:accommodation_id>/<{STATE_ACTIONS}:action>")
def state(accommodation_id: int, action: str):
    return change_state(db.get_or_404(Accommodation, accommodation_id), action,
                        url_for("catalogue.edit", accommodation_id=accommodation_id), url_for("catalogue.index"),
                        audit=record_state)
