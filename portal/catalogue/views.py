"""View pieces every staff page of reference data shares: the searchable list and retire / restore / delete."""

from flask import current_app, flash, redirect, request
from flask_babel import gettext as _

from portal.catalogue import services
from portal.catalogue.forms import NameSearchForm
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.extensions import db

#: the actions of the retire form, as URL parts: /<id>/retire, /<id>/restore, /<id>/delete
STATE_ACTIONS = "any(retire, restore, delete)"


def list_page(model, *order_by, **context):
    """The list with its name search: the full page, or the results only when htmx asks."""
    form = NameSearchForm(request.args)
    form.validate()
    q = None if form.q.errors else form.q.data
    pagination = paginate(services.staff_list(model, q, *order_by), page_arg(), current_app.config["PER_PAGE"] * 2)
    return render_page("admin/reference_list.html", "results", form=form, pagination=pagination, **context)


def retire_panel(obj, endpoint: str, **args) -> dict:
    """What the edit page's retire section needs (admin/_retire.html)."""
    return {"endpoint": endpoint, "args": args, "retired_at": obj.retired_at, "deletable": not services.in_use(obj)}


def change_state(obj, action: str, edit_url: str, list_url: str):
    """Retire, restore or delete (when nothing uses it), commit once, and say what happened."""
    name = obj.name_ja
    if action == "delete":
        if not services.delete_if_unused(obj):
            flash(_("%(name)s is in use, so it cannot be deleted. Retire it instead.", name=name), "error")
            return redirect(edit_url)
        db.session.commit()
        flash(_("%(name)s has been deleted.", name=name))
        return redirect(list_url)
    services.set_retired(obj, action == "retire")
    db.session.commit()
    if action == "retire":
        flash(_("%(name)s has been retired. It is no longer offered for new choices; what already uses it still "
                "shows it.", name=name))
    else:
        flash(_("%(name)s can be chosen again.", name=name))
    return redirect(edit_url)
