"""A signed-in person's account settings: password, email address, deleting the account."""

from flask import abort, current_app, flash, jsonify, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.accounts import bp, keys, services, throttle
from portal.accounts.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    KeyNameForm,
    RemoveKeyForm,
)
from portal.accounts.pages import broken_link_page, form_page, message_page
from portal.accounts.passwords import verify_password
from portal.accounts.signin import (
    AUTH_LIMIT,
    TOO_MANY,
    json_error,
    key_request,
    pass_second_factor,
    paused_message,
    second_factor_user,
)
from portal.core.access import login_required, passed_second_factor, roles_required, start_session
from portal.core.enums import Role
from portal.extensions import db, limiter

STAFF_ROLES = tuple(role.value for role in Role)


def password_refused(form) -> int | None:
    """A change to the account is confirmed with the current password, guessed no more freely than at login (a
    signed-in session left open on a shared computer): the account's throttle counts a wrong one, and while the
    account is paused no password is checked. None when it is right; else the status of the page, with the
    message on the field (the failure is committed here: the page shown next changes nothing)."""
    user = current_user._get_current_object()
    if throttle.is_paused(user.email):
        form.current.errors.append(paused_message())
        return TOO_MANY
    if verify_password(user.password_hash, form.current.data):
        return None
    paused = throttle.note_failure(user.email, user, "password_check_failed", actor=user)
    db.session.commit()
    form.current.errors.append(paused_message() if paused else _("Your current password is not right."))
    return TOO_MANY if paused else 200


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    form.account_email = current_user.email
    refused = None
    if form.validate_on_submit() and (refused := password_refused(form)) is None:
        services.change_password(current_user, form.password.data)
        # this session continues (second factor included); every other one has ended
        start_session(current_user._get_current_object(), second_factor=passed_second_factor(current_user))
        db.session.commit()
        flash(_("Your password has been changed. You have been logged out everywhere else."))
        return redirect(url_for("mypage.index"))
    return form_page(form, _("Change your password"), _("Change password"), status=refused or 200)


@bp.route("/email", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@login_required
def change_email():
    form = ChangeEmailForm()
    refused = None
    if form.validate_on_submit() and (refused := password_refused(form)) is None:
        services.request_email_change(current_user, form.email.data)
        db.session.commit()
        flash(_("We have sent a link to the new address. Your email changes when you open it."))
        return redirect(url_for("mypage.index"))
    return form_page(form, _("Change your email address"), _("Send the link"), status=refused or 200)


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
@limiter.limit(AUTH_LIMIT, methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    refused = None
    if form.validate_on_submit() and (refused := password_refused(form)) is None:
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
    return form_page(form, _("Delete your account"), _("Delete my account"), status=refused or 200, lead=_(
        "Your account and your saved details will be deleted. Registrations and comments you already sent are "
        "kept by the city as its rules require."))


# Security keys (WebAuthn): the staff member's own page, and registering a key there or at enrolment


def key_owner():
    """Who may register a security key now: a staff member signed in past the second factor (the security page),
    or one who owes a second factor and has none yet (enrolment, instead of the authenticator app)."""
    if current_user.is_authenticated and current_user.is_staff and passed_second_factor(current_user):
        return current_user._get_current_object()
    user = second_factor_user()
    return user if user is not None and not user.has_second_factor else None


@bp.post("/security/keys/options")
@limiter.limit(AUTH_LIMIT)
def key_options():
    user = key_owner()
    body, _challenge = key_request(user)
    try:
        keys.key_name(body.get("name"))
    except keys.KeyProblem as problem:
        return json_error(problem.message)
    options, challenge = keys.registration_options(user, _("Kyoso Portal"))
    session["key_registration"] = challenge.to_session()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/security/keys")
@limiter.limit(AUTH_LIMIT)
def add_key():
    user = key_owner()
    body, challenge = key_request(user, "key_registration")
    enrolling = not user.has_second_factor
    try:
        key = keys.register_key(user, body.get("credential"), challenge, body.get("name"))
    except keys.KeyProblem as problem:
        db.session.rollback()
        return json_error(problem.message)
    if enrolling:  # a key instead of the authenticator app: the second factor is passed, recovery codes as with it
        codes = services.new_recovery_codes(user)
        session["next"] = pass_second_factor(user)
        session["recovery_codes"] = codes
        return jsonify(redirect=url_for("accounts.recovery_codes"))
    db.session.commit()
    flash(_("The security key “%(name)s” has been added.", name=key.name))
    return jsonify(redirect=url_for("accounts.security"))


def security_page(failed: tuple[int, KeyNameForm] | None = None):
    user = current_user._get_current_object()
    forms = {key.id: KeyNameForm(formdata=None, prefix=f"key-{key.id}", name=key.name) for key in user.security_keys}
    if failed is not None:
        forms[failed[0]] = failed[1]
    recovery_left = sum(1 for code in user.recovery_codes if code.used_at is None)
    return render_template("accounts/public/security.html", keys=user.security_keys, forms=forms,
                           failed=failed[1] if failed else None, remove_form=RemoveKeyForm(formdata=None),
                           recovery_left=recovery_left, key_name_max=keys.NAME_MAX)


@bp.get("/security")
@roles_required(*STAFF_ROLES)
def security():
    return security_page()


def own_key(key_id: int):
    return keys.get_key(current_user._get_current_object(), key_id) or abort(404)


@bp.post("/security/keys/<int:key_id>/name")
@roles_required(*STAFF_ROLES)
def rename_key(key_id):
    key = own_key(key_id)
    form = KeyNameForm(prefix=f"key-{key.id}")
    if form.validate_on_submit():
        try:
            keys.rename_key(current_user._get_current_object(), key, form.name.data)
        except keys.KeyProblem as problem:
            form.name.errors.append(str(problem.message))
        else:
            db.session.commit()
            flash(_("The key has been renamed."))
            return redirect(url_for("accounts.security"))
    db.session.rollback()
    return security_page(failed=(key_id, form))


@bp.post("/security/keys/<int:key_id>/remove")
@roles_required(*STAFF_ROLES)
def remove_key(key_id):
    key = own_key(key_id)
    name = key.name
    if RemoveKeyForm().validate_on_submit():
        try:
            keys.remove_key(current_user._get_current_object(), key)
        except keys.KeyProblem as problem:
            db.session.rollback()
            flash(str(problem.message), "error")
        else:
            db.session.commit()
            flash(_("The security key “%(name)s” has been removed.", name=name))
    return redirect(url_for("accounts.security"))
