"""Response headers that hold on every page (a few lines; no extension needed)."""

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _without_nul(values: ImmutableMultiDict) -> ImmutableMultiDict:
    if not any("\x00" in v for v in values.values() if isinstance(v, str)) and \
            not any("\x00" in v for _, v in values.items(multi=True) if isinstance(v, str)):
        return values
    return ImmutableMultiDict([(k, v.replace("\x00", "") if isinstance(v, str) else v)
                               for k, v in values.items(multi=True)])


class CleanRequest(Request):
    """Form fields and query strings without NUL characters.

    A NUL is never something a person meant to type, and PostgreSQL refuses to store it (an error, not a
    message): it is dropped here, once, for every form and filter. Broken UTF-8 is already replaced by
    U+FFFD when Werkzeug decodes the request.
    """

    @cached_property
    def args(self):
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        self.__dict__["form"] = _without_nul(self.__dict__["form"])


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
