"""Issue 10's acceptance: a city that installs the portal without the demo data gets a working portal.

Only `db upgrade` (the `app` fixture: an empty migrated database) and `create-admin`; then everything through
the pages a clerk and a resident use.
"""

import re
from datetime import timedelta

import pyotp
import sqlalchemy as sa

from portal.areas.models import Area, Venue
from portal.core.timefmt import now_utc, to_tokyo
from portal.extensions import db
from portal.meetings.models import Accommodation, Meeting
from portal.registrations.models import Registration
from tests.helpers import PASSWORD, post_form


def local(dt) -> str:
    return to_tokyo(dt).strftime("%Y-%m-%dT%H:%M")


def test_fresh_install_staff_build_a_meeting_and_a_resident_asks_for_sign_language(app, client, outbox):
    # The IT staff: create-admin, nothing else.
    result = app.test_cli_runner().invoke(args=["create-admin", "chief@city.example.jp", "--password", PASSWORD])
    assert result.exit_code == 0, result.output

    # The first login sets up the authenticator (TOTP) before any staff page opens.
    response = post_form(client, "/account/login", {"email": "chief@city.example.jp", "password": PASSWORD})
    assert client.get("/admin/").status_code in (302, 303)
    setup = client.get("/account/totp/setup")
    assert setup.status_code == 200
    with client.session_transaction() as session:
        secret = session["totp_secret"]
    response = post_form(client, "/account/totp/setup", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    # The standard catalogue of 合理的配慮 is there without any demo data.
    catalogue = client.get("/admin/accommodations/").get_data(as_text=True)
    for name in ("手話通訳", "要約筆記", "車いすスペース", "託児", "補助犬", "やさしい日本語"):
        assert name in catalogue
    sign_language = db.session.scalar(sa.select(Accommodation).where(Accommodation.name_ja == "手話通訳"))

    # An area, a venue in it, and a meeting there offering sign-language interpretation.
    response = post_form(client, "/admin/areas/new", {"slug": "suwa", "name_ja": "諏訪中学区", "name_en": "Suwa",
                                                      "district_type": "new_town"})
    assert response.status_code == 302, response.get_data(as_text=True)
    area_id = db.session.scalar(sa.select(Area.id).where(Area.slug == "suwa"))
    response = post_form(client, "/admin/areas/venues/new", {"name_ja": "永山公民館", "address_ja": "多摩市永山",
                                                             "area": str(area_id), "step_free": "y",
                                                             "hearing_loop": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    venue_id = db.session.scalar(sa.select(Venue.id).where(Venue.name_ja == "永山公民館"))
    start = now_utc() + timedelta(days=30)
    response = post_form(client, "/admin/meetings/new", {
        "kind": "area_meeting", "title_ja": "諏訪中エリアミーティング「防災」", "title_en": "Suwa area meeting",
        "format": "in_person", "starts_at": local(start), "ends_at": local(start + timedelta(hours=2)),
        "area": str(area_id), "venue": str(venue_id), "capacity": "30", "reserved_seats": "0",
        "registration_closes_at": local(start - timedelta(days=2)), "accommodations": str(sign_language.id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = db.session.scalar(sa.select(Meeting))
    post_form(client, f"/admin/meetings/{meeting.id}/publish", {}, page=f"/admin/meetings/{meeting.id}")

    # A resident (another browser, no account) finds it and registers, asking for 手話通訳.
    resident = app.test_client()
    page = resident.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "諏訪中エリアミーティング「防災」" in page and "手話通訳" in page and "永山公民館" in page
    assert "諏訪中エリアミーティング「防災」" in resident.get("/meetings?area=suwa").get_data(as_text=True)
    form = resident.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "手話通訳" in form
    answers = {"name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0",
               f"acc_{sign_language.id}": "y", "consent": "y"}
    check = post_form(resident, f"/meetings/{meeting.id}/register", {**answers, "step": "check"})
    assert "手話通訳" in check.get_data(as_text=True)
    done = post_form(resident, f"/meetings/{meeting.id}/register", {**answers, "step": "send"})
    assert done.status_code == 302
    link = re.search(r"https?://[^\s]+(/registrations/[^\s]+/confirm/[^\s]+)", outbox()[-1].text_body).group(1)
    assert post_form(resident, link, {}, page=link).status_code == 302

    db.session.expire_all()
    (registration,) = db.session.scalars(sa.select(Registration)).all()
    assert registration.status == "confirmed" and [r.accommodation.code for r in registration.requests] == [
        sign_language.code]
    # The clerk sees the request on the meeting's roster.
    roster = client.get(f"/admin/meetings/{meeting.id}/registrations").get_data(as_text=True)
    assert "多摩 花子" in roster and "手話通訳" in roster
    assert "残り29席(定員30人)" in resident.get(f"/meetings/{meeting.id}").get_data(as_text=True)
