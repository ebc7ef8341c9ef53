from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.consultations.models import MIN_PERIOD_DAYS, Phase
from portal.core.enums import PublishStatus
from portal.core.forms import CheckboxesField, ChoiceField, QueryForm, TokyoDateTimeField


class ConsultationForm(FlaskForm):
    title_ja = StringField(_l("Title (Japanese)"), [InputRequired(_l("Enter the title in Japanese.")), Length(max=255)])
    title_en = StringField(_l("Title (English)"), [Optional(), Length(max=255)])
    summary_ja = TextAreaField(_l("Summary of the draft (Japanese)"), [InputRequired(_l("Write a summary of the draft.")), Length(max=50000)])
    summary_en = TextAreaField(_l("Summary of the draft (English)"), [Optional(), Length(max=50000)])
    department_ja = StringField(_l("Department (Japanese)"), [InputRequired(_l("Enter the department in charge.")), Length(max=160)])
    department_en = StringField(_l("Department (English)"), [Optional(), Length(max=160)])
    opens_at = TokyoDateTimeField(_l("Comments open (Tokyo time)"), [InputRequired(_l("Enter when comments open."))])
    closes_at = TokyoDateTimeField(_l("Comments close (Tokyo time)"), [InputRequired(_l("Enter when comments close."))],
                                   description=_l("Usually 23:59 on the last day."))
    short_period_reason_ja = TextAreaField(_l("Reason for a period shorter than 30 days (Japanese)"), [Length(max=2000)],
                                           description=_l("Needed when the period is shorter than 30 days. "
                                                          "It is shown on the public page (行政手続法 第40条)."))
    short_period_reason_en = TextAreaField(_l("Reason for a period shorter than 30 days (English)"),
                                           [Optional(), Length(max=2000)])
    eligibility_ja = TextAreaField(_l("Who may comment (Japanese)"), [Optional(), Length(max=2000)])
    eligibility_en = TextAreaField(_l("Who may comment (English)"), [Optional(), Length(max=2000)])
    postal_address_ja = StringField(_l("Postal address for comments (Japanese)"), [Optional(), Length(max=255)])
    postal_address_en = StringField(_l("Postal address for comments (English)"), [Optional(), Length(max=255)])
    fax = StringField(_l("Fax number"), [Optional(), Length(max=40)])
    require_address = BooleanField(_l("Ask commenters for their postal address (as the city's rules say)"), default=True)
    places = CheckboxesField(_l("Places where the paper materials can be read and comments dropped off"), coerce=int)
    status = ChoiceField(_l("Status"), choices=PublishStatus.choices(), default=PublishStatus.DRAFT.value)

    def validate_closes_at(self, field):
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("Comments must close after they open."))

    def validate_short_period_reason_ja(self, field):
        if self.opens_at.data and self.closes_at.data and self.closes_at.data > self.opens_at.data:
            days = (self.closes_at.data - self.opens_at.data).days + 1
            if days < MIN_PERIOD_DAYS and not (field.data or "").strip():
                raise ValidationError(_l("The period is %(days)s days, shorter than the usual 30 days. Say why.",
                                         days=days))


class ConsultationAdminFilterForm(QueryForm):
    q = StringField(_l("Title contains"), [Optional(), Length(max=100)])
    state = ChoiceField(_l("Status"), default="")
    sort = ChoiceField(_l("Sort by"), default="latest")

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.state.choices = [("", _l("Any status")), ("draft", _l("Draft"))] + Phase.choices()
        self.sort.choices = [("latest", _l("Date, latest first")), ("soonest", _l("Date, earliest first")),
                             ("title", _l("Title"))]
