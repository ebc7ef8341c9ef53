from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.services import normalise_email
from portal.core.fragments import shared_page
from portal.core.i18n import current_lang
from portal.extensions import limiter
from portal.meetings import services as meetings
from portal.registrations import bp, services
from portal.registrations.forms import CompanionsForm, registration_form
from portal.registrations.models import RegistrationStatus


@bp.get("/meetings/<int:meeting_id>")
@shared_page()
def meeting(meeting_id: int):
    """The meeting page, where a resident registers: it shows the meeting and how registering stands, so it
    lives here, above meetings (docs/architecture.md)."""
    meeting = meetings.visible_meeting(meeting_id) or abort(404)
    drawn = meeting.lottery_drawn_at is not None
    registration_closed = meeting.registration_closed_reason()
    return render_template("meetings/public/detail.html", meeting=meeting, registration_closed=registration_closed,
                           waiting_list_only=not registration_closed and services.joins_waiting_list(meeting),
                           accommodations=meetings.offered_accommodations(meeting),
                           lottery_commitment=meetings.lottery_commitment(meeting) if meeting.observer_lottery else None,
                           # the seed only after the draw: before it, knowing it would tell the order in advance
                           lottery_seed=meeting.lottery_seed if drawn else None,
                           lottery_result=services.lottery_result(meeting) if drawn else [])


def _prefill() -> dict:
    if not current_user.is_authenticated:
        return {}
    data = {"name": current_user.display_name, "email": current_user.email, "furigana": current_user.furigana,
            "phone": current_user.phone, "age_group": current_user.age_group}
    return {k: v for k, v in data.items() if v}


def _usual_accommodations(form) -> None:
    usual = (current_user.usual_accommodations or {}) if current_user.is_authenticated else {}
    for accommodation, checkbox, details in form.accommodation_fields():
        if accommodation.code in usual:
            checkbox.data = True
            if details is not None:
                details.data = usual[accommodation.code]


def _form_page(meeting, form):
    late = {a.id for a in form.accommodation_list if services.is_late(meeting, a)}
    return render_template("registrations/public/form.html", meeting=meeting, form=form, late=late,
                           waiting_list_only=services.joins_waiting_list(meeting))


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
@limiter.limit("20 per minute; 200 per hour", methods=["POST"])
def register(meeting_id: int):
    meeting = meetings.visible_meeting(meeting_id, page=False) or abort(404)
    reason = meeting.registration_closed_reason()
    if reason:
        return render_template("registrations/public/closed.html", meeting=meeting, reason=reason)
    if request.method == "GET":
        form = registration_form(meeting, data=_prefill())
        _usual_accommodations(form)
        return _form_page(meeting, form)
    form = registration_form(meeting, formdata=request.form)
    step = request.form.get("step")
    if step == "edit":
        form.errors  # noqa: B018 - nothing validated: the person goes back to change answers
        return _form_page(meeting, form)
    if not form.validate():
        return _form_page(meeting, form)
    if step != "send":
        return render_template("registrations/public/confirm.html", meeting=meeting, form=form)
    data = services.RegistrationData(
        name=form.name.data.strip(), furigana=form.furigana.data or None, email=normalise_email(form.email.data),
        phone=form.phone.data,
        age_group=form.age_group.data or None, companions=form.companions.data,
        accommodations=form.chosen_accommodations(), locale=current_lang(),
    )
    user = current_user._get_current_object() if current_user.is_authenticated else None
    try:  # register commits: this request commits nothing else
        registration = services.register(meeting, data, user=user, keep_profile=bool(form.save_profile.data))
    except services.RegistrationError as error:
        form.email.errors.append(str(error))
        return _form_page(meeting, form)
    if registration.application_number is not None:
        flash(_("Your application is received. Your application number is %(number)s. The seats are drawn by "
                "lottery after the deadline.", number=registration.application_number), "success")
    else:
        flash(*{
            RegistrationStatus.CONFIRMED: (_("Your registration is confirmed. We have sent you an email with the "
                                             "details."), "success"),
            RegistrationStatus.PENDING: (_("Almost done: open the link in the email we have just sent to confirm."),
                                         "warning"),
            RegistrationStatus.WAITLISTED: (_("The meeting is full, so you are on the waiting list. We will email you "
                                              "if a seat becomes free."), "warning"),
        }[registration.status])
    return redirect(url_for("registrations.detail", token=services.token_for(registration)))


def _registration_or_404(token: str, for_page: bool = False):
    registration = services.registration_for_token(token, for_page)
    if registration is None:
        abort(404)
    return registration


def _detail_page(registration, token: str, companions_form=None, status=200):
    """The registration page, given what it shows already decided (the templates decide nothing)."""
    return render_template(
        "registrations/public/detail.html", r=registration, token=token,
        companions_form=companions_form or CompanionsForm(data={"companions": registration.companions}),
        may_change=services.may_change(registration), lottery_pending=registration.meeting.lottery_pending,
        waitlist_position=services.waitlist_position(registration),
    ), status


def _refused(registration, token: str):
    """The change or cancel deadline has passed (the same rule the page uses): a redirect saying so, or None."""
    reason = services.change_refusal(registration)
    if reason is None:
        return None
    flash(str(reason), "error")
    return redirect(url_for("registrations.detail", token=token))


@bp.get("/registrations/<token>")
def detail(token: str):
    return _detail_page(_registration_or_404(token, for_page=True), token)


@bp.route("/registrations/<token>/confirm/<code>", methods=["GET", "POST"])
def confirm_email(token: str, code: str):
    registration = _registration_or_404(token)
    if not services.code_matches(registration, code):
        abort(404)
    if request.method == "POST":
        if services.confirm_email(registration):
            flash(_("Your registration is confirmed. See you at the meeting."), "success")
        else:
            flash(_("This registration could not be confirmed: the time to confirm has passed or it was cancelled."), "error")
        return redirect(url_for("registrations.detail", token=token))
    return render_template("registrations/public/confirm_email.html", r=registration)


@bp.post("/registrations/<token>/accept")
def accept_offer(token: str):
    registration = _registration_or_404(token)
    if refused := _refused(registration, token):
        return refused
    if services.accept_offer(registration):
        flash(_("The seat is yours. Your registration is confirmed."), "success")
    else:
        flash(_("Sorry, this offer is no longer open."), "error")
    return redirect(url_for("registrations.detail", token=token))


@bp.post("/registrations/<token>/companions")
def change_companions(token: str):
    registration = _registration_or_404(token)
    if refused := _refused(registration, token):
        return refused
    form = CompanionsForm()
    if not form.validate():
        return _detail_page(registration, token, form, 400)
    if services.change_companions(registration, form.companions.data):
        flash(_("The number of people has been changed."), "success")
    else:
        flash(_("There are not enough free seats for more people. The number has not been changed."), "error")
    return redirect(url_for("registrations.detail", token=token))


@bp.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = _registration_or_404(token)
    if refused := _refused(registration, token):
        return refused
    if request.method == "POST":
        services.cancel(registration)
        flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("registrations.detail", token=token))
    return render_template("registrations/public/cancel.html", r=registration, token=token)
