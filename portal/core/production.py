"""Production settings checked before the portal serves anyone, and proxy headers trusted from the proxy only.

`flask --app portal check-config` lists what is unsafe for production; with PORTAL_ENV=production the
portal refuses to start at all while the list is not empty (gunicorn, flask run and cron commands alike).
"""

import multiprocessing
import os
import sys

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import DEFAULT_SECRET_KEY


def problems(config) -> list[str]:
    """Every setting that must not reach residents, in words an IT clerk can act on."""
    found = []
    if config.get("SECRET_KEY") == DEFAULT_SECRET_KEY or len(config.get("SECRET_KEY") or "") < 32:
        found.append("SECRET_KEY is the development default or shorter than 32 characters: set a long random value")
    if str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
        found.append("DATABASE_URL points to SQLite: production runs on PostgreSQL (postgresql+psycopg://…)")
    if config.get("DEBUG") or os.environ.get("FLASK_DEBUG", "").lower() in {"1", "true", "yes", "on"}:
        found.append("debug mode is on (FLASK_DEBUG): it shows code and data to anyone who causes an error")
    if not config.get("BASE_URL", "").startswith("https://"):
        found.append("BASE_URL is missing or not https://: links in emails and feeds need the public address")
    if not config.get("SESSION_COOKIE_SECURE"):
        found.append("SESSION_COOKIE_SECURE is off: the login cookie would travel over plain HTTP")
    if per_process_rate_limits(config) and worker_count() > 1:
        found.append(f"RATELIMIT_STORAGE_URI is memory:// with {worker_count()} gunicorn workers: each counts on its "
                     "own, so every limit is multiplied; use Redis (redis://127.0.0.1:6379/0) or WEB_CONCURRENCY=1")
    return found


def per_process_rate_limits(config) -> bool:
    return str(config.get("RATELIMIT_STORAGE_URI") or "memory://").startswith("memory://")


def worker_count(serving: bool = False) -> int:
    """The gunicorn workers serving the portal: gunicorn.conf.py exports the count it started (PORTAL_WORKERS);
    before gunicorn runs (check-config), what it will start. `serving`: only a count gunicorn exported, else 1."""
    names = ("PORTAL_WORKERS",) if serving else ("PORTAL_WORKERS", "WEB_CONCURRENCY")
    for name in names:
        value = os.environ.get(name, "").strip()
        if value.isdigit():
            return int(value)
    return 1 if serving else multiprocessing.cpu_count() * 2 + 1


class TrustedProxy:
    """X-Forwarded-For/-Proto/-Host are believed only when the request comes from a configured proxy.

    Werkzeug's ProxyFix trusts the headers of whoever connects; in front of it, this checks the peer
    address, so a resident who reaches gunicorn directly cannot pretend to be another address.
    """

    def __init__(self, wsgi_app, proxies: set[str]):
        self.wsgi_app = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=1, x_host=1)
        self.proxies = proxies

    def __call__(self, environ, start_response):
        if environ.get("REMOTE_ADDR") in self.proxies:
            return self.fixed(environ, start_response)
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    if os.environ.get("PORTAL_ENV") == "production" and not app.testing:
        found = problems(app.config)
        if found:
            raise RuntimeError("refusing to start in production:\n  - " + "\n  - ".join(found))
    elif per_process_rate_limits(app.config) and worker_count(serving=True) > 1:
        app.logger.warning("rate limits are counted per process (memory://) by %d workers: each limit is multiplied; "
                           "set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0", worker_count(serving=True))
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = TrustedProxy(app.wsgi_app, set(app.config["TRUSTED_PROXIES"]))
    app.cli.add_command(check_config)


@click.command("check-config")
@with_appcontext
def check_config() -> None:
    """Say whether the settings are fit for production; exit 1 when they are not."""
    found = problems(current_app.config)
    if not found:
        click.echo("configuration ready for production")
        return
    click.echo("not ready for production:", err=True)
    for problem in found:
        click.echo(f"  - {problem}", err=True)
    sys.exit(1)
