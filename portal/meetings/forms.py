from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField, URLField
from wtforms.validators import URL, InputRequired, Length, NumberRange, Optional, ValidationError

from portal.core.forms import CheckboxesField, ChoiceField, OptionalSelectField, QueryForm, TokyoDateTimeField
from portal.core.i18n import current_lang, tr_text
from portal.core.reference import choosable
from portal.core.timefmt import format_month, next_months
from portal.meetings.models import MeetingFormat, MeetingKind, MeetingStatus


class MeetingFilterForm(QueryForm):
    """The filters of /meetings; the same form serves htmx and a plain GET."""

    kind = ChoiceField(_l("Kind"), default="")
    area = ChoiceField(_l("Area"), default="")
    month = ChoiceField(_l("Month"), default="")
    when = ChoiceField(_l("Show"), default="upcoming")
    acc = CheckboxesField(_l("Support offered"))
    seats = BooleanField(_l("Only meetings with seats left"))

    def __init__(self, formdata, areas, accommodations, **kwargs):
        super().__init__(formdata, **kwargs)
        self.kind.choices = [("", _l("All kinds"))] + MeetingKind.choices()
        areas, accommodations = choosable(areas), choosable(accommodations)
        self.area.choices = [("", _l("All areas and citywide"))] + [(a.slug, tr_text(a, "name")) for a in areas]
        self.month.choices = [("", _l("Any month")), *_month_choices(_two_years_ago(), current_lang())]
        self.when.choices = [("upcoming", _l("Upcoming")), ("past", _l("Past"))]
        self.acc.choices = [(a.code, tr_text(a, "name")) for a in accommodations]

    def valid_filters(self) -> dict:
        """The filters whose values are valid; a wrong one is reported and ignored."""
        self.validate()
        values = {}
        for name in ("kind", "area", "month", "when", "acc", "seats"):
            field = getattr(self, name)
            if not field.errors and field.data:
                values[name] = field.data
        return values


@lru_cache(maxsize=8)
def _month_choices(start: date, lang: str) -> tuple[tuple[str, str], ...]:
    """Two years back and one ahead: the range residents look for (older meetings are on committee pages).
    The same for every request of a day in one language, so built once."""
    return tuple((f"{y:04d}-{m:02d}", format_month(y, m, lang)) for y, m in next_months(36, start=start))


def _two_years_ago():
    from portal.core.timefmt import tokyo_today

    today = tokyo_today()
    return today.replace(year=today.year - 2, day=1)


class MeetingForm(FlaskForm):
    """Staff: create or edit a meeting."""

    kind = ChoiceField(_l("Kind"), [InputRequired(_l("Choose the kind of meeting."))])
    title_ja = StringField(_l("Title (Japanese)"), [InputRequired(_l("Enter the title in Japanese.")), Length(max=200)])
    title_en = StringField(_l("Title (English)"), [Optional(), Length(max=200)],
                           description=_l("Leave empty to show the Japanese title on English pages."))
    summary_ja = TextAreaField(_l("Description (Japanese)"), [Optional(), Length(max=20000)],
                               description=_l("Markdown: a blank line starts a new paragraph, - starts a list item."))
    summary_en = TextAreaField(_l("Description (English)"), [Optional(), Length(max=20000)])
    area = OptionalSelectField(_l("Area"), empty_label=_l("Citywide"))
    committee = OptionalSelectField(_l("Committee"), empty_label=_l("No committee"))
    number = IntegerField(_l("Meeting number in the committee's term"), [Optional(), NumberRange(min=1, max=999)])
    format = ChoiceField(_l("Format"), [InputRequired()])
    starts_at = TokyoDateTimeField(_l("Starts (Tokyo time)"), [InputRequired(_l("Enter the date and time it starts."))])
    ends_at = TokyoDateTimeField(_l("Ends (Tokyo time)"), [Optional()])
    venue = OptionalSelectField(_l("Venue"), empty_label=_l("No venue (online)"))
    online_url = URLField(_l("Joining link for online participants"), [Optional(), URL(message=_l("Enter a web address starting with https://.")), Length(max=500)],
                          description=_l("Shown only to people whose registration is confirmed."))
    capacity = IntegerField(_l("Capacity"), [Optional(), NumberRange(min=1, max=100000)],
                            description=_l("Leave empty for no limit."))
    reserved_seats = IntegerField(_l("Seats held back"), [Optional(), NumberRange(min=0, max=100000)], default=0,
                                  description=_l("For the press, guests or people who need accommodation."))
    registration_opens_at = TokyoDateTimeField(_l("Registration opens (Tokyo time)"), [Optional()])
    registration_closes_at = TokyoDateTimeField(_l("Registration closes (Tokyo time)"), [Optional()])
    accommodations = CheckboxesField(_l("Support participants can ask for"), coerce=int)
    observer_lottery = BooleanField(_l("Allocate the seats by lottery after the registration deadline"),
                                    description=_l("For public seats at committee meetings when many people apply."))
    organiser = OptionalSelectField(_l("Organiser (sees the registrations)"), empty_label=_l("Not chosen"),
                                    description=_l("Only administrators can change it."))
    agenda_ja = TextAreaField(_l("Agenda (Japanese), one item per line"), [Optional(), Length(max=5000)])
    agenda_en = TextAreaField(_l("Agenda (English), one item per line, in the same order"), [Optional(), Length(max=5000)])

    def __init__(self, *args, areas=(), committees=(), venues=(), accommodations=(), organisers=(), seats_taken=0,
                 meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organiser.set_choices((u.id, u.display_name) for u in organisers)
        self.seats_taken = seats_taken
        self.kind.choices = MeetingKind.choices()
        self.format.choices = MeetingFormat.choices()
        # A retired area, committee, venue or kind leaves new choices; a meeting that already has one keeps it.
        self.area.set_choices((a.id, a.name_ja) for a in choosable(areas, keep={getattr(meeting, "area_id", None)}))
        self.committee.set_choices(
            (c.id, c.name_ja) for c in choosable(committees, keep={getattr(meeting, "committee_id", None)}))
        self.venue.set_choices((v.id, v.name_ja) for v in choosable(venues, keep={getattr(meeting, "venue_id", None)}))
        offered = {a.id for a in meeting.accommodations} if meeting is not None else set()
        self.accommodations.choices = [(a.id, tr_text(a, "name")) for a in choosable(accommodations, keep=offered)]

    def validate_observer_lottery(self, field):
        if field.data and not self.registration_closes_at.data:
            raise ValidationError(_l("A lottery needs a registration deadline: the draw takes place then."))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_registration_closes_at(self, field):
        if field.data and self.starts_at.data and field.data > self.starts_at.data:
            raise ValidationError(_l("Registration must close before the meeting starts."))
        if field.data and self.registration_opens_at.data and field.data < self.registration_opens_at.data:
            raise ValidationError(_l("Registration must close after it opens."))

    def validate_capacity(self, field):
        if field.data is not None and field.data < self.seats_taken + (self.reserved_seats.data or 0):
            raise ValidationError(_l("The capacity cannot be lower than the seats already taken and held back "
                                     "(%(num)s).", num=self.seats_taken + (self.reserved_seats.data or 0)))


class CancelForm(FlaskForm):
    reason_ja = TextAreaField(_l("Reason (Japanese)"), [InputRequired(_l("Say why the meeting is cancelled.")), Length(max=2000)],
                              description=_l("Shown on the public page."))
    reason_en = TextAreaField(_l("Reason (English)"), [Optional(), Length(max=2000)])


class ReportForm(FlaskForm):
    attendance = IntegerField(_l("Number of participants"), [InputRequired(_l("Enter how many people took part.")), NumberRange(min=0, max=100000)])
    report_ja = TextAreaField(_l("Short report (Japanese)"), [Optional(), Length(max=20000)])
    report_en = TextAreaField(_l("Short report (English)"), [Optional(), Length(max=20000)])


class MeetingAdminFilterForm(QueryForm):
    q = StringField(_l("Title contains"), [Optional(), Length(max=100)])
    status = ChoiceField(_l("Status"), default="")
    kind = ChoiceField(_l("Kind"), default="")
    sort = ChoiceField(_l("Sort by"), default="soonest")

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata, **kwargs)
        self.status.choices = [("", _l("Any status"))] + MeetingStatus.choices()
        self.kind.choices = [("", _l("All kinds"))] + MeetingKind.choices()
        self.sort.choices = [("soonest", _l("Date, earliest first")), ("latest", _l("Date, latest first")),
                             ("title", _l("Title")), ("updated", _l("Recently changed"))]
