import click
from flask.cli import with_appcontext


@click.command("expire-registrations")
@with_appcontext
def expire_registrations() -> None:
    """Release seats of guests who never confirmed and of lapsed offers (run it from cron every few minutes)."""
    from portal.registrations.services import release_expired

    click.echo(f"released {release_expired()} registrations")
