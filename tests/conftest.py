"""Fixtures: an app on a migrated SQLite database (copied per test from a template), a client,
demo data, factories and accounts. The helpers tests import live in tests/helpers.py."""

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from portal.extensions import db as _db
from tests.helpers import (
    PG_URL,
    Auth,
    clone_database,
    create_empty_database,
    drop_database,
    make_app,
    share_sql_compilation,
    share_url_builders,
)

share_url_builders()
share_sql_compilation()

#: argon2id at its smallest cost: what the tests check is that hashes are made and verified, not how slowly
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True, scope="session")
def _quick_password_hashes():
    """argon2id with the smallest cost in tests (the production parameters take ~0.2 s a hash, ~2 per test).
    Session-wide and autouse, so it is in place before any other fixture makes an account (the demo data,
    the browser tests' admin, `auth`). Servers the tests start in other processes keep the real cost."""
    from portal.accounts import passwords

    real = passwords._hasher, passwords._DUMMY_HASH
    passwords._hasher = QUICK_HASHER
    passwords._DUMMY_HASH = QUICK_HASHER.hash("not a real password")
    yield
    passwords._hasher, passwords._DUMMY_HASH = real


@pytest.fixture(scope="session")
def template_dbs(tmp_path_factory):
    """Two migrated databases built once: empty, and with the demo data (and its uploaded files)."""
    from flask_migrate import upgrade

    from portal.demo.seed import load

    root = tmp_path_factory.mktemp("template")
    if PG_URL:
        empty, demo = f"kyoso_tpl_empty_{os.getpid()}", f"kyoso_tpl_demo_{os.getpid()}"
        create_empty_database(empty)
    else:
        empty, demo = root / "empty.db", root / "demo.db"
    app = make_app(empty, root / "uploads-empty")
    with app.app_context():
        upgrade()
        _db.engine.dispose()  # closing the last connection checkpoints the WAL into the file we copy
    clone_database(empty, demo)
    app = make_app(demo, root / "uploads-demo")
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
    app = make_app(path, upload_dir)
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


@pytest.fixture
def factory(app):
    from tests.factories import Factory

    return Factory()


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


@pytest.fixture(autouse=True)
def _no_unhandled_errors(request, caplog):
    """Every test fails if the app logged an unhandled exception (a 500), unless it is about the 500 page."""
    yield
    if request.node.get_closest_marker("allow_server_errors"):
        return
    unhandled = [r for r in caplog.get_records("call") if r.name == "portal" and r.getMessage() == "unhandled error"]
    assert not unhandled, "the app raised: " + "; ".join(str(r.exc_info[1]) for r in unhandled if r.exc_info)
