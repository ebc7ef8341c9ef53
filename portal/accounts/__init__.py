"""Resident and staff accounts: sign-up, login with a second factor for staff, password reset."""

from flask import Blueprint, session

from portal.extensions import login_manager

bp = Blueprint("accounts", __name__, url_prefix="/account")

login_manager.login_view = "accounts.login"
login_manager.session_protection = None  # sessions are ended server-side by session_version instead


@login_manager.user_loader
def load_user(session_id: str):
    from flask import current_app

    from portal.accounts.services import load_session_user
    from portal.core.timefmt import now_utc

    started = session.get("login_at", 0)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if now_utc().timestamp() - started > lifetime:
        return None  # a fixed lifetime from login, whatever the activity since
    return load_session_user(session_id)
