"""Public seats at committee meetings by a fair lottery, with a seed anyone can use to repeat the draw."""

from datetime import timedelta

import sqlalchemy as sa

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import Registration


def apply(meeting, n):
    return services.register(meeting, services.RegistrationData(name=f"傍聴者{n}", furigana="ボウチョウシャ",
                                                                email=f"observer{n}@example.jp"))


def test_applications_until_the_deadline_then_a_verifiable_draw(app, client, factory, outbox):
    meeting = factory.meeting(kind="committee", days=10, capacity=3, observer_lottery=True,
                              registration_closes_at=now_utc() + timedelta(days=3))
    applications = [apply(meeting, n) for n in range(6)]
    assert {r.status for r in applications} == {"waitlisted"} and db.session.get(Meeting, meeting.id).seats_taken == 0
    assert "傍聴の申込みを受け付けました" in outbox()[-1].subject
    page = client.get(f"/registrations/{services.token_for(applications[0])}").get_data(as_text=True)
    assert "抽選を行い" in page

    runner = app.test_cli_runner()
    assert "drew 0" in runner.invoke(args=["draw-lotteries"]).output  # not before the deadline
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id)
                       .values(registration_closes_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    assert "drew 1" in runner.invoke(args=["draw-lotteries"]).output
    assert "drew 0" in runner.invoke(args=["draw-lotteries"]).output  # drawn once

    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    rows = {r.application_number: r for r in db.session.scalars(sa.select(Registration))}
    assert sorted(rows) == [1, 2, 3, 4, 5, 6]
    winners = [r for r in rows.values() if r.status == "confirmed"]
    assert len(winners) == 3 and meeting.seats_taken == 3
    # Anyone can repeat the draw with the published seed and the application numbers.
    order = services.lottery_order(meeting.lottery_seed, list(rows))
    assert [rows[i].lottery_rank for i in order] == [1, 2, 3, 4, 5, 6]
    assert {r.id for r in winners} == set(order[:3])
    subjects = [e.subject for e in outbox()]
    assert sum("当選しました" in s for s in subjects) == 3 and sum("抽選結果" in s for s in subjects) == 3
    assert meeting.lottery_seed in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    # A winner cancels: the seat goes to the first loser in the drawn order.
    services.cancel(winners[0])
    db.session.commit()
    assert rows[order[3]].status == "offered"


def test_a_lottery_needs_a_deadline(client, auth):
    from tests.helpers import post_form
    from tests.test_admin_meetings import meeting_data

    auth.as_role(client, "editor")
    response = post_form(client, "/admin/meetings/new", meeting_data(kind="committee", observer_lottery="y"))
    assert "抽選には申込締切が必要です" in response.get_data(as_text=True)
