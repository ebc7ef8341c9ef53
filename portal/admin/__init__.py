"""The staff side under /admin: dashboard and staff accounts. Feature pages live in each feature's manage.py."""

from flask import Blueprint

from portal.core.access import require_roles
from portal.core.enums import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_roles(Role.EDITOR, Role.MODERATOR, Role.ADMIN))
