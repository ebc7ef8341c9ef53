"""Friendly error pages in the page's language."""

from flask import Flask, Response, current_app, g, render_template
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.core.db import is_connection_lost
from portal.extensions import db, login_manager


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request_ctx.url_adapter is None:  # an untrusted Host header: no links can be built
            return Response(f"{error.code} {error.name}", status=error.code, mimetype="text/plain")
        return render_template("errors/error.html", code=error.code), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if is_connection_lost(error):
            return database_unavailable(error)
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_template("errors/error.html", code=500), InternalServerError.code


def database_unavailable(error: Exception):
    """The database is down or restarting: a friendly 503 that needs no database, and a hint to retry."""
    current_app.logger.warning("database unavailable: %s", error.__class__.__name__)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it on the next request
        db.session.close()
    g._login_user = login_manager.anonymous_user()  # the page header must not ask the database who is logged in
    response = Response(render_template("errors/error.html", code=503), status=503)
    response.headers["Retry-After"] = "30"
    return response
