"""The signed links of a registration: its page, and the code a guest confirms their address with."""

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from portal.extensions import db
from portal.registrations.models import Registration


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def token_for(registration: Registration) -> str:
    """The signed link of a registration: unguessable, and a changed character makes it invalid."""
    return _serializer("registration").dumps(registration.id)


def confirm_code_for(registration: Registration) -> str:
    return _serializer("registration-confirm").dumps(registration.id)


def _load(salt: str, token: str) -> int | None:
    try:
        value = _serializer(salt).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def registration_for_token(token: str) -> Registration | None:
    registration_id = _load("registration", token)
    return db.session.get(Registration, registration_id) if registration_id else None


def code_matches(registration: Registration, code: str) -> bool:
    return _load("registration-confirm", code) == registration.id
