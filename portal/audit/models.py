import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db_types import UTCDateTime, utcnow
from portal.extensions import db


class AuditEntry(db.Model):
    """One staff action. Append-only: the application never updates or deletes a row."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    #: the actor's name and email at the time, kept if the account is deleted later
    actor_name: Mapped[str] = mapped_column(sa.String(255))
    #: create, update, delete, publish, unpublish, cancel, role_change, invite, upload
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_id: Mapped[int | None]
    object_label: Mapped[str] = mapped_column(sa.String(255), default="")
    #: {field: [before, after]}
    changes = mapped_column(sa.JSON, nullable=False, default=dict)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)


@sa.event.listens_for(AuditEntry, "before_update")
@sa.event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target):
    raise RuntimeError("the audit log is append-only")
