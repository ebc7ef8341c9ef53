"""Public pages rendered once and served to everyone, keyed by the version of the data.

Rendering a page (Jinja, translations, dates) and loading its rows costs far more than serving it, and the
public pages change a few times a day while they are read thousands of times, by visitors with and without a
session. A view marked `@shared_page` keeps its whole HTML in the configured cache (per process, or Redis
shared by every worker and host) under a key made of:

- the data version: one number in the `data_version` table, raised in the same transaction as every commit
  that wrote to a table with public content (an engine event, so ORM flushes, bulk updates and raw SQL all
  count). It is read once per request, before the view reads its rows, so a page is never kept under a
  version newer than the rows it shows;
- the minute: what depends on the clock (upcoming or past, days left, registration closing) is at most a
  minute late, and a page is kept only until its minute ends;
- the language, scheme, host, URL with its query string (only the parameters the view reads: a URL with any
  other is rendered and not kept), and page or htmx fragment.

Writes to PRIVATE_TABLES (logs, queues, accounts) keep the version. If the cache server is down, pages are
rendered as if nothing was kept.

What is personal on such a page is only in the layout: the account menu (who is signed in, the log-out form's
CSRF token) and flashed messages. While a shared page renders, base.html leaves a marker in their place; the
markers are filled for each visitor when the page is sent. A view whose content depended on the visitor must
not be marked (its response would then set a cookie or change the session, and is not kept anyway).
FRAGMENT_CACHE_SECONDS=0 turns it off; the anonymous page cache (pagecache.py) still answers before this.
"""

import re
from functools import wraps

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, render_template, request, session
from sqlalchemy.engine import Engine

from portal.core import timefmt
from portal.core.htmx import wants_fragment
from portal.extensions import cache, db

#: writes to these tables never change what a public page shows (logs, queues, accounts and their secrets,
#: what residents ask for privately)
PRIVATE_TABLES = frozenset({"audit_entries", "outbox_emails", "recovery_codes", "security_keys",
                            "one_time_tokens", "sign_in_failures", "users", "user_roles",
                            "accommodation_requests", "comment_uploads", "data_version"})
_WRITE = re.compile(r'\s*(?:insert\s+(?:or\s+\w+\s+)?into|update|delete\s+from)\s+"?(\w+)', re.IGNORECASE)
_WROTE, _VERSION = "portal.wrote_public_data", "portal.data_version"
_RAISE = "UPDATE data_version SET version = version + 1"
#: the personal parts of the layout, as base.html includes them; markers stand in for them in a kept page
PERSONAL = ("_account_nav.html", "_flashes.html")
_SPLIT = "<!--kyoso:personal:split-->"
_KEPT_HEADERS = ("Content-Type", "Vary")

data_version = sa.Table(
    "data_version", db.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("version", sa.BigInteger, nullable=False),
)


@sa.event.listens_for(Engine, "after_cursor_execute")
def _note_write(conn, cursor, statement, parameters, context, executemany):
    match = _WRITE.match(statement)
    if match and match.group(1).lower() not in PRIVATE_TABLES:
        conn.info[_WROTE] = True


@sa.event.listens_for(Engine, "rollback")
def _forget_write(conn):
    if not conn.invalidated:  # a lost connection is thrown away with what it noted (and reading it would raise)
        conn.info.pop(_WROTE, None)


@sa.event.listens_for(Engine, "commit")
def _raise_version(conn):
    # The last statement of the transaction, so its row lock is held only while it commits (and nothing is
    # locked after it: no deadlock). The table may not exist (yet, or any more): a migration's own data changes
    # run before the migration that makes it, a downgrade drops it; then there is nothing to raise. PostgreSQL
    # would abort the whole transaction on the error, so it asks first, in the same statement.
    if not conn.info.pop(_WROTE, False):
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DO $$ BEGIN IF to_regclass('data_version') IS NOT NULL THEN " + _RAISE + "; END IF; END $$")
        return
    try:
        conn.exec_driver_sql(_RAISE)
    except sa.exc.OperationalError as error:
        if "no such table" not in str(error):
            raise  # a locked or broken database: the commit must not pretend
        # SQLite goes on with the transaction after a failed statement


def current_version() -> int | None:
    """The data version this request reads under (None: nothing may be kept). Read once, before the view reads
    its rows: shared_page asks before calling the view, the calendar feed before querying."""
    if _VERSION not in request.environ:  # per request (g may outlive a request where a caller holds the context)
        request.environ[_VERSION] = None
        if current_app.config["FRAGMENT_CACHE_SECONDS"] > 0:
            try:
                # plain SQL on the session's connection: a small read, without the ORM's work
                request.environ[_VERSION] = db.session.connection().exec_driver_sql(
                    "SELECT version FROM data_version").scalar()
            except sa.exc.DBAPIError:
                db.session.rollback()  # before the migration made the table: every page is rendered
    return request.environ[_VERSION]


def _key(query: tuple[str, ...]) -> str | None:
    if any(name not in query for name in request.args):
        return None  # a parameter the view does not read (utm=…, junk): rendered, never kept, so no key per variant
    version = current_version()
    if version is None:
        return None
    minute = timefmt.now_utc().strftime("%Y%m%d%H%M")  # the module's clock, which tests move
    return (f"shared|{version}|{minute}|{request.scheme}|{request.host}|{request.script_root}|"
            f"{request.full_path}|{'htmx' if wants_fragment() else 'page'}")


def _seconds_left() -> int:
    """Until the minute in the key ends: a kept page is never looked up after that, so it need not stay."""
    return min(current_app.config["FRAGMENT_CACHE_SECONDS"], 61 - timefmt.now_utc().second)


def _marker(template: str) -> str:
    return f"<!--kyoso:personal:{template}-->"


def rendering_shared_page() -> bool:
    """True while a shared page renders: base.html then puts markers where the personal parts go."""
    return g.get("rendering_shared_page", False)


def _personalised(body: str) -> str:
    """The page with its markers replaced by this visitor's parts, rendered together (one template context)."""
    if "_flashes" not in session:  # nothing flashed (Flask keeps messages there): no need to render them
        body = body.replace(_marker("_flashes.html"), "", 1)
    wanted = [template for template in PERSONAL if _marker(template) in body]
    if wanted:
        parts = render_template("_personal.html", templates=wanted, split=_SPLIT).split(_SPLIT)
        for template, html in zip(wanted, parts, strict=True):
            body = body.replace(_marker(template), html, 1)
    return body


def shared_page(query: tuple[str, ...] = ()):
    """Serve the view's page from the cache when this version of it was rendered already (module docstring).
    `query`: the URL parameters the view reads; a request with any other is rendered and not kept."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            key = _key(query)
            kept = _cached(key)
            if kept is not None:
                body, headers = kept
                return Response(_personalised(body), status=200, headers=headers)
            g.rendering_shared_page = True
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.rendering_shared_page = False
            if response.mimetype != "text/html" or response.direct_passthrough:
                return response
            body = response.get_data(as_text=True)
            if (key and response.status_code == 200 and not session.modified
                    and "Set-Cookie" not in response.headers):
                _keep(key, (body, [(k, v) for k, v in response.headers.items() if k in _KEPT_HEADERS]))
            response.set_data(_personalised(body))
            return response

        return wrapper

    return decorate


def _cached(key: str | None):
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - the cache server (Redis) is down: render the page instead
        current_app.logger.warning("shared pages: the cache could not be read", exc_info=True)
        return None


def _keep(key: str, kept: tuple) -> None:
    try:
        cache.set(key, kept, timeout=_seconds_left())
    except Exception:  # noqa: BLE001 - as above: the page is served all the same
        current_app.logger.warning("shared pages: the cache could not be written", exc_info=True)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(rendering_shared_page=rendering_shared_page, personal_marker=_marker)
