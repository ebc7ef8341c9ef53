"""協創ポータル: the application factory."""

from pathlib import Path

from flask import Flask

from portal.config import INSTANCE_PATH, Config
from portal.core.db import RetryingReads
from portal.core.urls import BaseUrlLinks, DatabaseIntConverter
from portal.extensions import babel, cache, csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent
#: the endpoints that take a file, and the setting that bounds it; every other request is a form (core/security.py)
UPLOADS = {
    "documents_admin.new": "UPLOAD_MAX_BYTES",
    "comments.comment": "COMMENT_ATTACHMENT_MAX_BYTES",
    "comments_admin.transcribe": "COMMENT_ATTACHMENT_MAX_BYTES",
}


class Portal(RetryingReads, BaseUrlLinks, Flask):
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
    from portal.core import fragments, i18n, pagecache, production, security, templating, urls

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
    urls.init_app(app)  # after production, which refuses a missing BASE_URL there
    pagecache.init_app(app)
    fragments.init_app(app)

    from portal.core import errors

    register_blueprints(app)
    errors.init_app(app)
    security.limit_requests(app, UPLOADS)  # first before_request of all, ahead of the CSRF check

    from portal.accounts.cli import create_admin
    from portal.commands import purge_personal_data, scan_uploads
    from portal.demo.cli import seed_demo, seed_large
    from portal.mail.cli import send_mail
    from portal.registrations.cli import draw_lotteries, expire_registrations, send_reminders

    for command in (seed_demo, seed_large, create_admin, send_mail, expire_registrations, send_reminders, purge_personal_data,
                    draw_lotteries, scan_uploads):
        app.cli.add_command(command)
    return app


def register_blueprints(app: Flask) -> None:
    """Every page of the portal: each feature's public views, then its staff pages under /admin.

    A feature's blueprint `bp` is made in its __init__.py; the modules imported here attach their views to it.
    """
    from portal import (
        accounts,
        admin,
        areas,
        audit,
        catalogue,
        comments,
        committees,
        consultations,
        documents,
        home,
        meetings,
        mypage,
        registrations,
    )
    from portal.accounts import account, signin  # noqa: F401
    from portal.admin import routes as _admin  # noqa: F401
    from portal.areas import manage as areas_manage
    from portal.areas import routes as _areas  # noqa: F401
    from portal.audit import routes as _audit  # noqa: F401
    from portal.catalogue import routes as _catalogue  # noqa: F401
    from portal.comments import manage as comments_manage
    from portal.comments import routes as _comments  # noqa: F401
    from portal.committees import manage as committees_manage
    from portal.committees import routes as _committees  # noqa: F401
    from portal.consultations import manage as consultations_manage
    from portal.consultations import routes as _consultations  # noqa: F401
    from portal.documents import manage as documents_manage
    from portal.documents import routes as _documents  # noqa: F401
    from portal.home import routes as _home  # noqa: F401
    from portal.meetings import manage as meetings_manage
    from portal.meetings import routes as _meetings  # noqa: F401
    from portal.mypage import routes as _mypage  # noqa: F401
    from portal.registrations import manage as registrations_manage
    from portal.registrations import routes as _registrations  # noqa: F401

    for blueprint in (
        home.bp,
        areas.bp, areas_manage.bp,
        meetings.bp, meetings_manage.bp,
        registrations.bp, registrations_manage.bp,
        committees.bp, committees_manage.bp,
        consultations.bp, consultations_manage.bp,
        comments.bp, comments_manage.bp,
        documents.bp, documents_manage.bp,
        accounts.bp, mypage.bp,
        admin.bp, audit.bp, catalogue.bp,
    ):
        app.register_blueprint(blueprint)
