"""Staff pages for committees under /admin/committees (editors)."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.areas.models import Venue
from portal.audit.services import record_state
from portal.committees import manage_services as services
from portal.committees.forms import CommitteeForm, MemberForm, ScheduleForm, TermForm
from portal.committees.models import Committee, CommitteeMember, CommitteeTerm
from portal.core.access import require_roles
from portal.core.enums import Role
from portal.core.forms import form_values
from portal.core.reference import STATE_ACTIONS, NameTaken, change_state, choosable, form_page, list_page
from portal.documents.services import staff_documents
from portal.extensions import db
from portal.meetings.models import Meeting

bp = Blueprint("committees_admin", __name__, url_prefix="/admin/committees")
bp.before_request(require_roles(Role.EDITOR))


@bp.get("/")
def index():
    return list_page(Committee, Committee.id, title=_("Committees"), new_url=url_for("committees_admin.new"),
                     new_label=_("New committee"), headers=[_("Name (Japanese)"), _("Public page"), _("Status")],
                     row="committees/manage/_row.html")


def _form_page(committee: Committee | None):
    """The new or edit page: saved, it shows the committee."""
    form = CommitteeForm(obj=committee)
    back = url_for("committees_admin.index") if committee is None else url_for(
        "committees_admin.detail", committee_id=committee.id)
    return form_page(form, committee, lambda: services.save_committee(committee, form_values(form, services.FIELDS)),
                     saved=_("The committee has been saved."), category="message", back=back,
                     done=lambda saved: url_for("committees_admin.detail", committee_id=saved.id),
                     new_title=_("New committee"), retire=("committees_admin.state", "committee_id"))


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _form_page(None)


@bp.get("/<int:committee_id>")
def detail(committee_id: int):
    committee = db.get_or_404(Committee, committee_id)
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.committee_id == committee.id)
                                  .order_by(Meeting.starts_at.desc())).all()
    return render_template("committees/manage/detail.html", committee=committee, meetings=meetings,
                           documents=staff_documents(committee_id=committee.id))


@bp.route("/<int:committee_id>/edit", methods=["GET", "POST"])
def edit(committee_id: int):
    return _form_page(db.get_or_404(Committee, committee_id))


@bp.post(f"/<int:committee_id>/<{STATE_ACTIONS}:action>")
def state(committee_id: int, action: str):
    return change_state(db.get_or_404(Committee, committee_id), action,
                        url_for("committees_admin.edit", committee_id=committee_id), url_for("committees_admin.index"),
                        audit=record_state)


def _term_page(committee: Committee, term: CommitteeTerm | None):
    form = TermForm(obj=term)
    if form.validate_on_submit():
        try:
            services.save_term(committee, term, {name: form[name].data for name in services.TERM_FIELDS})
        except NameTaken as error:
            form[error.field].errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The term has been saved."))
            return redirect(url_for("committees_admin.detail", committee_id=committee.id))
    title = _("New term") if term is None else term.title_ja
    return render_template("admin/form.html", form=form, title=title, submit=_("Save"),
                           back=url_for("committees_admin.detail", committee_id=committee.id))


@bp.route("/<int:committee_id>/terms/new", methods=["GET", "POST"])
def new_term(committee_id: int):
    return _term_page(db.get_or_404(Committee, committee_id), None)


@bp.route("/terms/<int:term_id>", methods=["GET", "POST"])
def edit_term(term_id: int):
    term = db.get_or_404(CommitteeTerm, term_id)
    return _term_page(term.committee, term)


def _member_page(term: CommitteeTerm, member: CommitteeMember | None):
    form = MemberForm(obj=member)
    back = url_for("committees_admin.detail", committee_id=term.committee_id)
    if form.validate_on_submit():
        services.save_member(term, member, {name: form[name].data for name in services.MEMBER_FIELDS})
        db.session.commit()
        flash(_("The member has been added.") if member is None else _("The member has been saved."))
        return redirect(back)
    if member is None:
        return render_template("admin/form.html", form=form, title=_("New member of %(term)s", term=term.title_ja),
                               submit=_("Add member"), back=back)
    return render_template("admin/form.html", form=form, title=member.name_ja, submit=_("Save changes"), back=back)


@bp.route("/terms/<int:term_id>/members/new", methods=["GET", "POST"])
def new_member(term_id: int):
    return _member_page(db.get_or_404(CommitteeTerm, term_id), None)


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
def edit_member(member_id: int):
    member = db.get_or_404(CommitteeMember, member_id)
    return _member_page(member.term, member)


@bp.post("/members/<int:member_id>/delete")
def delete_member(member_id: int):
    member = db.get_or_404(CommitteeMember, member_id)
    committee_id = member.term.committee_id
    services.delete_member(member)
    db.session.commit()
    flash(_("The member has been removed."))
    return redirect(url_for("committees_admin.detail", committee_id=committee_id))


@bp.route("/<int:committee_id>/schedule", methods=["GET", "POST"])
def schedule(committee_id: int):
    committee = db.get_or_404(Committee, committee_id)
    form = ScheduleForm()
    venues = db.session.scalars(sa.select(Venue).order_by(Venue.name_ja)).all()
    form.venue.set_choices((v.id, v.name_ja) for v in choosable(venues))
    if form.validate_on_submit():
        plan = services.SchedulePlan(
            first_day=form.first_day.data, count=form.count.data, months_between=form.months_between.data,
            starts=form.starts.data, ends=form.ends.data, venue_id=form.venue.data, capacity=form.capacity.data)
        created = services.create_schedule(committee, plan)
        if not created:
            form.first_day.errors.append(_("None of these dates falls within a term. Add the term first."))
        else:
            db.session.commit()
            flash(_("%(num)s draft meetings have been created. Check them and publish them.", num=len(created)))
            return redirect(url_for("committees_admin.detail", committee_id=committee.id))
    return render_template("admin/form.html", form=form, title=_("Plan meetings: %(name)s", name=committee.name_ja),
                           submit=_("Create the meetings as drafts"),
                           back=url_for("committees_admin.detail", committee_id=committee.id))
