"""Nobody jumps the waiting list: seats freed through the staff meeting form go to the waiting list in order."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.registrations.models import Registration
from tests.helpers import post_form
from tests.test_admin_meetings import meeting_data
from tests.test_registrations import register, registrations, seats_taken


def people(client, meeting):
    """Three registrations of one person each: the first takes a seat, the next two wait in order."""
    for email in ("first@example.jp", "waiting1@example.jp", "waiting2@example.jp"):
        register(client, meeting, email=email, name=email.split("@")[0])


@pytest.fixture
def full_meeting(client, auth, factory):
    meeting = factory.meeting(capacity=1, days=20)
    people(client, meeting)
    assert [r.status for r in registrations()] == ["pending", "waitlisted", "waitlisted"]
    auth.as_role(client, "editor")
    return meeting


def edit(client, meeting, **values):
    start = meeting.starts_at + timedelta(hours=9)  # the form takes Tokyo time
    data = meeting_data(starts_at=start.strftime("%Y-%m-%dT%H:%M"),
                        ends_at=(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), **values)
    response = post_form(client, f"/admin/meetings/{meeting.id}", data)
    assert response.status_code == 302, response.get_data(as_text=True)


def test_a_capacity_raise_offers_the_seat_to_the_first_waiting_person(client, full_meeting, outbox):
    edit(client, full_meeting, capacity="2")
    assert [r.status for r in registrations()] == ["pending", "offered", "waitlisted"]
    offer = outbox()[-1]
    assert offer.to_address == "waiting1@example.jp" and "空席のご案内" in offer.subject
    assert seats_taken(full_meeting) == 2

    # A newcomer after the raise waits behind the others: the free seat is not theirs.
    client.get("/account/logout")
    register(client, full_meeting, email="newcomer@example.jp", name="newcomer")
    assert registrations()[-1].status == "waitlisted"


def test_fewer_seats_held_back_go_to_the_waiting_list_in_order(client, factory, auth, outbox):
    meeting = factory.meeting(capacity=3, reserved_seats=2, days=20)
    people(client, meeting)
    auth.as_role(client, "editor")
    edit(client, meeting, capacity="3", reserved_seats="0")
    assert [r.status for r in registrations()] == ["pending", "offered", "offered"]
    assert [e.to_address for e in outbox()[-2:]] == ["waiting1@example.jp", "waiting2@example.jp"]


def test_a_newcomer_never_takes_a_free_seat_while_someone_waits(client, factory):
    """A big party waiting for two seats keeps its place when only one seat is free."""
    meeting = factory.meeting(capacity=2, days=20)
    register(client, meeting, email="a@example.jp")
    register(client, meeting, email="b@example.jp")
    register(client, meeting, email="party@example.jp", companions="1")  # waits for two seats
    first = registrations()[0]
    post_form(client, f"/registrations/{_token(first)}/cancel", {})
    assert [r.status for r in registrations()] == ["cancelled", "pending", "waitlisted"]
    register(client, meeting, email="newcomer@example.jp")
    assert registrations()[-1].status == "waitlisted" and seats_taken(meeting) == 1
    body = client.get(f"/registrations/{_token(registrations()[-1])}").get_data(as_text=True)
    assert "キャンセル待ちの2番目" in body


def test_while_people_wait_the_meeting_page_invites_newcomers_to_the_waiting_list_not_to_a_seat(client, factory):
    """A free seat kept for a waiting party of two: the page does not offer it to a newcomer."""
    meeting = factory.meeting(capacity=2, days=20)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "この会議に申し込む" in page and "残り2席(定員2人)" in page
    register(client, meeting, email="a@example.jp")
    register(client, meeting, email="b@example.jp")
    register(client, meeting, email="party@example.jp", companions="1")
    post_form(client, f"/registrations/{_token(registrations()[0])}/cancel", {})
    assert seats_taken(meeting) == 1  # one seat free, and a party of two waits for it

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "キャンセル待ちに申し込む" in page and "この会議に申し込む" not in page
    assert "満席(キャンセル待ちの方がいます。定員2人)" in page and "残り1席" not in page
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "お申し込みいただくとキャンセル待ちになり" in form


def test_a_lapsed_offer_goes_to_the_next_in_line_not_to_a_newcomer(client, factory, outbox):
    meeting = factory.meeting(capacity=1, days=20)
    for email in ("a@example.jp", "b@example.jp", "c@example.jp"):
        register(client, meeting, email=email)
    post_form(client, f"/registrations/{_token(registrations()[0])}/cancel", {})
    assert [r.status for r in registrations()] == ["cancelled", "offered", "waitlisted"]
    db.session.execute(sa.update(Registration).where(Registration.status == "offered")
                       .values(hold_expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    register(client, meeting, email="newcomer@example.jp")
    assert [r.status for r in registrations()] == ["cancelled", "cancelled", "offered", "waitlisted"]
    assert outbox()[-2].to_address == "c@example.jp"


def _token(registration):
    from portal.registrations.services import token_for

    return token_for(registration)
