import time

import click
from flask.cli import with_appcontext


def _report(result) -> None:
    click.echo(f"sent {result['sent']}, will retry {result['retry']}, gave up {len(result['failed'])}")
    for row in result["failed"]:
        click.echo(f"GAVE UP on email {row.id} to {row.to_address} after {row.attempts} tries: {row.last_error}",
                   err=True)


@click.command("send-mail")
@click.option("--watch", type=float, default=None, metavar="SECONDS",
              help="Keep running and send every SECONDS (development: `make run` uses it); stop with Ctrl+C.")
@click.option("--rounds", type=int, default=None, hidden=True, help="With --watch: stop after this many rounds.")
@with_appcontext
def send_mail(watch: float | None, rounds: int | None) -> None:
    """Send the pending emails of the outbox (run it from cron every minute)."""
    from portal.extensions import db
    from portal.mail.services import send_pending

    if watch is None:
        result = send_pending()
        _report(result)
        if result["failed"]:
            raise SystemExit(1)
        return
    done = 0
    while rounds is None or done < rounds:
        result = send_pending()
        db.session.remove()  # each round sees what the portal wrote since
        if result["sent"] or result["retry"] or result["failed"]:
            _report(result)
        done += 1
        if rounds is None or done < rounds:
            time.sleep(watch)
