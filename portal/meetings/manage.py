"""Staff pages for meetings under /admin/meetings (editors)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import form_values, lines
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.documents import services as documents
from portal.extensions import db
from portal.meetings import manage_services as services
from portal.meetings.forms import CancelForm, MeetingAdminFilterForm, MeetingForm, ReportForm
from portal.meetings.models import Meeting
from portal.registrations import services as registrations

bp = Blueprint("meetings_admin", __name__, url_prefix="/admin/meetings")
bp.before_request(require_roles(Role.EDITOR))


@bp.get("/")
def index():
    form = MeetingAdminFilterForm(request.args)
    filters = form.valid_data()
    pagination = paginate(services.staff_list(filters), page_arg(), current_app.config["PER_PAGE"] * 2)
    return render_page("meetings/manage/list.html", "results", form=form, pagination=pagination)


def _meeting_form(**kwargs) -> MeetingForm:
    # `meeting` (when editing) keeps its retired area, venue, committee or kinds of support among the choices
    form = MeetingForm(**kwargs, **services.form_choices())
    if "admin" not in current_user.role_names:
        del form.organiser  # only administrators hand a meeting (and its registrations) to another editor
    return form


def _meeting_data(form: MeetingForm) -> services.MeetingData:
    return services.MeetingData(
        **form_values(form, services.FIELDS), area_id=form.area.data, committee_id=form.committee.data,
        venue_id=form.venue.data, reserved_seats=form.reserved_seats.data or 0,
        accommodation_ids=form.accommodations.data or [],
        agenda_ja=lines(form.agenda_ja.data), agenda_en=lines(form.agenda_en.data),
        organiser_id=form.organiser.data if "organiser" in form else None,  # the field exists for administrators only
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = _meeting_form()
    if form.validate_on_submit():
        meeting = services.save(_meeting_data(form), current_user.id)
        db.session.commit()
        flash(_("The meeting has been saved as a draft. Publish it when it is ready."))
        return redirect(url_for("meetings_admin.edit", meeting_id=meeting.id))
    return render_template("admin/form.html", form=form, title=_("New meeting"), submit=_("Save as draft"),
                           back=url_for("meetings_admin.index"))


@bp.route("/<int:meeting_id>", methods=["GET", "POST"])
def edit(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = _meeting_form(data=None if request.method == "POST" else services.form_data(meeting),
                         seats_taken=meeting.seats_taken, meeting=meeting)
    if form.validate_on_submit():
        capacity_before, reserved_before = meeting.capacity, meeting.reserved_seats
        services.save(_meeting_data(form), current_user.id, meeting)
        if meeting.observer_lottery:
            registrations.open_lottery(meeting)  # registrations made before the lottery was switched on apply too
        if services.frees_seats(meeting, capacity_before, reserved_before):
            registrations.offer_freed_seats(meeting)  # the waiting list comes first, as with a cancelled seat
        db.session.commit()
        flash(_("The changes have been saved."))
        return redirect(url_for("meetings_admin.edit", meeting_id=meeting.id))
    return render_template("meetings/manage/edit.html", form=form, meeting=meeting,
                           started=services.has_started(meeting),
                           documents=documents.staff_documents(meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/duplicate")
def duplicate(meeting_id: int):
    copy = services.duplicate(db.get_or_404(Meeting, meeting_id))
    db.session.commit()
    flash(_("A copy has been made as a draft. Change its date and publish it."))
    return redirect(url_for("meetings_admin.edit", meeting_id=copy.id))


@bp.post("/<int:meeting_id>/publish")
def publish(meeting_id: int):
    try:
        services.publish(db.get_or_404(Meeting, meeting_id))
    except services.WrongStatus:
        abort(409)
    db.session.commit()
    flash(_("The meeting is published."))
    return redirect(url_for("meetings_admin.edit", meeting_id=meeting_id))


@bp.route("/<int:meeting_id>/cancel", methods=["GET", "POST"])
def cancel(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel(meeting, form.reason_ja.data, form.reason_en.data)
        except services.WrongStatus:
            abort(409)
        db.session.commit()
        flash(_("The meeting is cancelled. Its public page now says so, with the reason."))
        return redirect(url_for("meetings_admin.edit", meeting_id=meeting.id))
    return render_template("admin/form.html", form=form, title=_("Cancel: %(title)s", title=meeting.title_ja),
                           submit=_("Cancel the meeting"), back=url_for("meetings_admin.edit", meeting_id=meeting.id),
                           lead=_("The meeting stays on its page, marked as cancelled with your reason, and leaves the lists."))


@bp.route("/<int:meeting_id>/report", methods=["GET", "POST"])
def report(meeting_id: int):
    meeting = db.get_or_404(Meeting, meeting_id)
    form = ReportForm(obj=meeting)
    if form.validate_on_submit():
        if not services.has_started(meeting):
            form.attendance.errors.append(_("The report can be written after the meeting has taken place."))
        else:
            services.save_report(meeting, **form_values(form, ("attendance", "report_ja", "report_en")))
            db.session.commit()
            flash(_("The report has been saved."))
            return redirect(url_for("meetings_admin.edit", meeting_id=meeting.id))
    return render_template("admin/form.html", form=form, title=_("Report: %(title)s", title=meeting.title_ja),
                           submit=_("Save the report"), back=url_for("meetings_admin.edit", meeting_id=meeting.id))
