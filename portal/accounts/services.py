"""Accounts: sign-up, verification, login, password reset, email change, deletion, TOTP.

No function here says whether an email is registered to someone who is not its owner.
"""

import hashlib
import secrets
import unicodedata
from datetime import timedelta

import pyotp
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, lazyload

from portal.accounts.models import OneTimeToken, RecoveryCode, TokenPurpose, User, UserRole
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.core.enums import Role
from portal.core.normalize import clean_name, tidy
from portal.core.timefmt import now_utc
from portal.core.urls import external_url
from portal.extensions import db
from portal.mail.services import queue_email

TOKEN_HOURS = {
    TokenPurpose.VERIFY_EMAIL: 72,
    TokenPurpose.RESET_PASSWORD: 2,
    TokenPurpose.CHANGE_EMAIL: 24,
    TokenPurpose.INVITE: 7 * 24,
}
RECOVERY_CODES = 10
#: links that act on an account: a token of these without one is not valid (only an invitation may have none)
FOR_AN_ACCOUNT = {TokenPurpose.VERIFY_EMAIL, TokenPurpose.RESET_PASSWORD, TokenPurpose.CHANGE_EMAIL}


class AccountError(Exception):
    """A change the account rules refuse; its text is the message for the person."""


class TokenError(Exception):
    """A link from an email that does not work: reason 'invalid', 'used' or 'expired', with its message."""

    MESSAGES = {
        "invalid": _l("This link is not valid. Check that you copied the whole link from the email."),
        "used": _l("This link has already been used. Each link works only once."),
        "expired": _l("This link has expired. Ask for a new one."),
    }

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.message = self.MESSAGES[reason]


def normalise_email(email: str) -> str:
    return tidy(email).lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(purpose: TokenPurpose, email: str, user: User | None = None, payload=None) -> str:
    raw = secrets.token_urlsafe(32)
    db.session.add(OneTimeToken(
        purpose=purpose, token_hash=_digest(raw), user=user, email=email, payload=payload,
        expires_at=now_utc() + timedelta(hours=TOKEN_HOURS[purpose]),
    ))
    db.session.flush()
    return raw


def peek_token(purpose: TokenPurpose, raw: str) -> OneTimeToken:
    token = db.session.scalar(sa.select(OneTimeToken).where(
        OneTimeToken.token_hash == _digest(raw or ""), OneTimeToken.purpose == purpose
    ))
    if token is not None and token.user_id is None and purpose in FOR_AN_ACCOUNT:
        token = None  # a reset asked for an address without an account: it stands for nothing
    return _usable(token)


def _usable(token: OneTimeToken | None) -> OneTimeToken:
    if token is None:
        raise TokenError("invalid")
    if token.used_at is not None:
        raise TokenError("used")
    if token.expires_at < now_utc():
        raise TokenError("expired")
    return token


def consume_token(purpose: TokenPurpose, raw: str) -> OneTimeToken:
    token = peek_token(purpose, raw)
    token.used_at = now_utc()
    return token


# Sign-up and verification


def sign_up(email: str, password: str, display_name: str, lang: str) -> None:
    """Create an unverified account and email a link; a known address gets a notice instead. Both paths hash the
    password once and queue one email, so neither the answer nor its time tells whether the address is known."""
    email = normalise_email(email)
    password_hash = hash_password(password)
    existing = find_user(email)
    if existing is not None:
        queue_email(email, "accounts/already_registered", existing.locale,
                    login_url=external_url("accounts.login", existing.locale),
                    reset_url=external_url("accounts.forgot_password", existing.locale))
        return
    user = User(email=email, password_hash=password_hash, display_name=clean_name(display_name), locale=lang)
    db.session.add(user)
    db.session.flush()
    raw = issue_token(TokenPurpose.VERIFY_EMAIL, email, user)
    queue_email(email, "accounts/verify_email", lang, name=user.display_name,
                url=external_url("accounts.verify_email", lang, token=raw))


def verify_email(raw: str) -> User:
    token = consume_token(TokenPurpose.VERIFY_EMAIL, raw)
    token.user.email_verified_at = token.user.email_verified_at or now_utc()
    return token.user


# Login and sessions


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user.email_verified_at is None:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def load_session_user(session_id: str) -> User | None:
    """The user of a session, if the session was signed with their current session version."""
    try:
        user_id, version = (int(part) for part in session_id.split(":"))
    except ValueError:
        return None
    # with its roles in the same query: every signed-in page asks for them (the menu, access checks)
    user = db.session.get(User, user_id, options=[joinedload(User.roles)])
    if user is None or user.session_version != version:
        return None
    return user


def end_all_sessions(user: User) -> None:
    user.session_version += 1


# Password reset and changes


def request_password_reset(email: str, lang: str = "ja") -> None:
    """Email a link to choose a new password; an address no account uses gets one email too (saying so), so both
    paths queue one email and the answer is the same. Both store a token too (the same database work, so the
    time does not tell either): the one for no account belongs to nobody, is never sent, and opens nothing."""
    # without the roles: loading them (a query of its own) would make a known address the slower one
    user = db.session.scalar(sa.select(User).where(User.email == normalise_email(email))
                             .options(lazyload(User.roles)))
    if user is None:
        email = normalise_email(email)
        issue_token(TokenPurpose.RESET_PASSWORD, email)
        queue_email(email, "accounts/reset_no_account", lang,
                    reset_url=external_url("accounts.forgot_password", lang),
                    signup_url=external_url("accounts.signup", lang))
        return
    raw = issue_token(TokenPurpose.RESET_PASSWORD, user.email, user)
    queue_email(user.email, "accounts/reset_password", user.locale, name=user.display_name,
                url=external_url("accounts.reset_password", user.locale, token=raw))


def reset_password(raw: str, password: str) -> User:
    token = consume_token(TokenPurpose.RESET_PASSWORD, raw)
    user = token.user
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or now_utc()  # the link proved the address
    end_all_sessions(user)
    return user


def change_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_all_sessions(user)
    queue_email(user.email, "accounts/password_changed", user.locale, name=user.display_name)


def request_email_change(user: User, new_email: str) -> None:
    new_email = normalise_email(new_email)
    if find_user(new_email) is not None:
        # Say nothing here about the other account; its owner is told someone tried.
        return
    raw = issue_token(TokenPurpose.CHANGE_EMAIL, new_email, user)
    queue_email(new_email, "accounts/change_email", user.locale, name=user.display_name,
                url=external_url("accounts.confirm_email_change", user.locale, token=raw))


def confirm_email_change(raw: str) -> User:
    token = consume_token(TokenPurpose.CHANGE_EMAIL, raw)
    if find_user(token.email) is not None:
        raise TokenError("invalid")
    old = token.user.email
    token.user.email = token.email
    queue_email(old, "accounts/email_changed", token.user.locale, name=token.user.display_name,
                new_email=token.email)
    return token.user


def is_last_admin(user: User) -> bool:
    if not user.has_role(Role.ADMIN) or Role.ADMIN.value not in user.role_names:
        return False
    admins = db.session.scalar(sa.select(sa.func.count()).select_from(UserRole).where(UserRole.role == Role.ADMIN))
    return admins <= 1


def delete_account(user: User) -> None:
    if is_last_admin(user):
        raise AccountError(_l("You are the only administrator. Make someone else an administrator first."))
    db.session.delete(user)


# Second factor


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def check_totp(user: User, code: str, secret: str | None = None) -> bool:
    """A 6-digit code from the authenticator, one step of clock drift allowed, never the same step twice."""
    secret = secret or user.totp_secret
    code = unicodedata.normalize("NFKC", code or "").replace(" ", "")
    if not secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(secret)
    now = now_utc()
    for drift in (-1, 0, 1):
        moment = now + timedelta(seconds=30 * drift)
        step = totp.timecode(moment)
        if secrets.compare_digest(totp.at(moment), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
    return False


def enable_totp(user: User, secret: str) -> list[str]:
    """Turn on the second factor and return fresh recovery codes (shown once)."""
    user.totp_secret, user.totp_enabled_at = secret, now_utc()
    return new_recovery_codes(user)


def new_recovery_codes(user: User) -> list[str]:
    user.recovery_codes.clear()
    codes = ["-".join(secrets.token_hex(2) for _ in range(3)) for _ in range(RECOVERY_CODES)]
    for code in codes:
        user.recovery_codes.append(RecoveryCode(code_hash=_digest(code)))
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    digest = _digest(tidy(code).lower())
    for recovery in user.recovery_codes:
        if recovery.used_at is None and secrets.compare_digest(recovery.code_hash, digest):
            recovery.used_at = now_utc()
            return True
    return False


# Staff


def create_admin(email: str, password: str, name: str) -> tuple[User, dict | None]:
    """The first administrator, or an existing account made one; the change of roles, if any."""
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        user = User(email=email, password_hash=hash_password(password), display_name=clean_name(name) or email,
                    locale="ja", email_verified_at=now_utc())
        db.session.add(user)
        db.session.flush()
    changes = None
    if Role.ADMIN.value not in user.role_names:
        changes = set_roles(user, user.role_names | {Role.ADMIN.value})
    db.session.flush()
    return user, changes


def set_roles(user: User, roles: set[str]) -> dict:
    """Change the roles; a change ends every session of the person (staff pages then need a new login)."""
    before = sorted(user.role_names)
    for role in list(user.roles):
        if role.role.value not in roles:
            user.roles.remove(role)
    for name in roles - user.role_names:
        user.roles.append(UserRole(role=Role(name)))
    if before != sorted(roles):
        end_all_sessions(user)
    db.session.flush()
    return {"roles": [before, sorted(roles)]}


def change_roles(user: User, roles: set[str], by: User) -> dict:
    """An administrator changes someone's roles (set_roles); nobody takes the administrator role from themselves."""
    if user.id == by.id and Role.ADMIN.value not in roles:
        raise AccountError(_l("You cannot take the administrator role away from yourself."))
    return set_roles(user, roles)


def invite_staff(email: str, roles: set[str], inviter: User) -> User | None:
    """Email an invitation: to create a staff account, or, for an existing account, to take the roles.

    An existing account gets nothing now: the roles come when its owner opens the link signed in and passes
    the second factor (`accept_invitation`), so a mistyped address gives nobody staff access.
    """
    email = normalise_email(email)
    user = find_user(email)
    raw = issue_token(TokenPurpose.INVITE, email, user, payload={"roles": sorted(roles), "by": inviter.id})
    lang = user.locale if user is not None else "ja"
    queue_email(email, "accounts/invite" if user is None else "accounts/invite_existing", lang,
                inviter=inviter.display_name, name=user.display_name if user is not None else "",
                url=external_url("accounts.accept_invite", lang, token=raw))
    return user


def accept_invitation(user: User, token_id: int) -> dict:
    """Give a signed-in account the roles of its invitation; the caller has checked its second factor."""
    token = _usable(db.session.get(OneTimeToken, token_id))
    if token.purpose != TokenPurpose.INVITE or token.email != user.email:
        raise TokenError("invalid")
    token.used_at = now_utc()
    return set_roles(user, user.role_names | set(token.payload.get("roles", [])))


class AccountExists(Exception):
    """An invitation to create an account for an address that has one by now (someone signed up first)."""


def accept_invite(raw: str, display_name: str, password: str, lang: str) -> User:
    """Create the invited staff account. If the address got an account meanwhile, AccountExists: the link stays
    usable, and its roles go to that account once its owner logs in and passes the second factor."""
    token = peek_token(TokenPurpose.INVITE, raw)
    if find_user(token.email) is not None:
        raise AccountExists(token.email)
    token.used_at = now_utc()
    user = User(email=token.email, password_hash=hash_password(password), display_name=clean_name(display_name),
                locale=lang, email_verified_at=now_utc())
    user.roles = [UserRole(role=Role(name)) for name in token.payload.get("roles", [])]
    db.session.add(user)
    db.session.flush()
    return user
