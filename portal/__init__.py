"""協創ポータル: the application factory."""

from pathlib import Path

from flask import Flask

from portal.config import INSTANCE_PATH, Config
from portal.core.db import RetryingReads
from portal.core.urls import DatabaseIntConverter
from portal.extensions import babel, cache, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
#: feature packages, each with a blueprint `bp` in __init__ and its views in routes.py
FEATURES = ("home", "areas", "meetings", "registrations", "committees", "consultations", "comments", "documents",
            "accounts", "admin", "audit", "catalogue")


class Portal(RetryingReads, Flask):
    pass


def create_app(config_class: type = Config) -> Flask:
    app = Portal(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_class)
    app.url_map.converters["int"] = DatabaseIntConverter
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portal.core import db as _sqlite_settings  # noqa: F401 - registers the SQLite engine events
    from portal.core import i18n, pagecache, production, security, templating

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    production.init_app(app)  # after i18n: the proxy headers are read first
    pagecache.init_app(app)

    from importlib import import_module
    from importlib.util import find_spec

    from portal.core import errors

    for feature in FEATURES:
        package = import_module(f"portal.{feature}")
        import_module(f"portal.{feature}.routes")  # attaches the views to the feature's blueprint
        app.register_blueprint(package.bp)
        if find_spec(f"portal.{feature}.manage"):  # the feature's staff pages under /admin
            app.register_blueprint(import_module(f"portal.{feature}.manage").bp)
    errors.init_app(app)

    from portal.accounts.cli import create_admin
    from portal.demo.cli import seed_demo, seed_large
    from portal.mail.cli import send_mail
    from portal.registrations.cli import (
        draw_lotteries,
        expire_registrations,
        purge_personal_data,
        send_reminders,
    )

    for command in (seed_demo, seed_large, create_admin, send_mail, expire_registrations, send_reminders, purge_personal_data,
                    draw_lotteries):
        app.cli.add_command(command)
    return app
