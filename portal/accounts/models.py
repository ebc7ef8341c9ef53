import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import Role
from portal.extensions import db


class User(UserMixin, db.Model):
    """A resident's optional account, or a staff member's."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: normalised: trimmed, NFKC, lower case
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    #: the language of the emails we send
    locale: Mapped[str] = mapped_column(sa.String(8), default="ja")
    email_verified_at = mapped_column(UTCDateTime)
    #: bumped at logout and password change: every session signed with an older value ends
    session_version: Mapped[int] = mapped_column(default=0)
    #: base32 TOTP secret (second factor, required for staff)
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at = mapped_column(UTCDateTime)
    #: the last TOTP time step accepted, so a code cannot be replayed
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_login_at = mapped_column(UTCDateTime)
    #: details a resident may save to fill registration forms faster
    furigana: Mapped[str | None] = mapped_column(sa.String(120))
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    age_group: Mapped[str | None] = mapped_column(sa.String(20))
    #: the resident's usual accommodations: {accommodation code: details}
    usual_accommodations = mapped_column(sa.JSON)

    roles = relationship("UserRole", cascade="all, delete-orphan", back_populates="user", lazy="selectin")
    recovery_codes = relationship("RecoveryCode", cascade="all, delete-orphan", back_populates="user")
    security_keys = relationship("SecurityKey", cascade="all, delete-orphan", back_populates="user",
                                 order_by="SecurityKey.id")

    @property
    def has_second_factor(self) -> bool:
        """An authenticator app or at least one security key is set up."""
        return self.totp_enabled_at is not None or bool(self.security_keys)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def role_names(self) -> set[str]:
        return {r.role.value for r in self.roles}

    def has_role(self, role: str) -> bool:
        names = self.role_names
        return role in names or Role.ADMIN.value in names

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    @property
    def role_titles(self):
        return [Role(name).label for name in sorted(self.role_names)]

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    user = relationship(User, back_populates="roles")

    __table_args__ = (sa.UniqueConstraint("user_id", "role", name="uq_user_roles_user_role"),)


class RecoveryCode(db.Model):
    """One-time codes for staff who lost their authenticator; only hashes are stored."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    used_at = mapped_column(UTCDateTime)
    user = relationship(User, back_populates="recovery_codes")


class SecurityKey(db.Model):
    """A security key or platform authenticator (WebAuthn) a staff member registered as a second factor."""

    __tablename__ = "security_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the authenticator's id for the credential (raw bytes, at most 1023 by the specification)
    credential_id: Mapped[bytes] = mapped_column(sa.LargeBinary(1023))
    #: COSE-encoded public key
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: the authenticator's signature counter (0 for authenticators that keep none)
    sign_count: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: the owner's name for it ("Blue key", "Office PC")
    name: Mapped[str] = mapped_column(sa.String(60))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at = mapped_column(UTCDateTime)
    user = relationship(User, back_populates="security_keys")

    __table_args__ = (sa.UniqueConstraint("credential_id", name="uq_security_keys_credential_id"),)

    def __repr__(self) -> str:
        return f"<SecurityKey {self.id}>"


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    # bandit B105 waived: a token purpose name, not a password
    RESET_PASSWORD = "reset_password"  # nosec B105
    CHANGE_EMAIL = "change_email"
    INVITE = "invite"


class OneTimeToken(db.Model):
    """A link sent by email: only its SHA-256 is stored; it expires and works once."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_type(TokenPurpose, "purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the address the link was sent to (the new address for an email change, the invitee's)
    email: Mapped[str] = mapped_column(sa.String(254))
    #: e.g. the roles of an invitation
    payload = mapped_column(sa.JSON)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    user = relationship(User)


class FailureKind(enum.StrEnum):
    """What was wrong: both count towards the address's pause; only second-factor ones end a pending login."""

    # bandit B105 waived: the name of a kind of failure, not a password
    PASSWORD = "password"  # nosec B105
    SECOND_FACTOR = "second_factor"


class SignInFailure(db.Model):
    """One wrong password or second-factor code, counted against the address typed (issue 12): the throttle reads
    the last 15 minutes of these, in the database so that every worker and host sees the same count."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: HMAC-SHA256 (SECRET_KEY) of the normalised address typed, whether or not an account uses it
    address_key: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: the account the address belongs to, when there is one (lets staff see and unlock locked accounts)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: a wrong password (login, or the current password on an account page) or a wrong second factor
    kind: Mapped[str] = mapped_column(sa.String(16), default=FailureKind.PASSWORD.value,
                                      server_default=FailureKind.PASSWORD.value)
    #: this failure paused the address: the pause was recorded (and the owner told) with it, once per window
    paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)

    def __repr__(self) -> str:
        return f"<SignInFailure {self.id}>"
