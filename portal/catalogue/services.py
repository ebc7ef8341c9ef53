"""Reference data staff keep: searchable lists, retiring, deleting only what nothing uses. Services flush; views commit."""

import sqlalchemy as sa

from portal.audit.services import record, snapshot
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Accommodation


def staff_list(model, q: str | None, *order_by) -> sa.Select:
    """Every row, retired ones too (staff bring them back from here), filtered by a part of the name."""
    query = sa.select(model).order_by(*order_by)
    if q and q.strip():
        pattern = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = [model.name_ja, model.name_en] + ([model.code] if hasattr(model, "code") else [])
        query = query.where(sa.or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return query


def in_use(obj) -> bool:
    """Whether any row of any table refers to obj (a meeting, a registration, a venue, a term …)."""
    table = obj.__table__
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and db.session.scalar(
                    sa.select(sa.literal(1)).select_from(other).where(key.parent == obj.id).limit(1)):
                return True
    return False


def set_retired(obj, retired: bool) -> None:
    """Retired rows leave new choices and public lists; what already refers to them keeps showing them."""
    if bool(obj.retired_at) == retired:
        return
    obj.retired_at = now_utc() if retired else None
    record("retire" if retired else "restore", obj)


def delete_if_unused(obj) -> bool:
    if in_use(obj):
        return False
    record("delete", obj, snapshot(obj))
    db.session.delete(obj)
    db.session.flush()
    return True


def code_taken(code: str) -> bool:
    return db.session.scalar(sa.select(Accommodation.id).where(Accommodation.code == code)) is not None


def save_accommodation(accommodation: Accommodation | None, values: dict) -> Accommodation:
    """Create (at the end of the list unless a position is given) or update a kind of support, audited."""
    creating = accommodation is None
    if creating:
        accommodation = Accommodation()
        db.session.add(accommodation)
    for name, value in values.items():
        setattr(accommodation, name, value)
    if accommodation.position is None:
        accommodation.position = (db.session.scalar(sa.select(sa.func.max(Accommodation.position))) or 0) + 1
    record("create" if creating else "update", accommodation)
    return accommodation
