"""iCalendar feeds built with the icalendar library, times in Asia/Tokyo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.core.i18n import tr_text
from portal.core.timefmt import TOKYO, now_utc, to_tokyo
from portal.meetings.models import Meeting

if TYPE_CHECKING:
    from icalendar import Event

# icalendar (with dateutil, about 3 MB and 0.1 s) is imported when a feed is built, not when a worker starts.


def _event(meeting: Meeting, url: str, host: str) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", now_utc())
    event.add("dtstart", to_tokyo(meeting.starts_at))
    if meeting.ends_at:
        event.add("dtend", to_tokyo(meeting.ends_at))
    event.add("summary", tr_text(meeting, "title"))
    if meeting.venue:
        location = tr_text(meeting.venue, "name")
        address = tr_text(meeting.venue, "address")
        event.add("location", f"{location}, {address}" if address else location)
    event.add("url", url)
    event.add("description", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    return event


def build_calendar(meetings, name: str, url_for_meeting, host: str) -> bytes:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//Kyoso Portal//kyoso-portal//JA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(TOKYO))
    for meeting in meetings:
        calendar.add_component(_event(meeting, url_for_meeting(meeting), host))
    calendar.add_missing_timezones()
    return calendar.to_ical()
