from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from portal.accounts.passwords import password_problem
from portal.core.normalize import tidy


def tidy_email(value):
    """Full-width characters and stray spaces are common when typing on a phone: normalise before checking."""
    return tidy(value) if isinstance(value, str) else value


EMAIL = [InputRequired(_l("Enter your email address.")), Length(max=254),
         Email(_l("Enter an email address like name@example.jp."), check_deliverability=False)]


def new_password_check(form, field):
    # The account's address (set by the view) or the one typed on the same form: not usable as a password.
    email = getattr(form, "account_email", None) or (form.email.data if "email" in form._fields else "")
    problem = password_problem(field.data or "", email or "")
    if problem:
        raise ValidationError(problem)


class SignUpForm(FlaskForm):
    display_name = StringField(_l("Your name"), [InputRequired(_l("Enter your name.")), Length(max=120)])
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter a password.")), new_password_check])
    confirm = PasswordField(_l("Password again"), [
        InputRequired(_l("Enter the password again.")), EqualTo("password", _l("The two passwords are different."))])


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])
    password = PasswordField(_l("Password"), [InputRequired(_l("Enter your password."))])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), [InputRequired(_l("Enter the code.")), Length(max=20)])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), EMAIL, filters=[tidy_email])


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), [InputRequired(_l("Enter a password.")), new_password_check])
    confirm = PasswordField(_l("New password again"), [
        InputRequired(_l("Enter the password again.")), EqualTo("password", _l("The two passwords are different."))])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), [InputRequired(_l("Enter your current password."))])
    password = NewPasswordForm.password
    confirm = NewPasswordForm.confirm


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("New email address"), EMAIL, filters=[tidy_email])
    current = PasswordField(_l("Current password"), [InputRequired(_l("Enter your current password."))])


class DeleteAccountForm(FlaskForm):
    current = PasswordField(_l("Current password"), [InputRequired(_l("Enter your current password."))])
    confirm = BooleanField(_l("I understand that my account will be deleted and cannot be restored"),
                           [InputRequired(_l("Tick the box to confirm."))])


class AcceptInviteForm(FlaskForm):
    display_name = StringField(_l("Your name"), [InputRequired(_l("Enter your name.")), Length(max=120)])
    password = NewPasswordForm.password
    confirm = NewPasswordForm.confirm


class AcceptRolesForm(FlaskForm):
    """Accepting an invitation with an existing account: one button (and the CSRF token)."""
