"""My page (マイページ): a signed-in resident's registrations and comments, gathered from both features."""

from flask import Blueprint

bp = Blueprint("mypage", __name__, url_prefix="/account")
