"""Languages: Japanese at the root, English under /en, and bilingual content fields."""

from typing import NamedTuple

from babel import Locale
from babel.support import NullTranslations
from flask import Flask, g, request
from flask_babel import Domain, get_domain, get_locale
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


class Resolved(NamedTuple):
    locale: Locale | None
    lang: str
    translations: NullTranslations


#: outside an app context flask-babel has no locale (the page counts as Japanese) and translates nothing
_OUTSIDE = Resolved(None, "ja", NullTranslations())


def resolved() -> Resolved:
    """This request's locale and translations, looked up once instead of once per string.

    flask-babel finds both through several Werkzeug locals for every message (hundreds a page). The memo
    sits on flask-babel's own context (g._flask_babel) and holds the locale object found there:
    force_locale() (emails in the recipient's language) and refresh() replace that object, so they
    invalidate the memo, and the restored one after force_locale() is looked up again.
    """
    try:
        app_g = g._get_current_object()
    except RuntimeError:
        return _OUTSIDE
    ctx = getattr(app_g, "_flask_babel", None)
    memo = getattr(ctx, "portal_resolved", None)
    if memo is not None and memo.locale is getattr(ctx, "babel_locale", None):
        return memo
    locale = get_locale()
    # the base class's lookup: RequestDomain.get_translations would come back here
    memo = Resolved(locale, str(locale), Domain.get_translations(get_domain()))
    app_g._flask_babel.portal_resolved = memo
    return memo


class RequestDomain(Domain):
    """flask-babel's message domain with the translations from resolved(): `_()` and `_l` in Python code."""

    def get_translations(self):
        return resolved().translations


def current_lang() -> str:
    return resolved().lang


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
    """After babel.init_app: its domain and the template gettext callables are replaced by ones reading resolved()."""
    app.wsgi_app = LanguagePrefixMiddleware(app.wsgi_app)
    babel = app.extensions["babel"]
    # one domain (and its loaded catalogues) per Babel object, as flask-babel's cached_property keeps it
    if not isinstance(vars(babel.instance).get("domain_instance"), RequestDomain):
        babel.instance.domain_instance = RequestDomain(domain=babel.default_domain)
    # installed once on the shared environment; each call reads the request's own translations
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: resolved().translations.ugettext(s),
        ngettext=lambda s, p, n: resolved().translations.ungettext(s, p, n),
        pgettext=lambda c, s: resolved().translations.upgettext(c, s),
        npgettext=lambda c, s, p, n: resolved().translations.unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        tr=tr, tr_text=tr_text, tr_md=tr_md, switch_url=switch_url, current_lang=current_lang
    )
