from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from portal.committees.models import MemberCategory, MemberRole
from portal.core.enums import PublishStatus
from portal.core.forms import ChoiceField, OptionalSelectField


class CommitteeForm(FlaskForm):
    slug = StringField(_l("Short name for the web address"), [
        InputRequired(_l("Enter a short name.")), Length(max=60),
        Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens only."))])
    name_ja = StringField(_l("Name (Japanese)"), [InputRequired(_l("Enter the name in Japanese.")), Length(max=160)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=160)])
    purpose_ja = TextAreaField(_l("Purpose (Japanese)"), [Optional(), Length(max=20000)])
    purpose_en = TextAreaField(_l("Purpose (English)"), [Optional(), Length(max=20000)])
    rhythm_ja = StringField(_l("How often it meets (Japanese)"), [Optional(), Length(max=200)])
    rhythm_en = StringField(_l("How often it meets (English)"), [Optional(), Length(max=200)])
    observation_ja = TextAreaField(_l("Rules for observers (Japanese)"), [Optional(), Length(max=20000)])
    observation_en = TextAreaField(_l("Rules for observers (English)"), [Optional(), Length(max=20000)])
    department_ja = StringField(_l("Department (Japanese)"), [Optional(), Length(max=160)])
    department_en = StringField(_l("Department (English)"), [Optional(), Length(max=160)])
    status = ChoiceField(_l("Status"), choices=PublishStatus.choices(), default=PublishStatus.DRAFT.value)


class TermForm(FlaskForm):
    number = IntegerField(_l("Term number"), [InputRequired(_l("Enter the term number.")), NumberRange(min=1, max=99)],
                          description=_l("For example 9 for the ninth term."))
    starts_on = DateField(_l("First day"), [InputRequired(_l("Enter the first day of the term."))])
    ends_on = DateField(_l("Last day"), [InputRequired(_l("Enter the last day of the term."))])
    charge_ja = TextAreaField(_l("What the city asked the committee (Japanese)"), [Optional(), Length(max=20000)])
    charge_en = TextAreaField(_l("What the city asked the committee (English)"), [Optional(), Length(max=20000)])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day must be after the first day."))


class MemberForm(FlaskForm):
    name_ja = StringField(_l("Name (Japanese)"), [InputRequired(_l("Enter the name.")), Length(max=120)])
    name_en = StringField(_l("Name (English)"), [Optional(), Length(max=120)])
    furigana = StringField(_l("Furigana"), [Optional(), Length(max=120)])
    role = ChoiceField(_l("Role"), [InputRequired()], choices=MemberRole.choices(), default="member")
    category = ChoiceField(_l("Category"), [InputRequired()], choices=MemberCategory.choices())
    affiliation_ja = StringField(_l("Affiliation (Japanese)"), [Optional(), Length(max=255)])
    affiliation_en = StringField(_l("Affiliation (English)"), [Optional(), Length(max=255)])


class ScheduleForm(FlaskForm):
    first_day = DateField(_l("Date of the first meeting"), [InputRequired(_l("Enter the date of the first meeting."))],
                          description=_l("Later meetings fall on the same weekday of the month (e.g. the third Friday)."))
    count = IntegerField(_l("Number of meetings"), [InputRequired(), NumberRange(min=1, max=24)], default=6)
    months_between = IntegerField(_l("Months between meetings"), [InputRequired(), NumberRange(min=1, max=12)], default=2)
    starts = TimeField(_l("Start time"), [InputRequired(_l("Enter the start time."))])
    ends = TimeField(_l("End time"), [InputRequired(_l("Enter the end time."))])
    venue = OptionalSelectField(_l("Venue"), empty_label=_l("No venue (online)"))
    capacity = IntegerField(_l("Seats for observers"), [Optional(), NumberRange(min=1, max=10000)])

    def validate_ends(self, field):
        if field.data and self.starts.data and field.data <= self.starts.data:
            raise ValidationError(_l("The end time must be after the start time."))
