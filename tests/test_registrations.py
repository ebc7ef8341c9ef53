"""Registering for a meeting: the question page, confirm step, guest confirmation, waiting list and offers."""

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.core.timefmt import now_utc
from portal.extensions import db, limiter
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import Registration
from tests.helpers import csrf_token, post_form

GUEST = {"name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0"}


def register(client, meeting, step="send", **values):
    url = f"/meetings/{meeting.id}/register"
    return post_form(client, url, {**GUEST, "step": step, **values})


def registrations():
    db.session.expire_all()
    return db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()


def seats_taken(meeting) -> int:
    db.session.expire_all()
    return db.session.get(Meeting, meeting.id).seats_taken


def test_guest_flow_form_confirm_email_link(client, factory, outbox):
    childcare = factory.accommodation("childcare", name_ja="託児", details_prompt_ja="お子さんの人数と年齢", lead_days=7)
    meeting = factory.meeting(days=20, capacity=10, accommodations=[childcare])
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "お子さんの人数と年齢" in form and "要配慮個人情報" in form and "7日前までにお申し込みください" in form

    check = register(client, meeting, step="check", phone="０４２－３３８－６８１１", age_group="middle",
                     **{f"acc_{childcare.id}": "y", f"acc_{childcare.id}_details": "2人(3歳と5歳)", "consent": "y"})
    body = check.get_data(as_text=True)
    assert "内容の確認" in body or "入力内容の確認" in body
    assert "タマ ハナコ" in body and "042-338-6811" in body and "2人(3歳と5歳)" in body
    assert registrations() == []  # nothing saved before the final button

    done = register(client, meeting, phone="042-338-6811", age_group="middle",
                    **{f"acc_{childcare.id}": "y", f"acc_{childcare.id}_details": "2人(3歳と5歳)", "consent": "y"})
    assert done.status_code == 302 and "/registrations/" in done.headers["Location"]
    (registration,) = registrations()
    assert registration.status == "pending" and registration.furigana == "タマ ハナコ" and registration.seats == 1
    assert registration.requests[0].details == "2人(3歳と5歳)" and not registration.requests[0].late
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "メールで確認" in page or "確認してください" in page

    email = outbox()[-1]
    link = re.search(r"https?://[^\s]+(/registrations/[^\s]+/confirm/[^\s]+)", email.text_body).group(1)
    assert client.get(link).status_code == 200
    assert post_form(client, link, {}).status_code == 302
    assert registrations()[0].status == "confirmed"
    confirmation = outbox()[-1]
    assert confirmation.ics and "BEGIN:VEVENT" in confirmation.ics and "Asia/Tokyo" in confirmation.ics


def test_signed_in_resident_is_confirmed_at_once_with_details_prefilled(client, auth, factory):
    meeting = factory.meeting(days=10, capacity=5)
    user = auth.as_role(client, None, email="taro@example.jp")
    user.furigana = "タマ タロウ"
    db.session.commit()
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert 'value="taro@example.jp"' in form and 'value="タマ タロウ"' in form
    register(client, meeting, email="taro@example.jp", name="多摩 太郎", furigana="タマ タロウ")
    (registration,) = registrations()
    assert registration.status == "confirmed" and registration.user_id == user.id
    me = client.get("/account/me").get_data(as_text=True)
    assert meeting.title_ja in me and "確定" in me


@pytest.mark.slow
def test_two_hundred_concurrent_registrations_never_overbook(app, factory):
    meeting = factory.meeting(days=10, capacity=20)
    limiter.enabled = False
    try:
        clients = []
        for n in range(200):
            client = app.test_client()
            clients.append((client, csrf_token(client, f"/meetings/{meeting.id}/register"), n))
        barrier, statuses = threading.Barrier(200), []

        def go(client, token, n):
            barrier.wait()
            data = {**GUEST, "email": f"person{n}@example.jp", "companions": "1" if n % 3 == 0 else "0",
                    "step": "send", "csrf_token": token}
            statuses.append(client.post(f"/meetings/{meeting.id}/register", data=data).status_code)

        threads = [threading.Thread(target=go, args=c) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        limiter.enabled = True
    assert statuses.count(302) == 200, sorted(set(statuses))
    rows = registrations()  # in the order their transactions took the meeting's lock
    holding = [r for r in rows if r.seats]
    waiting = [r for r in rows if r.status == "waitlisted"]
    taken = sum(r.seats for r in holding)
    assert taken == seats_taken(meeting) <= 20  # never overbooked, and the counter agrees with the rows
    assert any(r.companions for r in holding)  # companions count against the seats
    assert len(holding) + len(waiting) == 200
    # Strict order: once someone waits, nobody after them takes a seat; a seat left free is one too few for
    # the party at the head of the queue (it is offered to them when another frees up).
    first_waiting = waiting[0]
    assert all(r.id < first_waiting.id for r in holding)
    assert 20 - taken < 1 + first_waiting.companions
    assert [r.created_at for r in waiting] == sorted(r.created_at for r in waiting)  # arrival order


def test_duplicate_registration_is_refused_with_a_clear_message(client, factory):
    meeting = factory.meeting(capacity=10)
    register(client, meeting)
    response = register(client, meeting, email="HANAKO@example.jp")
    assert response.status_code == 200 and "既にこの会議に申し込まれています" in response.get_data(as_text=True)
    assert len(registrations()) == 1 and seats_taken(meeting) == 1


def test_cancel_offers_the_seat_to_the_first_on_the_waiting_list(client, factory, outbox, app):
    meeting = factory.meeting(capacity=1)
    first = register(client, meeting).headers["Location"]
    register(client, meeting, email="second@example.jp")
    register(client, meeting, email="third@example.jp")
    assert [r.status for r in registrations()] == ["pending", "waitlisted", "waitlisted"]
    assert "2番目" in client.get(f"/registrations/{services.token_for(registrations()[2])}").get_data(as_text=True)

    post_form(client, first + "/cancel", {})
    rows = registrations()
    assert [r.status for r in rows] == ["cancelled", "offered", "waitlisted"]
    assert outbox()[-1].to_address == "second@example.jp" and "席" in outbox()[-1].subject
    assert seats_taken(meeting) == 1

    # The offer lapses: it passes to the next person, and the late "accept" is refused.
    db.session.execute(sa.update(Registration).where(Registration.id == rows[1].id)
                       .values(hold_expires_at=now_utc() - timedelta(minutes=1)))
    db.session.commit()
    assert "released 1" in app.test_cli_runner().invoke(args=["expire-registrations"]).output
    assert [r.status for r in registrations()] == ["cancelled", "cancelled", "offered"]
    late = post_form(client, f"/registrations/{services.token_for(rows[1])}/accept", {}, page="/account/login")
    assert late.status_code == 302 and registrations()[1].status == "cancelled"
    post_form(client, f"/registrations/{services.token_for(rows[2])}/accept", {},
              page=f"/registrations/{services.token_for(rows[2])}")
    assert registrations()[2].status == "confirmed" and seats_taken(meeting) == 1


def test_two_simultaneous_accepts_of_one_offer_admit_exactly_one(app, factory):
    meeting = factory.meeting(capacity=1)
    data = services.RegistrationData(name="A", furigana="エー", email="a@example.jp")
    services.register(meeting, data)
    waiting = services.register(meeting, services.RegistrationData(name="B", furigana="ビー", email="b@example.jp"))
    services.cancel(db.session.get(Registration, 1))
    assert db.session.get(Registration, waiting.id).status == "offered"
    results, barrier = [], threading.Barrier(2)

    def accept():
        with app.app_context():
            barrier.wait()
            results.append(services.accept_offer(db.session.get(Registration, waiting.id)))

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True] and seats_taken(meeting) == 1


def test_a_guest_who_never_confirms_holds_no_seat_after_the_window(app, client, factory):
    meeting = factory.meeting(capacity=1)
    register(client, meeting)
    register(client, meeting, email="next@example.jp")
    db.session.execute(sa.update(Registration).where(Registration.id == 1)
                       .values(hold_expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    register(client, meeting, email="third@example.jp")  # any new registration releases lapsed holds first
    assert [r.status for r in registrations()] == ["cancelled", "offered", "waitlisted"]
    assert registrations()[0].seats == 0 and seats_taken(meeting) == 1


@pytest.mark.parametrize("values,message", [
    ({"furigana": "多摩花子"}, "ひらがなかカタカナ"),
    ({"email": "hanako.example.jp"}, "name@example.jp のような形"),
    ({"companions": "-1"}, "0以上"),
    ({"companions": "50"}, "9人まで"),
    ({"phone": "12345"}, "10桁か11桁"),
    ({"name": ""}, "お名前を入力してください"),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_saved(client, factory, values, message):
    meeting = factory.meeting(capacity=10)
    response = register(client, meeting, **values)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body and "<title>エラー：" in body
    assert registrations() == [] and seats_taken(meeting) == 0


def test_accommodations_need_consent(client, factory):
    acc = factory.accommodation("sign_language", name_ja="手話通訳")
    meeting = factory.meeting(accommodations=[acc])
    response = register(client, meeting, **{f"acc_{acc.id}": "y"})
    assert "同意" in response.get_data(as_text=True) and registrations() == []


def test_late_accommodation_requests_are_accepted_with_a_plain_warning(client, factory):
    acc = factory.accommodation("braille", name_ja="点字資料", lead_days=10)
    meeting = factory.meeting(days=3, accommodations=[acc])
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "間に合わない可能性があります" in form
    register(client, meeting, **{f"acc_{acc.id}": "y", "consent": "y"})
    assert registrations()[0].requests[0].late


@pytest.mark.parametrize("case", ["after deadline", "cancelled", "draft", "not open yet"])
def test_registration_refused_when_not_possible(client, factory, case):
    if case == "after deadline":
        meeting = factory.meeting(days=5, registration_closes_at=now_utc() - timedelta(hours=1))
    elif case == "cancelled":
        meeting = factory.meeting(status="cancelled")
    elif case == "draft":
        meeting = factory.meeting(status="draft")
    else:
        meeting = factory.meeting(registration_opens_at=now_utc() + timedelta(days=1))
    form = client.get(f"/meetings/{meeting.id}/register")
    posted = post_form(client, f"/meetings/{meeting.id}/register", {**GUEST, "step": "send"}, page="/account/login")
    if case == "draft":
        assert form.status_code == 404 and posted.status_code == 404
    else:
        assert form.status_code == 200 and "申込みはできません" in form.get_data(as_text=True)
        assert posted.status_code == 200 and registrations() == []


def test_tampered_or_foreign_tokens_answer_404(client, factory):
    meeting = factory.meeting(capacity=5)
    register(client, meeting)
    register(client, meeting, email="other@example.jp")
    first, second = registrations()
    token = services.token_for(first)
    assert client.get(f"/registrations/{token[:-1]}x").status_code == 404
    assert client.get("/registrations/1").status_code == 404
    foreign = services.confirm_code_for(second)
    assert client.get(f"/registrations/{token}/confirm/{foreign}").status_code == 404


def test_online_link_is_shown_only_to_confirmed_registrants(client, factory):
    meeting = factory.meeting(capacity=5, format="online", online_url="https://meet.example.jp/abc")
    location = register(client, meeting).headers["Location"]
    assert "meet.example.jp/abc" not in client.get(location).get_data(as_text=True)
    assert "meet.example.jp/abc" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    services.confirm_email(registrations()[0])
    assert "meet.example.jp/abc" in client.get(location).get_data(as_text=True)


def test_change_companions_within_the_free_seats(client, factory):
    meeting = factory.meeting(capacity=3)
    location = register(client, meeting).headers["Location"]
    post_form(client, location + "/companions", {"companions": "2"}, page=location)
    assert registrations()[0].companions == 2 and seats_taken(meeting) == 3
    response = post_form(client, location + "/companions", {"companions": "3"}, page=location)
    assert "空席が足りない" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert seats_taken(meeting) == 3


def test_an_expired_form_token_keeps_everything_typed(client, factory):
    meeting = factory.meeting(capacity=5)
    client.get(f"/meetings/{meeting.id}/register")
    response = client.post(f"/meetings/{meeting.id}/register",
                           data={**GUEST, "step": "send", "csrf_token": "expired"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="多摩 花子"' in body and 'value="hanako@example.jp"' in body
    assert "入力された内容は残っています" in body
    assert registrations() == []


def test_english_registration_emails_are_in_english(client, factory, outbox):
    meeting = factory.meeting(capacity=5)
    post_form(client, f"/en/meetings/{meeting.id}/register", {**GUEST, "step": "send"})
    email = outbox()[-1]
    assert email.language == "en" and email.subject.startswith("Please confirm your registration")
    assert "/en/registrations/" in email.text_body


def test_a_resident_saves_usual_support_for_next_time(client, auth, factory):
    childcare = factory.accommodation("childcare", name_ja="託児", details_prompt_ja="お子さんの人数と年齢")
    first = factory.meeting(capacity=5, accommodations=[childcare])
    second = factory.meeting(capacity=5, accommodations=[childcare])
    auth.as_role(client, None, email="parent@example.jp")
    register(client, first, email="parent@example.jp", phone="042-000-0000", save_profile="y", consent="y",
             **{f"acc_{childcare.id}": "y", f"acc_{childcare.id}_details": "1人(2歳)"})
    form = client.get(f"/meetings/{second.id}/register").get_data(as_text=True)
    assert 'value="042-000-0000"' in form and "1人(2歳)" in form
    assert re.search(rf'id="acc_{childcare.id}"[^>]*checked|checked[^>]*id="acc_{childcare.id}"', form)
