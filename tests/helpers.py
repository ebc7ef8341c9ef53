"""Helpers the tests import: apps on test databases, CSRF-aware posting, logging in, counting SQL.
(`conftest.py` holds the fixtures only.)"""

import contextvars
import os
import re
import shutil
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db

#: set to run the suite on PostgreSQL (postgresql+psycopg://user@127.0.0.1:port/postgres); SQLite otherwise
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
#: the password of every account the tests create
PASSWORD = "にわにはにわとり2026"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


# Apps on test databases


class IsolatedClient(FlaskClient):
    """Runs each request in a fresh context, as a server does: nothing cached on `g` or in the
    test's database session leaks into the request (the test keeps its own app context open)."""

    def open(self, *args, **kwargs):
        return contextvars.Context().run(super().open, *args, **kwargs)


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the many apps of one test run (keyed by name and source checksum, so an
    edited template is compiled again): each test builds a new app, and compiling every template anew for
    each one was a large share of the suite's time."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        if (code := self.store.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = MemoryBytecodeCache()


def share_url_builders() -> None:
    """Werkzeug compiles two URL-builder functions per route for every new app (about a third of a plain test's
    time here). The function depends only on the rule's text, trace and defaults, and takes the rule as an
    argument, so the apps of one test run can share it. Tests only; skipped if Werkzeug's internals change."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or getattr(compile_builder, "shared", False):
        return
    builders = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), tuple(sorted((self.defaults or {}).items(), key=repr)), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    shared.shared = True
    Rule._compile_builder = shared


def share_sql_compilation() -> None:
    """SQLAlchemy compiles a statement once per engine, and prepares type conversions once per dialect; each test
    builds a new app, so a new engine and dialect, and every test compiled the same statements again (a quarter
    of a plain test's time). The test apps' engines share one dialect and one compiled-statement cache per kind
    of database and engine settings: the SQL of a statement does not depend on which test database receives it.
    Tests only (the portal has one engine per process). An engine whose first connection fails keeps its own."""
    from sqlalchemy.util import LRUCache

    make_engine = _db._make_engine
    if getattr(make_engine, "shared", False):
        return
    shared = {}

    def shared_make_engine(bind_key, options, app):
        engine = make_engine(bind_key, options, app)
        key = (type(engine.dialect), engine.url.drivername, repr(sorted(engine.url.query.items())),
               repr(sorted((name, value) for name, value in options.items() if name != "url")))
        if key not in shared:
            try:
                with engine.connect():  # the dialect learns the server's version and defaults
                    pass
            except sa.exc.DBAPIError:
                return engine
            shared[key] = (engine.dialect, LRUCache(5000))
        engine.dialect, statements = shared[key]
        engine.update_execution_options(compiled_cache=statements)
        return engine

    shared_make_engine.shared = True
    _db._make_engine = shared_make_engine


def _database_uri(db) -> str:
    """A SQLite file path, or the name of a PostgreSQL database on the TEST_DATABASE_URL server."""
    if PG_URL:
        return sa.engine.make_url(PG_URL).set(database=str(db)).render_as_string(hide_password=False)
    return f"sqlite:///{db}"


def make_app(db, upload_dir):
    """The portal under the test configuration on database `db` (a SQLite path or a PostgreSQL name)."""

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = _database_uri(db)
        UPLOAD_FOLDER = str(upload_dir)
        MAIL_FOLDER = str(upload_dir.parent / "mail")

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


def sibling_app(app, tmp_path, **config):
    """Another app on the same test database, with some settings changed (caches on, another address)."""
    overrides = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                 "UPLOAD_FOLDER": str(tmp_path / "uploads"), "MAIL_FOLDER": str(tmp_path / "mail"), **config}
    return create_app(type("Sibling", (TestConfig,), overrides))


def _pg_admin(statement: str) -> None:
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


def create_empty_database(name) -> None:
    """A new, empty PostgreSQL database (a SQLite file is created by its first connection)."""
    if PG_URL:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}"')


def clone_database(source, target) -> None:
    """A fresh copy of a migrated template database for one test (or the browser server)."""
    if PG_URL:
        _pg_admin(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')
    else:
        shutil.copy(source, target)


def drop_database(name) -> None:
    if PG_URL:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def read_template(template_dbs, tmp_path_factory, read):
    """Run `read()` against the demo template (read only), then close every connection to it."""
    source, _ = template_dbs["demo"]
    app = make_app(source, tmp_path_factory.mktemp("read"))
    with app.app_context():
        try:
            return read()
        finally:
            _db.session.remove()
            _db.engine.dispose()


@contextmanager
def count_queries():
    """Counts the SQL statements sent to the database inside the block."""
    statements = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


# Forms and accounts


def csrf_token(client, url="/account/login") -> str:
    match = CSRF.search(client.get(url).get_data(as_text=True))
    return match.group(1) or match.group(2)


def post_form(client, url, data, page=None, **kwargs):
    """POST like a browser: with the CSRF token of the form's own page."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data}, **kwargs)


class Auth:
    """Creates accounts and logs in through the real login pages (password, then TOTP for staff)."""

    #: TOTP steps used per user id in this test (reset by the fixtures)
    _used: dict = {}

    def __init__(self, app):
        self.app = app

    def create(self, email="resident@example.jp", roles=(), name=None, verified=True, totp=True):
        import pyotp

        from portal.accounts.models import User, UserRole
        from portal.accounts.passwords import hash_password
        from portal.core.timefmt import now_utc

        user = User(email=email, password_hash=hash_password(PASSWORD), display_name=name or email.split("@")[0],
                    email_verified_at=now_utc() if verified else None,
                    roles=[UserRole(role=r) for r in roles])
        if roles and totp:
            user.totp_secret, user.totp_enabled_at = pyotp.random_base32(), now_utc()
        _db.session.add(user)
        _db.session.commit()
        return user

    def login(self, client, user, password=PASSWORD):
        import pyotp

        response = post_form(client, "/account/login", {"email": user.email, "password": password})
        if user.roles:
            assert response.headers["Location"].endswith("/account/login/verify"), response.get_data(as_text=True)
            # The code for the next time step, so two logins in one test never replay the same code.
            code = pyotp.TOTP(user.totp_secret).at(datetime.now() + timedelta(seconds=30 * self._steps(user)))
            response = post_form(client, "/account/login/verify", {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def _steps(self, user) -> int:
        # 0, 1, -1: the three steps the server accepts; each login of a user takes the next unused one.
        n = self._used.get(user.id, 0)
        self._used[user.id] = n + 1
        return (0, 1, -1)[n % 3] if n < 3 else 0

    def as_role(self, client, role=None, email=None):
        roles = (role,) if role else ()
        user = self.create(email=email or f"{role or 'resident'}@example.jp", roles=roles, name=f"{role or 'resident'} 太郎")
        self.login(client, user)
        return user
