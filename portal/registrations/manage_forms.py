from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.accounts.forms import tidy_email
from portal.core.forms import ChoiceField, QueryForm, name_field
from portal.registrations.forms import RegistrationForm
from portal.registrations.models import RegistrationStatus, RequestStatus


class RosterFilterForm(QueryForm):
    q = StringField(_l("Name, reading or email contains"), [Optional(), Length(max=100)])
    status = ChoiceField(_l("Status"), default="")

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.status.choices = [("", _l("Any status"))] + RegistrationStatus.choices()


class StaffRegistrationForm(RegistrationForm):
    """A resident who phoned or came to the counter: no email needed; say how they are told."""

    email = EmailField(_l("Email address (optional)"), [Optional(), Length(max=254)], filters=[tidy_email])
    channel = ChoiceField(_l("How the person applied"), choices=[("phone", _l("By phone")), ("counter", _l("At the counter"))])
    staff_note = TextAreaField(_l("How the person is told it is confirmed"), [InputRequired(_l("Say how the person is told, e.g. by post or by phone.")), Length(max=1000)],
                               description=_l("For example: confirmed by phone on the day, or a postcard sent."))


class WalkInForm(FlaskForm):
    name = name_field(_l("Name (if given)"), required=False)
    companions = IntegerField(_l("Number of people coming with them"), [InputRequired(), NumberRange(min=0, max=50)], default=0)


class RequestStatusForm(FlaskForm):
    status = ChoiceField(_l("Status"), choices=RequestStatus.choices())
    reason_ja = TextAreaField(_l("Reason shown to the resident (Japanese)"), [Length(max=2000)])
    reason_en = TextAreaField(_l("Reason shown to the resident (English)"), [Optional(), Length(max=2000)])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.status.data == "unavailable" and not (self.reason_ja.data or "").strip():
            self.reason_ja.errors.append(_l("Say why it cannot be arranged: the resident will see it."))
            valid = False
        return valid
