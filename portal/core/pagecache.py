"""A short page cache for visitors without a session: the busiest minutes are mostly anonymous reads.

When a popular forum opens, thousands of residents open the same few pages. A page that a visitor with no
session cookie gets is the same for every such visitor, so it is kept for PAGE_CACHE_SECONDS (10 by
default) and served from the cache (Flask-Caching: per process, or Redis across hosts).

Only what is safe to share is kept: GET, no session cookie in the request, status 200, HTML, and a
response that sets no cookie (a page with a form sets the session cookie for its CSRF token, so forms,
logins and flashed messages are never cached). Staff and account pages, and URLs that carry someone's key
(a guest's registration, a receipt), are never kept even without a session (core/security.py, which marks
every other response `Cache-Control: no-store`). Anything that changes
data is a POST and never touches this cache; seat counts on a cached list can be seconds old, the
registration itself always checks the live count.
"""

from flask import Flask, Response, current_app, request, session

from portal.core.htmx import wants_fragment
from portal.core.security import private_url
from portal.extensions import cache

SKIP = ("/healthz", "/static/")


def _key() -> str:
    # A history restore (Back) is a page request: it must never be answered with a cached fragment.
    kind = "htmx" if wants_fragment() else "page"
    return f"page|{request.host}|{request.script_root}|{request.full_path}|{kind}"


def _eligible() -> bool:
    return (request.method == "GET" and current_app.config["PAGE_CACHE_SECONDS"] > 0
            and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
            and not request.path.startswith(SKIP) and not private_url())


def init_app(app: Flask) -> None:
    @app.before_request
    def serve_cached():
        if not _eligible():
            return None
        kept = cache.get(_key())
        if kept is None:
            return None
        body, headers = kept
        response = Response(body, status=200, headers=headers)
        response.headers["X-Page-Cache"] = "hit"
        return response

    @app.after_request
    def keep(response: Response) -> Response:
        if "X-Page-Cache" in response.headers:
            return response  # served from the cache: it keeps its original lifetime
        if (_eligible() and response.status_code == 200 and response.mimetype == "text/html"
                and not session.modified  # e.g. a CSRF token or a flashed message: the cookie is set after this
                and "Set-Cookie" not in response.headers and not response.direct_passthrough):
            headers = [(k, v) for k, v in response.headers.items() if k != "Content-Length"]
            cache.set(_key(), (response.get_data(), headers), timeout=app.config["PAGE_CACHE_SECONDS"])
        return response
