import sqlalchemy as sa
from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from portal.areas.models import Area
from portal.core.downloads import download
from portal.core.fragments import current_version, shared_page
from portal.core.htmx import render_page
from portal.core.i18n import tr_text
from portal.core.paging import page_arg, paginate
from portal.core.urls import base_host
from portal.extensions import cache, db
from portal.meetings import bp, ics, services
from portal.meetings.forms import MeetingFilterForm


@bp.get("/meetings")
@shared_page(query=("kind", "area", "month", "when", "acc", "seats", "page"))  # the filter form and paging
def index():
    areas, accommodations = services.filter_choices()
    form = MeetingFilterForm(request.args, areas=areas, accommodations=accommodations)
    filters = form.valid_filters()
    pagination = paginate(services.filtered_meetings(filters), page_arg(), current_app.config["PER_PAGE"],
                          keys_first=True)
    return render_page(
        "meetings/public/list.html", "results", form=form, filters=filters, pagination=pagination
    )


@bp.get("/areas/<slug>")
@shared_page()
def area(slug: str):
    """An area's page: it shows the area's meetings, so it lives here, above areas (docs/architecture.md)."""
    area = db.one_or_404(sa.select(Area).where(Area.slug == slug))
    return render_template("areas/public/detail.html", area=area, upcoming=services.upcoming(20, area_id=area.id),
                           past=services.past(10, area_id=area.id))


def _meeting_url(meeting) -> str:
    return url_for("registrations.meeting", meeting_id=meeting.id, _external=True)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = services.visible_meeting(meeting_id) or abort(404)
    body = ics.build_calendar([meeting], tr_text(meeting, "title"), _meeting_url, base_host())
    return download(body, f"meeting-{meeting.id}.ics", "text/calendar")


@bp.get("/calendar.ics")
def calendar_ics():
    area, committee = request.args.get("area"), request.args.get("committee")
    for value in (area, committee):
        if value is not None and (not value or len(value) > 60):
            abort(404)
    # Calendar apps poll the feed all day and it changes a few times a week: built once for each version of
    # the data (core/fragments.py), host, language and filter, and at most CACHE_SECONDS old, not once per poll.
    key = f"calendar.ics|{current_version()}|{request.host}|{request.script_root}|{area}|{committee}"
    body = cache.get(key)
    if body is None:
        meetings = services.calendar_meetings(area, committee)
        if meetings is None:
            abort(404)
        body = ics.build_calendar(meetings, _("Kyoso Portal meetings"), _meeting_url, base_host())
        cache.set(key, body)
    response = download(body, "calendar.ics", "text/calendar")
    response.cache_control.public, response.cache_control.max_age = True, current_app.config["CACHE_DEFAULT_TIMEOUT"]
    return response
