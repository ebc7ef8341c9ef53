"""The 合理的配慮 catalogue staff keep at /admin/accommodations (the list, retire and delete come from
portal.core.reference, shared with areas, venues and committees)."""

from flask import Blueprint

from portal.core.access import require_roles
from portal.core.enums import Role

bp = Blueprint("catalogue", __name__, url_prefix="/admin/accommodations")
bp.before_request(require_roles(Role.EDITOR))
