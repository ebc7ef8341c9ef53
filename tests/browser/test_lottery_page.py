"""The lottery section of a meeting page (commitment before, seed and drawn order after) passes axe-core."""

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.browser.axe import describe, run_axe
from tests.browser.conftest import _page


@pytest.fixture
def lottery_server(app, factory):
    from portal.core.timefmt import now_utc
    from portal.extensions import db
    from portal.meetings.models import Meeting
    from portal.registrations import services

    before = factory.meeting(kind="committee", capacity=2, observer_lottery=True,
                             registration_closes_at=now_utc() + timedelta(days=3))
    drawn, legacy = (factory.meeting(kind="committee", capacity=2, observer_lottery=True,
                                     registration_closes_at=now_utc() + timedelta(days=3)) for _ in range(2))
    for meeting in (before, drawn, legacy):
        for n in range(4):
            services.register(meeting, services.RegistrationData(name=f"傍聴 {n}", furigana="ボウチョウ",
                                                                 email=f"o{n}@example.jp"))
    db.session.execute(sa.update(Meeting).where(Meeting.id.in_([drawn.id, legacy.id]))
                       .values(registration_closes_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    for meeting in (drawn, legacy):
        services.draw_lottery(db.session.get(Meeting, meeting.id))
    # a draw from before verifiable draws: no commitment time (what the upgrade leaves for an old draw)
    db.session.execute(sa.update(Meeting).where(Meeting.id == legacy.id).values(lottery_committed_at=None))
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", (before.id, drawn.id, legacy.id)
    server.shutdown()
    thread.join(timeout=10)


def test_the_lottery_section_has_no_axe_violations(browser, lottery_server):
    root, ids = lottery_server
    context, page = _page(browser, axe=True)
    failures = {}
    for prefix in ("", "/en"):
        for meeting_id in ids:
            page.goto(f"{root}{prefix}/meetings/{meeting_id}")
            assert page.locator("#lottery-commitment").count() == (meeting_id != ids[-1])
            if violations := run_axe(page):
                failures[f"{prefix}/meetings/{meeting_id}"] = describe(violations)
    context.close()
    assert not failures, failures
