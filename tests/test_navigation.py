"""The header menu marks the section a page belongs to (aria-current), whichever package serves the page."""

import re

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.meetings.models import Meeting


def current_item(body: str) -> list[str]:
    header = body.split('<header', 1)[1].split('</header>', 1)[0]
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]+)</a>', header)


@pytest.mark.parametrize(("path", "label"), [
    ("/", "ホーム"),
    ("/meetings", "会議・イベント"),
    ("/areas", "エリア"),
    ("/areas/higashiterakata", "エリア"),
    ("/committees", "審議会・委員会"),
    ("/consultations", "パブリックコメント"),
])
def test_each_section_page_marks_its_menu_item(demo_client, path, label):
    body = demo_client.get(path).get_data(as_text=True)
    assert current_item(body) == [label]


def test_a_meeting_page_is_under_meetings(demo_client):
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "published").limit(1))
    body = demo_client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert current_item(body) == ["会議・イベント"]
    english = demo_client.get(f"/en/meetings/{meeting.id}").get_data(as_text=True)
    assert current_item(english) == ["Meetings and events"]
