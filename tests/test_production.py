"""The production path: settings refused when unsafe, proxy headers believed only from the proxy, and a
database that goes away (503, then recovery by itself; a page read retried once)."""

import os
import subprocess

import pytest
import sqlalchemy as sa
from flask import request

from portal import create_app
from portal.config import TestConfig
from tests.helpers import PG_URL, sibling_app
from tests.servers import ROOT, Relay, free_port, gunicorn

pg_only = pytest.mark.skipif(not PG_URL, reason="a database server that restarts: the PostgreSQL pass")


def test_check_config_lists_every_unsafe_setting(app):
    result = app.test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 1
    for setting in ("SECRET_KEY", "BASE_URL"):
        assert setting in result.output
    assert ("DATABASE_URL" in result.output) == app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")


def test_check_config_accepts_a_production_configuration():
    class Production(TestConfig):
        TESTING = False
        SECRET_KEY = "k" * 48
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://portal@127.0.0.1:5432/portal"
        BASE_URL = "https://portal.city.example.jp"
        SESSION_COOKIE_SECURE = True
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/0"

    result = create_app(Production).test_cli_runner().invoke(args=["check-config"])
    assert result.exit_code == 0, result.output
    assert "ready for production" in result.output


def test_per_process_rate_limits_are_refused_with_several_workers_only(app, monkeypatch):
    monkeypatch.delenv("PORTAL_WORKERS", raising=False)
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    for workers, refused in (("2", True), ("1", False)):
        monkeypatch.setenv("WEB_CONCURRENCY", workers)
        output = app.test_cli_runner().invoke(args=["check-config"]).output
        assert ("RATELIMIT_STORAGE_URI is memory://" in output) == refused, workers
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    assert "RATELIMIT_STORAGE_URI" not in app.test_cli_runner().invoke(args=["check-config"]).output


@pytest.mark.slow
def test_gunicorn_tells_the_portal_its_worker_count_and_production_refuses_memory_limits():
    env = {k: v for k, v in os.environ.items() if k not in ("RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY")}
    env.update(PORTAL_ENV="production", PORTAL_BIND=f"127.0.0.1:{free_port()}")
    result = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "-w", "2", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "RATELIMIT_STORAGE_URI is memory:// with 2 gunicorn workers" in result.stderr


@pytest.mark.slow
def test_gunicorn_sends_no_server_banner(app, tmp_path):
    import urllib.request

    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "banner-" + "b" * 40,
           "SESSION_COOKIE_SECURE": "0", "UPLOAD_FOLDER": str(tmp_path / "uploads"), "BASE_URL": ""}
    with gunicorn(env, workers=1) as (base, _):
        with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
            assert response.status == 200
            assert "Server" not in response.headers, response.headers


@pytest.mark.slow
def test_the_portal_refuses_to_start_in_production_with_unsafe_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "BASE_URL")}
    env.update(PORTAL_ENV="production", FLASK_DEBUG="1")
    result = subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "portal", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "refusing to start in production" in result.stderr
    for setting in ("SECRET_KEY", "SQLite", "debug", "BASE_URL"):
        assert setting in result.stderr


def _proxied_app(tmp_path):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.db'}"
        TRUSTED_PROXIES = ["10.0.0.5"]

    app = create_app(Config)
    app.add_url_rule("/_whoami", "whoami", lambda: request.remote_addr or "")
    return app.test_client()


def test_forwarded_headers_are_believed_from_the_configured_proxy_only(tmp_path):
    client = _proxied_app(tmp_path)
    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

    via_proxy = client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert via_proxy.get_data(as_text=True) == "203.0.113.9"
    assert "Strict-Transport-Security" in via_proxy.headers  # the proxy said HTTPS

    direct = client.get("/_whoami", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert direct.get_data(as_text=True) == "198.51.100.7"  # a direct caller cannot pretend to be someone else
    assert "Strict-Transport-Security" not in direct.headers


@pytest.mark.slow
def test_gunicorn_config_takes_workers_and_proxies_from_the_environment():
    env = {**os.environ, "WEB_CONCURRENCY": "3", "TRUSTED_PROXIES": "10.0.0.5"}
    result = subprocess.run([str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--print-config", "wsgi:app"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    config = {k.strip(): v.strip() for k, v in (line.split(" = ", 1) for line in result.stdout.splitlines() if " = " in line)}
    assert config["workers"].strip() == "3"
    assert config["forwarded_allow_ips"].strip() == "['10.0.0.5']"
    assert config["bind"].strip() == "['127.0.0.1:8000']"
    assert int(config["timeout"]) <= 60


@pytest.mark.slow
@pg_only
def test_database_restart_gives_a_friendly_503_and_the_portal_recovers_by_itself(demo_app, tmp_path):
    target = sa.engine.make_url(PG_URL)
    relay = Relay(target.host, target.port)
    try:
        url = sa.engine.make_url(demo_app.config["SQLALCHEMY_DATABASE_URI"]).set(port=relay.port)
        app = sibling_app(demo_app, tmp_path, SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
        client = app.test_client()
        assert client.get("/meetings").status_code == 200

        relay.cut()  # the database server goes away; pooled connections die with it
        for path, text in (("/meetings", "データベースに接続できません"),
                           ("/en/meetings", "cannot reach its database")):
            page = client.get(path)
            assert page.status_code == 503
            assert page.headers["Retry-After"]
            assert text in page.get_data(as_text=True)

        relay.restore()  # the server is back: the next request works without restarting the portal
        assert client.get("/meetings").status_code == 200
        with app.app_context():
            from portal.extensions import db
            db.engine.dispose()
    finally:
        relay.close()


@pytest.mark.slow
@pg_only
def test_a_page_read_that_loses_its_connection_is_retried_once(app):
    from portal.extensions import db

    calls = []

    def flaky():
        calls.append(request.method)
        if len(calls) == 1 or request.method == "POST":
            db.session.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return str(db.session.scalar(sa.text("SELECT 41 + 1")))

    app.add_url_rule("/_flaky", "flaky", flaky, methods=["GET", "POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()

    page = client.get("/_flaky")
    assert page.status_code == 200 and page.get_data(as_text=True) == "42"
    assert calls == ["GET", "GET"]

    sent = client.post("/_flaky")  # a write is never repeated behind the resident's back
    assert sent.status_code == 503
    assert calls == ["GET", "GET", "POST"]
