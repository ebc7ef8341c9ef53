"""Queue emails in the caller's transaction; send them later with retries and back-off."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from jinja2_fragments.flask import render_block

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.mail.models import MailStatus, OutboxEmail
from portal.mail.transports import build_message, transport_from_config


def queue_email(to: str, template: str, lang: str = "ja", ics: str | None = None, **context) -> OutboxEmail:
    """Render templates/mail/<template>.txt in the recipient's language and add a row (flush only).

    The .txt has a `subject` and a `body` block; the HTML part is the same text in simple paragraphs.
    """
    with force_locale(lang):
        subject = render_block(f"mail/{template}.txt", "subject", **context).strip()
        body = render_block(f"mail/{template}.txt", "body", **context).strip()
        text = render_template("mail/_footer.txt", body=body)
        html = render_template("mail/_layout.html", subject=subject, paragraphs=text.split("\n\n"), lang=lang)
    row = OutboxEmail(to_address=to, subject=subject, text_body=text, html_body=html, language=lang, ics=ics)
    db.session.add(row)
    db.session.flush()
    return row


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most a day."""
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


def send_pending(transport=None, limit: int = 100) -> dict:
    """Send what is due. Each row is committed on its own, so a crash loses nothing already sent."""
    transport = transport or transport_from_config()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    result = {"sent": 0, "retry": 0, "failed": []}
    query = (
        sa.select(OutboxEmail)
        .where(OutboxEmail.status == MailStatus.PENDING, OutboxEmail.next_attempt_at <= now_utc())
        .order_by(OutboxEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    for row in db.session.scalars(query).all():
        try:
            transport.send(build_message(row), row)
        except Exception as error:  # noqa: BLE001 - any transport failure is retried, then reported
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:2000]
            if row.attempts >= max_attempts:
                row.status = MailStatus.FAILED
                result["failed"].append(row)
            else:
                row.next_attempt_at = now_utc() + backoff(row.attempts)
                result["retry"] += 1
        else:
            row.status, row.sent_at = MailStatus.SENT, now_utc()
            row.attempts += 1
            result["sent"] += 1
        db.session.commit()
    return result
