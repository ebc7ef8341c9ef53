"""The cron commands of registrations: reminders (never twice) and the purge of personal data."""

from datetime import timedelta

import sqlalchemy as sa

from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import AccommodationRequest, Registration


def data(email, **values):
    return services.RegistrationData(name="多摩 花子", furigana="タマ ハナコ", email=email, **values)


def test_reminders_go_two_days_before_and_never_twice(app, factory, outbox):
    soon = factory.meeting(days=1.5, capacity=10)
    later = factory.meeting(days=10, capacity=10)
    registration = services.register(soon, data("soon@example.jp"))
    services.confirm_email(registration)
    services.register(later, data("later@example.jp"))
    pending = services.register(soon, data("pending@example.jp"))  # not confirmed: no reminder
    assert pending.status == "pending"
    runner = app.test_cli_runner()
    before = len(outbox())
    assert "queued 1 reminders" in runner.invoke(args=["send-reminders"]).output
    assert "queued 0 reminders" in runner.invoke(args=["send-reminders"]).output
    reminders = outbox()[before:]
    assert [e.to_address for e in reminders] == ["soon@example.jp"] and "お知らせ" in reminders[0].subject


def test_purge_keeps_counts_and_leaves_no_accommodation_text(app, factory):
    acc = factory.accommodation("childcare", name_ja="託児")
    meeting = factory.meeting(days=5, capacity=10, accommodations=[acc])
    registration = services.register(meeting, data("old@example.jp", companions=2, age_group="middle",
                                                   accommodations={acc.id: "2人(3歳と5歳)"}, phone="042-000-0000"))
    services.confirm_email(registration)
    services.register(meeting, data("recent@example.jp"))
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(
        starts_at=now_utc() - timedelta(days=100), ends_at=None))
    db.session.commit()
    counts_before = services.counts(meeting.id)
    result = app.test_cli_runner().invoke(args=["purge-personal-data"])
    assert "purged 2" in result.output
    db.session.commit()
    assert services.counts(meeting.id) == counts_before
    registrations = db.session.scalars(sa.select(Registration)).all()
    assert len(registrations) == 2
    for r in registrations:
        assert r.name is None and r.email is None and r.phone is None and r.furigana is None and r.purged_at
    assert db.session.scalar(sa.select(sa.func.count()).where(AccommodationRequest.details.is_not(None))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AccommodationRequest.id))) == 1  # the kind is still counted
    assert "purged 0" in app.test_cli_runner().invoke(args=["purge-personal-data"]).output


def test_a_recent_meeting_is_not_purged(app, factory):
    meeting = factory.meeting(days=-30, capacity=10)
    db.session.add(Registration(meeting_id=meeting.id, status="attended", name="最近 一郎", email="x@example.jp"))
    db.session.commit()
    assert "purged 0" in app.test_cli_runner().invoke(args=["purge-personal-data"]).output
