"""Password hashing (argon2id) and the rules a new password must meet."""

import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 8
#: checked by the forms before any hashing: a 2-million-character password would hold a worker for seconds
MAX_LENGTH = 128
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters
#: verified against when no account matches, so a wrong email costs as long as a wrong password; made on first
#: use (an argon2 hash at import would add ~0.2 s to every process start: each worker, each CLI command)
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("not a real password")
    return _DUMMY_HASH


def normalise(password: str) -> str:
    # NFKC so that full-width and half-width forms of the same password match (Japanese keyboards).
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """The hash of a password (callers have refused one over MAX_LENGTH)."""
    return _hasher.hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), normalise(password)) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common() -> frozenset[str]:
    return frozenset((Path(__file__).with_name("common_passwords.txt")).read_text().split())


def too_long(password: str) -> bool:
    return len(password) > MAX_LENGTH


def too_long_message():
    return _l("Use at most %(num)s characters.", num=MAX_LENGTH)


def password_problem(password: str, email: str = ""):
    """A message saying what is wrong with a new password, or None."""
    if too_long(password):
        return too_long_message()
    password = normalise(password)
    if len(password) < MIN_LENGTH:
        return _l("Use at least %(num)s characters.", num=MIN_LENGTH)
    if password.lower() in _common() or (email and password.lower() == email.lower()):
        return _l("This password is too easy to guess. Choose a different one.")
    return None
