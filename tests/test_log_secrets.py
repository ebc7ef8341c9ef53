"""No secrets in logs: the keys in registration, password-reset, confirmation and invitation links never reach
the access log or the application log; the log names the route (/registrations/<token>) instead.

The links are made through the pages (sign-up, reset request, registration, invitation), then opened on a
real gunicorn started with the repository's gunicorn.conf.py, and on the werkzeug development server.
"""

import logging
import re
import threading
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal.core.logsafe import SafeAccessLogger, scrub
from tests.helpers import PASSWORD, post_form
from tests.servers import Browser, gunicorn

LINK = re.compile(r"https?://[^\s/]+(/[^\s]+)")


def link_in(outbox, part: str) -> str:
    for mail in reversed(outbox()):
        for path in LINK.findall(mail.text_body):
            if part in path:
                return path
    raise AssertionError(f"no {part} link in the outbox")


@pytest.fixture
def secret_links(app, client, factory, auth, outbox):
    """One link of each kind, made through the pages a person uses; {name: (path, secret parts)}."""
    meeting = factory.meeting(capacity=10, title_ja="防災を考える会")
    response = post_form(client, f"/meetings/{meeting.id}/register", {
        "name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0",
        "step": "send"})
    registration = response.headers["Location"]
    confirm = link_in(outbox, "/confirm/")

    post_form(app.test_client(), "/account/signup", {"display_name": "多摩 次郎", "email": "jiro@example.jp",
                                                     "password": PASSWORD, "confirm": PASSWORD})
    verify = link_in(outbox, "/account/verify/")
    auth.create("resident@example.jp")
    post_form(app.test_client(), "/account/password/forgot", {"email": "resident@example.jp"})
    reset = link_in(outbox, "/account/password/reset/")
    admin = app.test_client()
    auth.as_role(admin, "admin", email="admin@city.example.jp")
    post_form(admin, "/admin/staff", {"email": "new.editor@city.example.jp", "roles": "editor"})
    invite = link_in(outbox, "/account/invite/")
    links = {"registration": registration, "confirm": confirm, "verify": verify, "reset": reset, "invite": invite}
    secrets = {name: [part for part in path.split("/") if len(part) >= 16] for name, path in links.items()}
    assert all(secrets.values()), secrets
    return links, secrets


def assert_no_secret(text: str, secrets: dict) -> None:
    for name, parts in secrets.items():
        for part in parts:
            assert part not in text, f"the {name} key is in the log"


@pytest.mark.slow
def test_gunicorn_logs_the_route_not_the_token(app, secret_links, tmp_path):
    links, secrets = secret_links
    access, server_log = tmp_path / "access.log", tmp_path / "server.log"
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": app.config["SECRET_KEY"],
           "SESSION_COOKIE_SECURE": "0", "MAIL_FOLDER": str(tmp_path / "mail"),
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "BASE_URL": "", "GUNICORN_ACCESS_LOG": str(access),
           "GUNICORN_LOG_LEVEL": "debug"}
    with gunicorn(env, workers=1, log=server_log) as (base, _):
        person = Browser("10.0.0.7")
        pages = {name: person.get(base + path) for name, path in links.items()}
        assert pages["registration"][0] == 200 and "防災を考える会" in pages["registration"][2]
        assert pages["reset"][0] == 200 and pages["invite"][0] == 200
        assert person.get(base + "/en" + links["registration"])[0] == 200
        # a mistyped link reaches no route; a key in the query string is not logged either
        token = secrets["reset"][0]
        assert person.get(f"{base}/account/password/rest/{token}")[0] == 404
        assert person.get(f"{base}/account/login?next=/account/password/reset/{token}")[0] == 200
        # the form posted from a reset page: the Referer header holds the link
        referer = urllib.request.Request(base + "/static/css/portal.css", headers={"Referer": base + links["reset"]})
        urllib.request.urlopen(referer, timeout=30).close()

    log = access.read_text()
    assert_no_secret(log, secrets)
    assert_no_secret(server_log.read_text(), secrets)
    for shape in ('"GET /registrations/<token> HTTP/1.1" 200', '"GET /en/registrations/<token> HTTP/1.1" 200',
                  "/registrations/<token>/confirm/<code>", '"GET /account/password/reset/<token> HTTP/1.1" 200',
                  '"GET /account/invite/<token> HTTP/1.1" 200', "/account/verify/<token>",
                  '"GET /account/password/rest/<redacted> HTTP/1.1" 404',
                  '"GET /account/login?next=/account/password/reset/<redacted> HTTP/1.1" 200'):
        assert shape in log, shape
    assert "10.0.0.7 127.0.0.1" in log  # the rest of the line is as before: who asked, through which proxy


@pytest.mark.slow
def test_the_development_server_logs_the_route_not_the_token(app, secret_links, caplog, monkeypatch):
    links, secrets = secret_links
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)  # the test migrations' fileConfig
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.DEBUG):
            for path in links.values():
                urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=30).close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) >= len(links)
    assert_no_secret(caplog.text + "\n".join(lines), secrets)
    assert any("GET /registrations/<redacted> HTTP/1.1" in line for line in lines), lines


def test_the_app_log_holds_no_key_even_when_a_link_fails(app, secret_links, caplog):
    """Every logger (the app, Flask, SQLAlchemy, the rate limiter) while the links are used, misused and reused."""
    links, secrets = secret_links
    person = app.test_client()
    with caplog.at_level(logging.DEBUG):
        for path in links.values():
            person.get(path)
            person.get(path + "x")  # a changed character
        post_form(person, links["reset"], {"password": "short", "confirm": "other"})  # refused on the same form
        post_form(person, links["reset"], {"password": PASSWORD + "新", "confirm": PASSWORD + "新"})
        assert person.get(links["reset"]).status_code == 400  # used: the page says so
    assert_no_secret(caplog.text, secrets)


def test_gunicorn_error_lines_are_scrubbed_too():
    """gunicorn's own 'Error handling request <uri>' line, written when a worker fails mid-request."""
    from gunicorn.config import Config

    logger = SafeAccessLogger(Config())
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.error_log.addHandler(handler)
    key = "MQ.Zx8kq3RrLw0pYt2uV6bN1cD4eF5gH7"
    logger.exception("Error handling request %s", f"/registrations/{key}/cancel")
    logger.warning(f"Invalid request from ip=10.0.0.1: Invalid HTTP Version: 'GET /account/invite/{key}'")
    text = "\n".join(r.getMessage() for r in records)
    assert key not in text and "/registrations/<redacted>/cancel" in text and len(records) == 2
    assert scrub("/meetings?kind=forum&page=2") == "/meetings?kind=forum&page=2"  # ordinary URLs stay readable
