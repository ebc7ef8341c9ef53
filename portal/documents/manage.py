"""Staff pages for documents under /admin/documents: upload, describe, publish, delete (editors)."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import form_values
from portal.documents import manage_services as services
from portal.documents.forms import DocumentForm, UploadForm, intake_field
from portal.documents.models import PARENTS, Document, ScanStatus
from portal.extensions import db

bp = Blueprint("documents_admin", __name__, url_prefix="/admin/documents")
bp.before_request(require_roles(Role.EDITOR))

#: where each kind of parent is edited: a document's page links back there
PARENT_PAGES = {"meeting": "meetings_admin.edit", "committee": "committees_admin.detail",
                "consultation": "consultations_admin.edit"}
FIELDS = ("kind", "title_ja", "title_en", "summary_ja", "summary_en", "language", "status")


def parent_from_args():
    for name in PARENTS:
        if request.args.get(name, "").isdigit():
            # the parent's class through the document's relationship: this package imports no parent
            model = sa.inspect(Document).relationships[name].mapper.class_
            return name, db.get_or_404(model, int(request.args[name]))
    abort(404)


def back_url(document_or_kind, parent=None) -> str:
    if isinstance(document_or_kind, Document):
        name, parent = document_or_kind.parent_name, document_or_kind.parent
    else:
        name = document_or_kind
    return url_for(PARENT_PAGES[name], **{f"{name}_id": parent.id})


@bp.route("/new", methods=["GET", "POST"])
def new():
    name, parent = parent_from_args()
    form = UploadForm()
    if form.validate_on_submit() and (stored := intake_field(form.file)):
        services.add({f"{name}_id": parent.id}, stored, form_values(form, FIELDS))
        db.session.commit()
        if stored.scan_status == ScanStatus.PENDING:
            flash(_("The document has been stored but is waiting for the virus check: the virus scanner "
                    "could not be reached. Residents cannot see it until the check has passed (the command "
                    "“flask scan-uploads” runs it). If this lasts, tell the system administrator."), "warning")
        else:
            flash(_("The document has been uploaded."))
        return redirect(back_url(name, parent))
    return render_template("admin/form.html", form=form, title=_("Upload a document"), submit=_("Upload"),
                           back=back_url(name, parent), multipart=True,
                           lead=_("For: %(title)s", title=getattr(parent, "title_ja", None) or parent.name_ja))


@bp.route("/<int:document_id>", methods=["GET", "POST"])
def edit(document_id: int):
    document = db.get_or_404(Document, document_id)
    form = DocumentForm(obj=document)
    if form.validate_on_submit():
        services.update(document, form_values(form, FIELDS))
        db.session.commit()
        flash(_("The changes have been saved."))
        return redirect(back_url(document))
    return render_template("admin/form.html", form=form, title=_("Document: %(name)s", name=document.original_filename),
                           submit=_("Save changes"), back=back_url(document))


@bp.post("/<int:document_id>/delete")
def delete(document_id: int):
    document = db.get_or_404(Document, document_id)
    target = back_url(document)
    path = services.delete(document)
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(_("The document has been deleted."))
    return redirect(target)

