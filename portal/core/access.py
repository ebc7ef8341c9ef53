"""Who may open what: the one place where access is decided."""

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user


def login_redirect():
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def check_roles(*roles: str):
    """None if the current user may go on; else the response to send (login page or 403)."""
    if not current_user.is_authenticated:
        return login_redirect()
    if roles and not any(current_user.has_role(role) for role in roles):
        abort(403)
    return None


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
        abort(403)
