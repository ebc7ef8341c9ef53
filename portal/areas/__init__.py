from flask import Blueprint

bp = Blueprint("areas", __name__)
