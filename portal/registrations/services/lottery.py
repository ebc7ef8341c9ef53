"""The observer lottery (抽選): numbered applications, drawn at the deadline with a committed seed."""

import sqlalchemy as sa

from portal.core.db import write_transaction
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingStatus
from portal.registrations.models import Registration, RegistrationStatus
from portal.registrations.services.emails import email_registrant
from portal.registrations.services.seats import lock_meeting, take_seats


def _last_application_number(meeting_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Registration.application_number), 0))
                             .where(Registration.meeting_id == meeting_id))


def next_application_number(meeting: Meeting) -> int:
    """The next application number of a lottery; the seed is committed before the first application."""
    open_lottery(db.session.get(Meeting, meeting.id))
    return _last_application_number(meeting.id) + 1


def open_lottery(meeting: Meeting) -> None:
    """Commit the lottery's seed (once) and number the applications received so far in the order they came,
    including registrations made before staff switched the lottery on, so each one is drawn. Flush only."""
    from portal.meetings.services import commit_lottery_seed

    commit_lottery_seed(meeting)
    if not meeting.lottery_pending:
        return
    unnumbered = db.session.scalars(sa.select(Registration).where(
        Registration.meeting_id == meeting.id, Registration.application_number.is_(None),
        Registration.status != RegistrationStatus.CANCELLED,
    ).order_by(Registration.created_at, Registration.id)).all()
    last = _last_application_number(meeting.id) if unnumbered else 0
    for number, registration in enumerate(unnumbered, start=last + 1):
        registration.application_number = number
    db.session.flush()


def lottery_order(seed: str, application_numbers: list[int]) -> list[int]:
    """The drawn order, the same on any Python: application numbers sorted by HMAC-SHA256(key=seed,
    msg=the number in decimal), hex digest. Anyone can repeat it with the seed published after the draw:

        sorted(numbers, key=lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest())
    """
    import hashlib
    import hmac

    return sorted(application_numbers,
                  key=lambda n: hmac.new(seed.encode(), str(n).encode(), hashlib.sha256).hexdigest())


def draw_lottery(meeting: Meeting) -> list[Registration]:
    """At the deadline: rank the applications with the committed seed and seat them in that order."""
    with write_transaction():
        lock_meeting(meeting.id)
        meeting = db.session.get(Meeting, meeting.id)
        if not meeting.lottery_pending:
            return []
        open_lottery(meeting)  # the seed if no application ever came; a number for any application without one
        applications = {r.id: r for r in db.session.scalars(sa.select(Registration).where(
            Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.WAITLISTED))}
        by_number = {r.application_number: r.id for r in applications.values()}
        if None in by_number:  # the published recipe ranks numbers: an application without one is not verifiable
            raise ValueError(f"meeting {meeting.id}: an application has no application number; nothing was drawn")
        meeting.lottery_drawn_at = now_utc()
        winners = []
        for rank, number in enumerate(lottery_order(meeting.lottery_seed, sorted(by_number)), start=1):
            registration = applications[by_number[number]]
            registration.lottery_rank = rank
            registration.lottery_won = take_seats(meeting.id, registration.party_size)
            if registration.lottery_won:
                registration.status, registration.seats = RegistrationStatus.CONFIRMED, registration.party_size
                registration.confirmed_at = now_utc()
                winners.append(registration)
        db.session.flush()
        for registration in applications.values():
            email_registrant(registration,
                             "registrations/lottery_won" if registration in winners else "registrations/lottery_lost")
    return winners


def lottery_result(meeting: Meeting) -> list[tuple[int, bool]]:
    """The published draw: (application number, drew a seat) in drawn order; empty before the draw."""
    if meeting.lottery_drawn_at is None:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(Registration.application_number, Registration.lottery_won)
        .where(Registration.meeting_id == meeting.id, Registration.lottery_rank.is_not(None))
        .order_by(Registration.lottery_rank))]


def draw_due_lotteries() -> int:
    due = db.session.scalars(sa.select(Meeting).where(
        Meeting.observer_lottery.is_(True), Meeting.lottery_drawn_at.is_(None),
        Meeting.status == MeetingStatus.PUBLISHED,
        sa.func.coalesce(Meeting.registration_closes_at, Meeting.starts_at) <= now_utc())).all()
    for meeting in due:
        draw_lottery(meeting)
    return len(due)
