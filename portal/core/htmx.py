"""The htmx glue in one place: full page normally, the named block for htmx requests."""

from flask import make_response, render_template, request
from htmx_flask.requests import HtmxAwareRequest, HtmxHeaders
from jinja2_fragments.flask import render_block

#: the request headers that decide between page and fragment: caches keep their answers apart
VARY = ("HX-Request", "HX-History-Restore-Request")


class PageAwareHtmxHeaders(HtmxHeaders):
    """`request.htmx`, false for a history restore: after Back, htmx asks for the URL again and needs the whole page."""

    def __bool__(self) -> bool:
        return super().__bool__() and not self.history_restore_request


class HtmxRequest(HtmxAwareRequest):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.htmx = PageAwareHtmxHeaders(self.headers)


def wants_fragment() -> bool:
    return bool(getattr(request, "htmx", None))


def render_page(template: str, block: str, **context):
    """Render `template`, or only its `block` when htmx asked; Vary so caches keep both apart."""
    if wants_fragment():
        body = render_block(template, block, fragment=True, **context)
    else:
        body = render_template(template, uses_htmx=True, **context)  # base.html loads htmx on these pages only
    response = make_response(body)
    response.vary.update(VARY)
    return response
