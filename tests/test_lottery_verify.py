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
from tests.conftest import post_form
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
    assert "申込番号は 5 です" in page and '<dd class="application-number">5</dd>' in page
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
