from flask import abort, current_app, render_template

from portal.consultations import bp, services
from portal.consultations.models import Phase
from portal.core.fragments import shared_page
from portal.core.paging import page_arg, paginate


@bp.get("/consultations")
@shared_page(query=("page",))
def index():
    groups = [(phase, services.list_phase(phase)) for phase in (Phase.OPEN, Phase.UPCOMING, Phase.REVIEWING)]
    results = paginate(services.in_phase(Phase.RESULTS), page_arg(), current_app.config["PER_PAGE"])
    return render_template(
        "consultations/public/list.html", groups=groups, results=results, results_phase=Phase.RESULTS,
    )


@bp.get("/consultations/<int:consultation_id>")
@shared_page()
def detail(consultation_id: int):
    consultation = services.public_consultation(consultation_id) or abort(404)
    return render_template("consultations/public/detail.html", consultation=consultation)
