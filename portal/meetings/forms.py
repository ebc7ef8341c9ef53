from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from portal.core.forms import CheckboxesField, ChoiceField, QueryForm
from portal.core.i18n import tr_text
from portal.core.timefmt import format_month, next_months
from portal.meetings.models import KIND_TITLES


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
        self.kind.choices = [("", _l("All kinds"))] + [(k.value, title) for k, title in KIND_TITLES.items()]
        self.area.choices = [("", _l("All areas and citywide"))] + [(a.slug, tr_text(a, "name")) for a in areas]
        # Two years back and one ahead: the range residents look for; older meetings are on committee pages.
        months = next_months(36, start=_two_years_ago())
        self.month.choices = [("", _l("Any month"))] + [
            (f"{y:04d}-{m:02d}", format_month(y, m)) for y, m in months
        ]
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


def _two_years_ago():
    from portal.core.timefmt import tokyo_today

    today = tokyo_today()
    return today.replace(year=today.year - 2, day=1)
