from flask import render_template

from portal.areas import bp, services


@bp.get("/areas")
def index():
    return render_template("areas/public/list.html", areas=services.all_areas())
