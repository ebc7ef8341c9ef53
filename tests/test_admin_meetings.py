"""An editor runs meetings through the admin pages; the public pages follow and the audit log records it."""

from datetime import timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEntry
from portal.core.timefmt import now_utc, to_tokyo
from portal.extensions import db
from portal.meetings.models import Meeting
from tests.helpers import post_form


def local(dt) -> str:
    return to_tokyo(dt).strftime("%Y-%m-%dT%H:%M")


def meeting_data(**values) -> dict:
    start = now_utc() + timedelta(days=20)
    data = {"kind": "area_meeting", "title_ja": "諏訪中エリアミーティング「防災」", "title_en": "Suwa area meeting",
            "format": "in_person", "starts_at": local(start), "ends_at": local(start + timedelta(hours=2)),
            "capacity": "30", "reserved_seats": "0", "agenda_ja": "開会\n防災マップづくり\n閉会",
            "agenda_en": "Opening\nMaking a disaster map\nClosing", "summary_ja": "地域の防災を話し合います。"}
    data.update(values)
    return data


def test_editor_creates_publishes_edits_and_cancels_a_meeting(client, auth, factory):
    area = factory.area(slug="suwa", name_ja="諏訪中学区")
    acc = factory.accommodation("sign_language", name_ja="手話通訳")
    editor = auth.as_role(client, "editor", email="editor@city.example.jp")

    response = post_form(client, "/admin/meetings/new", meeting_data(area=str(area.id), accommodations=str(acc.id)))
    assert response.status_code == 302
    meeting = db.session.scalar(sa.select(Meeting))
    assert meeting.status == "draft" and [i.title_ja for i in meeting.agenda_items][1] == "防災マップづくり"
    assert "防災" not in client.get("/meetings").get_data(as_text=True)  # a draft is not public
    assert client.get(f"/meetings/{meeting.id}").status_code == 404

    post_form(client, f"/admin/meetings/{meeting.id}/publish", {}, page=f"/admin/meetings/{meeting.id}")
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "諏訪中エリアミーティング「防災」" in public and "防災マップづくり" in public and "手話通訳" in public
    assert "諏訪中エリアミーティング「防災」" in client.get("/meetings?area=suwa").get_data(as_text=True)

    response = post_form(client, f"/admin/meetings/{meeting.id}", meeting_data(
        title_ja="諏訪中エリアミーティング「防災」第2回", area=str(area.id), capacity="40"))
    assert response.status_code == 302
    assert "残り40席(定員40人)" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)

    post_form(client, f"/admin/meetings/{meeting.id}/cancel", {"reason_ja": "台風接近のため", "reason_en": "A typhoon"})
    public = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "この会議は中止になりました" in public and "台風接近のため" in public
    assert "第2回" not in client.get("/meetings").get_data(as_text=True)

    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["create", "publish", "update", "cancel"]
    assert all("editor 太郎" in e.actor_name and e.actor_id == editor.id and e.object_id == meeting.id for e in entries)
    assert entries[2].changes["title_ja"] == ["諏訪中エリアミーティング「防災」", "諏訪中エリアミーティング「防災」第2回"]
    assert entries[2].changes["capacity"] == [30, 40]
    log = post_and_read_audit(client, auth)
    assert "editor 太郎" in log and "cancel" in log


def post_and_read_audit(client, auth) -> str:
    from portal.accounts.models import User

    admin_client = client.application.test_client()
    auth.as_role(admin_client, "admin", email="admin@city.example.jp")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2
    return admin_client.get("/admin/audit/?action=cancel").get_data(as_text=True)


def test_bad_input_is_reported_on_the_form_and_kept(client, auth):
    auth.as_role(client, "editor")
    start = now_utc() + timedelta(days=5)
    response = post_form(client, "/admin/meetings/new", meeting_data(
        title_ja="", ends_at=local(start - timedelta(days=1)), starts_at=local(start), capacity="-3",
        online_url="javascript:alert(1)", area="../../x", title_en="<script>alert(1)</script>"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>エラー：" in body
    for message in ("日本語のタイトルを入力してください。", "終了は開始より後にしてください。",
                    "https:// で始まるアドレスを入力してください。", "一覧の中から選んでください。"):
        assert message in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert db.session.scalar(sa.select(sa.func.count(Meeting.id))) == 0


def test_duplicate_makes_a_draft_copy_and_report_comes_after_the_day(client, auth, factory):
    acc = factory.accommodation("childcare")
    past = factory.meeting(days=-3, title_ja="先週の会議", accommodations=[acc], seats_taken=5, capacity=30)
    auth.as_role(client, "editor")
    response = post_form(client, f"/admin/meetings/{past.id}/duplicate", {}, page=f"/admin/meetings/{past.id}")
    copy = db.session.get(Meeting, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert copy.status == "draft" and copy.seats_taken == 0 and copy.title_ja == "先週の会議"
    assert [a.code for a in copy.accommodations] == ["childcare"]
    response = post_form(client, f"/admin/meetings/{past.id}/report", {"attendance": "28", "report_ja": "活発な議論でした。"})
    assert response.status_code == 302
    assert "28人が参加しました。" in client.get(f"/meetings/{past.id}").get_data(as_text=True)
    future = factory.meeting(days=3)
    response = post_form(client, f"/admin/meetings/{future.id}/report", {"attendance": "1"})
    assert "開催報告は会議の開催後に入力できます。" in response.get_data(as_text=True)


def test_capacity_cannot_drop_below_seats_taken(client, auth, factory):
    meeting = factory.meeting(capacity=30, seats_taken=25)
    auth.as_role(client, "editor")
    response = post_form(client, f"/admin/meetings/{meeting.id}", meeting_data(capacity="20"))
    assert "25席" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).capacity == 30


def test_the_audit_log_is_append_only(app, client, auth, factory):
    import pytest

    auth.as_role(client, "editor")
    post_form(client, "/admin/meetings/new", meeting_data())
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.action = "nothing happened"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(RuntimeError):
        db.session.delete(db.session.scalar(sa.select(AuditEntry)))
        db.session.commit()
    db.session.rollback()
