from flask import Blueprint

bp = Blueprint("committees", __name__)
