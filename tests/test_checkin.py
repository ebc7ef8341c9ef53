"""Check-in at the door never fails: attendance is not a seat reservation, and staff see when the room is over."""

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import Registration
from tests.helpers import post_form


def person(meeting, n, **values):
    return services.register(meeting, services.RegistrationData(
        name=f"参加者{n}", furigana="サンカシャ", email=f"p{n}@example.jp", **values))


@pytest.fixture
def full(app, auth, factory):
    """A meeting for two, full, with one person on the waiting list, and its organiser signed in."""
    organiser = auth.create(email="organiser@city.example.jp", roles=("editor",), name="担当 一郎")
    meeting = factory.meeting(days=0.01, capacity=2, organiser_id=organiser.id)
    people = [person(meeting, n) for n in range(3)]
    assert [p.status for p in people] == ["pending", "pending", "waitlisted"]
    client = app.test_client()
    auth.login(client, organiser)
    return {"meeting": meeting, "people": people, "client": client,
            "roster": f"/admin/meetings/{meeting.id}/registrations"}


def reload(meeting):
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id)


def test_the_rule_attendance_never_takes_a_seat_beyond_capacity(full):
    meeting, waiting = full["meeting"], full["people"][2]
    walk_in = services.check_in(meeting, name="飛び入り", companions=1)
    services.check_in(meeting, waiting)
    meeting = reload(meeting)
    assert walk_in.status == "attended" and walk_in.seats == 0
    assert db.session.get(Registration, waiting.id).status == "attended"
    assert meeting.seats_taken == 2 and meeting.attendance == 3
    assert services.over_capacity(meeting) == 3  # two seats held, three people came without one
    services.check_in(meeting, waiting)  # twice: nothing changes
    assert reload(meeting).attendance == 3


def test_staff_record_a_walk_in_at_a_full_meeting_and_see_it_is_over(full):
    client, roster = full["client"], full["roster"]
    response = post_form(client, f"/admin/meetings/{full['meeting'].id}/walk-in",
                         {"name": "飛び入り 次郎", "companions": "1"}, page=roster)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "当日参加の方を参加者数に加えました" in page and "定員を2名超えています" in page
    assert "飛び入り 次郎" in page
    assert reload(full["meeting"]).attendance == 2


def test_staff_check_in_a_waitlisted_person_who_turned_up(full):
    client, roster, waiting = full["client"], full["roster"], full["people"][2]
    page = client.get(roster).get_data(as_text=True)
    assert "参加者2 さんを受付" in page  # the button is there for the waiting list too
    response = post_form(client, f"{roster}/{waiting.id}/attend", {}, page=roster)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "参加者2 さんの受付をしました" in page and "定員を1名超えています" in page
    assert reload(full["meeting"]).attendance == 1
    assert db.session.get(Registration, waiting.id).status == "attended"


def test_viewing_the_roster_is_audit_logged(full):
    """The roster names people with the support they asked for (要配慮個人情報)."""
    full["client"].get(full["roster"])
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "registrations_roster")).one()
    assert entry.action == "view" and entry.actor_name.startswith("担当 一郎")
