"""The page and the server agree: a registration can be changed or cancelled until registration closes."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import Registration
from tests.helpers import post_form
from tests.test_registrations import register, registrations, seats_taken


@pytest.fixture
def closed(client, factory):
    """A confirmed registration whose meeting stopped taking registrations an hour ago."""
    meeting = factory.meeting(capacity=10, days=3, registration_closes_at=now_utc() + timedelta(days=1))
    register(client, meeting, companions="1")
    registration = registrations()[0]
    services.confirm_email(registration)
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id)
                       .values(registration_closes_at=now_utc() - timedelta(hours=1)))
    db.session.commit()
    return meeting, registration, f"/registrations/{services.token_for(registration)}"


def test_the_rule(closed):
    meeting, registration, _ = closed
    assert not services.may_change(registration)
    assert services.may_change(registration, now_utc() - timedelta(hours=2))


@pytest.mark.parametrize("action,data", [("cancel", {}), ("companions", {"companions": "0"})])
def test_a_change_after_the_deadline_is_refused_and_nothing_changes(client, closed, action, data):
    meeting, registration, url = closed
    page = client.get(url).get_data(as_text=True)
    assert "人数を変更する" not in page and "申込みを取り消す" not in page  # the page offers nothing
    response = post_form(client, f"{url}/{action}", data, page="/account/login")  # a page left open earlier
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "申込みは締め切りましたので、このページからは変更・取消しができません" in page
    assert 'class="notice notice-error" role="alert"' in page and "エラー：" in page
    row = registrations()[0]
    assert row.status == "confirmed" and row.companions == 1 and seats_taken(meeting) == 2


def test_the_cancel_page_itself_is_refused_after_the_deadline(client, closed):
    response = client.get(f"{closed[2]}/cancel")
    assert response.status_code == 302 and registrations()[0].status == "confirmed"


def test_before_the_deadline_a_cancel_goes_through(client, factory):
    meeting = factory.meeting(capacity=10, days=3)
    register(client, meeting)
    url = f"/registrations/{services.token_for(registrations()[0])}"
    assert "申込みを取り消す" in client.get(url).get_data(as_text=True)
    response = post_form(client, f"{url}/cancel", {}, page=f"{url}/cancel")
    assert "取り消しました" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.get(Registration, registrations()[0].id).status == "cancelled"
