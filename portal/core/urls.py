"""URLs that leave the current request: links in emails and feeds, and safe redirect targets.

An absolute link always starts with BASE_URL, never with the Host header of the request: whoever sends
`Host: evil.example` with a password-reset request must not get a reset link to their own site mailed
to someone else. `create_app` sets BASE_URL (the fallback, with a warning, outside production).
"""

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter

from portal.config import FALLBACK_BASE_URL


class DatabaseIntConverter(IntegerConverter):
    """`<int:…>` ids that fit a database integer: /meetings/99999999999999999999 is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def base_url() -> str:
    """The public address, without a trailing slash."""
    return (current_app.config.get("BASE_URL") or FALLBACK_BASE_URL).rstrip("/")


def base_host() -> str:
    """The public host name (for calendar event ids), from BASE_URL like every link."""
    return urlsplit(base_url()).netloc


def external_url(endpoint: str, lang: str = "ja", **values) -> str:
    """An absolute link in the recipient's language, from BASE_URL."""
    path = current_app.url_map.bind("").build(endpoint, values)
    prefix = "" if lang == "ja" else "/" + lang
    return base_url() + prefix + path


class BaseUrlLinks:
    """`url_for(…, _external=True)` (feeds, calendars, print links) builds on BASE_URL too, in the page's language."""

    def url_for(self, endpoint: str, *, _external: bool | None = None, _scheme: str | None = None, **values) -> str:
        if not (_external and has_request_context()):
            return super().url_for(endpoint, _external=_external, _scheme=_scheme, **values)
        path = super().url_for(endpoint, _external=False, **values)
        root = request.environ.get("portal.root", "")  # a mount point is part of BASE_URL already
        if root and path.startswith(root + "/"):
            path = path[len(root):]
        return base_url() + path


def init_app(app: Flask) -> None:
    """BASE_URL is required in production (core/production.py); elsewhere an unset one is the local server."""
    if not app.config.get("BASE_URL"):
        app.config["BASE_URL"] = FALLBACK_BASE_URL
        app.logger.warning("BASE_URL is not set: links in emails and feeds use %s", FALLBACK_BASE_URL)


def safe_next(target: str | None, default_endpoint: str = "home.index") -> str:
    """Only a path on this site: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for(default_endpoint)
