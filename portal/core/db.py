"""Database settings that keep writes safe under concurrency on SQLite (PostgreSQL needs none of this).

SQLite: WAL so readers never block the writer, and a busy timeout so writers queue instead of failing.
Reads run outside transactions (pysqlite's default), so no read lock is held while waiting to write.
Transactions that change seats start with BEGIN IMMEDIATE: they take the write lock before reading, so
two of them never both read and then both try to write (which SQLite answers with "database is locked").
"""

import sqlite3
from contextlib import contextmanager

import sqlalchemy as sa
from flask import request
from sqlalchemy.engine import Engine

from portal.extensions import db


@sa.event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@contextmanager
def write_transaction():
    """A transaction that takes the write lock first (SQLite) and is committed at the end, or rolled back."""
    db.session.rollback()  # end anything open in this request: the write transaction starts clean
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def is_connection_lost(error: BaseException) -> bool:
    """The database went away (restart, network): not a bug in the request."""
    return isinstance(error, sa.exc.DBAPIError) and (
        error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError))


class RetryingReads:
    """Mixed into the Flask app: a page read (GET/HEAD) that loses its connection is served once more.

    pool_pre_ping catches connections that died while idle in the pool; this catches the ones that die
    during a request (a database restart or failover). Writes are never repeated: the resident sees the
    503 page and sends again, and nothing half-done was committed.
    """

    def dispatch_request(self):
        try:
            return super().dispatch_request()
        except sa.exc.DBAPIError as error:
            if request.method not in ("GET", "HEAD") or not error.connection_invalidated:
                raise
            db.session.rollback()
            return super().dispatch_request()
