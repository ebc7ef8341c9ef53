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
