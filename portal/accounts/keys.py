"""Security keys and platform authenticators (WebAuthn) as a second factor for staff, besides TOTP (issue 12.8).

The relying party is the host of BASE_URL and the only origin BASE_URL itself, never the request's Host header.
A challenge lives in the session (a signed cookie) with the time it was given, for CHALLENGE_SECONDS, and works
once: the view takes it out before checking; a copy of an older cookie brings it back, so a login challenge given
before the key's last use is refused too, and a registration response cannot add a credential twice.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.accounts.models import SecurityKey, User
from portal.audit.services import record
from portal.core.normalize import clean_name
from portal.core.timefmt import now_utc
from portal.core.urls import base_url
from portal.extensions import db

CHALLENGE_SECONDS = 300
NAME_MAX = 60
#: a registration or login response is a few kilobytes; anything much larger is not one
BODY_MAX_BYTES = 32 * 1024

if TYPE_CHECKING:
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

# webauthn is imported in the functions that use it: with cryptography, pyOpenSSL and pyasn1 it is about 14 MB
# and 0.3 s in every worker at start-up, for the few staff sign-ins that need it.


def _bad_input() -> tuple[type[Exception], ...]:
    """What a broken or hostile response makes the library raise besides its own errors."""
    from webauthn.helpers.exceptions import WebAuthnException

    return WebAuthnException, ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError


class KeyProblem(Exception):
    """A response that does not register or prove a key; the message says what to do."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Challenge:
    """A challenge given to a browser, as the session keeps it."""

    value: bytes
    issued_at: float
    user_id: int

    def to_session(self) -> dict:
        return {"c": self.value.hex(), "t": self.issued_at, "u": self.user_id}

    @classmethod
    def from_session(cls, stored) -> "Challenge | None":
        try:
            return cls(bytes.fromhex(stored["c"]), float(stored["t"]), int(stored["u"]))
        except (TypeError, KeyError, ValueError):
            return None

    def fresh_for(self, user: User) -> bool:
        return self.user_id == user.id and 0 <= now_utc().timestamp() - self.issued_at <= CHALLENGE_SECONDS


def relying_party() -> tuple[str, str]:
    """(rp id, origin): the host of BASE_URL, and BASE_URL's scheme and host."""
    parts = urlsplit(base_url())
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def _descriptors(user: User) -> "list[PublicKeyCredentialDescriptor]":
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    return [PublicKeyCredentialDescriptor(id=key.credential_id) for key in user.security_keys]


def registration_options(user: User, rp_name: str) -> tuple[str, Challenge]:
    """The options for navigator.credentials.create() as JSON, and the challenge to keep."""
    import webauthn
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    rp_id, _origin = relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id, rp_name=rp_name, user_id=f"kyoso-user-{user.id}".encode(), user_name=user.email,
        user_display_name=user.display_name, exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED, user_verification=UserVerificationRequirement.PREFERRED))
    return webauthn.options_to_json(options), Challenge(options.challenge, now_utc().timestamp(), user.id)


def authentication_options(user: User) -> tuple[str, Challenge]:
    """The options for navigator.credentials.get() (the user's own keys only) as JSON, and the challenge to keep."""
    import webauthn
    from webauthn.helpers.structs import UserVerificationRequirement

    rp_id, _origin = relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id, allow_credentials=_descriptors(user), user_verification=UserVerificationRequirement.PREFERRED)
    return webauthn.options_to_json(options), Challenge(options.challenge, now_utc().timestamp(), user.id)


def key_name(name) -> str:
    """A key's name as it may be shown, or KeyProblem."""
    name = clean_name(name if isinstance(name, str) else "")
    if not name:
        raise KeyProblem(_l("Enter a name for the key, for example “Blue key”."))
    if len(name) > NAME_MAX:
        raise KeyProblem(_l("Enter a name of at most %(count)d characters.", count=NAME_MAX))
    return name


def register_key(user: User, credential, challenge: Challenge | None, name) -> SecurityKey:
    """Check a response of navigator.credentials.create() against the challenge given to this user; store the key
    and record it in the audit log. KeyProblem if the response, the challenge or the name is not right."""
    name = key_name(name)
    if challenge is None or not challenge.fresh_for(user) or not isinstance(credential, dict):
        raise KeyProblem(_l("The key could not be added. Try again."))
    import webauthn

    rp_id, origin = relying_party()
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, expected_challenge=challenge.value, expected_rp_id=rp_id, expected_origin=origin)
    except _bad_input():
        raise KeyProblem(_l("The key could not be added. Try again.")) from None
    taken = db.session.scalar(sa.select(SecurityKey.id).where(SecurityKey.credential_id == verified.credential_id))
    if taken is not None:
        raise KeyProblem(_l("This key is already registered."))
    key = SecurityKey(user_id=user.id, credential_id=verified.credential_id,
                      public_key=verified.credential_public_key, sign_count=verified.sign_count, name=name,
                      created_at=now_utc())
    user.security_keys.append(key)
    db.session.flush()
    record("security_key_added", key, {"name": [None, name]}, label=f"{user.email}: {name}"[:255], actor=user)
    return key


def check_key(user: User, credential, challenge: Challenge | None) -> SecurityKey | None:
    """The user's key that signed this challenge (its counter and last use updated), or None: a wrong or broken
    response, a challenge not given to this user, too old, or given before the key was last used (a replay)."""
    if challenge is None or not challenge.fresh_for(user) or not isinstance(credential, dict):
        return None
    import webauthn
    from webauthn.helpers import base64url_to_bytes

    try:
        raw_id = base64url_to_bytes(credential.get("rawId") or credential.get("id") or "")
    except _bad_input():
        return None
    key = next((k for k in user.security_keys if k.credential_id == raw_id), None)
    if key is None:
        return None
    if key.last_used_at is not None and key.last_used_at >= datetime.fromtimestamp(challenge.issued_at, UTC):
        return None
    rp_id, origin = relying_party()
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential, expected_challenge=challenge.value, expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=key.public_key, credential_current_sign_count=key.sign_count)
    except _bad_input():
        return None
    key.sign_count, key.last_used_at = verified.new_sign_count, now_utc()
    record("security_key_used", key, {}, label=f"{user.email}: {key.name}"[:255], actor=user)
    return key


def get_key(user: User, key_id: int) -> SecurityKey | None:
    """One of the user's own keys; None for anyone else's."""
    return next((k for k in user.security_keys if k.id == key_id), None)


def rename_key(user: User, key: SecurityKey, name) -> None:
    name = key_name(name)
    if name != key.name:
        record("security_key_renamed", key, {"name": [key.name, name]}, label=f"{user.email}: {name}"[:255])
        key.name = name


def remove_key(user: User, key: SecurityKey) -> None:
    """Remove a key; the last second factor of an account without an authenticator app stays."""
    if not user.totp_enabled_at and len(user.security_keys) <= 1:
        raise KeyProblem(_l("This is your only second step: add another key or set up an authenticator app "
                            "before you remove it."))
    record("security_key_removed", key, {"name": [key.name, None]}, label=f"{user.email}: {key.name}"[:255])
    user.security_keys.remove(key)
    db.session.flush()


def parse_body(data: bytes) -> dict | None:
    """A JSON object from a request body, or None for anything else (broken, not an object, too deep)."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
