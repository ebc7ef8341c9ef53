import click
from flask.cli import with_appcontext


@click.command("send-mail")
@with_appcontext
def send_mail() -> None:
    """Send the pending emails of the outbox (run it from cron every minute)."""
    from portal.mail.services import send_pending

    result = send_pending()
    click.echo(f"sent {result['sent']}, will retry {result['retry']}, gave up {len(result['failed'])}")
    for row in result["failed"]:
        click.echo(f"GAVE UP on email {row.id} to {row.to_address} after {row.attempts} tries: {row.last_error}",
                   err=True)
    if result["failed"]:
        raise SystemExit(1)
