from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp


class AccommodationForm(FlaskForm):
    code = StringField(_l("Code"), [
        InputRequired(_l("Enter a code.")), Length(max=40),
        Regexp(r"^[a-z0-9]+(_[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and underscores only."))],
        description=_l("Used in meeting-search links, e.g. sign_language. It cannot be changed later."))
    name_ja = StringField(_l("Name (Japanese)"), [InputRequired(_l("Enter the name in Japanese.")), Length(max=120)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=120)])
    # Up to a year: interpreters and braille need weeks; more than that is a typing mistake.
    lead_days = IntegerField(_l("Lead time in days"), [
        InputRequired(_l("Enter how many days ahead a request must arrive (0 if none).")),
        NumberRange(min=0, max=365, message=_l("Enter a number of days from 0 to 365."))],
        default=7, description=_l("How many days before the meeting a request must arrive to be arranged in time."))
    details_prompt_ja = StringField(_l("Follow-up question (Japanese)"), [Optional(), Length(max=255)],
                                    description=_l("For example: number and ages of the children. Leave empty "
                                                   "when no details are needed."))
    details_prompt_en = StringField(_l("Follow-up question (English)"), [Optional(), Length(max=255)])
    description_ja = TextAreaField(_l("Explanation (Japanese)"), [Optional(), Length(max=2000)])
    description_en = TextAreaField(_l("Explanation (English)"), [Optional(), Length(max=2000)])
    position = IntegerField(_l("Position in lists"), [Optional(), NumberRange(min=0, max=999)],
                            description=_l("Lower numbers come first. Leave empty to put it at the end."))
