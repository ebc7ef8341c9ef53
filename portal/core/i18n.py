"""Languages: Japanese at the root, English under /en, and bilingual content fields."""

from flask import Flask, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from portal.core.text import render_markdown

LANGUAGES = ("ja", "en")
PREFIXED = ("en",)


class LanguagePrefixMiddleware:
    """Moves a leading /en from PATH_INFO into SCRIPT_NAME.

    Every route is then defined once, and url_for() builds /en/... links by itself
    on English pages, because Flask prefixes URLs with the script root.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        environ["portal.root"] = environ.get("SCRIPT_NAME", "")
        environ["portal.lang"] = "ja"
        for lang in PREFIXED:
            prefix = "/" + lang
            if path == prefix or path.startswith(prefix + "/"):
                environ["SCRIPT_NAME"] = environ["portal.root"] + prefix
                environ["PATH_INFO"] = path[len(prefix):] or "/"
                environ["portal.lang"] = lang
        return self.wsgi_app(environ, start_response)


def select_locale() -> str:
    return request.environ.get("portal.lang", "ja")


def current_lang() -> str:
    return str(get_locale() or "ja")


def switch_url(lang: str) -> str:
    """The current page in another language, query string kept."""
    root = request.environ.get("portal.root", "")
    prefix = "" if lang == "ja" else "/" + lang
    query = request.query_string.decode("utf-8", "replace")
    return root + prefix + request.path + ("?" + query if query else "")


def localized(obj, field: str) -> tuple[str, str]:
    """(value, language) of a bilingual field; English falls back to Japanese."""
    lang = current_lang()
    if lang != "ja":
        value = getattr(obj, f"{field}_{lang}", None)
        if value:
            return value, lang
    return getattr(obj, f"{field}_ja", None) or "", "ja"


def tr(obj, field: str) -> Markup:
    """Inline text of a bilingual field, marked lang="ja" when it fell back."""
    value, lang = localized(obj, field)
    if lang == current_lang():
        return escape(value)
    return Markup('<span lang="{}">{}</span>').format(lang, value)


def tr_text(obj, field: str) -> str:
    return localized(obj, field)[0]


def tr_md(obj, field: str) -> Markup:
    """A staff-written Markdown body in the page language (or Japanese), sanitised."""
    value, lang = localized(obj, field)
    if not value:
        return Markup("")
    lang_attr = "" if lang == current_lang() else f' lang="{lang}"'
    # bandit B704 waived: lang_attr is "ja" or "en" from localized(); the body is sanitised by render_markdown
    return Markup(f'<div class="prose"{lang_attr}>') + render_markdown(value) + Markup("</div>")  # nosec B704


def init_app(app: Flask) -> None:
    app.wsgi_app = LanguagePrefixMiddleware(app.wsgi_app)
    app.jinja_env.globals.update(
        tr=tr, tr_text=tr_text, tr_md=tr_md, switch_url=switch_url, current_lang=current_lang
    )
