"""Commands that span several features. Each feature's own commands live in its cli.py."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("purge-personal-data")
@click.option("--days", type=int, default=None, help="Days after the meeting (default: RETENTION_DAYS).")
@with_appcontext
def purge_personal_data(days: int | None) -> None:
    """Delete contact and accommodation details of past meetings, keeping anonymous counts (run it daily)."""
    from portal.comments.cli import purge_comment_data
    from portal.registrations.services import purge_personal_data as purge

    click.echo(f"purged {purge(days if days is not None else current_app.config['RETENTION_DAYS'])} registrations")
    click.echo(purge_comment_data())  # public comments: COMMENT_RETENTION_DAYS after the results


@click.command("scan-uploads")
@with_appcontext
def scan_uploads() -> None:
    """Virus-check the uploads waiting in quarantine, documents and comment attachments (run it every few
    minutes, like send-mail): clean files become available, infected ones are deleted. Exits 1 while files are
    still waiting (no scanner reachable)."""
    from portal.comments.services import scan_pending_attachments
    from portal.documents import scanning
    from portal.documents.manage_services import scan_pending
    from portal.extensions import db

    if not scanning.configured():
        raise click.ClickException("no virus scanner is configured: set CLAMD_SOCKET, or CLAMD_HOST and CLAMD_PORT")
    counts = {"documents": scan_pending(), "comment attachments": scan_pending_attachments()}
    db.session.commit()
    for what, count in counts.items():
        click.echo(f"{what}: {count['clean']} clean, {count['infected']} infected (deleted), "
                   f"{count['pending']} still waiting")
    if any(count["pending"] for count in counts.values()):
        raise SystemExit(1)
