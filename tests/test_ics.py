"""iCalendar feeds parse with icalendar and carry Tokyo times."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from icalendar import Calendar

from portal.extensions import db
from portal.meetings.models import Meeting

TOKYO = ZoneInfo("Asia/Tokyo")


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_meeting_ics_has_the_meeting_in_tokyo_time(demo_client):
    forum = db.session.scalar(sa.select(Meeting).where(Meeting.kind == "forum"))
    calendar = parse(demo_client.get(f"/meetings/{forum.id}.ics"))
    (event,) = calendar.walk("VEVENT")
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Asia/Tokyo"
    assert (start.month, start.day, start.time()) == (2, 1, time(14, 0))
    assert end - start == timedelta(hours=2)
    assert str(event["summary"]) == "条例20周年 協創フォーラム"
    assert "中央図書館 活動室1" in str(event["location"])
    assert calendar.walk("VTIMEZONE"), "the feed carries the Asia/Tokyo zone definition"
    en = parse(demo_client.get(f"/en/meetings/{forum.id}.ics"))
    assert "Co-creation Forum" in str(en.walk("VEVENT")[0]["summary"])


def test_calendar_feed_filters_by_area_and_committee(demo_client):
    everything = parse(demo_client.get("/calendar.ics")).walk("VEVENT")
    area = parse(demo_client.get("/calendar.ics?area=higashiterakata")).walk("VEVENT")
    committee = parse(demo_client.get("/calendar.ics?committee=jichi-suishin")).walk("VEVENT")
    assert 0 < len(area) < len(everything) and 0 < len(committee) < len(everything)
    assert all("東寺方" in str(e["summary"]) for e in area)
    assert all("自治推進委員会" in str(e["summary"]) for e in committee)
    for event in committee:
        start = event.decoded("dtstart")
        assert start.astimezone(TOKYO).time() == time(19, 0)
    assert demo_client.get("/calendar.ics?area=nowhere").status_code == 404
    assert demo_client.get("/calendar.ics?committee=").status_code == 404


def test_cancelled_meeting_stays_in_the_feed_marked_cancelled_and_draft_is_absent(client, factory):
    factory.meeting(title_ja="中止の会議", status="cancelled")
    factory.meeting(title_ja="下書きの会議", status="draft")
    events = parse(client.get("/calendar.ics")).walk("VEVENT")
    statuses = {str(e["summary"]): str(e["status"]) for e in events}
    assert statuses == {"中止の会議": "CANCELLED"}


def test_stored_utc_is_shown_as_tokyo(client, factory):
    start = datetime(2027, 2, 1, 5, 0, tzinfo=ZoneInfo("UTC"))  # 14:00 JST
    meeting = factory.meeting(starts_at=start, ends_at=start + timedelta(hours=2))
    event = parse(client.get(f"/meetings/{meeting.id}.ics")).walk("VEVENT")[0]
    assert event.decoded("dtstart") == datetime(2027, 2, 1, 14, 0, tzinfo=TOKYO)
    body = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "令和9年(2027年)2月1日(月) 14:00〜16:00" in body


def test_the_calendar_feed_is_built_once_per_cache_period_for_each_language(app, factory, tmp_path):
    from tests.helpers import count_queries, sibling_app

    factory.meeting(title_ja="防災を考える会")
    cached = sibling_app(app, tmp_path, CACHE_TYPE="SimpleCache")
    client = cached.test_client()
    with cached.app_context():
        first = client.get("/calendar.ics")
        with count_queries() as statements:
            again = client.get("/calendar.ics")
        # only the data version is read (core/fragments.py): the meetings are not queried again
        assert statements == ["SELECT version FROM data_version"] and again.data == first.data
        assert again.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
        english = client.get("/en/calendar.ics")
        assert b"/en/meetings/" in english.data and b"/en/meetings/" not in first.data
        from portal.extensions import db as _db
    # a change to the meetings is in the feed at the next poll, not when the cache period ends
    factory.meeting(title_ja="新しく決まった会")
    with cached.app_context():
        assert "新しく決まった会" in client.get("/calendar.ics").get_data(as_text=True)
        _db.engine.dispose()
