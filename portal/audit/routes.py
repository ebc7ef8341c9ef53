import sqlalchemy as sa
from flask import current_app, request

from portal.audit import bp
from portal.audit.forms import AuditFilterForm
from portal.audit.models import AuditEntry
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.extensions import db


@bp.get("/")
def index():
    types = db.session.scalars(sa.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)).all()
    form = AuditFilterForm(request.args, object_types=types)
    form.validate()
    query = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if form.who.data and not form.who.errors:
        query = query.where(AuditEntry.actor_name.contains(form.who.data.strip()))
    if form.action.data and not form.action.errors:
        query = query.where(AuditEntry.action == form.action.data)
    if form.object_type.data and not form.object_type.errors:
        query = query.where(AuditEntry.object_type == form.object_type.data)
    entries = paginate(query, page_arg(), current_app.config["PER_PAGE"] * 3)
    return render_page("audit/manage/list.html", "results", form=form, pagination=entries)
