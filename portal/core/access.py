"""Who may open what: the one place where access is decided."""

from functools import wraps

from blinker import Namespace
from flask import abort, current_app, redirect, request, session, url_for
from flask_login import current_user, login_user

from portal.core.timefmt import now_utc
from portal.extensions import db

#: session key: the id of the user whose second factor this session has passed (a signed cookie, rotated at login)
SECOND_FACTOR = "second_factor_passed"
#: db.session.info key: the person this request's changes are made for, named by the access check that let them in;
#: the audit log records against them (a CLI command names nobody: "system")
ACTOR = "actor"

#: sent before a signed-in person is refused a staff page (403), with `user` and `path`: the audit log records it
#: (a feature connects to it; core imports no feature)
access_refused = Namespace().signal("access-refused")


def start_session(user, second_factor: bool = False) -> None:
    """Log in with a fresh session: nothing from before the login survives (rotation)."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["login_at"] = now_utc().timestamp()
    if second_factor:
        session[SECOND_FACTOR] = user.id
    user.last_login_at = now_utc()


def passed_second_factor(user) -> bool:
    return user.is_authenticated and session.get(SECOND_FACTOR) == user.id


def login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def second_factor_redirect():
    """Staff whose session has not passed the second factor: set it up or give a code, then come back here."""
    session["next"] = request.script_root + request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.second_factor" if current_user.has_second_factor else "accounts.totp_setup"))


def check_roles(*roles: str):
    """None if the current user may go on; else the response to send (login, second factor or 403).

    A staff page needs a staff role and a session that has passed the second factor: a role given to someone
    already signed in (as a resident) does not open staff pages in that session until it has.
    """
    if not current_user.is_authenticated:
        return login_redirect()
    if roles:
        if not current_user.is_staff:
            refuse()
        if not passed_second_factor(current_user):
            return second_factor_redirect()
        if not any(current_user.has_role(role) for role in roles):
            refuse()
    db.session.info[ACTOR] = current_user._get_current_object()
    return None


def refuse():
    """403 for a signed-in person on a page their roles do not open; the refusal is announced first."""
    access_refused.send(current_app._get_current_object(), user=current_user._get_current_object(),
                        path=request.path)
    abort(403)


def require_roles(*roles: str):
    """A before_request hook for a staff blueprint: every view in it needs one of the roles."""

    def hook():
        return check_roles(*roles)

    return hook


def roles_required(*roles: str):
    """The same check for a single view (e.g. an admin-only page inside an editor blueprint)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return check_roles(*roles) or view(*args, **kwargs)

        return wrapped

    return decorator


def login_required(view):
    return roles_required()(view)


def may_see_registrations(user, meeting) -> bool:
    """Registrations hold sensitive personal data: only the meeting's organiser and administrators see them."""
    if not user.is_authenticated:
        return False
    return "admin" in user.role_names or (user.has_role("editor") and meeting.organiser_id == user.id)


def require_registrations_access(meeting) -> None:
    if not may_see_registrations(current_user, meeting):
        refuse()
