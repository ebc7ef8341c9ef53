from flask import current_app, request

from portal.audit import bp, services
from portal.audit.forms import ACTIONS, AuditFilterForm
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate


@bp.get("/")
def index():
    form = AuditFilterForm(request.args, object_types=services.object_types())
    query = services.entries(**form.valid_data())
    entries = paginate(query, page_arg(), current_app.config["PER_PAGE"] * 3)
    return render_page("audit/manage/list.html", "results", form=form, pagination=entries,
                       actions=ACTIONS)
