"""Staff pages for the registrations of one meeting (its organiser and administrators only)."""

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.accounts.services import normalise_email
from portal.audit.services import record
from portal.core.access import require_registrations_access, require_roles
from portal.core.downloads import download
from portal.core.enums import Role
from portal.core.htmx import render_page
from portal.core.i18n import current_lang
from portal.core.paging import page_arg, paginate
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.forms import registration_form
from portal.registrations.manage_forms import (
    RequestStatusForm,
    RosterFilterForm,
    StaffRegistrationForm,
    WalkInForm,
)
from portal.registrations.models import AccommodationRequest, AgeGroup, Channel, Registration

bp = Blueprint("registrations_admin", __name__, url_prefix="/admin/meetings/<int:meeting_id>")
bp.before_request(require_roles(Role.EDITOR, Role.ADMIN))


def _meeting(meeting_id: int) -> Meeting:
    meeting = db.get_or_404(Meeting, meeting_id)
    require_registrations_access(meeting)
    return meeting


@bp.get("/registrations")
def roster(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = RosterFilterForm(request.args)
    filters = form.valid_data()
    pagination = paginate(services.roster_query(meeting.id, filters), page_arg(), current_app.config["PER_PAGE"] * 3)
    # The roster names people with the kinds of support they asked for (要配慮個人情報): every view is recorded.
    record("view", meeting, {}, object_type="registrations_roster", label=meeting.title_ja)
    db.session.commit()
    return render_page("registrations/manage/roster.html", "results", meeting=meeting, form=form,
                       pagination=pagination, counts=services.counts(meeting.id), age_groups=list(AgeGroup),
                       walk_in=WalkInForm(),
                       over_capacity=services.over_capacity(meeting))


@bp.post("/registrations/<int:registration_id>/attend")
def attend(meeting_id: int, registration_id: int):
    meeting = _meeting(meeting_id)
    registration = db.one_or_404(sa.select(Registration).filter_by(id=registration_id, meeting_id=meeting.id))
    services.check_in(meeting, registration)
    flash(_("%(name)s is checked in.", name=registration.name or _("Walk-in")), "success")
    return redirect(request.referrer if (request.referrer or "").startswith(request.host_url)
                    else url_for("registrations_admin.roster", meeting_id=meeting.id))


@bp.post("/walk-in")
def walk_in(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = WalkInForm()
    if form.validate():
        services.check_in(meeting, name=(form.name.data or "").strip(), companions=form.companions.data)
        flash(_("The walk-in has been added to the attendance."), "success")
    else:
        flash(_("Enter the number of people coming with them (0 or more)."), "error")
    return redirect(url_for("registrations_admin.roster", meeting_id=meeting.id))


@bp.route("/registrations/new", methods=["GET", "POST"])
def new(meeting_id: int):
    meeting = _meeting(meeting_id)
    form = registration_form(meeting, form_class=StaffRegistrationForm)  # with the meeting's accommodation fields
    del form.save_profile
    if form.validate_on_submit():
        data = services.RegistrationData(
            name=form.name.data.strip(), furigana=form.furigana.data or None,
            email=normalise_email(form.email.data) if form.email.data else None, phone=form.phone.data,
            age_group=form.age_group.data or None, companions=form.companions.data,
            accommodations=form.chosen_accommodations(), locale=current_lang())
        try:
            # register commits, with the audit entry of a staff-entered registration: nothing left to commit here
            registration = services.register(meeting, data, channel=Channel(form.channel.data),
                                             staff_note=form.staff_note.data.strip())
        except services.RegistrationError as error:
            form.email.errors.append(str(error))
        else:
            flash(_("The registration has been entered (%(status)s).", status=registration.status_title))
            return redirect(url_for("registrations_admin.roster", meeting_id=meeting.id))
    return render_template("registrations/manage/new.html", meeting=meeting, form=form)


@bp.get("/accommodations")
def board(meeting_id: int):
    meeting = _meeting(meeting_id)
    groups = services.board(meeting)
    # Looking at accommodation details is itself recorded (要配慮個人情報).
    record("view", meeting, {}, object_type="accommodation_board", label=meeting.title_ja)
    db.session.commit()
    return render_template("registrations/manage/board.html", meeting=meeting, groups=groups,
                           form_for=lambda q: RequestStatusForm(obj=q, prefix=f"r{q.id}"))


@bp.post("/accommodations/<int:request_id>")
def set_request_status(meeting_id: int, request_id: int):
    meeting = _meeting(meeting_id)
    accommodation_request = db.one_or_404(
        sa.select(AccommodationRequest).join(Registration)
        .where(AccommodationRequest.id == request_id, Registration.meeting_id == meeting.id))
    form = RequestStatusForm(prefix=f"r{request_id}")
    if form.validate():
        services.set_request_status(accommodation_request, form.status.data, form.reason_ja.data, form.reason_en.data)
        db.session.commit()
        flash(_("The status has been changed and the resident has been told."))
        return redirect(url_for("registrations_admin.board", meeting_id=meeting.id))
    groups = services.board(meeting)
    return render_template("registrations/manage/board.html", meeting=meeting, groups=groups,
                           form_for=lambda q: form if q.id == request_id else RequestStatusForm(obj=q, prefix=f"r{q.id}"),
                           form_has_errors=True), 400


@bp.get("/registrations.csv")
def export(meeting_id: int):
    meeting = _meeting(meeting_id)
    body = services.roster_csv(meeting)
    record("export", meeting, {}, object_type="registrations", label=meeting.title_ja)
    db.session.commit()
    return download(body, f"registrations-{meeting.id}.csv")
