"""Logs name the route, never the secret in a link (registration, password reset, email confirmation, invitation).

Whoever can read a log line holding `/registrations/<token>` can cancel that person's registration. When a
request ends, the app writes the request target that is safe to log into the WSGI environ
(`portal.log_target`); gunicorn's access log (`SafeAccessLogger`, set in gunicorn.conf.py) prints it in place
of the raw request line, and the development server's log goes through `SafeRequestLineFilter`.
"""

import logging
import re
from urllib.parse import quote

from flask import Flask, request

#: route parameters that hold a secret: a route carrying one is logged by its shape, e.g. /registrations/<token>
SECRET_ARGS = frozenset({"token", "code"})
ENVIRON_KEY = "portal.log_target"
REDACTED = "<redacted>"
#: Where no route says what is secret (a query string, a referrer, a path that matched no route, the development
#: server's line), any run of 16+ URL-safe characters is taken for a key (ours are 27-43 long) and not logged.
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_.~-]{16,}")


def scrub(text: str) -> str:
    """A URL or request line with every key-like part replaced."""
    return TOKEN_LIKE.sub(REDACTED, text)


def safe_target(path: str, query: str = "") -> str:
    return path + ("?" + scrub(query) if query else "")


def _request_path() -> str:
    rule = request.url_rule
    if rule is None:
        return scrub(quote(request.script_root + request.path))
    if SECRET_ARGS & rule.arguments:
        return request.script_root + rule.rule
    return quote(request.script_root + request.path)


def target_from_environ(environ: dict) -> str:
    """What to log for a request: the app's safe target, or, for one the app never saw, the scrubbed raw one."""
    return environ.get(ENVIRON_KEY) or scrub(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")


class SafeRequestLineFilter(logging.Filter):
    """The werkzeug development server logs '"GET /path HTTP/1.1" 200 -': the path is scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            record.args = (scrub(record.args[0]), *record.args[1:])
        return True


def init_app(app: Flask) -> None:
    @app.teardown_request
    def record_log_target(error=None):
        # teardown runs before the server writes its access line, on every request, errors included
        request.environ[ENVIRON_KEY] = safe_target(_request_path(), request.query_string.decode("latin-1"))

    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, SafeRequestLineFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(SafeRequestLineFilter())


try:  # gunicorn is a production dependency; the development server does without it
    from gunicorn.glogging import Logger
except ImportError:  # pragma: no cover
    Logger = None

if Logger is not None:

    class SafeAccessLogger(Logger):
        """gunicorn's logger with the request line, referrer and redirect target free of keys."""

        #: the atoms (see gunicorn's access_log_format) that hold a URL
        URL_ATOMS = ("f", "{referer}i", "{location}o", "{raw_uri}e", "{request_uri}e", "{path_info}e",
                     "{query_string}e")

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            target = target_from_environ(environ)
            path, _, query = target.partition("?")
            atoms.update(r=f"{environ['REQUEST_METHOD']} {target} {environ['SERVER_PROTOCOL']}", U=path, q=query)
            for name in self.URL_ATOMS:
                if isinstance(atoms.get(name), str):
                    atoms[name] = scrub(atoms[name])
            return atoms

        # gunicorn's own lines can hold the raw URI ("Error handling request /registrations/…", an invalid
        # request line); its info lines (start, stop) do not, and keep their file names whole.
        def _scrubbed(level):
            def log(self, msg, *args, **kwargs):
                args = tuple(scrub(a) if isinstance(a, str) else a for a in args)
                getattr(Logger, level)(self, scrub(msg) if isinstance(msg, str) else msg, *args, **kwargs)

            return log

        critical, error, warning = _scrubbed("critical"), _scrubbed("error"), _scrubbed("warning")
        exception, debug = _scrubbed("exception"), _scrubbed("debug")
        del _scrubbed
