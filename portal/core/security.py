"""Response headers that hold on every page (a few lines; no extension needed)."""

from flask import Flask, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from portal.core import logsafe
from portal.core.htmx import HtmxRequest

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _without_nul(values: ImmutableMultiDict, replacement: str) -> ImmutableMultiDict:
    if not any("\x00" in v for _, v in values.items(multi=True) if isinstance(v, str)):
        return values
    return ImmutableMultiDict([(k, v.replace("\x00", replacement) if isinstance(v, str) else v)
                               for k, v in values.items(multi=True)])


class CleanRequest(HtmxRequest):
    """Form fields and query strings without NUL characters.

    A NUL is never something a person meant to type, and PostgreSQL refuses to store or compare it (an
    error, not a message). In forms it is dropped; in query strings it becomes U+FFFD, so a filter that
    held one is still reported as not valid. Broken UTF-8 is already U+FFFD when Werkzeug decodes it.
    """

    @cached_property
    def args(self):
        return _without_nul(super().args, "\ufffd")

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"], "")


def init_app(app: Flask) -> None:
    logsafe.init_app(app)
    app.request_class = CleanRequest  # keeps request.htmx (htmx_flask set HtmxAwareRequest)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
