"""URLs that leave the current request: links in emails, and safe redirect targets."""

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request, url_for
from werkzeug.routing import IntegerConverter


class DatabaseIntConverter(IntegerConverter):
    """`<int:…>` ids that fit a database integer: /meetings/99999999999999999999 is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def external_url(endpoint: str, lang: str = "ja", **values) -> str:
    """An absolute link in the recipient's language, from BASE_URL or the current host."""
    path = current_app.url_map.bind("").build(endpoint, values)
    base = current_app.config.get("BASE_URL")
    if not base:
        # Development without BASE_URL: the host of the current request, or (cron, CLI) the local server.
        base = (request.host_url + request.environ.get("portal.root", "").lstrip("/")) if has_request_context() \
            else "http://127.0.0.1:5000"
    prefix = "" if lang == "ja" else "/" + lang
    return base.rstrip("/") + prefix + path


def safe_next(target: str | None, default_endpoint: str = "home.index") -> str:
    """Only a path on this site: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//") \
                and "\\" not in target:
            return target
    return url_for(default_endpoint)
