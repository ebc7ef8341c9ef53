from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import ValidationError

from portal.accounts.forms import EMAIL, tidy_email
from portal.accounts.models import ROLE_TITLES
from portal.core.forms import CheckboxesField


class RolesForm(FlaskForm):
    roles = CheckboxesField(_l("Roles"), choices=[(r.value, t) for r, t in ROLE_TITLES.items()])


class InviteForm(RolesForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))
