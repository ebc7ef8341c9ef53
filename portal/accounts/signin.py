"""Signing in: sign-up, login with the second factor, logout, password reset, staff invitations."""

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from portal.accounts import bp, keys, services, throttle
from portal.accounts.forms import (
    AcceptInviteForm,
    AcceptRolesForm,
    CodeForm,
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    SignUpForm,
)
from portal.accounts.models import FailureKind, TokenPurpose
from portal.accounts.pages import broken_link_page, form_page, message_page
from portal.audit.services import ANONYMOUS, record
from portal.core.access import login_required, passed_second_factor, second_factor_redirect, start_session
from portal.core.enums import Role
from portal.core.i18n import current_lang
from portal.core.timefmt import now_utc
from portal.core.urls import safe_next
from portal.extensions import db, limiter

AUTH_LIMIT = "10 per minute; 60 per hour"
MFA_PENDING_SECONDS = 600
#: wrong codes that end a pending login (they count towards the account's throttle too)
MFA_MAX_FAILURES = 5
TOO_MANY = 429


def paused_message() -> str:
    return _("There have been too many wrong attempts to log in to this account, so logging in to it is paused "
             "for up to 15 minutes to protect it. Try again later, or choose a new password with \"I forgot my "
             "password\".")


# Sign-up


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def signup():
    form = SignUpForm()
    if form.validate_on_submit():
        services.sign_up(form.email.data, form.password.data, form.display_name.data, current_lang())
        db.session.commit()
        return redirect(url_for("accounts.check_email"))
    return form_page(form, _("Create an account"), _("Create account"),
                     lead=_("An account lets you fill in forms faster and see your registrations and comments. "
                            "You can register for meetings and send comments without one."),
                     links=[(url_for("accounts.login"), _("I already have an account"))])


@bp.get("/signup/check-email")
def check_email():
    return message_page(_("Check your email"), _(
        "If the address can be used, we have sent an email to it. Open the link in the email to finish. "
        "If nothing arrives within an hour, check your spam folder or sign up again."))


@bp.get("/verify/<token>")
def verify_email(token):
    try:
        services.verify_email(token)
    except services.TokenError as error:
        db.session.rollback()
        return broken_link_page(error, links=[(url_for("accounts.signup"), _("Sign up again"))])
    db.session.commit()
    flash(_("Your email address is confirmed. You can log in now."))
    return redirect(url_for("accounts.login"))


# Login, second factor, logout


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        # The same work and the same answer whether or not an account uses the address (issue 12.1, 12.2).
        email = form.email.data
        paused = throttle.is_paused(email)
        user = None if paused else services.authenticate(email, form.password.data)
        if user is None and not paused:
            paused = throttle.note_failure(email, services.find_user(email), "login_failed")  # the 10th pauses
            db.session.commit()
        if paused:
            status = TOO_MANY
            form.form_errors.append(paused_message())  # about the account, not a wrong address
        elif user is None:
            form.password.errors.append(_("The email address or password is not right, or the address is not "
                                          "confirmed yet."))
        elif user.is_staff:
            db.session.commit()
            session.clear()
            session["mfa_user"], session["mfa_started"] = user.get_id(), now_utc().timestamp()
            session["next"] = safe_next(request.args.get("next"), "admin.dashboard")
            target = "accounts.second_factor" if user.has_second_factor else "accounts.totp_setup"
            return redirect(url_for(target))
        else:
            start_session(user)
            db.session.commit()
            flash(_("You are logged in."))
            return redirect(safe_next(request.args.get("next"), "mypage.index"))
    return form_page(form, _("Log in"), _("Log in"), status=status, links=[
        (url_for("accounts.forgot_password"), _("I forgot my password")),
        (url_for("accounts.signup"), _("Create an account")),
    ])


def second_factor_user():
    """Who owes the second factor in this session: the staff member who just gave the right password, or the
    signed-in person (given a staff role, or accepting an invitation) whose session has not passed it yet."""
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        owes = user.is_staff or session.get("invite") is not None
        return user if owes and not passed_second_factor(user) else None
    started = session.get("mfa_started", 0)
    if now_utc().timestamp() - started > MFA_PENDING_SECONDS:
        return None
    return services.load_session_user(session.get("mfa_user", ""))


def nothing_owed():
    if current_user.is_authenticated:
        return redirect(url_for("mypage.index"))
    flash(_("Please log in again."), "warning")
    return redirect(url_for("accounts.login"))


def pass_second_factor(user, welcome: str | None = None) -> str:
    """This session has passed the second factor: accept the invitation it was asked for, rotate the session
    with the mark, commit; the page to go to next. One message only: the invitation's outcome, else `welcome`."""
    target, invite_id = session.get("next"), session.get("invite")
    changes = problem = None
    if invite_id is not None:
        try:
            changes = services.accept_invitation(user, invite_id)
        except services.TokenError as error:
            problem = str(error.message)  # a plain string in the session
    start_session(user, second_factor=True)  # clears the session: flash after it
    if problem:
        flash(problem, "error")
    if changes:
        record("invite_accepted", user, changes=changes, actor=user)
        flash(_("You have joined the staff. Your new roles are ready."))
    if welcome and not (problem or changes):
        flash(welcome)
    db.session.commit()
    return safe_next(target, "admin.dashboard" if user.is_staff else "mypage.index")


@bp.route("/login/verify", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def second_factor():
    user = second_factor_user()
    if user is None or not user.has_second_factor:
        return nothing_owed()
    if codes_failed(user) >= MFA_MAX_FAILURES:
        return end_pending_login(user)
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        if throttle.is_paused(user.email):
            status = TOO_MANY
            form.code.errors.append(paused_message())
        elif services.check_totp(user, form.code.data) or services.use_recovery_code(user, form.code.data):
            target = pass_second_factor(user, welcome=_("You are logged in."))
            return redirect(target)
        else:
            paused = note_wrong_factor(user)
            if codes_failed(user) >= MFA_MAX_FAILURES:
                return end_pending_login(user)
            if paused:
                status = TOO_MANY
                form.code.errors.append(paused_message())
            elif user.totp_enabled_at:
                form.code.errors.append(_("The code is not right. Enter the 6-digit code shown in your "
                                          "authenticator app now, or one of your recovery codes."))
            else:
                form.code.errors.append(_("The code is not right. Enter one of your recovery codes."))
    if user.totp_enabled_at:
        lead = _("Staff accounts need a second step. Open your authenticator app and enter the 6-digit code for "
                 "the Kyoso Portal. If you lost your device, enter one of your recovery codes.")
    else:
        lead = _("Staff accounts need a second step. Use your security key. If you lost it, enter one of your "
                 "recovery codes.")
    return render_template("accounts/public/second_factor.html", form=form, title=_("Enter your security code"),
                           submit=_("Continue"), lead=lead, links=(), keys=user.security_keys), status


def note_wrong_factor(user) -> bool:
    """A wrong code or key response: counted like a wrong password (the account's throttle) and towards ending this
    pending login; True when it paused the account."""
    actor = user if current_user.is_authenticated else ANONYMOUS
    paused = throttle.note_failure(user.email, user, "second_factor_failed", actor=actor,
                                   kind=FailureKind.SECOND_FACTOR)
    db.session.commit()
    return paused


# Security keys (WebAuthn) at login: JSON for static/js/webauthn.js; the code form above is the path without it


def json_error(message, status=400):
    return jsonify(error=str(message)), status


def key_request_body() -> dict | None:
    """The JSON object posted by the script, read only up to keys.BODY_MAX_BYTES (413 beyond)."""
    if (request.content_length or 0) > keys.BODY_MAX_BYTES:
        raise RequestEntityTooLarge()
    if not request.is_json:
        return None
    data = request.stream.read(keys.BODY_MAX_BYTES + 1)  # a body sent without a length is cut off the same way
    if len(data) > keys.BODY_MAX_BYTES:
        raise RequestEntityTooLarge()
    return keys.parse_body(data)


def key_request(user, challenge_name: str | None = None) -> tuple[dict, "keys.Challenge | None"]:
    """(body, challenge) of a security-key request by `user`, or the refusal sent at once: 403 without such a
    user, 400 for a body that is not a JSON object. The named challenge leaves the session before the body is
    read: it works once, whatever was sent."""
    if user is None:
        abort(make_response(json_error(_("Please log in again."), 403)))
    challenge = keys.Challenge.from_session(session.pop(challenge_name, None)) if challenge_name else None
    body = key_request_body()
    if body is None:
        abort(make_response(json_error(_("The request was not understood. Reload the page and try again."))))
    return body, challenge


def key_login_user():
    """The person owing the second factor in this session, if they have a security key; else None."""
    user = second_factor_user()
    return user if user is not None and user.security_keys else None


@bp.post("/login/key/options")
@limiter.limit(AUTH_LIMIT)
def key_login_options():
    user = key_login_user()
    key_request(user)
    options, challenge = keys.authentication_options(user)
    session["key_login"] = challenge.to_session()
    return current_app.response_class(options, mimetype="application/json")


@bp.post("/login/key")
@limiter.limit(AUTH_LIMIT)
def key_login():
    user = key_login_user()
    body, challenge = key_request(user, "key_login")
    if codes_failed(user) >= MFA_MAX_FAILURES:
        return jsonify(redirect=ended_login_url(user))
    if throttle.is_paused(user.email):
        return json_error(paused_message(), TOO_MANY)
    if keys.check_key(user, body.get("credential"), challenge) is not None:
        return jsonify(redirect=pass_second_factor(user, welcome=_("You are logged in.")))
    paused = note_wrong_factor(user)
    if codes_failed(user) >= MFA_MAX_FAILURES:
        return jsonify(redirect=ended_login_url(user))
    if paused:
        return json_error(paused_message(), TOO_MANY)
    return json_error(_("The security key was not accepted. Try again with a key registered for this account, "
                        "or enter one of your recovery codes."))


def codes_failed(user) -> int:
    """Wrong codes and key responses counted for the account since this login began: kept in the database, so a
    replayed older cookie does not reset it. Wrong passwords are not among them: a stranger typing the address
    cannot end a staff member's pending login (they count only towards the account's pause)."""
    started = session.get("mfa_started") if not current_user.is_authenticated else session.get("login_at")
    return throttle.second_factor_failures_since(user, started or 0)


def end_pending_login(user):
    """Too many wrong codes: this login ends; the person starts again with their password."""
    return redirect(ended_login_url(user))


def ended_login_url(user) -> str:
    actor = user if current_user.is_authenticated else ANONYMOUS
    record("second_factor_ended", user, {}, object_type="users", label=user.email, actor=actor)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("The security code was wrong too many times, so this login has ended. Log in again with your "
            "password."), "error")
    return url_for("accounts.login")


@bp.route("/totp/setup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def totp_setup():
    user = second_factor_user()
    if user is not None and user.security_keys and not user.totp_enabled_at:
        return redirect(url_for("accounts.second_factor"))  # enrolled with a key: its login page
    if user is None or user.totp_enabled_at:
        return nothing_owed()
    secret = session.get("totp_secret") or services.new_totp_secret()
    session["totp_secret"] = secret
    form = CodeForm()
    if form.validate_on_submit():
        if services.check_totp(user, form.code.data, secret=secret):
            codes = services.enable_totp(user, secret)  # a valid code at enrolment passes the second factor
            session["next"] = pass_second_factor(user)
            session["recovery_codes"] = codes
            return redirect(url_for("accounts.recovery_codes"))
        form.code.errors.append(_("The code is not right. Check the time on your phone and enter the code "
                                  "shown now."))
    import segno

    uri = services.totp_uri(user, secret, _("Kyoso Portal"))
    qr = segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff")
    return render_template("accounts/public/totp_setup.html", form=form, secret=secret, qr=qr,
                           key_name_max=keys.NAME_MAX)


@bp.get("/recovery-codes")
@login_required
def recovery_codes():
    codes = session.pop("recovery_codes", None)
    if not codes:
        return redirect(url_for("mypage.index"))
    return render_template("accounts/public/recovery_codes.html", codes=codes,
                           next_url=safe_next(session.pop("next", None), "mypage.index"))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        services.end_all_sessions(current_user)  # a copied cookie stops working too
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."))
    return redirect(url_for("home.index"))


# Password reset


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data, current_lang())
        db.session.commit()
        return redirect(url_for("accounts.reset_sent"))
    return form_page(form, _("Reset your password"), _("Send the link"),
                     lead=_("Enter the email address of your account. We will send you a link to choose a new "
                            "password."))


@bp.get("/password/sent")
def reset_sent():
    return message_page(_("Check your email"), _(
        "If an account uses this address, we have sent it a link to choose a new password. The link works "
        "once, for 2 hours."))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        services.peek_token(TokenPurpose.RESET_PASSWORD, token)
    except services.TokenError as error:
        return broken_link_page(error, links=[(url_for("accounts.forgot_password"), _("Ask for a new link"))])
    form = NewPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
        throttle.unlock(user, by_reset=True)  # the lock message sends people here: the link proved the address
        db.session.commit()
        flash(_("Your password has been changed. Log in with the new password."))
        return redirect(url_for("accounts.login"))
    return form_page(form, _("Choose a new password"), _("Change password"))


# Staff invitations


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    try:
        invite = services.peek_token(TokenPurpose.INVITE, token)
    except services.TokenError as error:
        return broken_link_page(error)
    owner = services.find_user(invite.email)
    if owner is not None:
        return join_staff(invite, owner)
    form = AcceptInviteForm()
    form.account_email = invite.email
    if form.validate_on_submit():
        try:
            services.accept_invite(token, form.display_name.data, form.password.data, current_lang())
        except services.AccountExists:
            # someone signed up with the address meanwhile: the invitation goes to that account, as above
            db.session.rollback()
            return join_staff(invite, services.find_user(invite.email), posted=False)
        db.session.commit()
        flash(_("Your staff account is ready. Log in and set up your authenticator app."))
        return redirect(url_for("accounts.login"))
    return form_page(form, _("Create your staff account"), _("Create account"),
                     lead=_("You have been invited to work on the Kyoso Portal as %(email)s.", email=invite.email))


def join_staff(invite, owner, posted=True):
    """An invitation to an existing account (perhaps one made after the invitation was sent): its roles come only
    to its owner, signed in, past the second factor."""
    if not current_user.is_authenticated or current_user.id != owner.id:
        return message_page(_("Log in to accept the invitation"), _(
            "This invitation is for the account %(email)s. Log in with that account, then open the link in the "
            "email again.", email=invite.email), links=[
                (url_for("accounts.login"), _("Log in")),
                (url_for("accounts.forgot_password"), _("I forgot my password"))])
    form = AcceptRolesForm()
    if posted and form.validate_on_submit():
        session["invite"] = invite.id
        if passed_second_factor(current_user):
            return redirect(pass_second_factor(current_user._get_current_object()))
        return second_factor_redirect()
    roles = _(", ").join(str(Role(name).label) for name in invite.payload.get("roles", []))
    return form_page(form, _("Join the staff of the Kyoso Portal"), _("Accept the invitation"), lead=_(
        "You have been invited to work on the Kyoso Portal with this account as: %(roles)s. Staff pages need a "
        "second step: when you accept, you set up an authenticator app or enter its code.", roles=roles))
