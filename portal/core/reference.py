"""Reference data staff keep (areas, venues, committees, the 合理的配慮 catalogue): a searchable list, retire
instead of delete, delete only what nothing uses. What only a feature knows (how an action is audited, what else
counts as a use) comes in from the caller: core imports no feature package.

`save_row` creates or updates a row, audited, with its unique names checked (also against a row another request
saves at the same moment). `list_page`, `form_page` and `change_state` are the view side of these pages, shared: a
view returns what they return; `form_page` and `change_state` commit (the view does not commit again)."""

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from portal.core.db import write_transaction
from portal.core.forms import QueryForm
from portal.core.htmx import render_page
from portal.core.paging import page_arg, paginate
from portal.core.timefmt import now_utc
from portal.extensions import db

#: the actions of the retire form, as URL parts: /<id>/retire, /<id>/restore, /<id>/delete
STATE_ACTIONS = "any(retire, restore, delete)"

#: audit(action, obj): records "retire", "restore" (before the commit) or "delete" (before the row goes)
Audit = Callable[[str, object], object]
InUse = Callable[[object], bool]


class NameTaken(Exception):
    """Another row already uses this name, short name or code; `field` names the value that clashes."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def taken(model, row, values: dict, unique: dict, within: tuple = ()) -> NameTaken | None:
    """The NameTaken error of the first `unique` field whose new value another row (with the same `within`
    values) already has, or None."""
    def value(name):
        return values[name] if name in values else getattr(row, name)

    for field, message in unique.items():
        if field in values and db.session.scalar(sa.select(model.id).where(
                *(getattr(model, name) == value(name) for name in (field, *within)),
                model.id != (row.id if row is not None else -1)).limit(1)) is not None:
            return NameTaken(field, str(message))
    return None


def save_row(model_or_row, values: dict, *, audit: Audit, unique: dict | None = None, within: tuple = ()):
    """Create (given the model) or update (given the row) a row from `values`, audited as "create" or "update",
    flushed. Each `unique` field ({field: message}, unique together with the `within` fields) must be its own, or
    NameTaken(field, message): checked first, and again when the database refuses a row another request saved
    between the check and the flush (the savepoint keeps the rest of the request's transaction)."""
    row = None if isinstance(model_or_row, type) else model_or_row
    model = type(row) if row is not None else model_or_row
    if error := taken(model, row, values, unique or {}, within):
        raise error
    try:
        with db.session.begin_nested():
            saved = row if row is not None else model()
            if row is None:
                db.session.add(saved)
            for name, value in values.items():
                setattr(saved, name, value)
            audit("update" if row is not None else "create", saved)
            db.session.flush()
    except sa.exc.IntegrityError:
        if error := taken(model, row, values, unique or {}, within):
            raise error from None
        raise
    return saved


def choosable(rows: Iterable, keep: Iterable = ()) -> list:
    """The rows a new choice may pick: retired ones leave, except those (ids in `keep`) the edited object already
    uses, so that saving it again keeps them."""
    keep = set(keep)
    return [row for row in rows if row.retired_at is None or row.id in keep]


class NameSearchForm(QueryForm):
    """The search box of a staff list of reference data (a plain GET, also swapped by htmx)."""

    q = StringField(_l("Name contains"), [Optional(), Length(max=100)])


def staff_list(model, q: str | None, *order_by) -> sa.Select:
    """Every row, retired ones too (staff bring them back from here), filtered by a part of the name."""
    query = sa.select(model).order_by(*order_by)
    if q and q.strip():
        pattern = "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        columns = [model.name_ja, model.name_en] + ([model.code] if hasattr(model, "code") else [])
        query = query.where(sa.or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    return query


def references(obj) -> bool:
    """Whether any row of any table refers to obj by a foreign key (a meeting, a request, a venue, a term …)."""
    table = obj.__table__
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and db.session.scalar(
                    sa.select(sa.literal(1)).select_from(other).where(key.parent == obj.id).limit(1)):
                return True
    return False


def set_retired(obj, retired: bool) -> bool:
    """Retired rows leave new choices and public lists; what already refers to them keeps showing them.
    Whether anything changed."""
    if bool(obj.retired_at) == retired:
        return False
    obj.retired_at = now_utc() if retired else None
    return True


def delete_unless_used(obj, audit: Audit, in_use: InUse | None = None) -> bool:
    """Delete obj when nothing uses it. The row is locked first: a meeting saved at the same moment either
    committed before (the check sees it) or waits and then fails on its foreign key. Without the lock, a
    cascading link (meeting_accommodations) would silently lose the offer on PostgreSQL."""
    model = type(obj)
    db.session.execute(sa.select(model.id).where(model.id == obj.id).with_for_update())
    if (in_use or references)(obj):
        return False
    audit("delete", obj)
    db.session.delete(obj)
    db.session.flush()
    return True


def list_page(model, *order_by, **context):
    """The list with its name search: the full page, or the results only when htmx asks."""
    form = NameSearchForm(request.args)
    form.validate()
    q = None if form.q.errors else form.q.data
    pagination = paginate(staff_list(model, q, *order_by), page_arg(), current_app.config["PER_PAGE"] * 2)
    return render_page("admin/reference_list.html", "results", form=form, pagination=pagination, **context)


def retire_panel(obj, endpoint: str, in_use: InUse | None = None, **args) -> dict:
    """What the edit page's retire section needs (admin/_retire.html)."""
    return {"endpoint": endpoint, "args": args, "retired_at": obj.retired_at,
            "deletable": not (in_use or references)(obj)}


def form_page(form, row, save: Callable[[], object], *, saved: str, done: Callable[[object], str], back: str,
              new_title: str, retire: tuple[str, str], title: str | None = None, submit: str | None = None,
              category: str = "success"):
    """The new (row None) or edit page: `save()` (may raise NameTaken), commit once, flash `saved` and go to
    `done(the saved row)`; or the form again with what was typed. `retire`: the state endpoint and its id argument."""
    if form.validate_on_submit():
        try:
            saved_row = save()
        except NameTaken as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(saved, category)
            return redirect(done(saved_row))
    if row is None:
        return render_template("admin/form.html", form=form, title=new_title, submit=_("Save"), back=back)
    endpoint, id_arg = retire
    return render_template("admin/form.html", form=form, title=title or row.name_ja, submit=submit or _("Save changes"),
                           back=back, retire=retire_panel(row, endpoint, **{id_arg: row.id}))


def change_state(obj, action: str, edit_url: str, list_url: str, *, audit: Audit, in_use: InUse | None = None):
    """Retire, restore or delete (when nothing uses it), commit once, and say what happened: the whole view."""
    name = obj.name_ja
    if action == "delete":
        try:
            with write_transaction():  # SQLite: the write lock before the check, as the row lock on PostgreSQL
                deleted = delete_unless_used(obj, audit, in_use)
        except sa.exc.IntegrityError:  # something began to use it after all: it stays
            deleted = False
        if not deleted:
            flash(_("%(name)s is in use, so it cannot be deleted. Retire it instead.", name=name), "error")
            return redirect(edit_url)
        flash(_("%(name)s has been deleted.", name=name), "success")
        return redirect(list_url)
    if set_retired(obj, action == "retire"):
        audit(action, obj)
        db.session.commit()
    if action == "retire":
        flash(_("%(name)s has been retired. It is no longer offered for new choices; what already uses it still "
                "shows it.", name=name), "success")
    else:
        flash(_("%(name)s can be chosen again.", name=name), "success")
    return redirect(edit_url)
