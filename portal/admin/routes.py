from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.admin import bp, services
from portal.admin.forms import InviteForm, RolesForm
from portal.audit.services import record
from portal.consultations.models import PHASE_TITLES
from portal.core.access import roles_required, start_session
from portal.core.enums import Role
from portal.extensions import db


@bp.get("/")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        meetings=services.next_30_days(),
        consultations=services.consultation_counts(),
        phase_titles=PHASE_TITLES,
        drafts=services.drafts_waiting(),
    )


@bp.route("/staff", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff():
    form = InviteForm()
    if form.validate_on_submit():
        user = accounts.invite_staff(form.email.data, set(form.roles.data), current_user)
        record("invite", user, changes={"roles": [None, sorted(form.roles.data)]}, object_type="users",
               label=form.email.data)
        db.session.commit()
        flash(_("The invitation has been sent to %(email)s.", email=form.email.data))
        return redirect(url_for("admin.staff"))
    return render_template("admin/staff.html", staff=services.staff_members(), form=form)


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_member(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = RolesForm(data={"roles": sorted(user.role_names)})
    if form.validate_on_submit():
        roles = set(form.roles.data)
        if user.id == current_user.id and Role.ADMIN.value not in roles:
            form.roles.errors.append(_("You cannot take the administrator role away from yourself."))
        else:
            changes = accounts.set_roles(user, roles)  # ends the person's sessions: roles count from a new login
            record("role_change", user, changes=changes)
            if user.id == current_user.id:
                start_session(user, second_factor=True)  # this session passed it; the others have ended
            db.session.commit()
            flash(_("The roles of %(name)s have been changed.", name=user.display_name))
            return redirect(url_for("admin.staff"))
    return render_template("admin/form.html", form=form, title=_("Roles of %(name)s", name=user.display_name),
                           submit=_("Save roles"), back=url_for("admin.staff"), lead=_(
                               "When the roles change, the person is logged out everywhere. They log in again, "
                               "with their authenticator app, before the new roles work."))


@bp.get("/comments")
@roles_required(Role.MODERATOR)
def comments():
    import sqlalchemy as sa

    from portal.consultations.models import Consultation

    consultations = db.session.scalars(sa.select(Consultation).order_by(Consultation.opens_at.desc())).all()
    return render_template("admin/comments.html", consultations=consultations)
