"""Form pieces shared by features."""

from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from portal.core.normalize import clean_name
from portal.core.timefmt import TOKYO, to_tokyo


class QueryForm(FlaskForm):
    """A GET filter form: reads request.args, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)

    def valid_data(self) -> dict:
        """Validate; each field's value, None for a wrong one (the page reports it and the list ignores it)."""
        self.validate()
        return {name: None if field.errors else field.data for name, field in self._fields.items()}


def cleaned(value):
    """A field filter: typed text as clean_name() leaves it (no control, bidi or zero-width characters, white space
    folded); no value stays no value."""
    return clean_name(value) if isinstance(value, str) else value


def name_field(label=None, *, required=True, max_length=120, **kwargs) -> StringField:
    """A person's name, the one way every form takes it (accounts, registrations, comments; issue 12.5): cleaned as
    it may be shown on a roster, an email or the audit log. DataRequired, not InputRequired: a name of only
    invisible characters is empty once cleaned, and is asked for again ("Enter your name.")."""
    first = DataRequired(_l("Enter your name.")) if required else Optional()
    return StringField(label or _l("Your name"), [first, Length(max=max_length)], filters=[cleaned], **kwargs)


class ChoiceField(SelectField):
    """A select whose wrong value gets a message a resident understands."""

    def pre_validate(self, form):
        if self.data in (None, ""):
            return
        if not any(value == self.data for value, *_ in self.iter_choices()):
            raise ValidationError(_l("Choose one of the options in the list."))


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form):
        values = {value for value, *_ in self.iter_choices()}
        if any(item not in values for item in self.data or []):
            raise ValidationError(_l("Choose from the options shown."))


class TokyoDateTimeField(DateTimeLocalField):
    """A date and time typed in Tokyo time; .data is an aware UTC datetime (how we store times)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"], **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return to_tokyo(self.data).strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=TOKYO).astimezone(UTC)


class OptionalSelectField(ChoiceField):
    """A select with an empty first choice whose data is None, else an int id."""

    def __init__(self, label=None, validators=None, empty_label=None, **kwargs):
        super().__init__(label, validators, coerce=_int_or_none, **kwargs)
        self.empty_label = empty_label

    def set_choices(self, pairs):
        self.choices = [(None, self.empty_label or "—")] + list(pairs)

    def pre_validate(self, form):
        if self.data is None:
            return
        if not any(value == self.data for value, *_ in self.iter_choices()):
            raise ValidationError(_l("Choose one of the options in the list."))


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not a choice: reported by pre_validate


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def form_values(form, fields) -> dict:
    """The named fields' data as plain values for a service; empty text becomes None."""
    values = {}
    for name in fields:
        value = getattr(form, name).data
        values[name] = (value.strip() or None) if isinstance(value, str) else value
    return values
