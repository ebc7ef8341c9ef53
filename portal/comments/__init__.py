"""Public comments (パブリックコメント): submit online or on paper, moderate, respond, publish the results."""

from flask import Blueprint

bp = Blueprint("comments", __name__)
