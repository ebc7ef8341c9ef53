"""The 合理的配慮 catalogue staff keep at /admin/accommodations, and what every staff list of reference data
(areas, venues, committees, the catalogue) shares: search by name, retire instead of delete, delete when unused."""

from flask import Blueprint

from portal.accounts.models import Role
from portal.core.access import require_roles

bp = Blueprint("catalogue", __name__, url_prefix="/admin/accommodations")
bp.before_request(require_roles(Role.EDITOR))
