"""Staff pages for consultations under /admin/consultations (editors)."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.areas.models import Venue
from portal.consultations import services
from portal.consultations.forms import ConsultationAdminFilterForm, ConsultationForm
from portal.consultations.models import Consultation
from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import form_values
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.documents.services import staff_documents
from portal.extensions import db

bp = Blueprint("consultations_admin", __name__, url_prefix="/admin/consultations")
bp.before_request(require_roles(Role.EDITOR))

FIELDS = ("title_ja", "title_en", "summary_ja", "summary_en", "department_ja", "department_en", "opens_at",
          "closes_at", "short_period_reason_ja", "short_period_reason_en", "eligibility_ja", "eligibility_en",
          "postal_address_ja", "postal_address_en", "fax", "status", "require_address")


@bp.get("/")
def index():
    form = ConsultationAdminFilterForm(request.args)
    pagination = paginate(services.staff_query(form.valid_data()), page_arg(), current_app.config["PER_PAGE"] * 2)
    return render_page("consultations/manage/list.html", "results", form=form, pagination=pagination)


def _form(consultation=None):
    data = None
    if consultation is not None and request.method == "GET":
        data = {name: getattr(consultation, name) for name in FIELDS}
        data["places"] = [p.venue_id for p in consultation.places]
    form = ConsultationForm(data=data)
    form.places.choices = [(v.id, v.name_ja) for v in db.session.scalars(sa.select(Venue).order_by(Venue.name_ja))]
    return form


def _save(form, consultation):
    consultation = services.save(consultation, form_values(form, FIELDS), form.places.data or [])
    db.session.commit()
    flash(_("The consultation has been saved."))
    return redirect(url_for("consultations_admin.edit", consultation_id=consultation.id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _form()
    if form.validate_on_submit():
        return _save(form, None)
    return render_template("admin/form.html", form=form, title=_("New consultation"), submit=_("Save"),
                           back=url_for("consultations_admin.index"))


@bp.route("/<int:consultation_id>", methods=["GET", "POST"])
def edit(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = _form(consultation)
    if form.validate_on_submit():
        return _save(form, consultation)
    return render_template("consultations/manage/edit.html", form=form, consultation=consultation,
                           documents=staff_documents(consultation_id=consultation.id))


@bp.post("/<int:consultation_id>/publish-results")
def publish_results(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    try:
        services.publish_results(consultation)
    except services.ResultsNotPublishable:
        abort(409)
    db.session.commit()
    flash(_("The results are marked as published."))
    return redirect(url_for("consultations_admin.edit", consultation_id=consultation.id))
