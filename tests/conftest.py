"""Fixtures: an app on a migrated SQLite database (copied per test from a template), a client,
demo data, factories and a SQL query counter."""

import shutil
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.config import TestConfig
from portal.extensions import db as _db


def _make_app(db_path, upload_dir):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{db_path}"
        UPLOAD_FOLDER = str(upload_dir)

    return create_app(Config)


@pytest.fixture(scope="session")
def template_dbs(tmp_path_factory):
    """Two migrated databases built once: empty, and with the demo data (and its uploaded files)."""
    from flask_migrate import upgrade

    from portal.demo.seed import load

    root = tmp_path_factory.mktemp("template")
    empty, demo = root / "empty.db", root / "demo.db"
    app = _make_app(empty, root / "uploads-empty")
    with app.app_context():
        upgrade()
    shutil.copy(empty, demo)
    app = _make_app(demo, root / "uploads-demo")
    with app.app_context():
        load()
        _db.session.commit()
    return {"empty": (empty, None), "demo": (demo, root / "uploads-demo")}


def _app_from(template_dbs, tmp_path, which):
    source, uploads = template_dbs[which]
    path = tmp_path / f"{which}.db"
    shutil.copy(source, path)
    upload_dir = tmp_path / "uploads"
    if uploads is not None:
        shutil.copytree(uploads, upload_dir)
    app = _make_app(path, upload_dir)
    with app.app_context():
        yield app
        _db.session.remove()
        _db.engine.dispose()


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
