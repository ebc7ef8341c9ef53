from flask import render_template

from portal.areas import bp, services
from portal.meetings import services as meetings


@bp.get("/areas")
def index():
    return render_template("areas/public/list.html", areas=services.all_areas())


@bp.get("/areas/<slug>")
def detail(slug: str):
    area = services.get_area_or_404(slug)
    return render_template(
        "areas/public/detail.html",
        area=area,
        upcoming=meetings.upcoming(20, area_id=area.id),
        past=meetings.past(10, area_id=area.id),
    )
