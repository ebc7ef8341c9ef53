"""Staff invitations and roles, the first admin with TOTP, and the email outbox."""

import re
import socket

import pyotp
import sqlalchemy as sa

from portal.accounts.models import User
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.mail.models import OutboxEmail
from tests.helpers import PASSWORD, post_form


def test_admin_invites_staff_who_then_sets_up_totp(app, client, auth, outbox):
    auth.as_role(client, "admin", email="admin@city.example.jp")
    response = post_form(client, "/admin/staff", {"email": "new.editor@city.example.jp", "roles": "editor"})
    assert response.status_code == 302
    invite = outbox()[-1]
    assert invite.to_address == "new.editor@city.example.jp" and "招待" in invite.subject
    link = re.search(r"https?://[^\s]+(/account/invite/[^\s]+)", invite.text_body).group(1)
    newcomer = app.test_client()
    response = post_form(newcomer, link, {"display_name": "新人 編集", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert newcomer.get(link).status_code == 400  # used

    response = post_form(newcomer, "/account/login", {"email": "new.editor@city.example.jp", "password": PASSWORD})
    assert response.headers["Location"].endswith("/account/totp/setup")
    page = newcomer.get("/account/totp/setup").get_data(as_text=True)
    secret = re.search(r'<p class="secret"><code>([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml' in page
    response = post_form(newcomer, "/account/totp/setup", {"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/account/recovery-codes")
    codes = re.findall(r"<code>([0-9a-f-]{14})</code>", newcomer.get("/account/recovery-codes").get_data(as_text=True))
    assert len(codes) == 10
    assert newcomer.get("/admin/meetings/").status_code == 200
    assert newcomer.get("/admin/staff").status_code == 403

    # A recovery code works once in place of the authenticator.
    post_form(newcomer, "/account/logout", {}, page="/account/me")
    later = app.test_client()
    post_form(later, "/account/login", {"email": "new.editor@city.example.jp", "password": PASSWORD})
    assert post_form(later, "/account/login/verify", {"code": codes[0]}).status_code == 302
    again = app.test_client()
    post_form(again, "/account/login", {"email": "new.editor@city.example.jp", "password": PASSWORD})
    assert post_form(again, "/account/login/verify", {"code": codes[0]}).status_code == 200


def test_role_changes_are_audited_and_admins_keep_their_own_role(client, auth):
    admin = auth.as_role(client, "admin", email="admin@city.example.jp")
    editor = auth.create(email="editor@city.example.jp", roles=("editor",))
    post_form(client, f"/admin/staff/{editor.id}", {"roles": ["editor", "moderator"]})
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "role_change"))
    assert entry.changes["roles"] == [["editor"], ["editor", "moderator"]] and "admin 太郎" in entry.actor_name
    response = post_form(client, f"/admin/staff/{admin.id}", {"roles": ["editor"]})
    assert "自分自身の管理者の役割は外せません" in response.get_data(as_text=True)


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-admin", "chief@city.example.jp", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "chief@city.example.jp"))
    assert user.role_names == {"admin"} and user.totp_enabled_at is None
    weak = runner.invoke(args=["create-admin", "x@city.example.jp", "--password", "password"])
    assert weak.exit_code != 0


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_with_the_mail_server_down_sign_up_succeeds_and_mail_goes_later(app, client, outbox, tmp_path):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_STARTTLS=False)
    response = post_form(client, "/account/signup", {"display_name": "花子", "email": "hanako@example.jp",
                                                     "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "will retry 1" in result.output
    (row,) = outbox()
    assert row.status == "pending" and row.attempts == 1 and "ConnectionRefused" in row.last_error
    # Not due yet: back-off.
    assert "sent 0, will retry 0" in runner.invoke(args=["send-mail"]).output
    # The server is back (here: the file transport); the email goes once it is due.
    app.config.update(MAIL_SERVER="", MAIL_FOLDER=str(tmp_path / "mail"))
    db.session.execute(sa.update(OutboxEmail).values(next_attempt_at=row.created_at))
    db.session.commit()
    assert "sent 1" in runner.invoke(args=["send-mail"]).output
    (eml,) = (tmp_path / "mail").glob("*.eml")
    text = eml.read_bytes()
    assert b"hanako@example.jp" in text and b"text/html" in text and b"text/plain" in text


def test_send_mail_gives_up_loudly_after_the_last_try(app, client, outbox):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port(), MAIL_STARTTLS=False, MAIL_MAX_ATTEMPTS=2)
    assert outbox() == []
    auth_user = User(email="taro@example.jp", password_hash="x", display_name="太郎")
    db.session.add(auth_user)
    db.session.commit()
    post_form(client, "/account/password/forgot", {"email": "taro@example.jp"})
    runner = app.test_cli_runner()
    runner.invoke(args=["send-mail"])
    db.session.execute(sa.update(OutboxEmail).values(next_attempt_at=outbox()[0].created_at))
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 1 and "GAVE UP" in result.output
    assert outbox()[0].status == "failed"


def test_send_mail_watch_delivers_what_arrives_while_it_runs(app, client, tmp_path):
    """`make run` runs `send-mail --watch`: a guest's link lands in the mail folder with no extra command."""
    app.config.update(MAIL_SERVER="", MAIL_FOLDER=str(tmp_path / "mail"))
    post_form(client, "/account/signup", {"display_name": "花子", "email": "hanako@example.jp",
                                          "password": PASSWORD, "confirm": PASSWORD})
    result = app.test_cli_runner().invoke(args=["send-mail", "--watch", "0.01", "--rounds", "2"])
    assert result.exit_code == 0, result.output
    (eml,) = (tmp_path / "mail").glob("*.eml")
    assert b"hanako@example.jp" in eml.read_bytes()
