"""The audit log: who changed what, when, with the fields before and after (admins browse it)."""

from flask import Blueprint

from portal.core.access import access_refused, require_roles
from portal.core.enums import Role

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
bp.before_request(require_roles(Role.ADMIN))


def _connect() -> None:
    from portal.audit.services import record_refused_access

    access_refused.connect(record_refused_access)


_connect()
