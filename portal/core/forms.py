"""Form pieces shared by features."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.validators import ValidationError


class QueryForm(FlaskForm):
    """A GET filter form: reads request.args, no CSRF (it changes nothing)."""

    class Meta:
        csrf = False

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)


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
