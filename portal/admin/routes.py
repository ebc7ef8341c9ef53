from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts import throttle
from portal.accounts.models import User
from portal.admin import bp, services
from portal.admin.forms import InviteForm, RolesForm, UnlockForm
from portal.audit.services import record
from portal.core.access import roles_required, start_session
from portal.core.enums import Role
from portal.extensions import db


@bp.get("/")
def dashboard():
    return render_template(
        "admin/dashboard.html",
        meetings=services.next_30_days(),
        consultations=services.consultation_counts(),
        drafts=services.drafts_waiting(),
    )


@bp.route("/staff", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff():
    form = InviteForm()
    if form.validate_on_submit():
        email, roles = form.email.data, set(form.roles.data)
        user = accounts.invite_staff(email, roles, current_user._get_current_object())
        record("invite", user, changes={"roles": [None, sorted(roles)]}, object_type="users", label=email)
        db.session.commit()
        flash(_("The invitation has been sent to %(email)s.", email=email))
        return redirect(url_for("admin.staff"))
    return render_template("admin/staff.html", staff=services.staff_members(), form=form,
                           paused=throttle.paused_accounts())


@bp.route("/staff/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def staff_member(user_id: int):
    user = db.get_or_404(User, user_id)
    form = RolesForm(data={"roles": sorted(user.role_names)})
    if form.validate_on_submit():
        try:
            # ends the person's sessions: roles count from a new login
            changes = accounts.change_roles(user, set(form.roles.data), by=current_user._get_current_object())
        except accounts.AccountError as error:
            form.roles.errors.append(str(error))
        else:
            record("role_change", user, changes=changes)
            if user.id == current_user.id:
                start_session(user, second_factor=True)  # this session passed it; the others have ended
            db.session.commit()
            flash(_("The roles of %(name)s have been changed.", name=user.display_name))
            return redirect(url_for("admin.staff"))
    return render_template("admin/staff_member.html", form=form, title=_("Roles of %(name)s", name=user.display_name),
                           submit=_("Save roles"), back=url_for("admin.staff"), lead=_(
                               "When the roles change, the person is logged out everywhere. They log in again, "
                               "with their authenticator app, before the new roles work."),
                           member=user, paused=throttle.is_paused(user.email))


@bp.post("/staff/<int:user_id>/unlock")
@roles_required(Role.ADMIN)
def unlock(user_id: int):
    """Lift the pause on an account's sign-in (too many wrong attempts) before its 15 minutes have passed."""
    user = db.get_or_404(User, user_id)
    if UnlockForm().validate_on_submit() and throttle.unlock(user):
        db.session.commit()
        flash(_("%(name)s can log in again.", name=user.display_name))
    return redirect(url_for("admin.staff_member", user_id=user.id))


@bp.get("/comments")
@roles_required(Role.MODERATOR)
def comments():
    return render_template("admin/comments.html", consultations=services.consultations_newest_first())
