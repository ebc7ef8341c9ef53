from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, EmailField, Form, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from portal.accounts.passwords import password_problem, too_long, too_long_message
from portal.core.forms import cleaned, name_field
from portal.core.normalize import tidy


def tidy_email(value):
    """Full-width characters and stray spaces are common when typing on a phone: normalise before checking."""
    return tidy(value) if isinstance(value, str) else value


EMAIL = [InputRequired(_l("Enter your email address.")), Length(max=254),
         Email(_l("Enter an email address like name@example.jp."), check_deliverability=False)]


def password_length(form, field):
    """First on every password field: an over-long one is refused before anything else (hashing, NFKC) reads it."""
    if field.data and too_long(field.data):
        raise StopValidation(too_long_message())


class _EmailOnly(Form):
    email = EmailField(validators=EMAIL, filters=[tidy_email])


def email_problem(value: str) -> str | None:
    """What the forms would say about an address (the one rule for forms and `flask create-admin`), or None."""
    form = _EmailOnly(MultiDict({"email": value}))
    if form.validate():
        return None
    return str(form.email.errors[0])


def password_field(label, message, *more):
    return PasswordField(label, [InputRequired(message), password_length, *more])


def new_password_check(form, field):
    # The account's address (set by the view) or the one typed on the same form: not usable as a password.
    email = getattr(form, "account_email", None) or (form.email.data if "email" in form._fields else "")
    problem = password_problem(field.data or "", email or "")
    if problem:
        raise ValidationError(problem)


class SignUpForm(FlaskForm):
    display_name = name_field()
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])
    password = password_field(_l("Password"), _l("Enter a password."), new_password_check)
    confirm = password_field(_l("Password again"), _l("Enter the password again."),
                             EqualTo("password", _l("The two passwords are different.")))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])
    password = password_field(_l("Password"), _l("Enter your password."))


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), [InputRequired(_l("Enter the code.")), Length(max=20)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])


class NewPasswordForm(FlaskForm):
    password = password_field(_l("New password"), _l("Enter a password."), new_password_check)
    confirm = password_field(_l("New password again"), _l("Enter the password again."),
                             EqualTo("password", _l("The two passwords are different.")))


def current_password():
    return password_field(_l("Current password"), _l("Enter your current password."))


class ChangePasswordForm(FlaskForm):
    current = current_password()
    password = NewPasswordForm.password
    confirm = NewPasswordForm.confirm


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("New email address"), EMAIL, filters=[tidy_email])
    current = current_password()


class DeleteAccountForm(FlaskForm):
    current = current_password()
    confirm = BooleanField(_l("I understand that my account will be deleted and cannot be restored"),
                           [InputRequired(_l("Tick the box to confirm."))])


class AcceptInviteForm(FlaskForm):
    display_name = name_field()
    password = NewPasswordForm.password
    confirm = NewPasswordForm.confirm


class AcceptRolesForm(FlaskForm):
    """Accepting an invitation with an existing account: one button (and the CSRF token)."""


class KeyNameForm(FlaskForm):
    """The name of a security key (one form per key on the security page, told apart by a prefix)."""

    name = StringField(_l("Name of the key"), [DataRequired(_l("Enter a name for the key.")), Length(max=60)],
                       filters=[cleaned])


class RemoveKeyForm(FlaskForm):
    """Removing a security key: one button (and the CSRF token)."""
