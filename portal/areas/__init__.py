from flask import Blueprint

bp = Blueprint("areas", __name__)

from portal.areas import routes  # noqa: E402,F401
