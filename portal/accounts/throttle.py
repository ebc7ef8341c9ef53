"""Per-account throttling of sign-in attempts, wherever they come from (issue 12).

Wrong passwords and wrong second-factor codes are counted against the normalised address typed, whether or not an
account uses it, so the answer never tells which addresses have accounts. The count lives in the database (rows
keyed by an HMAC of the address, pruned as new ones come), so every worker and host sees the same count; the
per-client limits of Flask-Limiter (AUTH_LIMIT) stay besides. After LIMIT failures within WINDOW the address is
paused until the oldest of them is older than WINDOW: no permanent lockout, no sleeping worker. Attempts while it is
paused are refused without being counted, so a guesser gets at most LIMIT tries per WINDOW.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from portal.accounts.models import FailureKind, SignInFailure, User
from portal.accounts.services import normalise_email
from portal.audit.models import AuditEntry
from portal.audit.services import ANONYMOUS, record
from portal.core.timefmt import now_utc
from portal.core.urls import external_url
from portal.extensions import db
from portal.mail.services import queue_email

LIMIT = 10
WINDOW = timedelta(minutes=15)
#: the owner of a paused account is emailed at most this often (a patient guesser re-pauses it every few minutes)
NOTICE_EVERY = timedelta(days=1)


def address_key(email: str) -> str:
    """The address as the throttle stores it: an HMAC, so the table holds no readable addresses."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def masked(email: str) -> str:
    """An address nobody has an account with, as the audit log shows it: "ta***@example.jp"."""
    local, _, domain = normalise_email(email).rpartition("@")
    return f"{local[:2]}***@{domain}"[:255] if local else "***"


def _recent(key: str) -> int:
    return db.session.scalar(sa.select(sa.func.count(SignInFailure.id)).where(
        SignInFailure.address_key == key, SignInFailure.created_at > now_utc() - WINDOW))


def is_paused(email: str) -> bool:
    """Has the address had LIMIT failures in the last WINDOW? Then no password or code is checked for it."""
    return _recent(address_key(email)) >= LIMIT


def note_failure(email: str, user: User | None, action: str, actor=ANONYMOUS,
                 kind: FailureKind = FailureKind.PASSWORD) -> bool:
    """Count a wrong password (`login_failed`, `password_check_failed`) or second factor (`second_factor_failed`,
    kind SECOND_FACTOR) for the address, record it in the audit log (the address, never what was typed) and, once
    LIMIT are counted, record the pause and email the account's owner (once a day at most). True when the address
    is paused now.

    The pause is recorded by the first failure that finds LIMIT or more and no pause recorded in the window: two
    failures committed together may both count LIMIT + 1, and one of them still records it."""
    now = now_utc()
    db.session.execute(sa.delete(SignInFailure).where(SignInFailure.created_at <= now - WINDOW))
    key = address_key(email)
    failure = SignInFailure(address_key=key, user_id=user.id if user is not None else None, kind=kind.value,
                            created_at=now)
    db.session.add(failure)
    db.session.flush()
    _record(action, email, user, actor)
    if _recent(key) < LIMIT:
        return False
    if _pause_recorded(key):
        return True
    failure.paused = True
    told = user is not None and _told_recently(user)
    _record("sign_in_locked", email, user, actor, changes={"failures": [None, LIMIT]})
    if user is not None and not told:
        queue_email(user.email, "accounts/sign_in_paused", user.locale, name=user.display_name,
                    minutes=int(WINDOW.total_seconds() // 60),
                    reset_url=external_url("accounts.forgot_password", user.locale))
    return True


def _pause_recorded(key: str) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        SignInFailure.address_key == key, SignInFailure.paused.is_(True),
        SignInFailure.created_at > now_utc() - WINDOW))) or False


def _told_recently(user: User) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        AuditEntry.action == "sign_in_locked", AuditEntry.object_type == "users", AuditEntry.object_id == user.id,
        AuditEntry.created_at > now_utc() - NOTICE_EVERY))) or False


def _record(action: str, email: str, user: User | None, actor, changes: dict | None = None) -> None:
    if user is not None:
        record(action, user, changes or {}, object_type="users", label=user.email, actor=actor)
    else:
        record(action, None, changes or {}, object_type="users", label=masked(email), actor=actor)


def second_factor_failures_since(user: User, timestamp: float) -> int:
    """The wrong second factors counted for the account since a moment (a POSIX timestamp: when a pending login
    began). Wrong passwords typed for the address meanwhile, by anyone, are not among them."""
    since = max(datetime.fromtimestamp(timestamp, UTC), now_utc() - WINDOW)
    return db.session.scalar(sa.select(sa.func.count(SignInFailure.id)).where(
        SignInFailure.address_key == address_key(user.email), SignInFailure.kind == FailureKind.SECOND_FACTOR.value,
        SignInFailure.created_at >= since))


def paused_accounts() -> list[User]:
    """The accounts whose sign-in is paused now, for the staff page."""
    counted = (sa.select(SignInFailure.user_id)
               .where(SignInFailure.user_id.is_not(None), SignInFailure.created_at > now_utc() - WINDOW)
               .group_by(SignInFailure.user_id).having(sa.func.count(SignInFailure.id) >= LIMIT))
    return db.session.scalars(sa.select(User).where(User.id.in_(counted)).order_by(User.display_name)).all()


def unlock(user: User, by_reset: bool = False) -> bool:
    """Lift the pause: staff did (the owner called the city office), or the owner chose a new password through the
    emailed link, which proves the address is theirs. The failures counted for the address are forgotten. True if
    there was anything to forget."""
    result = db.session.execute(sa.delete(SignInFailure).where(sa.or_(
        SignInFailure.address_key == address_key(user.email), SignInFailure.user_id == user.id)))
    if not result.rowcount:
        return False
    record("sign_in_unlocked", user, {"by": [None, "password_reset"]} if by_reset else {}, object_type="users",
           label=user.email, actor=user if by_reset else None)
    return True
