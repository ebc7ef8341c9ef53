"""The comments' part of the daily `flask purge-personal-data` (called from portal/commands.py)."""

from flask import current_app

from portal.comments import services
from portal.extensions import db


def purge_comment_data() -> str:
    """Submitters' details past COMMENT_RETENTION_DAYS, and attachments of forms never sent."""
    removed = services.purge_abandoned_uploads(current_app.config["COMMENT_ABANDONED_UPLOAD_HOURS"])
    purged = services.purge_personal_data(current_app.config["COMMENT_RETENTION_DAYS"])
    db.session.commit()
    return f"purged {purged} comments, removed {removed} abandoned comment attachments"

