from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import ValidationError

from portal.accounts.forms import EMAIL, tidy_email
from portal.core.enums import Role
from portal.core.forms import CheckboxesField


class RolesForm(FlaskForm):
    roles = CheckboxesField(_l("Roles"), choices=Role.choices())


class InviteForm(RolesForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))


class UnlockForm(FlaskForm):
    """Lifting a paused sign-in: one button (and the CSRF token)."""
