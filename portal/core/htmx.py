"""The htmx glue in one place: full page normally, the named block for htmx requests."""

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    # A history-restore request after a cache miss needs the whole page.
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def render_page(template: str, block: str, **context):
    """Render `template`, or only its `block` when htmx asked; Vary so caches keep both apart."""
    if wants_fragment():
        body = render_block(template, block, fragment=True, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body)
    response.vary.add("HX-Request")
    return response
