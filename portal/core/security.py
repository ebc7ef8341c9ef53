"""What holds on every request and response: bounded request bodies, security headers, no-store for
personal pages, the session cookie's name (a few lines each; no extension needed)."""

import io

from flask import Flask, current_app, g, request, session
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.utils import cached_property

from portal.core import logsafe
from portal.core.htmx import HtmxRequest

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
#: URL parts that are keys to one person's data (a guest's registration, a reset link, a comment receipt)
PRIVATE_ARGS = {"token", "code", "receipt_number"}
PRIVATE_PATHS = ("/account", "/admin")


class BoundedFormParser(FormDataParser):
    """Werkzeug bounds the number of fields of a multipart form only; a urlencoded one is bounded here the same
    way (five million tiny fields kept a worker busy for seconds, within any size limit that fits a comment)."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        body = stream.read()
        if self.max_form_parts is not None and body.count(b"&") >= self.max_form_parts:
            raise RequestEntityTooLarge()
        return super()._parse_urlencoded(io.BytesIO(body), mimetype, content_length, options)


def _without_nul(values: ImmutableMultiDict, replacement: str) -> ImmutableMultiDict:
    if not any("\x00" in v for _, v in values.items(multi=True) if isinstance(v, str)):
        return values
    return ImmutableMultiDict([(k, v.replace("\x00", replacement) if isinstance(v, str) else v)
                               for k, v in values.items(multi=True)])


class CleanRequest(HtmxRequest):
    """Form fields and query strings without NUL characters, and forms with a bounded number of fields.

    A NUL is never something a person meant to type, and PostgreSQL refuses to store or compare it (an
    error, not a message). In forms it is dropped; in query strings it becomes U+FFFD, so a filter that
    held one is still reported as not valid. Broken UTF-8 is already U+FFFD when Werkzeug decodes it.
    """

    form_data_parser_class = BoundedFormParser

    @cached_property
    def args(self):
        return _without_nul(super().args, "\ufffd")

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"], "")


def is_staff_request() -> bool:
    return request.path == "/admin" or request.path.startswith("/admin/")


def limit_requests(app: Flask, uploads: dict[str, str]) -> None:
    """Each request may be as large as its kind needs and no larger, checked before anything reads the body.

    `uploads` names the endpoints that take a file and the setting that bounds the file; the rest are forms:
    public ones, or staff ones (/admin) with their long texts. A Content-Length over the limit is refused
    without reading; a body without one is cut off where it passes the limit; either way 413.
    """

    def limit_request():
        config = current_app.config
        staff = is_staff_request()
        form_bytes = config["STAFF_FORM_MAX_BYTES" if staff else "FORM_MAX_BYTES"]
        request.max_form_memory_size = form_bytes  # one text field of a multipart form
        request.max_form_parts = config["STAFF_FORM_MAX_FIELDS" if staff else "FORM_MAX_FIELDS"]
        g.upload_request = request.endpoint in uploads
        # A file up to twice its limit still reaches the form, which says so with everything typed kept.
        limit = form_bytes + (2 * config[uploads[request.endpoint]] if g.upload_request else 0)
        if config.get("MAX_CONTENT_LENGTH"):
            limit = min(limit, config["MAX_CONTENT_LENGTH"])
        request.max_content_length = limit
        if (request.content_length or 0) > limit:
            raise RequestEntityTooLarge()

    # First of all: the CSRF check (core/errors.py) reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, limit_request)


def personal_response() -> bool:
    """Whether a response may hold someone's data: anything but a public page to a visitor without a session."""
    if request.method not in ("GET", "HEAD"):
        return True
    if current_app.config["SESSION_COOKIE_NAME"] in request.cookies or session.modified:
        return True  # signed in, or a form with its token and what was typed
    return private_url()


def private_url() -> bool:
    """Pages of one person whoever asks: the account and staff pages, and URLs that carry a personal key."""
    return request.path.startswith(PRIVATE_PATHS) or bool(PRIVATE_ARGS & set(request.view_args or ()))


def init_app(app: Flask) -> None:
    logsafe.init_app(app)
    app.request_class = CleanRequest  # keeps request.htmx (htmx_flask set HtmxAwareRequest)
    if app.config["SESSION_COOKIE_SECURE"] and not app.config["SESSION_COOKIE_NAME"].startswith("__Host-"):
        # HTTPS only, this host only, the whole site: a sibling subdomain or plain HTTP cannot plant or read it
        app.config["SESSION_COOKIE_NAME"] = "__Host-" + app.config["SESSION_COOKIE_NAME"]
        app.config["SESSION_COOKIE_DOMAIN"] = None
        app.config["SESSION_COOKIE_PATH"] = "/"

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and ("Set-Cookie" in response.headers or personal_response()):
            # never kept by a browser, a proxy or the back/forward cache on a shared computer
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
