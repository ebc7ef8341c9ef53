from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import EmailField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from portal.accounts.forms import tidy_email
from portal.accounts.services import normalise_email
from portal.comments import services
from portal.comments.models import Eligibility, ResponseCategory
from portal.core.forms import (
    CheckboxesField,
    ChoiceField,
    OptionalSelectField,
    QueryForm,
    cleaned,
    name_field,
)
from portal.core.normalize import is_japanese_phone, normalise_phone

HELP_CHOICES = [
    ("large_print", _l("A reply in large print")),
    ("phone", _l("A phone call instead of a letter")),
    ("easy_japanese", _l("A reply in plain Japanese")),
    ("staff_help", _l("Help from staff to take part")),
]


class CommentForm(FlaskForm):
    step = HiddenField(default="check")
    #: one key per form: a second post of the same form stores nothing new
    form_token = HiddenField()
    #: signed time the form was first shown (robots send forms within a second)
    started = HiddenField()
    #: a trap field robots fill in; hidden from people, and labelled so for screen readers
    website = StringField(_l("Leave this empty"), [Optional()])
    attachment_ref = HiddenField()

    text = TextAreaField(_l("Your comment"), [InputRequired(_l("Write your comment."))],
                         description=_l("Up to %(num)s characters.", num="10,000"))
    section = OptionalSelectField(_l("Which part of the draft is it about? (optional)"), empty_label=_l("The whole plan"))
    attachment = FileField(_l("Attachment (optional)"), description=_l("A PDF, PNG or JPEG file of at most 5 MB."))
    #: names and addresses lose control, bidi and zero-width characters (a name shown reversed misleads staff)
    name = name_field(render_kw={"autocomplete": "name"})
    address = StringField(_l("Your address"), [Length(max=255)], filters=[cleaned],
                          render_kw={"autocomplete": "street-address"},
                          description=_l("Not published. The city's rules ask for it to count comments."))
    email = EmailField(_l("Email address"), [Optional(), Length(max=254),
                                             Email(_l("Enter an email address like name@example.jp."),
                                                   check_deliverability=False)], filters=[tidy_email],
                       description=_l("We send your receipt here. Give an email address or a phone number."))
    phone = StringField(_l("Phone number"), [Optional(), Length(max=20)],
                        filters=[lambda v: normalise_phone(v) if v and v.strip() else None])
    eligibility = RadioField(_l("You are"), [InputRequired(_l("Choose how you are connected to the city."))],
                             choices=Eligibility.choices())
    help_needed = CheckboxesField(_l("Help you need for the reply or to take part (optional)"), choices=HELP_CHOICES)

    def __init__(self, *args, consultation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        limit = current_app.config["COMMENT_MAX_CHARS"]
        self.text.description = _l("Up to %(num)s characters.", num=f"{limit:,}")
        if consultation is not None:
            self.section.set_choices((s.id, s.title_ja) for s in services.sections(consultation))
            if consultation.require_address:
                self.address.flags.required = True

    def validate_text(self, field):
        limit = current_app.config["COMMENT_MAX_CHARS"]
        if field.data and len(field.data) > limit:
            raise ValidationError(_l("Your comment has %(count)s characters; the limit is %(limit)s. Shorten it, or "
                                     "send the rest as a second comment or as an attachment.",
                                     count=f"{len(field.data):,}", limit=f"{limit:,}"))

    def validate_address(self, field):
        if self.consultation is not None and self.consultation.require_address and not (field.data or "").strip():
            raise ValidationError(_l("Enter your address."))

    def validate_phone(self, field):
        if field.data and not is_japanese_phone(field.data):
            raise ValidationError(_l("Enter a phone number of 10 or 11 digits, e.g. 042-000-0000."))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not self.phone.data and not self.email.data and not self.email.errors:
            self.email.errors.append(_l("Give an email address or a phone number, so that the city can contact you."))
            valid = False
        return valid

    def submission_values(self) -> dict:
        """What the person wrote, as the plain values of services.Submission (and of a Transcription)."""
        return dict(text=services.clean_text(self.text.data), name=self.name.data,
                    address=self.address.data or None,
                    email=normalise_email(self.email.data) if self.email.data else None, phone=self.phone.data,
                    eligibility=self.eligibility.data, section_id=self.section.data,
                    help_needed=", ".join(self.help_needed.data or []) or None)


class StatusLookupForm(FlaskForm):
    receipt_number = StringField(_l("Receipt number"), [InputRequired(_l("Enter the receipt number.")), Length(max=20)],
                                 description=_l("For example ABCD-2345, as on your receipt."))
    contact = StringField(_l("The email address or phone number you gave"), [InputRequired(_l("Enter the email address or phone number.")), Length(max=254)])


class ResultsFilterForm(QueryForm):
    section = OptionalSelectField(_l("Part of the plan"), empty_label=_l("All parts"))
    category = ChoiceField(_l("How the opinion was handled"), default="")

    def __init__(self, formdata, consultation, **kwargs):
        from portal.core.i18n import tr_text

        super().__init__(formdata, **kwargs)
        self.section.set_choices((s.id, tr_text(s, "title")) for s in services.sections(consultation))
        self.category.choices = [("", _l("All"))] + ResponseCategory.choices()
