"""The staff side of registrations: who may see them, the accommodation board, check-in, CSV, phone entries."""

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.registrations import services
from portal.registrations.models import Registration
from tests.helpers import post_form


@pytest.fixture
def setup(app, auth, factory):
    organiser = auth.create(email="organiser@city.example.jp", roles=("editor",), name="担当 一郎")
    sign = factory.accommodation("sign_language", name_ja="手話通訳", name_en="Sign-language interpretation", lead_days=7)
    meeting = factory.meeting(days=20, capacity=10, accommodations=[sign], organiser_id=organiser.id)
    registration = services.register(meeting, services.RegistrationData(
        name="多摩 花子", furigana="タマ ハナコ", email="hanako@example.jp", age_group="senior",
        accommodations={sign.id: None}))
    return {"organiser": organiser, "meeting": meeting, "registration": registration, "sign": sign}


def urls(meeting_id):
    base = f"/admin/meetings/{meeting_id}"
    return [f"{base}/registrations", f"{base}/accommodations", f"{base}/registrations.csv", f"{base}/registrations/new"]


@pytest.mark.parametrize("who,expected", [("organiser", 200), ("admin", 200), ("other editor", 403),
                                          ("moderator", 403), ("resident", 403)])
def test_only_the_organiser_and_admins_see_registrations(app, auth, setup, who, expected):
    client = app.test_client()
    if who == "organiser":
        auth.login(client, setup["organiser"])
    else:
        role = {"admin": "admin", "other editor": "editor", "moderator": "moderator", "resident": None}[who]
        auth.as_role(client, role, email=f"{who.replace(' ', '')}@city.example.jp")
    for url in urls(setup["meeting"].id):
        assert client.get(url).status_code == expected, url


def test_viewing_the_board_and_exporting_are_audited(app, auth, setup):
    client = app.test_client()
    auth.login(client, setup["organiser"])
    client.get(f"/admin/meetings/{setup['meeting'].id}/accommodations")
    client.get(f"/admin/meetings/{setup['meeting'].id}/registrations.csv")
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.object_type) for e in entries] == [("view", "accommodation_board"), ("export", "registrations")]
    assert all("担当 一郎" in e.actor_name for e in entries)


def test_board_shows_what_to_arrange_by_when_and_status_reaches_the_resident(app, auth, setup, outbox):
    client = app.test_client()
    auth.login(client, setup["organiser"])
    meeting, registration = setup["meeting"], setup["registration"]
    board = client.get(f"/admin/meetings/{meeting.id}/accommodations").get_data(as_text=True)
    assert "手話通訳：1件" in board and "までに手配" in board
    request_id = registration.requests[0].id
    url = f"/admin/meetings/{meeting.id}/accommodations/{request_id}"
    page = f"/admin/meetings/{meeting.id}/accommodations"
    response = post_form(client, url, {f"r{request_id}-status": "unavailable"}, page=page)
    assert response.status_code == 400 and "手配できない理由を入力してください" in response.get_data(as_text=True)
    post_form(client, url, {f"r{request_id}-status": "unavailable", f"r{request_id}-reason_ja": "通訳者の都合がつきませんでした",
                            f"r{request_id}-reason_en": "No interpreter was available"}, page=page)
    token = services.token_for(registration)
    resident = app.test_client()
    ja = resident.get(f"/registrations/{token}").get_data(as_text=True)
    en = resident.get(f"/en/registrations/{token}").get_data(as_text=True)
    assert "手配不可" in ja and "通訳者の都合がつきませんでした" in ja
    assert "Cannot be arranged" in en and "No interpreter was available" in en
    email = outbox()[-1]
    assert email.to_address == "hanako@example.jp" and "手配不可" in email.text_body
    post_form(client, url, {f"r{request_id}-status": "arranged"}, page=page)
    assert "手配済み" in resident.get(f"/registrations/{token}").get_data(as_text=True)


def test_check_in_and_walk_ins_fill_the_attendance(app, auth, setup):
    client = app.test_client()
    auth.login(client, setup["organiser"])
    meeting, registration = setup["meeting"], setup["registration"]
    roster = f"/admin/meetings/{meeting.id}/registrations"
    post_form(client, f"{roster}/{registration.id}/attend", {}, page=roster)
    post_form(client, f"/admin/meetings/{meeting.id}/walk-in", {"name": "", "companions": "2"}, page=roster)
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.attendance == 4 and db.session.get(Registration, registration.id).status == "attended"
    body = client.get(roster).get_data(as_text=True)
    assert "60代以上: 1" in body


def test_csv_opens_in_japanese_excel_and_is_formula_safe(app, auth, setup):
    services.register(setup["meeting"], services.RegistrationData(
        name="=HYPERLINK(\"http://evil\")", furigana="イービル", email="evil@example.jp"))
    client = app.test_client()
    auth.login(client, setup["organiser"])
    response = client.get(f"/admin/meetings/{setup['meeting'].id}/registrations.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")  # BOM
    text = response.data.decode("utf-8-sig")
    assert "多摩 花子" in text and "手話通訳" in text
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


def test_staff_enter_a_phone_registration_without_email(app, auth, setup):
    client = app.test_client()
    auth.login(client, setup["organiser"])
    url = f"/admin/meetings/{setup['meeting'].id}/registrations/new"
    response = post_form(client, url, {"channel": "phone", "name": "電話 太郎", "furigana": "でんわ たろう",
                                       "companions": "1", "staff_note": "はがきで確定を連絡"})
    assert response.status_code == 302
    registration = db.session.scalar(sa.select(Registration).where(Registration.name == "電話 太郎"))
    assert registration.status == "confirmed" and registration.email is None and registration.channel == "phone"
    assert registration.staff_note == "はがきで確定を連絡" and registration.furigana == "デンワ タロウ"


def test_the_creator_organises_a_new_meeting_and_only_admins_reassign(app, auth, factory):
    from tests.test_admin_meetings import meeting_data

    client = app.test_client()
    editor = auth.as_role(client, "editor", email="maker@city.example.jp")
    other = auth.create(email="other@city.example.jp", roles=("editor",))
    assert 'id="organiser"' not in client.get("/admin/meetings/new").get_data(as_text=True)
    post_form(client, "/admin/meetings/new", meeting_data(organiser=str(other.id)))
    assert db.session.scalar(sa.select(Meeting.organiser_id)) == editor.id
