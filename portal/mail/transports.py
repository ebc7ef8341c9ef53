"""Where emails go: files in development, SMTP in production."""

import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app


def build_message(row) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_FROM"].rsplit("@", 1)[-1].strip(">"))
    message["Content-Language"] = row.language
    message.set_content(row.text_body)
    if row.html_body:
        message.add_alternative(row.html_body, subtype="html")
    if row.ics:
        message.add_attachment(row.ics.encode(), maintype="text", subtype="calendar", filename="meeting.ics")
    return message


class FileTransport:
    """Writes each email as an .eml file (the development default: nothing leaves the machine)."""

    def __init__(self, folder: str):
        self.folder = Path(folder)

    def send(self, message: EmailMessage, row) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (self.folder / f"{stamp}-{row.id}.eml").write_bytes(bytes(message))


class SMTPTransport:
    def __init__(self, host: str, port: int, username: str | None, password: str | None, starttls: bool):
        self.host, self.port, self.username, self.password, self.starttls = host, port, username, password, starttls

    def send(self, message: EmailMessage, row) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=30) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def transport_from_config():
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SMTPTransport(config["MAIL_SERVER"], config["MAIL_PORT"], config.get("MAIL_USERNAME"),
                             config.get("MAIL_PASSWORD"), config["MAIL_STARTTLS"])
    return FileTransport(config["MAIL_FOLDER"])
