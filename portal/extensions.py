"""Extension objects, created here and bound to the app in create_app()."""

import click
from flask_babel import Babel
from flask_caching import Cache
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Migrations:
    """Flask-Migrate, imported when migrations run rather than in every worker: with alembic, mako and pygments
    it is about 11 MB and 0.3 s a process, and serving pages never migrates.

    The flask command sets it up at once (`flask db …`); anywhere else app.extensions["migrate"] is a stand-in
    that sets it up when first read, as flask_migrate.upgrade() and migrations/env.py do.
    """

    def init_app(self, app, db, **options) -> None:
        if click.get_current_context(silent=True) is not None:
            _set_up_migrations(app, db, options)
        else:
            app.extensions["migrate"] = _MigrateOnFirstUse(app, db, options)


def _set_up_migrations(app, db, options) -> None:
    from flask_migrate import Migrate

    Migrate(app, db, **options)  # puts the real settings in app.extensions["migrate"] and adds `flask db`


class _MigrateOnFirstUse:
    def __init__(self, app, db, options):
        self._app, self._db, self._options = app, db, options

    def __getattr__(self, name):
        _set_up_migrations(self._app, self._db, self._options)
        return getattr(self._app.extensions["migrate"], name)


db = SQLAlchemy(model_class=Base)
migrate = Migrations()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = Htmx()
#: CACHE_TYPE from the environment: SimpleCache in each process by default, RedisCache to share across hosts
cache = Cache()

from flask_limiter import Limiter  # noqa: E402
from flask_limiter.util import get_remote_address  # noqa: E402

#: storage from RATELIMIT_STORAGE_URI: memory:// by default, redis://… to share limits across processes
limiter = Limiter(get_remote_address)
