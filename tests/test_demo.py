"""The demo data: facts from the seeds, idempotent, with real PDF materials."""

from datetime import time
from io import BytesIO

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from portal.areas.models import Area, Venue
from portal.committees.models import CommitteeMember, CommitteeTerm
from portal.consultations.models import Consultation, Phase
from portal.core.timefmt import to_tokyo
from portal.demo.seed import load
from portal.extensions import db
from portal.meetings.models import Meeting


def table_counts():
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_seed_demo_twice_changes_nothing(demo_app):
    before = table_counts()
    load()
    db.session.commit()
    assert table_counts() == before
    result = demo_app.test_cli_runner().invoke(args=["seed-demo", "--if-empty"])
    assert "already has data" in result.output
    assert table_counts() == before


def test_the_ten_areas_with_model_area_facts(demo_app):
    areas = db.session.scalars(sa.select(Area).order_by(Area.position)).all()
    assert [a.name_ja for a in areas] == [
        "第一小学区", "東寺方小学区", "第二小学区", "聖ヶ丘中学区", "東愛宕中学区",
        "諏訪中学区", "多摩永山中学区", "青陵中学区", "落合中学区", "鶴牧中学区",
    ]
    suwa = next(a for a in areas if a.slug == "suwa")
    assert suwa.population == 15000 and "諏訪1～6" in suwa.covers_ja and suwa.is_model_area


def test_committee_roster_and_rhythm(demo_app):
    current = db.session.scalar(sa.select(CommitteeTerm).where(CommitteeTerm.number == 9))
    members = db.session.scalars(sa.select(CommitteeMember).where(CommitteeMember.term_id == current.id)).all()
    assert len(members) == 9
    assert sorted(m.role for m in members).count("chair") == 1
    assert {m.category for m in members} == {"expert", "nominated", "public"}
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.kind == "committee").order_by(Meeting.starts_at)
    ).all()
    gaps = {(b.starts_at - a.starts_at).days for a, b in zip(meetings, meetings[1:], strict=False)}
    assert min(gaps) >= 56 and max(gaps) <= 63  # every two months, on the third Friday


def test_forum_on_1_february_afternoon_at_the_central_library(demo_app):
    forum = db.session.scalar(sa.select(Meeting).where(Meeting.kind == "forum"))
    start, end = to_tokyo(forum.starts_at), to_tokyo(forum.ends_at)
    assert (start.month, start.day, start.time(), end.time()) == (2, 1, time(14), time(16))
    assert forum.venue.name_ja == "中央図書館 活動室1" and forum.capacity


def test_one_open_and_one_closed_consultation_with_a_draft_and_one_with_results(demo_app):
    consultations = db.session.scalars(sa.select(Consultation)).all()
    assert sorted(c.phase for c in consultations) == sorted([Phase.OPEN, Phase.REVIEWING, Phase.RESULTS])
    assert all(c.documents for c in consultations if c.phase != Phase.RESULTS)


def test_materials_are_real_pdfs_with_the_recorded_page_count(demo_client):
    from portal.documents.models import Document

    for document in db.session.scalars(sa.select(Document).limit(5)):
        response = demo_client.get(f"/documents/{document.id}")
        assert len(PdfReader(BytesIO(response.data)).pages) == document.page_count


def test_venues_have_accessibility_features(demo_app):
    library = db.session.scalar(sa.select(Venue).where(Venue.name_ja == "中央図書館 活動室1"))
    assert library.step_free and library.accessible_toilet and library.hearing_loop


@pytest.mark.slow
def test_every_demo_meeting_shows_the_seats_its_roster_holds(demo_app, demo_auth):
    """Seats come from registration rows: the public seat figure is what the staff roster counts."""
    import re

    from portal.meetings.models import MeetingStatus
    from portal.registrations.models import Registration

    client = demo_app.test_client()
    demo_auth.as_role(client, "admin")
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.status == MeetingStatus.PUBLISHED)).all()
    booked = 0
    for meeting in meetings:
        roster = client.get(f"/admin/meetings/{meeting.id}/registrations").get_data(as_text=True)
        people = sum(int(n) for n in re.findall(r"<dt>(?:申込み確定|出席)</dt><dd>(\d+)人</dd>", roster))
        public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        if meeting.capacity is None:
            assert "定員なし" in public and people == meeting.seats_taken
            continue
        left = meeting.capacity - meeting.reserved_seats - people
        expected = f"残り{left}席(定員{meeting.capacity}人)" if left > 0 else f"満席(定員{meeting.capacity}人)"
        assert expected in public, (meeting.title_ja, people)
        booked += people
    assert booked > 100  # the demo really has registrants, with fictional names and example.jp addresses
    sample = db.session.scalars(sa.select(Registration).limit(50)).all()
    assert all(r.email.endswith("@example.jp") for r in sample) and any(r.name == "多摩 花子" for r in sample)


@pytest.mark.slow
def test_seed_demo_books_from_the_rows_where_an_older_demo_set_the_counter(app):
    """On a database where an older demo set the forum's counter directly (23 seats, nobody on the roster),
    seed-demo books its sample registrations through the real counter: the counter ends equal to the rows."""
    from portal.registrations.models import Registration

    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO meetings (kind, status, title_ja, format, starts_at, capacity, seats_taken, reserved_seats, "
            "observer_lottery, created_at, updated_at) VALUES ('forum', 'published', '条例20周年 協創フォーラム', "
            "'in_person', '2099-02-01 05:00:00', 80, 23, 5, FALSE, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"))
    load()
    db.session.commit()
    forum = db.session.scalar(sa.select(Meeting).where(Meeting.kind == "forum"))
    held = db.session.scalar(sa.select(sa.func.sum(Registration.seats)).where(Registration.meeting_id == forum.id))
    assert forum.seats_taken == held == 23
    assert "残り52席(定員80人)" in app.test_client().get(f"/meetings/{forum.id}").get_data(as_text=True)
