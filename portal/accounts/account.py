"""A signed-in person's account settings: password, email address, deleting the account."""

from flask import flash, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.accounts import bp, services
from portal.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
)
from portal.accounts.pages import broken_link_page, form_page, message_page
from portal.accounts.passwords import verify_password
from portal.core.access import login_required, passed_second_factor, start_session
from portal.extensions import db


def wrong_password(form) -> bool:
    """A change to the account is confirmed with the current password; a wrong one is said on its field."""
    if verify_password(current_user.password_hash, form.current.data):
        return False
    form.current.errors.append(_("Your current password is not right."))
    return True


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    if form.validate_on_submit() and not wrong_password(form):
        services.change_password(current_user, form.password.data)
        # this session continues (second factor included); every other one has ended
        start_session(current_user._get_current_object(), second_factor=passed_second_factor(current_user))
        db.session.commit()
        flash(_("Your password has been changed. You have been logged out everywhere else."))
        return redirect(url_for("mypage.index"))
    return form_page(form, _("Change your password"), _("Change password"))


@bp.route("/email", methods=["GET", "POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit() and not wrong_password(form):
        services.request_email_change(current_user, form.email.data)
        db.session.commit()
        flash(_("We have sent a link to the new address. Your email changes when you open it."))
        return redirect(url_for("mypage.index"))
    return form_page(form, _("Change your email address"), _("Send the link"))


@bp.get("/email/confirm/<token>")
def confirm_email_change(token):
    try:
        services.confirm_email_change(token)
    except services.TokenError as error:
        db.session.rollback()
        return broken_link_page(error)
    db.session.commit()
    return message_page(_("Your email address has been changed"), _("Use the new address when you log in."))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit() and not wrong_password(form):
        try:
            services.delete_account(current_user._get_current_object())
        except services.AccountError as error:
            form.current.errors.append(str(error))
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(_("Your account has been deleted."))
            return redirect(url_for("home.index"))
    return form_page(form, _("Delete your account"), _("Delete my account"), lead=_(
        "Your account and your saved details will be deleted. Registrations and comments you already sent are "
        "kept by the city as its rules require."))
