"""Resident and staff accounts. Flask-Login is wired here; sign-up and sign-in arrive with the accounts issue."""

from portal.extensions import login_manager


@login_manager.user_loader
def load_user(user_id: str):
    # No user table yet: every visitor is anonymous until accounts are built.
    return None
