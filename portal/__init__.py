"""協創ポータル: the application factory."""

from pathlib import Path

from flask import Flask

from portal.config import INSTANCE_PATH, Config
from portal.extensions import babel, csrf, db, htmx, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class: type = Config) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_PATH),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portal.core import i18n, security, templating

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
    i18n.init_app(app)
    templating.init_app(app)
    security.init_app(app)

    from importlib import import_module

    from portal.core import errors

    import_module("portal.accounts")  # the Flask-Login user loader
    for feature in ("home", "areas", "meetings", "committees", "consultations", "documents"):
        package = import_module(f"portal.{feature}")
        import_module(f"portal.{feature}.routes")  # attaches the views to the feature's blueprint
        app.register_blueprint(package.bp)
    errors.init_app(app)

    from portal.demo import cli as demo_cli

    app.cli.add_command(demo_cli.seed_demo)
    return app
