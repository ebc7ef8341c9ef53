import click
from flask.cli import with_appcontext


@click.command("expire-registrations")
@with_appcontext
def expire_registrations() -> None:
    """Release seats of guests who never confirmed and of lapsed offers (run it from cron every few minutes)."""
    from portal.registrations.services import release_expired

    click.echo(f"released {release_expired()} registrations")


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Email confirmed registrants two days before their meeting (never twice; run it from cron hourly)."""
    from portal.registrations.services import send_reminders as send

    click.echo(f"queued {send()} reminders (send-mail sends them)")


@click.command("draw-lotteries")
@with_appcontext
def draw_lotteries() -> None:
    """Draw the observer lotteries whose application deadline has passed (run it from cron every few minutes)."""
    from portal.registrations.services import draw_due_lotteries

    click.echo(f"drew {draw_due_lotteries()} lotteries")
