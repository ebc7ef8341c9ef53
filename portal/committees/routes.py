from flask import render_template

from portal.committees import bp, services


@bp.get("/committees")
def index():
    committees = services.published_committees()
    return render_template(
        "committees/public/list.html",
        committees=[(c, services.current_term(c)) for c in committees],
    )


@bp.get("/committees/<slug>")
def detail(slug: str):
    committee = services.get_committee_or_404(slug)
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
def term(slug: str, number: int):
    committee = services.get_committee_or_404(slug)
    term = services.get_term_or_404(committee, number)
    upcoming, past = services.term_meetings(committee, term)
    return render_template(
        "committees/public/term.html",
        committee=committee,
        term=term,
        member_groups=services.members_by_category(term),
        meetings=list(reversed(past)) + upcoming,
        is_current=term is services.current_term(committee),
    )
