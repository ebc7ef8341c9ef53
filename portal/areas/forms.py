from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from portal.areas.models import DistrictType
from portal.core.forms import ChoiceField, OptionalSelectField


class AreaForm(FlaskForm):
    slug = StringField(_l("Short name for the web address"), [
        InputRequired(_l("Enter a short name.")), Length(max=60),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens only."))],
        description=_l("Used in the address, e.g. suwa gives /areas/suwa."))
    name_ja = StringField(_l("Name (Japanese)"), [InputRequired(_l("Enter the name in Japanese.")), Length(max=120)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=120)])
    district_type = ChoiceField(_l("District type"), [InputRequired()], choices=DistrictType.choices())
    covers_ja = TextAreaField(_l("Addresses and schools covered (Japanese)"), [Optional(), Length(max=2000)])
    covers_en = TextAreaField(_l("Addresses and schools covered (English)"), [Optional(), Length(max=2000)])
    population = IntegerField(_l("Approximate population"), [Optional(), NumberRange(min=0, max=10_000_000)])
    is_model_area = BooleanField(_l("Model area"))
    description_ja = TextAreaField(_l("Description (Japanese)"), [Optional(), Length(max=20000)])
    description_en = TextAreaField(_l("Description (English)"), [Optional(), Length(max=20000)])


class VenueForm(FlaskForm):
    name_ja = StringField(_l("Name (Japanese)"), [InputRequired(_l("Enter the name in Japanese.")), Length(max=160)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=160)])
    address_ja = StringField(_l("Address (Japanese)"), [Optional(), Length(max=255)])
    address_en = StringField(_l("Address (English)"), [Optional(), Length(max=255)])
    access_ja = TextAreaField(_l("How to get there (Japanese)"), [Optional(), Length(max=2000)])
    access_en = TextAreaField(_l("How to get there (English)"), [Optional(), Length(max=2000)])
    area = OptionalSelectField(_l("Area"), empty_label=_l("No area"))
    step_free = BooleanField(_l("Step-free entrance"))
    accessible_toilet = BooleanField(_l("Accessible toilet"))
    hearing_loop = BooleanField(_l("Hearing loop"))
    nursing_room = BooleanField(_l("Nursing room"))
    parking = BooleanField(_l("Parking"))
