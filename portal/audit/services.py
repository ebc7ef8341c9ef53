"""Recording staff actions with the fields that changed, and security events (failed sign-ins, refused access)."""

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.core.access import ACTOR
from portal.core.errors import reshowing
from portal.core.timefmt import now_utc
from portal.extensions import db

#: the actor of an event caused by someone not signed in (a failed login): recorded with no account
ANONYMOUS = "anonymous"
#: a refused staff page is recorded once per person and page in this time (a reload is no new event)
REFUSED_EVERY = timedelta(minutes=10)
SKIP = {"created_at", "updated_at", "password_hash", "totp_secret", "totp_last_step", "session_version"}


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def pending_changes(obj) -> dict:
    """{field: [before, after]} of the column attributes changed on obj since it was loaded."""
    state = sa.inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if attr.key in SKIP:
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if state.pending or state.transient:
                before = None
            if _plain(before) != _plain(after):
                changes[attr.key] = [_plain(before), _plain(after)]
    return changes


def snapshot(obj) -> dict:
    """{field: [value, None]} of every column, for a deletion."""
    return {
        attr.key: [_plain(getattr(obj, attr.key)), None]
        for attr in sa.inspect(obj).mapper.column_attrs if attr.key not in SKIP
    }


def record(action: str, obj=None, changes: dict | None = None, *, object_type: str | None = None,
           label: str = "", actor=None) -> AuditEntry:
    """Add an audit entry in the current transaction (flush only). The actor, unless given, is the person the
    access check let into this request (portal.core.access.ACTOR); nobody there means "system" (a CLI command).
    `actor=ANONYMOUS` records an event of someone not signed in (a failed login)."""
    actor = actor if actor is not None else db.session.info.get(ACTOR)
    if actor == ANONYMOUS:
        actor, actor_name = None, ANONYMOUS
    else:
        actor_name = f"{actor.display_name} <{actor.email}>" if actor is not None else "system"
    if obj is not None and changes is None:
        changes = pending_changes(obj)
    if obj is not None and obj.id is None:
        db.session.flush()
    entry = AuditEntry(
        actor_id=getattr(actor, "id", None),
        actor_name=actor_name[:255],
        action=action,
        object_type=object_type or (obj.__tablename__ if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        object_label=(label or _label(obj))[:255],
        changes=changes or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def record_state(action: str, obj) -> AuditEntry:
    """A retire, restore or delete of reference data (portal.core.reference asks for it); a deletion keeps every field."""
    return record(action, obj, snapshot(obj) if action == "delete" else None)


def record_refused_access(sender, user, path: str, **extra) -> None:
    """A signed-in person refused a staff page (portal.core.access.access_refused). The 403 ends the request
    without its commit, so this entry is committed here, alone: nothing else has changed before an access check.
    A post whose CSRF token failed is only shown back (portal.core.errors): nothing is recorded for it. One entry
    per person and page every REFUSED_EVERY: reloading /admin/ does not fill the log."""
    if reshowing():
        return
    signed_in = getattr(user, "is_authenticated", False)
    actor = user if signed_in else ANONYMOUS
    label = path[:255]
    if _refused_recently(actor, label):
        return
    record("access_denied", None, {"path": [None, path[:200]]}, object_type="page", label=label, actor=actor)
    db.session.commit()


def _refused_recently(actor, label: str) -> bool:
    who = (AuditEntry.actor_id == actor.id if actor != ANONYMOUS
           else sa.and_(AuditEntry.actor_id.is_(None), AuditEntry.actor_name == ANONYMOUS))
    return db.session.scalar(sa.select(sa.exists().where(
        AuditEntry.action == "access_denied", who, AuditEntry.object_label == label,
        AuditEntry.created_at > now_utc() - REFUSED_EVERY))) or False


def _label(obj) -> str:
    if obj is None:
        return ""
    for name in ("title_ja", "name_ja", "email", "display_name", "original_filename"):
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return f"#{obj.id}"


# The log for administrators


def object_types() -> list[str]:
    """The kinds of thing the log holds entries for, to filter by."""
    return db.session.scalars(sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()


def entries(who: str | None = None, action: str | None = None, object_type: str | None = None) -> sa.Select:
    """The entries, newest first, by a part of the staff member's name or email, an action and a kind of thing."""
    query = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if who and who.strip():
        query = query.where(AuditEntry.actor_name.contains(who.strip()))
    if action:
        query = query.where(AuditEntry.action == action)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return query
