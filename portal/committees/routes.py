from flask import abort, render_template

from portal.committees import bp, services
from portal.core.fragments import shared_page


@bp.get("/committees")
@shared_page()
def index():
    committees = services.published_committees()
    return render_template(
        "committees/public/list.html",
        committees=[(c, services.current_term(c)) for c in committees],
    )


@bp.get("/committees/<slug>")
@shared_page()
def detail(slug: str):
    committee = services.published_committee(slug) or abort(404)
    term = services.current_term(committee)
    upcoming, past = services.term_meetings(committee, term) if term else ([], [])
    return render_template(
        "committees/public/detail.html",
        committee=committee,
        term=term,
        member_groups=services.members_by_category(term) if term else [],
        upcoming=upcoming,
        past=past,
        earlier_terms=[t for t in committee.terms if term is None or t.number < term.number],
        documents=services.committee_documents(committee),
    )


@bp.get("/committees/<slug>/terms/<int:number>")
@shared_page()
def term(slug: str, number: int):
    committee = services.published_committee(slug) or abort(404)
    term = services.term_numbered(committee, number) or abort(404)
    upcoming, past = services.term_meetings(committee, term)
    return render_template(
        "committees/public/term.html",
        committee=committee,
        term=term,
        member_groups=services.members_by_category(term),
        meetings=list(reversed(past)) + upcoming,
        is_current=term is services.current_term(committee),
    )
