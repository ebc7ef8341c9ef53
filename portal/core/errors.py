"""Friendly error pages in the page's language, and forms that come back after an expired CSRF token.

A form posted with an expired or missing CSRF token (a clerk writing for over an hour) is not answered
with a bare error: the view runs in "re-show" mode, where its FlaskForm fails validation on the token and
it renders the same form with what was typed and a fresh token. Nothing can change in that mode: a commit
raises, the database session is rolled back and the cookie session restored. A view that does not re-show
a form (it redirects, or fails) is replaced by a page repeating the posted text with a button to send it
again. Either way the answer is a 400 that says what happened.
"""

import copy
import re

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    flash,
    g,
    has_request_context,
    render_template,
    request,
    session,
)
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from jinja2_fragments.flask import render_block
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from portal.core.db import is_connection_lost
from portal.core.htmx import wants_fragment
from portal.extensions import csrf, db, login_manager

#: g key: the cookie session as it was before the view ran in re-show mode
RESHOW = "csrf_reshow"
#: posted fields never written back into a page
SECRET_FIELD = re.compile(r"password|secret|recovery|^code$|^csrf_token$", re.IGNORECASE)
#: answers kept as they are in re-show mode: a parent that is not there has no form to send again
GONE = (404, 410)


def init_app(app: Flask) -> None:
    # Flask-WTF's own before_request check is replaced by check_csrf, first as it was (see the module docstring).
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.before_request_funcs.setdefault(None, []).insert(0, check_csrf)
    app.after_request(finish_reshow)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request_ctx.url_adapter is None:  # an untrusted Host header: no links can be built
            return Response(f"{error.code} {error.name}", status=error.code, mimetype="text/plain")
        if error.code == RequestEntityTooLarge.code:
            return too_large()
        if reshowing():
            if error.code not in GONE:
                return resend_page()
            session.pop("_flashes", None)  # nothing to send again: the page only says it is not there
        return render_template("errors/error.html", code=error.code), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if is_connection_lost(error):
            return database_unavailable(error)
        if reshowing():  # a view that reads its post without a form; it is refused all the same
            app.logger.warning("view failed while re-showing a form: %r", error)
            return resend_page()
        app.logger.exception("unhandled error")
        db.session.rollback()
        return render_template("errors/error.html", code=500), InternalServerError.code


def expired_message() -> str:
    return _("Some time has passed since the page was opened, so it could not be sent. Everything you typed is kept: "
             "check it and send it again.")


def reshowing() -> bool:
    return has_request_context() and g.get(RESHOW) is not None


def check_csrf():
    """The CSRF check of every POST; a failed form post goes on in re-show mode instead of ending here."""
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return
    try:
        csrf.protect(apply_exemptions=True)
    except CSRFError:
        if request.method != "POST" or request.is_json:
            raise
        setattr(g, RESHOW, copy.deepcopy(dict(session)))
        flash(expired_message(), "warning")


@sa.event.listens_for(sa.orm.Session, "before_commit")
def _refuse_commit(_session):
    if reshowing():
        raise CSRFError(expired_message())


def finish_reshow(response: Response) -> Response:
    """Re-show mode: keep the form page the view rendered (as a 400), undo everything else."""
    if not reshowing():
        return response
    form_page = response.mimetype == "text/html" and (response.status_code == 200 or 400 <= response.status_code < 500)
    if not (form_page or g.get("resend_page")):
        response = resend_page()
    snapshot = g.pop(RESHOW)
    db.session.rollback()
    if response.status_code not in GONE:
        response.status_code = 400
    response.headers.pop("Set-Cookie", None)  # only the restored session cookie is sent
    name = current_app.config["WTF_CSRF_FIELD_NAME"]
    if name in session:  # the fresh token on the page stands on it
        snapshot[name] = session[name]
    session.clear()
    session.update(snapshot)
    return response


def resend_page() -> Response:
    """What was posted, shown as text and kept in hidden fields with a fresh token, and a button to send it again."""
    db.session.rollback()
    session.pop("_flashes", None)  # the page says it itself
    g.resend_page = True
    fields = [(name, values) for name, values in request.form.lists()
              if not SECRET_FIELD.search(name) and any(v.strip() for v in values)]
    target = request.script_root + request.full_path.rstrip("?")
    return Response(render_template("errors/resend.html", fields=fields, target=target,
                                    files=any(f.filename for f in request.files.values()),
                                    message=expired_message()), status=400)


def too_large() -> Response:
    """A body over its limit (core/security.py), refused unread: what to do, as a page or, for htmx, its main part."""
    rule = request.url_rule  # the form's own page, when the refused URL is one (most forms post to themselves)
    form_url = request.script_root + request.path if rule is not None and "GET" in (rule.methods or ()) else None
    context = {"upload": g.get("upload_request", False), "form_url": form_url}
    if wants_fragment():
        response = Response(render_block("errors/too_large.html", "content", **context), status=RequestEntityTooLarge.code)
        response.headers["HX-Retarget"], response.headers["HX-Reswap"] = "#main", "innerHTML"
        return response
    return Response(render_template("errors/too_large.html", **context), status=RequestEntityTooLarge.code)


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
