"""The emails a registrant gets, in the language they registered in."""

from portal.core.urls import external_url
from portal.mail.services import queue_email
from portal.registrations.models import Registration, RegistrationStatus
from portal.registrations.services.links import confirm_code_for, token_for


def email_registrant(registration: Registration, template: str) -> None:
    """Queue `template` for the registrant (flush only), with the meeting as a calendar file once confirmed."""
    if not registration.email:
        return  # registered by phone without email: staff tell the person by post or phone
    from portal.meetings.ics import build_calendar

    meeting, lang = registration.meeting, registration.locale
    ics = None
    if registration.status == RegistrationStatus.CONFIRMED:
        from flask_babel import force_locale

        from portal.core.i18n import tr_text

        with force_locale(lang):
            ics = build_calendar([meeting], tr_text(meeting, "title"),
                                 lambda m: external_url("registrations.meeting", lang, meeting_id=m.id), "kyoso-portal").decode()
    queue_email(
        registration.email, template, lang, ics=ics, registration=registration, meeting=meeting,
        url=external_url("registrations.detail", lang, token=token_for(registration)),
        confirm_url=external_url("registrations.confirm_email", lang, token=token_for(registration),
                                 code=confirm_code_for(registration)),
    )
