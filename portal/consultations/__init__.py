from flask import Blueprint

bp = Blueprint("consultations", __name__)

from portal.consultations import routes  # noqa: E402,F401
