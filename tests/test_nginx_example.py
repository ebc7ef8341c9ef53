"""The nginx example in deploy/ is the one that is tested: this file runs it (moved to a loopback port,
without TLS, temporary directories) in front of gunicorn with the project's gunicorn.conf.py and 2 workers.

Three slow clients (a header, or a body, sent byte by byte and held open) do not delay a normal request:
nginx reads requests completely before gunicorn sees them. And nginx sets the portal's request-size limits.
"""

import os
import pwd
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from portal.extensions import db
from tests.servers import ROOT, free_port, gunicorn

NGINX = "/usr/sbin/nginx"
EXAMPLE = ROOT / "deploy/nginx-kyoso-portal.conf"

if not os.path.exists(NGINX):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must install nginx ({NGINX} is missing): .ci/run installs it", pytrace=False)
    pytestmark = [pytest.mark.slow, pytest.mark.skip(
        reason=f"NGINX IS MISSING ({NGINX}): the deployment example in deploy/ was NOT tested; apt install nginx")]
else:
    pytestmark = pytest.mark.slow


def replace_once(text: str, old: str, new: str, regex: bool = False) -> str:
    """A change the test must make to run the example here; fails when the example no longer has that line."""
    result, n = re.subn(old if regex else re.escape(old), new if regex else lambda _: new, text, flags=re.MULTILINE)
    assert n >= 1, f"the nginx example changed: {old!r} not found"
    return result


def loopback_site(port: int, upstream_port: int) -> str:
    """deploy/nginx-kyoso-portal.conf on 127.0.0.1:<port> over plain HTTP; everything else as written."""
    site = EXAMPLE.read_text()
    site = replace_once(site, r"^server \{\n    listen 80;[\s\S]*?\n\}\n", "", regex=True)  # the redirect to HTTPS
    site = replace_once(site, r"^\s*listen \[::\]:443 .*\n", "", regex=True)
    site = replace_once(site, r"^(\s*)listen 443 [^;]*;", rf"\g<1>listen 127.0.0.1:{port};", regex=True)
    site = replace_once(site, r"^\s*ssl_certificate(_key)? .*\n", "", regex=True)
    site = replace_once(site, "server 127.0.0.1:8000", f"server 127.0.0.1:{upstream_port}")
    site = replace_once(site, "alias /srv/kyoso-portal/static/;", f"alias {ROOT}/static/;")
    return site


@contextmanager
def nginx(site: str, port: int, workdir):
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"):
        (workdir / name).mkdir()
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.geteuid() == 0 else ""
    (workdir / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/logs/error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    access_log {workdir}/logs/access.log;
    client_body_temp_path {workdir}/body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
{site}
}}
""")
    process = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(workdir / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode(errors="replace")
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@pytest.fixture
def front(app, factory, tmp_path):
    """nginx (the example) → gunicorn (gunicorn.conf.py, 2 workers) → the test's database."""
    meeting_id = factory.meeting(capacity=10).id
    db.session.commit()
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "nginx-example-" + "n" * 40,
           "SESSION_COOKIE_SECURE": "0", "TRUSTED_PROXIES": "127.0.0.1", "BASE_URL": "",
           "UPLOAD_FOLDER": str(tmp_path / "uploads"), "MAIL_FOLDER": str(tmp_path / "mail")}
    with gunicorn(env, workers=2) as (upstream, _):
        port, upstream_port = free_port(), int(upstream.rsplit(":", 1)[1])
        workdir = tmp_path / "nginx"
        workdir.mkdir()
        os.chmod(tmp_path, 0o755)
        with nginx(loopback_site(port, upstream_port), port, workdir) as base:
            yield {"base": base, "port": port, "meeting": meeting_id}


class SlowClient(threading.Thread):
    """Sends `head` at once, then `trickle` one byte at a time, and keeps the connection open until stopped."""

    def __init__(self, port: int, head: bytes, trickle: bytes):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.head, self.trickle = head, trickle
        self.stop, self.trickling = threading.Event(), threading.Event()
        self.answered = False

    def run(self):
        self.sock.sendall(self.head)
        for n, byte in enumerate(self.trickle):
            if self.stop.is_set():
                break
            try:
                self.sock.send(bytes([byte]))
            except OSError:
                self.answered = True  # the server gave up on us
                break
            if n == 3:
                self.trickling.set()
            self.stop.wait(0.05)

    def still_open(self) -> bool:
        """No answer and no close from the server so far."""
        self.sock.setblocking(False)
        try:
            return not self.sock.recv(1)  # b"" would mean closed
        except BlockingIOError:
            return not self.answered
        finally:
            self.sock.setblocking(True)

    def close(self):
        self.stop.set()
        self.join(timeout=10)
        self.sock.close()


def test_three_slow_clients_do_not_delay_a_normal_request(front):
    port, meeting = front["port"], front["meeting"]
    slow = [
        SlowClient(port, b"GET /meetings HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", b"a" * 5000),
        SlowClient(port, b"POST /account/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         b"application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n", b"e" * 5000),
        SlowClient(port, f"POST /meetings/{meeting}/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         "application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n".encode(), b"n" * 5000),
    ]
    events = []
    try:
        for client in slow:
            client.start()
        for client in slow:
            assert client.trickling.wait(timeout=30)
        events.append("slow clients sending")
        for path in ("/healthz", f"/meetings/{meeting}", "/en/meetings"):
            with urllib.request.urlopen(front["base"] + path, timeout=60) as response:
                assert response.status == 200, path
                response.read()
            events.append(f"answered {path}")
        events.append("slow clients still open" if all(c.still_open() for c in slow) else "a slow client ended")
    finally:
        for client in slow:
            client.close()
    assert events == ["slow clients sending", "answered /healthz", f"answered /meetings/{meeting}",
                      "answered /en/meetings", "slow clients still open"]


def post(url: str, size: int) -> tuple[int, str, dict]:
    request = urllib.request.Request(url, data=b"x" * size, headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode(errors="replace"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), dict(error.headers)


def test_nginx_sets_the_portals_request_size_limits_and_no_version_banner(front):
    base, meeting = front["base"], front["meeting"]
    # Between the portal's limit and nginx's: the portal's own page answers
    status, page, headers = post(f"{base}/en/meetings/{meeting}/register", 700 * 1024)
    assert status == 413 and "What you sent is too large" in page
    # Over nginx's limit for a public form: nginx refuses it without passing it on
    status, page, headers = post(f"{base}/en/meetings/{meeting}/register", 2 * 1024 * 1024)
    assert status == 413 and "What you sent is too large" not in page
    # A staff form may be larger: it reaches the portal (refused there for its missing CSRF token, not for its size)
    status, page, headers = post(f"{base}/en/admin/meetings/new", 1536 * 1024)
    assert status != 413
    # …but not without bound
    status, page, headers = post(f"{base}/en/admin/meetings/new", 5 * 1024 * 1024)
    assert status == 413
    with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
        assert response.headers["Server"] == "nginx"  # no version, and not gunicorn
