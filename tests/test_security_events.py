"""Security events in the audit log (issue 12.6): failed logins (the address, never the password), wrong security
codes, pauses and unlocks, refused staff pages, role changes; administrators filter for each at /admin/audit/."""

import json

import pyotp
import sqlalchemy as sa

from portal.audit.forms import ACTIONS
from portal.audit.models import AuditEntry
from portal.extensions import db
from tests.helpers import PASSWORD, post_form

SECRET = "とても秘密の合言葉-123"


def entries(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def everything_logged() -> str:
    rows = db.session.execute(sa.select(AuditEntry.__table__)).mappings().all()
    return json.dumps([dict(row) for row in rows], default=str, ensure_ascii=False)


def test_failed_logins_are_recorded_by_address_never_with_the_password(client, auth):
    user = auth.create("hanako@example.jp", name="山田花子")
    post_form(client, "/account/login", {"email": "Hanako@example.jp", "password": SECRET})
    post_form(client, "/account/login", {"email": "nobody@example.jp", "password": SECRET})
    known, unknown = entries("login_failed")
    assert known.actor_id is None and known.actor_name == "anonymous"
    assert (known.object_type, known.object_id, known.object_label) == ("users", user.id, "hanako@example.jp")
    assert unknown.object_id is None and unknown.object_label == "no***@example.jp"
    logged = everything_logged()
    assert SECRET not in logged and "nobody@example.jp" not in logged


def test_wrong_security_codes_are_recorded_against_the_account(client, auth):
    staff = auth.create("staff@city.example.jp", roles=("editor",), name="職員 太郎")
    post_form(client, "/account/login", {"email": staff.email, "password": PASSWORD})
    valid = {pyotp.TOTP(staff.totp_secret).now()}
    post_form(client, "/account/login/verify", {"code": "123456" if "123456" not in valid else "654321"})
    (entry,) = entries("second_factor_failed")
    assert entry.object_id == staff.id and entry.actor_name == "anonymous"
    assert "123456" not in everything_logged() and "654321" not in everything_logged()


def test_refused_staff_pages_are_recorded_with_who_and_where(app, client, auth):
    resident = auth.as_role(client, email="hanako@example.jp")
    assert client.get("/admin/").status_code == 403
    editor = app.test_client()
    auth.as_role(editor, "editor", email="editor@city.example.jp")
    assert editor.get("/en/admin/staff").status_code == 403
    assert editor.get("/admin/audit/").status_code == 403
    first, second, third = entries("access_denied")
    assert first.actor_id == resident.id and first.object_label == "/admin/"
    assert "editor@city.example.jp" in second.actor_name and second.object_label == "/admin/staff"
    assert third.object_label == "/admin/audit/"
    assert client.get("/meetings").status_code == 200 and len(entries("access_denied")) == 3  # public pages: no entry


def test_administrators_filter_the_log_for_each_security_event_in_both_languages(app, client, auth):
    post_form(app.test_client(), "/account/login", {"email": "nobody@example.jp", "password": SECRET})
    resident = app.test_client()
    auth.as_role(resident, email="hanako@example.jp")
    resident.get("/admin/")
    auth.as_role(client, "admin", email="admin@city.example.jp")

    page = client.get("/admin/audit/").get_data(as_text=True)
    for action in ("login_failed", "second_factor_failed", "second_factor_ended", "sign_in_locked",
                   "sign_in_unlocked", "access_denied", "role_change"):
        assert f'value="{action}"' in page, action
    english = client.get("/en/admin/audit/?action=login_failed").get_data(as_text=True)
    assert "Failed login" in english and "Not signed in" in english and "no***@example.jp" in english
    assert "/admin/" not in english.split("<tbody>")[1].split("</tbody>")[0]  # only the failed login
    refused = client.get("/en/admin/audit/?action=access_denied", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Staff page refused" in refused and "hanako@example.jp" in refused and "<html" not in refused
    assert set(ACTIONS) >= {"login_failed", "access_denied", "sign_in_locked", "sign_in_unlocked"}


def test_a_refused_post_without_its_token_is_no_server_error(client, auth):
    auth.as_role(client, email="hanako@example.jp")
    response = client.post("/admin/staff/1", data={"roles": "admin"})
    assert response.status_code in (400, 403)
    assert client.get("/admin/staff").status_code == 403 and len(entries("access_denied")) == 1


def test_reloading_a_refused_staff_page_records_it_once_per_page_every_ten_minutes(app, client, auth):
    from datetime import timedelta
    from unittest import mock

    from portal.audit import services as audit
    from portal.core.timefmt import now_utc

    resident = auth.as_role(client, email="hanako@example.jp")
    for _ in range(20):  # a signed-in resident reloading /admin/ cannot fill the log
        assert client.get("/admin/").status_code == 403
    assert client.get("/en/admin/staff").status_code == 403
    other = app.test_client()
    taro = auth.as_role(other, email="taro@example.jp")
    assert other.get("/admin/").status_code == 403  # someone else, the same page: their own entry
    assert [(e.actor_id, e.object_label) for e in entries("access_denied")] == [
        (resident.id, "/admin/"), (resident.id, "/admin/staff"), (taro.id, "/admin/")]
    moved = now_utc() + timedelta(minutes=11)
    with mock.patch.object(audit, "now_utc", lambda: moved):
        assert client.get("/admin/").status_code == 403
    assert len(entries("access_denied")) == 4  # ten minutes on: recorded again
