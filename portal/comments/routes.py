import secrets

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import TooManyRequests

from portal.comments import bp, services
from portal.comments.forms import CommentForm, StatusLookupForm
from portal.comments.models import Comment
from portal.consultations import services as consultations
from portal.core import timefmt
from portal.core.fragments import shared_page
from portal.core.i18n import current_lang
from portal.documents import uploads
from portal.documents.forms import intake_field
from portal.documents.models import ScanStatus
from portal.extensions import db, limiter

#: per address: enough for a family sharing a connection, not for a flood
COMMENT_LIMIT = "10 per hour; 30 per day"


def _signer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="comment-form")


def _now() -> float:
    return timefmt.now_utc().timestamp()


def _timing_token(form_token: str, started: float | None = None) -> str:
    """The signed time the form was shown, bound to the form's one-time key: a timing token is good for one
    comment only, since the key is used up when the comment is stored (Comment.form_token is unique)."""
    return _signer().dumps([_now() if started is None else started, form_token])


def _started(form) -> float | None:
    """When the form was shown, if its timing token is genuine and made for its own one-time key."""
    try:
        started, form_token = _signer().loads(form.started.data or "")
        started = float(started)
    except (BadSignature, ValueError, TypeError):
        return None
    return started if form_token == form.form_token.data else None


def _fresh_form(consultation, **kwargs) -> CommentForm:
    form = CommentForm(consultation=consultation, **kwargs)
    if not form.form_token.data:
        form.form_token.data = secrets.token_urlsafe(24)
    if not form.started.data:
        form.started.data = _timing_token(form.form_token.data)
    if current_user.is_authenticated and request.method == "GET":
        form.name.data = form.name.data or current_user.display_name
        form.email.data = form.email.data or current_user.email
        form.phone.data = form.phone.data or current_user.phone
    return form


def _renew_tokens(form, new_key: bool = False) -> None:
    """After a refusal: the form keeps the time it was first shown when its token was genuine (a person who
    reads the message and sends again has waited long enough); a new one-time key, or a token that was not
    genuine, starts the clock now. Never earlier: a backdated token would let a robot send at once after one
    refused request."""
    started = None if new_key else _started(form)
    if new_key:
        form.form_token.data = secrets.token_urlsafe(24)
    form.started.data = _timing_token(form.form_token.data, started)


def _form_page(consultation, form, status=200):
    return render_template("comments/public/form.html", consultation=consultation, form=form), status


def _robot_reason(form) -> str | None:
    """Robots fill the trap field, send at once, or reuse a form; people get told, never silently dropped."""
    if form.website.data:
        return _("The form could not be sent because a hidden field was filled in. If you use a tool that fills "
                 "forms automatically, turn it off for this page and send again.")
    if (started := _started(form)) is None:
        return _("The form could not be checked. Please send it again.")
    if _now() - started < current_app.config["COMMENT_MIN_SECONDS"]:
        return _("The form was sent very quickly after it opened, so we could not tell it was sent by a person. "
                 "Check your comment and send it again.")
    return None


USED_FORM = _l("This form has already been used to send a comment, so it cannot send another one. If you want to "
               "send a further comment, check your text and send it again.")


def _store_attachment(form):
    """Keep a new attachment (checked by content and for viruses) under a random name; the signed reference
    rides along. A file no virus scanner could check is kept in quarantine, and staff open it only once clean."""
    if not uploads.chosen(form.attachment.data):
        return True
    stored = intake_field(form.attachment, uploads.PDF_OR_IMAGE, current_app.config["COMMENT_ATTACHMENT_MAX_BYTES"])
    if stored is None:
        return False
    services.note_upload(stored.stored_name)
    form.attachment_ref.data = _signer().dumps([stored.stored_name, stored.filename, stored.mime_type,
                                                stored.scan_status.value])
    return True


def _attachment(form) -> list:
    """[stored name, file name, type, virus check] of the kept attachment (a reference from before the virus
    check existed: waiting for it)."""
    try:
        ref = _signer().loads(form.attachment_ref.data) if form.attachment_ref.data else []
    except BadSignature:
        ref = []
    ref = (list(ref) + [None] * 4)[:4]
    if not all(value is None or isinstance(value, str) for value in ref):
        ref = [None] * 4
    if ref[0] and not ref[3]:
        ref[3] = ScanStatus.PENDING.value
    return ref


@bp.route("/consultations/<int:consultation_id>/comment", methods=["GET", "POST"])
@limiter.limit(COMMENT_LIMIT, methods=["POST"])
def comment(consultation_id: int):
    consultation = consultations.public_consultation(consultation_id) or abort(404)
    if not services.is_open(consultation):
        return _closed_page(consultation)
    if request.method == "GET":
        return _form_page(consultation, _fresh_form(consultation))
    form = _fresh_form(consultation)  # Flask-WTF reads the posted fields and files
    step = request.form.get("step")
    if step == "edit":
        return _form_page(consultation, form)
    valid = form.validate()
    attached = _store_attachment(form)
    if not (valid and attached):
        return _form_page(consultation, form)
    if reason := _robot_reason(form):
        form.form_errors.append(reason)
        _renew_tokens(form)
        return _form_page(consultation, form)
    if (sent := services.comment_with_token(form.form_token.data)) is not None:
        if step == "send" and sent.text == services.clean_text(form.text.data):  # the same form sent twice
            return redirect(url_for("comments.receipt", consultation_id=sent.consultation_id,
                                    receipt_number=sent.receipt_number))
        form.form_errors.append(str(USED_FORM))
        _renew_tokens(form, new_key=True)
        return _form_page(consultation, form)
    if step != "send":
        return render_template("comments/public/confirm.html", consultation=consultation, form=form,
                               attachment=_attachment(form))
    stored, filename, kind, scan = _attachment(form)
    data = services.Submission(**form.submission_values(), attachment_name=stored, attachment_filename=filename,
                               attachment_type=kind, attachment_scan=scan, locale=current_lang())
    user_id = current_user.id if current_user.is_authenticated else None
    try:
        saved = services.submit(consultation, data, form.form_token.data, user_id=user_id)
    except services.SubmissionError:  # closed between the confirm page and the send button
        return _closed_page(consultation)
    db.session.commit()
    return redirect(url_for("comments.receipt", consultation_id=consultation.id, receipt_number=saved.receipt_number))


def _closed_page(consultation):
    """Closed: on a post, everything the person wrote comes back to copy, print or send on paper."""
    ended = consultation.closes_at < timefmt.now_utc() or consultation.results_published_at is not None
    form = _fresh_form(consultation) if request.method == "POST" and ended else None
    attached = form is not None and bool(form.attachment_ref.data or getattr(form.attachment.data, "filename", ""))
    return render_template("comments/public/closed.html", consultation=consultation, form=form, attached=attached)


@bp.errorhandler(TooManyRequests)
def kept_form(error):
    """Too many sends from one address: the same form, the text kept, and why (an expired page: core/errors.py)."""
    if request.endpoint != "comments.comment":
        return render_template("errors/error.html", code=error.code), error.code
    consultation = consultations.public_consultation(request.view_args["consultation_id"])
    if consultation is None:  # missing or unpublished: the limit is the answer (an abort here would be a 500)
        return render_template("errors/error.html", code=error.code), error.code
    form = _fresh_form(consultation)
    form.validate()
    form.form_errors.append(_("Many comments have been sent from your connection in a short time, so this one was "
                              "not sent. Your text is kept: please try again in an hour, or hand it in on paper."))
    return _form_page(consultation, form, status=error.code)


@bp.get("/consultations/<int:consultation_id>/comment/receipt/<receipt_number>")
def receipt(consultation_id: int, receipt_number: str):
    consultation = consultations.public_consultation(consultation_id) or abort(404)
    comment = db.one_or_404(db.select(Comment).where(Comment.receipt_number == receipt_number,
                                                     Comment.consultation_id == consultation.id))
    return render_template("comments/public/receipt.html", consultation=consultation, comment=comment)


@bp.route("/consultations/comment-status", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def status():
    form = StatusLookupForm()
    found = None
    if form.validate_on_submit():
        found = services.find_for_submitter(form.receipt_number.data, form.contact.data)
        if found is None:
            form.receipt_number.errors.append(_("No comment matches this receipt number and contact. Check both."))
    return render_template("comments/public/status.html", form=form, comment=found)


def _with_results_or_404(consultation_id: int):
    """A published consultation whose results are published."""
    return consultations.with_results(consultation_id) or abort(404)


@bp.get("/consultations/<int:consultation_id>/results")
@shared_page(query=("section", "category", "page"))  # the filter form and paging
def results(consultation_id: int):
    from portal.comments.forms import ResultsFilterForm
    from portal.core.htmx import render_page, wants_fragment
    from portal.core.paging import page_arg, paginate
    from portal.documents.services import published_documents

    consultation = _with_results_or_404(consultation_id)
    form = ResultsFilterForm(request.args, consultation=consultation)
    filters = form.valid_data()
    pagination = paginate(services.opinions_query(consultation.id, filters), page_arg(),
                          current_app.config["PER_PAGE"] * 5, keys_first=True)
    # the htmx fragment is the table alone: the counts and documents around it are not read for it
    whole_page = not wants_fragment()
    return render_page("comments/public/results.html", "results", consultation=consultation, form=form,
                       pagination=pagination, counts=services.result_counts(consultation.id) if whole_page else None,
                       documents=published_documents(consultation_id=consultation.id) if whole_page else None)


@bp.get("/consultations/<int:consultation_id>/results.csv")
def results_csv(consultation_id: int):
    from portal.core.downloads import download

    consultation = _with_results_or_404(consultation_id)
    return download(services.results_csv(consultation), f"results-{consultation.id}.csv")


@bp.get("/consultations/feed.atom")
def feed():
    """Published consultations and results, newest first (feedgen builds the Atom document)."""
    import sqlalchemy as sa
    from feedgen.feed import FeedGenerator
    from flask import Response

    from portal.consultations.models import Consultation
    from portal.core.i18n import tr_text

    items = db.session.scalars(consultations.published().order_by(
        sa.func.coalesce(Consultation.results_published_at, Consultation.opens_at).desc()).limit(50)).all()
    fg = FeedGenerator()
    fg.id(url_for("comments.feed", _external=True))
    fg.title(_("Kyoso Portal: public comments"))
    fg.link(href=url_for("consultations.index", _external=True), rel="alternate")
    fg.link(href=url_for("comments.feed", _external=True), rel="self")
    fg.language(current_lang())
    for c in reversed(items):
        entry = fg.add_entry()
        results = c.results_published_at is not None
        link = url_for("comments.results" if results else "consultations.detail", consultation_id=c.id, _external=True)
        entry.id(link)
        entry.title(_("Results: %(title)s", title=tr_text(c, "title")) if results else tr_text(c, "title"))
        entry.link(href=link)
        entry.updated(c.results_published_at or c.opens_at)
        entry.summary(str(c.phase_title))
    return Response(fg.atom_str(pretty=True), mimetype="application/atom+xml")
