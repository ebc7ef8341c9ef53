from flask import Response, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _

from portal.core.htmx import render_page
from portal.core.i18n import tr_text
from portal.core.paging import page_arg, paginate
from portal.extensions import cache
from portal.meetings import bp, ics, services
from portal.meetings.forms import MeetingFilterForm


@bp.get("/meetings")
def index():
    areas, accommodations = services.filter_choices()
    form = MeetingFilterForm(request.args, areas=areas, accommodations=accommodations)
    filters = form.valid_filters()
    pagination = paginate(services.filtered_meetings(filters), page_arg(), current_app.config["PER_PAGE"])
    return render_page(
        "meetings/public/list.html", "results", form=form, filters=filters, pagination=pagination
    )


@bp.get("/meetings/<int:meeting_id>")
def detail(meeting_id: int):
    from portal.registrations.services import closed_reason, joins_waiting_list, lottery_result

    meeting = services.get_meeting_or_404(meeting_id)
    drawn = meeting.lottery_drawn_at is not None
    registration_closed = closed_reason(meeting)
    return render_template("meetings/public/detail.html", meeting=meeting, registration_closed=registration_closed,
                           waiting_list_only=not registration_closed and joins_waiting_list(meeting),
                           accommodations=services.offered_accommodations(meeting),
                           lottery_commitment=services.lottery_commitment(meeting) if meeting.observer_lottery else None,
                           # the seed only after the draw: before it, knowing it would tell the order in advance
                           lottery_seed=meeting.lottery_seed if drawn else None,
                           lottery_result=lottery_result(meeting) if drawn else [])


def _ics_response(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _meeting_url(meeting) -> str:
    return url_for("meetings.detail", meeting_id=meeting.id, _external=True)


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(meeting_id: int):
    meeting = services.get_meeting_or_404(meeting_id)
    body = ics.build_calendar([meeting], tr_text(meeting, "title"), _meeting_url, request.host)
    return _ics_response(body, f"meeting-{meeting.id}.ics")


@bp.get("/calendar.ics")
def calendar_ics():
    area, committee = request.args.get("area"), request.args.get("committee")
    for value in (area, committee):
        if value is not None and (not value or len(value) > 60):
            abort(404)
    # Calendar apps poll the feed all day and it changes a few times a week: built at most once per
    # CACHE_SECONDS for each host, language and filter, not once per poll.
    key = f"calendar.ics|{request.host}|{request.script_root}|{area}|{committee}"
    body = cache.get(key)
    if body is None:
        meetings = services.calendar_meetings(area, committee)
        body = ics.build_calendar(meetings, _("Kyoso Portal meetings"), _meeting_url, request.host)
        cache.set(key, body)
    response = _ics_response(body, "calendar.ics")
    response.cache_control.public, response.cache_control.max_age = True, current_app.config["CACHE_DEFAULT_TIMEOUT"]
    return response
