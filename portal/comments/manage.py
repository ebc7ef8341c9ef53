"""Moderators' pages for one consultation's comments: queue, moderation, opinions and responses, results."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.audit.services import record
from portal.comments import services
from portal.comments.manage_forms import (
    GroupForm,
    ModerationForm,
    OpinionForm,
    PaperCommentForm,
    QueueFilterForm,
    ResultsForm,
    SectionForm,
)
from portal.comments.models import Comment, Opinion
from portal.consultations import services as consultations
from portal.consultations.models import Consultation
from portal.core.access import require_roles
from portal.core.downloads import download, protect
from portal.core.enums import Role
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.documents import uploads
from portal.documents.forms import intake_field
from portal.extensions import db

bp = Blueprint("comments_admin", __name__, url_prefix="/admin/consultations/<int:consultation_id>")
bp.before_request(require_roles(Role.MODERATOR))


def _comment(consultation: Consultation, comment_id: int) -> Comment:
    """A comment on this consultation."""
    return db.one_or_404(sa.select(Comment).where(Comment.id == comment_id, Comment.consultation_id == consultation.id))


def _opinion_form(consultation, opinion=None, **kwargs) -> OpinionForm:
    data = None
    if opinion is not None and request.method == "GET":
        data = {"summary": opinion.summary, "section": opinion.section_id, "group": opinion.group_id,
                "response_ja": opinion.response_ja, "response_en": opinion.response_en,
                "category": opinion.category.value if opinion.category else ""}
    form = OpinionForm(data=data, **kwargs)
    form.section.set_choices((s.id, s.title_ja) for s in services.sections(consultation))
    form.group.set_choices((g.id, g.title_ja) for g in services.groups(consultation))
    return form


@bp.get("/comments")
def queue(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = QueueFilterForm(request.args)
    form.validate()
    query = sa.select(Comment).where(Comment.consultation_id == consultation.id).order_by(Comment.created_at)
    if form.status.data and not form.status.errors:
        query = query.where(Comment.status == form.status.data)
    if q := (form.q.data or "").strip():
        query = query.where(sa.or_(Comment.text.contains(q), Comment.receipt_number == q.upper()))
    pagination = paginate(query, page_arg(), current_app.config["PER_PAGE"] * 3)
    return render_page("comments/manage/queue.html", "results", consultation=consultation, form=form,
                       pagination=pagination, counts=services.result_counts(consultation.id))


@bp.route("/comments/<int:comment_id>", methods=["GET", "POST"])
def moderate(consultation_id: int, comment_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    comment = _comment(consultation, comment_id)
    form = ModerationForm(data=None if request.method == "POST" else {
        "public_text": comment.public_text or comment.text, "section": comment.section_id,
        "exclusion_reason": comment.exclusion_reason})
    form.section.set_choices((s.id, s.title_ja) for s in services.sections(consultation))
    if request.method == "GET":
        record("view", comment, {}, label=comment.receipt_number)  # it shows the submitter's details
        db.session.commit()
    elif form.validate_on_submit():
        action = request.form.get("action")
        if action == "exclude":
            if not (form.exclusion_reason.data or "").strip():
                form.exclusion_reason.errors.append(_("Say why it is not counted: the submitter is told."))
                return _moderation_page(consultation, comment, form)
            services.exclude(comment, form.exclusion_reason.data)
            flash(_("The comment is not counted, and the submitter has been told why."))
        else:
            services.accept(comment, form.public_text.data, form.section.data)
            flash(_("The comment is accepted. Its public version is saved; the original is kept."))
        db.session.commit()
        return redirect(url_for("comments_admin.moderate", consultation_id=consultation.id, comment_id=comment.id))
    return _moderation_page(consultation, comment, form)


def _moderation_page(consultation, comment, form, opinion_form=None):
    return render_template("comments/manage/moderate.html", consultation=consultation, comment=comment, form=form,
                           new_opinion=opinion_form or _opinion_form(consultation, prefix="new"),
                           opinion_form=lambda o: _opinion_form(consultation, o, prefix=f"o{o.id}"))


@bp.post("/comments/<int:comment_id>/opinions")
def add_opinion(consultation_id: int, comment_id: int):
    """Split a long comment: each point becomes an opinion with its own response."""
    consultation = db.get_or_404(Consultation, consultation_id)
    comment = _comment(consultation, comment_id)
    form = _opinion_form(consultation, prefix="new")
    if not form.validate():
        moderation = ModerationForm(data={"public_text": comment.public_text or comment.text})
        moderation.section.set_choices((s.id, s.title_ja) for s in services.sections(consultation))
        return _moderation_page(consultation, comment, moderation, form), 400
    services.add_opinion(comment, _opinion_data(form))
    db.session.commit()
    flash(_("The opinion has been added."))
    return redirect(url_for("comments_admin.moderate", consultation_id=consultation.id, comment_id=comment.id))


def _opinion_data(form) -> services.OpinionData:
    return services.OpinionData(summary=form.summary.data, section_id=form.section.data, group_id=form.group.data,
                                response_ja=form.response_ja.data, response_en=form.response_en.data,
                                category=form.category.data)


@bp.post("/opinions/<int:opinion_id>")
def edit_opinion(consultation_id: int, opinion_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    opinion = db.one_or_404(sa.select(Opinion).where(Opinion.id == opinion_id,
                                                     Opinion.consultation_id == consultation.id))
    form = _opinion_form(consultation, prefix=f"o{opinion.id}")
    if form.validate():
        services.edit_opinion(opinion, _opinion_data(form))
        db.session.commit()
        flash(_("The opinion and its response have been saved."))
    else:
        flash(_("The opinion was not saved: write the opinion."), "error")
    return redirect(url_for("comments_admin.moderate", consultation_id=consultation.id, comment_id=opinion.comment_id))


@bp.route("/comments/new", methods=["GET", "POST"])
def transcribe(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = PaperCommentForm(consultation=consultation)
    del form.attachment, form.website, form.step, form.form_token, form.started, form.attachment_ref
    if form.validate_on_submit():
        scan = None
        if uploads.chosen(form.scan.data):
            scan = intake_field(form.scan, uploads.PDF_OR_IMAGE, current_app.config["COMMENT_ATTACHMENT_MAX_BYTES"])
        if not form.scan.errors:
            attachment = dict(attachment_name=scan.stored_name, attachment_filename=scan.filename,
                              attachment_type=scan.mime_type, attachment_scan=scan.scan_status.value) if scan else {}
            data = services.Transcription(**form.submission_values(), **attachment, channel=form.channel.data,
                                          received_on=form.received_on.data)
            comment = services.transcribe(consultation, data, current_user.id)
            db.session.commit()
            flash(_("The comment has been entered with receipt number %(number)s.", number=comment.receipt_number))
            return redirect(url_for("comments_admin.queue", consultation_id=consultation.id))
    return render_template("admin/form.html", form=form, title=_("Enter a comment received on paper"),
                           submit=_("Enter the comment"), multipart=True,
                           back=url_for("comments_admin.queue", consultation_id=consultation.id))


@bp.get("/comments/<int:comment_id>/attachment")
def attachment(consultation_id: int, comment_id: int):
    """The comment's file, once the virus check found it clean; saved, never shown in the portal's origin."""
    consultation = db.get_or_404(Consultation, consultation_id)
    comment = _comment(consultation, comment_id)
    path = services.attachment_path(comment) or abort(404)
    record("view", comment, {}, label=comment.receipt_number)  # the submitter's file: personal data
    db.session.commit()
    response = protect(send_file(path, mimetype=comment.attachment_type, as_attachment=True,
                                 download_name=comment.attachment_filename or path.name, max_age=0))
    response.cache_control.no_store = True
    return response


@bp.route("/groups", methods=["GET", "POST"])
def groups(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = GroupForm()
    if form.validate_on_submit():
        services.add_group(consultation, form.title_ja.data, form.response_ja.data, form.response_en.data,
                           form.category.data)
        db.session.commit()
        flash(_("The group has been saved. Choose it on each opinion it answers."))
        return redirect(url_for("comments_admin.groups", consultation_id=consultation.id))
    return render_template("comments/manage/groups.html", consultation=consultation, form=form,
                           groups=services.groups(consultation))


@bp.route("/sections", methods=["GET", "POST"])
def sections(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = SectionForm()
    if form.validate_on_submit():
        services.add_section(consultation, form.title_ja.data, form.title_en.data)
        db.session.commit()
        flash(_("The part has been added."))
        return redirect(url_for("comments_admin.sections", consultation_id=consultation.id))
    return render_template("comments/manage/sections.html", consultation=consultation, form=form,
                           sections=services.sections(consultation))


@bp.route("/results", methods=["GET", "POST"])
def results(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ResultsForm(obj=consultation)
    if form.validate_on_submit():
        services.save_changes(consultation, form.changes_ja.data, form.changes_en.data)
        if request.form.get("action") == "publish":
            try:
                consultations.publish_results(consultation)
            except consultations.ResultsNotPublishable as error:
                form.changes_ja.errors.append(str(error))
                return render_template("comments/manage/results.html", consultation=consultation, form=form,
                                       counts=services.result_counts(consultation.id)), 400
        db.session.commit()
        flash(_("The results are published.") if consultation.results_published_at else _("Saved."))
        return redirect(url_for("comments_admin.results", consultation_id=consultation.id))
    return render_template("comments/manage/results.html", consultation=consultation, form=form,
                           counts=services.result_counts(consultation.id))


@bp.get("/comments.csv")
def export(consultation_id: int):
    consultation = db.get_or_404(Consultation, consultation_id)
    record("export", consultation, {}, object_type="comments", label=consultation.title_ja)
    db.session.commit()
    return download(services.comments_csv(consultation), f"comments-{consultation.id}.csv")
