"""The signed links of a registration: its page, and the code a guest confirms their address with."""

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload, selectinload

from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations.models import AccommodationRequest, Registration


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


def registration_for_token(token: str, for_page: bool = False) -> Registration | None:
    """The registration of a signed link, or None; for_page: with what its page shows (the meeting and its venue,
    the requests and their kinds of support) loaded in two statements instead of one per row."""
    registration_id = _load("registration", token)
    if not registration_id:
        return None
    if not for_page:
        return db.session.get(Registration, registration_id)
    return db.session.scalar(sa.select(Registration).where(Registration.id == registration_id).options(
        joinedload(Registration.meeting).joinedload(Meeting.venue),
        selectinload(Registration.requests).joinedload(AccommodationRequest.accommodation),
    ))


def code_matches(registration: Registration, code: str) -> bool:
    return _load("registration-confirm", code) == registration.id
