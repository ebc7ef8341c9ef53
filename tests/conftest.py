"""Fixtures: an app on a migrated SQLite database (copied per test from a template), a client,
demo data, factories and a SQL query counter."""

import contextvars
import os
import shutil
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from jinja2 import BytecodeCache

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db


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


def _share_url_builders() -> None:
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


_share_url_builders()


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes():
    """argon2id with the smallest cost in tests (the production parameters take ~0.2 s a hash, ~2 per test);
    what is tested is that hashes are made and checked, not how slowly. Servers the tests start keep the real cost."""
    from portal.accounts import passwords

    real = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    passwords._DUMMY_HASH = passwords._hasher.hash("not a real password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = real


#: set to run the suite on PostgreSQL (postgresql+psycopg://user@127.0.0.1:port/postgres); SQLite otherwise
PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def _database_uri(db) -> str:
    """A SQLite file path, or the name of a PostgreSQL database on the TEST_DATABASE_URL server."""
    if PG_URL:
        return sa.engine.make_url(PG_URL).set(database=str(db)).render_as_string(hide_password=False)
    return f"sqlite:///{db}"


def _make_app(db, upload_dir):
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


@pytest.fixture(scope="session")
def template_dbs(tmp_path_factory):
    """Two migrated databases built once: empty, and with the demo data (and its uploaded files)."""
    from flask_migrate import upgrade

    from portal.demo.seed import load

    root = tmp_path_factory.mktemp("template")
    if PG_URL:
        empty, demo = f"kyoso_tpl_empty_{os.getpid()}", f"kyoso_tpl_demo_{os.getpid()}"
        _pg_admin(f'DROP DATABASE IF EXISTS "{empty}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{empty}"')
    else:
        empty, demo = root / "empty.db", root / "demo.db"
    app = _make_app(empty, root / "uploads-empty")
    with app.app_context():
        upgrade()
        _db.engine.dispose()  # closing the last connection checkpoints the WAL into the file we copy
    clone_database(empty, demo)
    app = _make_app(demo, root / "uploads-demo")
    with app.app_context():
        load()
        _db.session.commit()
        _db.session.remove()
        _db.engine.dispose()
    yield {"empty": (empty, None), "demo": (demo, root / "uploads-demo")}
    drop_database(demo)
    drop_database(empty)


def _app_from(template_dbs, tmp_path, which):
    source, uploads = template_dbs[which]
    path = f"kyoso_test_{os.getpid()}_{uuid.uuid4().hex[:12]}" if PG_URL else tmp_path / f"{which}.db"
    clone_database(source, path)
    upload_dir = tmp_path / "uploads"
    if uploads is not None:
        shutil.copytree(uploads, upload_dir)
    app = _make_app(path, upload_dir)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()
    drop_database(path)


@pytest.fixture
def app(template_dbs, tmp_path):
    """An app on an empty migrated database."""
    yield from _app_from(template_dbs, tmp_path, "empty")


@pytest.fixture
def demo_app(template_dbs, tmp_path):
    """An app on a migrated database holding the demo data."""
    yield from _app_from(template_dbs, tmp_path, "demo")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def db(app):
    return _db


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


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    return Factory()


CSRF = __import__("re").compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
PASSWORD = "にわにはにわとり2026"


def csrf_token(client, url="/account/login") -> str:
    match = CSRF.search(client.get(url).get_data(as_text=True))
    return match.group(1) or match.group(2)


def post_form(client, url, data, page=None, **kwargs):
    """POST like a browser: with the CSRF token of the form's own page."""
    return client.post(url, data={"csrf_token": csrf_token(client, page or url), **data}, **kwargs)


class Auth:
    """Creates accounts and logs in through the real login pages (password, then TOTP for staff)."""

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
            from datetime import datetime, timedelta

            code = pyotp.TOTP(user.totp_secret).at(datetime.now() + timedelta(seconds=30 * self._steps(user)))
            response = post_form(client, "/account/login/verify", {"code": code})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    _used: dict = {}

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


@pytest.fixture
def auth(app):
    Auth._used = {}
    return Auth(app)


@pytest.fixture
def demo_auth(demo_app):
    Auth._used = {}
    return Auth(demo_app)


@pytest.fixture
def outbox(app):
    """The emails queued so far, newest last."""
    from portal.mail.models import OutboxEmail

    def rows():
        _db.session.expire_all()
        return _db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()

    return rows


def read_template(template_dbs, tmp_path_factory, read):
    """Run `read()` against the demo template (read only), then close every connection to it."""
    source, _ = template_dbs["demo"]
    app = _make_app(source, tmp_path_factory.mktemp("read"))
    with app.app_context():
        try:
            return read()
        finally:
            _db.session.remove()
            _db.engine.dispose()


@pytest.fixture(autouse=True)
def _no_unhandled_errors(request, caplog):
    """Every test fails if the app logged an unhandled exception (a 500), unless it is about the 500 page."""
    yield
    if request.node.get_closest_marker("allow_server_errors"):
        return
    unhandled = [r for r in caplog.get_records("call") if r.name == "portal" and r.getMessage() == "unhandled error"]
    assert not unhandled, "the app raised: " + "; ".join(str(r.exc_info[1]) for r in unhandled if r.exc_info)
