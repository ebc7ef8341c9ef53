import re
import unicodedata
from functools import lru_cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.accounts.forms import EMAIL, tidy_email
from portal.core.forms import cleaned, name_field
from portal.core.i18n import current_lang, tr_text
from portal.core.normalize import is_japanese_phone, is_kana, normalise_phone, to_katakana
from portal.core.reference import choosable
from portal.registrations.models import AgeGroup


def _kana(value):
    return to_katakana(cleaned(value)) if isinstance(value, str) else value


def _phone(value):
    return normalise_phone(value) if isinstance(value, str) and value.strip() else None


#: a name written in Latin letters (accents included, e.g. Vietnamese), after NFKC: its reading is optional
LATIN_NAME = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff][A-Za-z\u00c0-\u024f\u1e00-\u1eff .,'-]*")
#: an international number as typed after normalisation: + and 7 to 15 digits (ITU E.164), hyphens between
INTERNATIONAL_PHONE = re.compile(r"\+\d[\d-]*")


def is_latin_name(name: str | None) -> bool:
    return bool(LATIN_NAME.fullmatch(unicodedata.normalize("NFKC", name or "").strip()))


def is_phone_number(text: str) -> bool:
    """A Japanese number (10 or 11 digits), or an international one for residents without a Japanese phone."""
    if INTERNATIONAL_PHONE.fullmatch(text):
        return 7 <= sum(c.isdigit() for c in text) <= 15
    return is_japanese_phone(text)


class RegistrationForm(FlaskForm):
    """The question page of /meetings/<id>/register; accommodation fields are added per meeting."""

    step = HiddenField(default="check")
    name = name_field(render_kw={"autocomplete": "name"})
    # Required on the Japanese form unless the name is in Latin letters; optional on /en (see __init__).
    furigana = StringField(_l("Furigana of your name"), [Length(max=120)], filters=[_kana],
                           description=_l("In hiragana or katakana, as it is read. Not needed if you write your "
                                          "name in Latin letters."))
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email],
                       description=_l("We send the confirmation and any changes here."))
    phone = StringField(_l("Phone number (optional)"), [Optional(), Length(max=20)], filters=[_phone],
                        description=_l("Only if you would like us to call you, e.g. 042-000-0000 or, from abroad, "
                                       "+44 20 7946 0958."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    age_group = RadioField(_l("Age group (optional)"), [Optional()], choices=AgeGroup.choices(),
                           description=_l("The city counts participation by generation. You do not have to answer."))
    companions = IntegerField(_l("Number of people coming with you"), [InputRequired(_l("Enter 0 if you come alone.")),
                                                                       NumberRange(min=0, message=_l("Enter 0 or more."))],
                              default=0, description=_l("They count against the seats. Enter 0 if you come alone."))
    consent = BooleanField(_l("I agree that the city uses this information only to arrange the support I ask for"),
                           description=_l("Information about disability or health is sensitive personal information. Only "
                                          "the staff who organise this meeting see it, and it is deleted after the meeting."))
    save_profile = BooleanField(_l("Save my details and usual support to my account for next time"))

    def __init__(self, *args, accommodations=(), lang="ja", **kwargs):
        super().__init__(*args, **kwargs)
        self.accommodation_list = list(accommodations)
        #: on the English form the reading is optional: a resident may have no Japanese keyboard
        self.furigana_required = lang == "ja"
        if self.furigana_required:
            self.furigana.flags.required = True
        else:
            self.furigana.label.text = _l("Reading of your name in kana (optional)")
            self.furigana.description = _l("In hiragana or katakana, if you know it. You can leave it empty.")

    def validate_furigana(self, field):
        if not field.data:
            if self.furigana_required and not is_latin_name(self.name.data):
                raise ValidationError(_l("Enter the reading of your name. If your name is written in Latin "
                                         "letters, you can leave it empty."))
        elif not is_kana(field.data):
            raise ValidationError(_l("Write the reading in hiragana or katakana, not kanji or letters."))

    def validate_phone(self, field):
        if field.data and not is_phone_number(field.data):
            raise ValidationError(_l("Enter a phone number of 10 or 11 digits, e.g. 042-000-0000, or an "
                                     "international number starting with +, e.g. +44 20 7946 0958."))

    def validate_companions(self, field):
        limit = current_app.config["MAX_COMPANIONS"]
        if field.data is not None and field.data > limit:
            raise ValidationError(_l("At most %(num)s people can come with you. Please call the office for a "
                                     "larger group.", num=limit))

    def accommodation_fields(self):
        """(accommodation, checkbox, details field or None) for each kind of support the meeting offers."""
        return [(a, self[f"acc_{a.id}"], self._fields.get(f"acc_{a.id}_details")) for a in self.accommodation_list]

    def chosen_accommodations(self) -> dict[int, str | None]:
        chosen = {}
        for accommodation, checkbox, details in self.accommodation_fields():
            if checkbox.data:
                chosen[accommodation.id] = ((details.data or "").strip() or None) if details else None
        return chosen

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.chosen_accommodations() and not self.consent.data:
            self.consent.errors.append(_l("Tick the box to agree, so that we can arrange the support you ask for."))
            valid = False
        return valid


def registration_form(meeting, formdata=None, form_class=RegistrationForm, **kwargs) -> RegistrationForm:
    """A registration form with a checkbox (and, where needed, a details question) per kind of support the
    meeting offers that is not retired, in the language of the page."""
    offered = choosable(meeting.accommodations)
    questions = tuple((a.id, tr_text(a, "name"), tr_text(a, "details_prompt") if a.details_prompt_ja else None)
                      for a in offered)
    if formdata is not None:
        kwargs["formdata"] = formdata
    return _form_class(form_class, questions)(accommodations=offered, lang=current_lang(), **kwargs)


@lru_cache(maxsize=256)
def _form_class(form_class, questions: tuple) -> type:
    """The form class for these questions (id, label, details prompt or None): made once, not in every request
    (a class of its own, whose fields WTForms sorts again the first time it is used)."""

    class MeetingRegistrationForm(form_class):
        pass

    for accommodation_id, label, details_prompt in questions:
        setattr(MeetingRegistrationForm, f"acc_{accommodation_id}", BooleanField(label))
        if details_prompt is not None:
            setattr(MeetingRegistrationForm, f"acc_{accommodation_id}_details",
                    TextAreaField(details_prompt, [Optional(), Length(max=1000)]))
    return MeetingRegistrationForm


class CompanionsForm(FlaskForm):
    companions = IntegerField(_l("Number of people coming with you"), [
        InputRequired(_l("Enter 0 if you come alone.")), NumberRange(min=0, message=_l("Enter 0 or more."))])

    def validate_companions(self, field):
        RegistrationForm.validate_companions(self, field)
