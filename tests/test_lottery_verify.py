"""A 傍聴 lottery anyone can verify: commitment before the applications, seed and order after the draw.

The check below uses only the public page and hashlib/hmac, as a resident or journalist would.
"""

import hashlib
import hmac
import re
from datetime import timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.core.timefmt import now_utc
from portal.extensions import db
from portal.mail.models import OutboxEmail
from portal.meetings.models import Meeting
from portal.registrations import services
from tests.helpers import post_form
from tests.test_admin_meetings import meeting_data
from tests.test_registrations import register, registrations


def create_lottery_through_the_staff_form(client, auth):
    auth.as_role(client, "editor")
    closes = now_utc() + timedelta(days=5)
    data = meeting_data(kind="committee", observer_lottery="y", capacity="2",
                        registration_closes_at=(closes + timedelta(hours=9)).strftime("%Y-%m-%dT%H:%M"))
    assert post_form(client, "/admin/meetings/new", data).status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    post_form(client, f"/admin/meetings/{meeting.id}/publish", {}, page=f"/admin/meetings/{meeting.id}")
    client.get("/account/logout")
    return meeting


def draw(app, meeting):
    db.session.execute(sa.update(Meeting).where(Meeting.id == meeting.id)
                       .values(registration_closes_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    assert "drew 1" in app.test_cli_runner().invoke(args=["draw-lotteries"]).output


def code(page, element_id):
    return re.search(rf'<code id="{element_id}">([0-9a-f]+)</code>', page).group(1)


def test_a_published_draw_is_recomputed_from_the_public_page_alone(app, client, auth):
    meeting = create_lottery_through_the_staff_form(client, auth)
    before = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    commitment = code(before, "lottery-commitment")  # published before the first application
    assert len(commitment) == 64

    for n in range(5):
        response = register(client, meeting, email=f"observer{n}@example.jp", name=f"傍聴 {n}")
        assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "申込番号は5番です" in page and '<dd class="application-number">5</dd>' in page
    assert "申込番号: 5" in db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id.desc())).first().text_body
    assert [r.application_number for r in registrations()] == [1, 2, 3, 4, 5]

    # Before the draw the seed is nowhere: not on the public pages, not in the emails, not in the audit log.
    seed = db.session.get(Meeting, meeting.id).lottery_seed
    pages = [client.get(url).get_data(as_text=True) for url in
             (f"/meetings/{meeting.id}", f"/en/meetings/{meeting.id}", "/meetings", f"/meetings/{meeting.id}.ics")]
    texts = [e.text_body for e in db.session.scalars(sa.select(OutboxEmail))]
    audit = [str(e.changes) for e in db.session.scalars(sa.select(AuditEntry))]
    assert seed and not any(seed in text for text in pages + texts + audit)

    draw(app, meeting)
    for lang in ("", "/en"):
        page = client.get(f"{lang}/meetings/{meeting.id}").get_data(as_text=True)
        seed = code(page, "lottery-seed")
        assert code(page, "lottery-commitment") == commitment == hashlib.sha256(seed.encode()).hexdigest()
        published = [int(n) for n in re.findall(r'<li data-number="(\d+)">', page)]
        numbers = sorted(published)
        recomputed = sorted(numbers, key=lambda n: hmac.new(seed.encode(), str(n).encode(),
                                                              hashlib.sha256).hexdigest())
        assert numbers == [1, 2, 3, 4, 5] and published == recomputed
        winners = re.search(r'<p id="lottery-winners">(.*?)</p>', page, re.S).group(1)
        assert [int(n) for n in re.findall(r"\d+", winners)] == recomputed[:2]  # capacity 2, one person each
        assert "<code>import hashlib, hmac" in page
    assert "抽選結果の確かめ方" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)


def test_the_order_does_not_depend_on_python(app):
    """A fixed vector: the same on every Python version, as the page promises."""
    order = services.lottery_order("00" * 16, [1, 2, 3, 4, 5])
    assert order == sorted([1, 2, 3, 4, 5], key=lambda n: hmac.new(b"0" * 32, str(n).encode(),
                                                                   hashlib.sha256).hexdigest())


def test_the_seed_is_committed_before_the_first_application_even_without_the_staff_form(client, factory):
    meeting = factory.meeting(kind="committee", capacity=2, observer_lottery=True,
                              registration_closes_at=now_utc() + timedelta(days=3))
    register(client, meeting)
    assert registrations()[0].application_number == 1
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.lottery_seed
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert code(page, "lottery-commitment") == hashlib.sha256(meeting.lottery_seed.encode()).hexdigest()
    assert meeting.lottery_seed not in page


def test_a_draw_made_before_this_release_is_shown_as_drawn_without_a_verification_claim(app, client):
    """The previous release drew with random.Random(seed).sample over registration ids and kept no commitment:
    its page shows the seed and the order as drawn, says so plainly, and offers no recipe. An undrawn lottery
    gets its seed from the upgrade, and its page dates the commitment from then."""
    import random

    from flask_migrate import downgrade, upgrade

    from portal.core.timefmt import format_day, tokyo_today
    from tests.test_migrations import PREVIOUS, old_meeting, old_registration

    downgrade(revision=PREVIOUS)
    seed = "5eed" * 8
    with db.engine.begin() as conn:
        drawn = old_meeting(conn, "第3回 自治推進委員会", seats_taken=1, capacity=1, kind="committee",
                            observer_lottery=True, lottery_seed=seed, lottery_drawn_at="2025-01-20 08:00:00",
                            registration_closes_at="2025-01-20 08:00:00")
        ids = [old_registration(conn, drawn, "waitlisted", 0, n) for n in range(4)]
        order = random.Random(seed).sample(sorted(ids), len(ids))  # the old draw, as the old code ran it
        for rank, registration_id in enumerate(order, start=1):
            conn.execute(sa.text("UPDATE registrations SET lottery_rank = :rank, status = :status, seats = :seats "
                                 "WHERE id = :id"), {"rank": rank, "status": "confirmed" if rank == 1 else "waitlisted",
                                                     "seats": 1 if rank == 1 else 0, "id": registration_id})
        pending = old_meeting(conn, "第4回 自治推進委員会", seats_taken=0, capacity=10, kind="committee",
                              observer_lottery=True, registration_closes_at="2099-01-20 08:00:00")
        old_registration(conn, pending, "waitlisted", 0, 10)
    upgrade()

    page = client.get(f"/meetings/{drawn}").get_data(as_text=True)
    assert "検証できる抽選方式を導入する前に行ったもの" in page
    assert code(page, "lottery-seed") == seed
    numbers = [int(n) for n in re.findall(r'<li data-number="(\d+)">', page)]
    assert numbers == [ids.index(i) + 1 for i in order]  # application numbers in creation order, drawn order kept
    winners = re.search(r'<p id="lottery-winners">(.*?)</p>', page, re.S).group(1)
    assert [int(n) for n in re.findall(r"\d+", winners)] == numbers[:1]
    assert 'id="lottery-commitment"' not in page and "import hashlib" not in page and "確かめ方" not in page
    assert "申込受付前" not in page

    page = client.get(f"/meetings/{pending}").get_data(as_text=True)
    meeting = db.session.get(Meeting, pending)
    assert code(page, "lottery-commitment") == hashlib.sha256(meeting.lottery_seed.encode()).hexdigest()
    assert f"確認値)を{format_day(tokyo_today(), 'ja')}" in page and "最初の申込みより前" not in page
    assert meeting.lottery_seed not in page


def test_switching_the_lottery_on_after_registrations_came_draws_every_application(app, client, auth, factory):
    """Registrations made first come (one seated, two waiting) become numbered applications when staff switch
    the lottery on; the freed seat waits for the draw, and the draw ranks every application."""
    from tests.test_waitlist_fairness import edit, people

    meeting = factory.meeting(kind="committee", capacity=1, days=20)
    people(client, meeting)
    auth.as_role(client, "editor")
    closes = meeting.starts_at - timedelta(days=3) + timedelta(hours=9)
    edit(client, meeting, kind="committee", capacity="2", observer_lottery="y",
         registration_closes_at=closes.strftime("%Y-%m-%dT%H:%M"))
    assert [(r.application_number, r.status) for r in registrations()] == [
        (1, "pending"), (2, "waitlisted"), (3, "waitlisted")]  # numbered in arrival order; no seat offered yet

    draw(app, meeting)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    seed = code(page, "lottery-seed")
    published = [int(n) for n in re.findall(r'<li data-number="(\d+)">', page)]
    assert published == services.lottery_order(seed, [2, 3])  # both waiting applications were drawn
    assert [r.lottery_won for r in registrations()][1:] == [published[0] == 2, published[0] == 3]
    assert "公表している確認値" in page and "<code>import hashlib, hmac" in page
