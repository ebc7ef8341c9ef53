"""Friendly error pages in the page's language."""

from flask import Flask, Response, render_template
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db


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
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_template("errors/error.html", code=500), InternalServerError.code
