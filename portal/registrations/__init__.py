"""Registering for meetings, with accommodations that staff arrange and residents can follow."""

from flask import Blueprint

bp = Blueprint("registrations", __name__)
