from flask import render_template

from portal.areas import bp, services
from portal.core.fragments import shared_page


@bp.get("/areas")
@shared_page()
def index():
    return render_template("areas/public/list.html", areas=services.all_areas())
