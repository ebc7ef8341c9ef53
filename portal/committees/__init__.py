from flask import Blueprint

bp = Blueprint("committees", __name__)

from portal.committees import routes  # noqa: E402,F401
