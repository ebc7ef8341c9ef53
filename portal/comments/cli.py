"""The comments' part of the daily `flask purge-personal-data` (called from portal/commands.py), and
`flask scan-uploads`, the virus check of files waiting in quarantine (documents and comment attachments)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.comments import services
from portal.extensions import db


def purge_comment_data() -> str:
    """Submitters' details past COMMENT_RETENTION_DAYS, and attachments of forms never sent."""
    removed = services.purge_abandoned_uploads(current_app.config["COMMENT_ABANDONED_UPLOAD_HOURS"])
    purged = services.purge_personal_data(current_app.config["COMMENT_RETENTION_DAYS"])
    db.session.commit()
    return f"purged {purged} comments, removed {removed} abandoned comment attachments"


@click.command("scan-uploads")
@with_appcontext
def scan_uploads() -> None:
    """Virus-check the uploads waiting in quarantine (run it every few minutes, like send-mail): clean files
    become available, infected ones are deleted. Exits 1 while files are still waiting (no scanner reachable)."""
    from portal.documents import manage_services as documents
    from portal.documents import scanning

    if not scanning.configured():
        raise click.ClickException("no virus scanner is configured: set CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT")
    counts = {"documents": documents.scan_pending(scanning.scan_file),
              "comment attachments": services.scan_pending_attachments(scanning.scan_file)}
    db.session.commit()
    for what, count in counts.items():
        click.echo(f"{what}: {count['clean']} clean, {count['infected']} infected (deleted), "
                   f"{count['pending']} still waiting")
    if any(count["pending"] for count in counts.values()):
        raise SystemExit(1)
