"""The 合理的配慮 catalogue: loaded by the migration on a fresh install, kept by staff at /admin/accommodations."""

import threading
import time

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.audit.models import AuditEntry
from portal.core import reference
from portal.extensions import db
from portal.meetings.models import Accommodation, meeting_accommodations
from portal.registrations import services as registrations
from tests.helpers import PG_URL, csrf_token, post_form

BEFORE = "974945c2b963"  # the revision before the catalogue
STANDARD = {"手話通訳", "要約筆記", "車いすスペース", "前方席", "ヒアリングループ", "点字資料", "拡大文字資料", "託児",
            "補助犬の同伴", "その他", "介助者の同伴", "やさしい日本語での案内", "テキストデータでの資料提供",
            "休憩・座席への配慮"}
URLS = ["/admin/accommodations/", "/admin/accommodations/new", "/admin/accommodations/{id}"]
NEW = {"code": "pc_captions", "name_ja": "パソコン要約筆記", "name_en": "Computer captioning", "lead_days": "10",
       "details_prompt_ja": "", "details_prompt_en": "", "description_ja": "", "description_en": "", "position": ""}


def kind(code: str) -> Accommodation:
    db.session.expire_all()
    return db.session.scalar(sa.select(Accommodation).where(Accommodation.code == code))


def audit(action: str) -> list[AuditEntry]:
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action,
                                                          AuditEntry.object_type == "accommodations")).all()


# The migration


def test_a_fresh_database_has_the_standard_catalogue_in_japanese_and_english(app):
    kinds = db.session.scalars(sa.select(Accommodation).order_by(Accommodation.position)).all()
    names = {k.name_ja for k in kinds}
    assert STANDARD <= names and any(n.startswith("外国語通訳") for n in names)
    interpretation = kind("interpretation")
    assert all(lang in interpretation.name_ja for lang in ("English", "中文", "한국어", "Tiếng Việt"))
    assert interpretation.name_en == "Interpretation (English, Chinese, Korean, Vietnamese)"
    assert all(k.name_en for k in kinds) and all(k.retired_at is None for k in kinds)
    assert kind("childcare").details_prompt_ja == "お子さんの人数と年齢" and kind("childcare").lead_days == 7
    assert kind("other").details_prompt_en == "What you need" and kind("front_seat").lead_days == 0
    assert kind("braille").lead_days == 14 and kind("interpretation").details_prompt_ja


@pytest.mark.slow
def test_the_migration_adds_only_missing_codes_and_leaves_staff_wording_alone(app):
    downgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM accommodations"))
        conn.execute(sa.text("INSERT INTO accommodations (code, name_ja, name_en, lead_days, position) "
                             "VALUES ('sign_language', '手話通訳者の派遣', 'Sign interpreter', 21, 40)"))
    upgrade()
    renamed = kind("sign_language")
    assert (renamed.name_ja, renamed.name_en, renamed.lead_days, renamed.position) == (
        "手話通訳者の派遣", "Sign interpreter", 21, 40)
    codes = db.session.scalars(sa.select(Accommodation.code)).all()
    assert len(codes) == len(set(codes)) == 15 and "captioning" in codes and "childcare" in codes


#: the kinds the demo data defined before the catalogue came with the migrations, at their old positions
OLD_DEMO = [("sign_language", "手話通訳"), ("captioning", "要約筆記"), ("wheelchair", "車いすスペース"),
            ("front_seat", "前方席"), ("hearing_loop", "ヒアリングループ"), ("braille", "点字資料"),
            ("large_print", "拡大文字資料"), ("childcare", "託児"), ("assistance_dog", "補助犬の同伴"),
            ("language_support", "やさしい日本語・英語での案内"), ("other", "その他")]


@pytest.mark.slow
def test_the_upgrade_puts_new_kinds_after_the_existing_ones_in_order_and_keeps_other_last(client, auth):
    downgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM accommodations"))
        for position, (code, name) in enumerate(OLD_DEMO):
            conn.execute(sa.text("INSERT INTO accommodations (code, name_ja, lead_days, position) "
                                 "VALUES (:code, :name, 7, :position)"), dict(code=code, name=name, position=position))
    upgrade()
    kinds = db.session.scalars(sa.select(Accommodation).order_by(Accommodation.position)).all()
    positions = [k.position for k in kinds]
    assert len(set(positions)) == len(positions)  # no two kinds share a place
    assert [k.code for k in kinds] == [code for code, _ in OLD_DEMO[:-1]] + [
        "text_data", "carer", "rest_seating", "interpretation", "other"]
    assert kind("language_support").name_ja == "やさしい日本語・英語での案内"  # staff wording stays
    assert (kind("other").name_ja, kind("other").code) == ("その他", "other")
    auth.as_role(client, "editor")
    body = client.get("/admin/accommodations/").get_data(as_text=True)
    assert body.index("補助犬の同伴") < body.index("テキストデータでの資料提供") < body.index("外国語通訳") \
        < body.index("その他")


@pytest.mark.slow
def test_an_empty_catalogue_is_filled_by_the_upgrade(app):
    downgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM accommodations"))
    upgrade()
    assert STANDARD <= set(db.session.scalars(sa.select(Accommodation.name_ja)))


# Who may open the staff pages


@pytest.mark.parametrize("role,status", [(None, 302), ("moderator", 403), ("editor", 200), ("admin", 200)])
def test_editors_and_admins_keep_the_catalogue_moderators_and_visitors_do_not(app, auth, role, status):
    client = app.test_client()
    if role:
        auth.as_role(client, role)
    for url in URLS:
        url = url.format(id=kind("childcare").id)
        response = client.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert "/account/login?next=" in response.headers["Location"]
    token = csrf_token(client)
    response = client.post(f"/admin/accommodations/{kind('childcare').id}/retire", data={"csrf_token": token})
    assert response.status_code == (302 if status == 200 else status)
    assert (kind("childcare").retired_at is not None) == (status == 200)


def test_the_list_shows_the_catalogue_in_order_and_searches_by_name(client, auth):
    auth.as_role(client, "editor")
    body = client.get("/admin/accommodations/").get_data(as_text=True)
    assert body.index("手話通訳") < body.index("要約筆記") < body.index("その他")
    assert "14日前" in body and "sign_language" in body
    found = client.get("/admin/accommodations/?q=通訳").get_data(as_text=True)
    assert "手話通訳" in found and "託児" not in found
    assert "託児" in client.get("/admin/accommodations/?q=childcare").get_data(as_text=True)
    assert "該当するものはありません" in client.get("/admin/accommodations/?q=100%").get_data(as_text=True)
    fragment = client.get("/admin/accommodations/?q=託児", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "託児" in fragment and "<html" not in fragment


# Adding and changing kinds


def test_staff_add_a_kind_and_it_is_offered_for_new_meetings(client, auth):
    auth.as_role(client, "editor")
    form = client.get("/admin/accommodations/new").get_data(as_text=True)
    assert "会議・イベント検索のURLで使う英字の識別子です" in form and "詳細についてのおたずね(日本語)" in form
    form_en = client.get("/en/admin/accommodations/new").get_data(as_text=True)
    assert "Used in meeting-search links" in form_en and "Follow-up question (English)" in form_en
    response = post_form(client, "/admin/accommodations/new", NEW)
    assert response.status_code == 302
    added = kind("pc_captions")
    assert (added.name_ja, added.lead_days) == ("パソコン要約筆記", 10)
    assert added.position > kind("other").position  # at the end of the list
    assert "保存しました" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "パソコン要約筆記" in client.get("/admin/meetings/new").get_data(as_text=True)
    assert [e.object_label for e in audit("create")] == ["パソコン要約筆記"]


def test_staff_edit_names_lead_time_and_prompts_but_not_the_code(client, auth):
    auth.as_role(client, "admin")
    childcare = kind("childcare")
    url = f"/admin/accommodations/{childcare.id}"
    assert 'name="code"' not in client.get(url).get_data(as_text=True)
    response = post_form(client, url, {**NEW, "code": "changed", "name_ja": "託児(一時保育)", "name_en": "Childcare",
                                       "lead_days": "10", "details_prompt_ja": "お子さんの人数・年齢・アレルギー",
                                       "details_prompt_en": "Number, ages and allergies", "position": "3"})
    assert response.status_code == 302
    changed = kind("childcare")
    assert (changed.name_ja, changed.lead_days, changed.details_prompt_en, changed.position) == (
        "託児(一時保育)", 10, "Number, ages and allergies", 3)
    assert kind("changed") is None
    [entry] = audit("update")
    assert entry.changes["lead_days"] == [7, 10] and entry.changes["name_ja"] == ["託児", "託児(一時保育)"]


@pytest.mark.parametrize("values,message", [
    ({"name_ja": ""}, "日本語の名称を入力してください"),
    ({"name_ja": "名" * 10_000}, "120 文字を超える"),
    ({"lead_days": "-1"}, "0から365までの日数を入力してください"),
    ({"lead_days": "100000"}, "0から365までの日数を入力してください"),
    ({"lead_days": "二週間"}, "整数"),
    ({"lead_days": ""}, "何日前までに申し込みが必要かを入力してください"),
    ({"code": "sign_language"}, "このコードはすでに使われています"),
    ({"code": "Sign Language!"}, "英小文字・数字・アンダースコア"),
    ({"details_prompt_ja": "あ" * 300}, "255 文字を超える"),
])
def test_bad_input_is_explained_on_the_form_and_what_was_typed_is_kept(client, auth, values, message):
    auth.as_role(client, "editor")
    before = db.session.scalar(sa.select(sa.func.count(Accommodation.id)))
    data = {**NEW, "name_en": "Kept <b>as typed</b>", **values}
    response = post_form(client, "/admin/accommodations/new", data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body, body[:3000]
    assert "error-summary" in body and 'value="Kept &lt;b&gt;as typed&lt;/b&gt;"' in body
    assert db.session.scalar(sa.select(sa.func.count(Accommodation.id))) == before


# Retiring, restoring, deleting


def test_a_retired_kind_leaves_new_forms_and_the_filter_but_stays_on_old_meetings_and_registrations(
        client, auth, factory):
    sign = kind("sign_language")
    meeting = factory.meeting(title_ja="手話のある会議", accommodations=[sign, kind("childcare")])
    registration = registrations.register(meeting, registrations.RegistrationData(
        name="多摩 花子", furigana="タマ ハナコ", email="hanako@example.jp", accommodations={sign.id: None}))
    editor = auth.as_role(client, "editor")
    meeting.organiser_id = editor.id
    db.session.commit()

    response = post_form(client, f"/admin/accommodations/{sign.id}/retire", {}, page=f"/admin/accommodations/{sign.id}")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "使用を終了しました" in page and "使用を再開する" in page
    assert kind("sign_language").retired_at is not None and len(audit("retire")) == 1

    assert "手話通訳" not in client.get("/admin/meetings/new").get_data(as_text=True)
    assert 'value="sign_language"' not in client.get("/meetings").get_data(as_text=True)
    assert 'value="childcare"' in client.get("/meetings").get_data(as_text=True)
    edit = client.get(f"/admin/meetings/{meeting.id}").get_data(as_text=True)
    assert "手話通訳" in edit  # the meeting that offers it keeps it
    assert "手話通訳" in client.get(f"/admin/meetings/{meeting.id}/registrations").get_data(as_text=True)
    token = registrations.token_for(registration)
    assert "手話通訳" in client.get(f"/registrations/{token}").get_data(as_text=True)

    post_form(client, f"/admin/accommodations/{sign.id}/restore", {}, page=f"/admin/accommodations/{sign.id}")
    assert kind("sign_language").retired_at is None and len(audit("restore")) == 1
    assert "手話通訳" in client.get("/admin/meetings/new").get_data(as_text=True)


def test_only_an_unused_kind_can_be_deleted(client, auth, factory):
    factory.meeting(accommodations=[kind("braille")])
    auth.as_role(client, "editor")
    braille, carer = kind("braille"), kind("carer")
    page = client.get(f"/admin/accommodations/{braille.id}").get_data(as_text=True)
    assert "使われているため削除できません" in page and "/delete" not in page
    response = post_form(client, f"/admin/accommodations/{braille.id}/delete", {},
                         page=f"/admin/accommodations/{braille.id}", follow_redirects=True)
    assert "削除できません" in response.get_data(as_text=True) and kind("braille") is not None

    assert "/delete" in client.get(f"/admin/accommodations/{carer.id}").get_data(as_text=True)
    response = post_form(client, f"/admin/accommodations/{carer.id}/delete", {},
                         page=f"/admin/accommodations/{carer.id}", follow_redirects=True)
    assert "削除しました" in response.get_data(as_text=True) and kind("carer") is None
    [entry] = audit("delete")
    assert entry.changes["code"] == ["carer", None]


def test_unknown_kinds_and_actions_answer_404(client, auth):
    auth.as_role(client, "editor")
    assert client.get("/admin/accommodations/99999").status_code == 404
    token = csrf_token(client, "/admin/accommodations/")
    assert client.post("/admin/accommodations/99999/retire", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/admin/accommodations/{kind('other').id}/explode",
                       data={"csrf_token": token}).status_code in (404, 405)


def test_a_kind_being_offered_by_a_meeting_saved_at_the_same_moment_is_not_deleted(app, auth, factory):
    """The delete waits for the meeting being saved, then sees it: the offer is not silently cascaded away."""
    if not PG_URL:
        pytest.skip("a row lock race: SQLite takes its write lock first (BEGIN IMMEDIATE) and has no row locks")
    carer, meeting = kind("carer"), factory.meeting(title_ja="同時に保存される会議")
    client = app.test_client()
    auth.as_role(client, "editor")
    url = f"/admin/accommodations/{carer.id}"
    token = csrf_token(client, url)
    saving = db.engine.connect()  # another clerk's request, saving the meeting with this kind, not committed yet
    transaction = saving.begin()
    saving.execute(meeting_accommodations.insert().values(meeting_id=meeting.id, accommodation_id=carer.id))
    responses = []
    deleting = threading.Thread(target=lambda: responses.append(client.post(url + "/delete",
                                                                             data={"csrf_token": token})))
    deleting.start()
    with db.engine.connect() as watcher:  # until the delete request waits for the meeting's transaction
        deadline = time.monotonic() + 30
        while deleting.is_alive() and time.monotonic() < deadline and not watcher.scalar(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")):
            deleting.join(0.01)
    transaction.commit()
    saving.close()
    deleting.join(60)
    [response] = responses
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert "使われているため削除できません" in client.get(url).get_data(as_text=True)
    assert kind("carer") is not None and audit("delete") == []
    assert db.session.scalar(sa.select(meeting_accommodations.c.meeting_id).where(
        meeting_accommodations.c.accommodation_id == carer.id)) == meeting.id


def test_a_use_that_appears_at_the_delete_itself_keeps_the_kind_with_a_message(client, auth, factory, monkeypatch):
    if not PG_URL:
        pytest.skip("SQLite here does not enforce foreign keys, so the database raises nothing to catch")
    braille = kind("braille")
    meeting = factory.meeting(accommodations=[braille])
    registrations.register(meeting, registrations.RegistrationData(
        name="多摩 花子", furigana="タマ ハナコ", email="hanako@example.jp", accommodations={braille.id: None}))
    monkeypatch.setattr(reference, "references", lambda obj: False)  # the check misses a request made just now
    auth.as_role(client, "editor")
    url = f"/admin/accommodations/{braille.id}"
    response = post_form(client, url + "/delete", {}, page=url, follow_redirects=True)
    assert response.status_code == 200 and "使われているため削除できません" in response.get_data(as_text=True)
    assert kind("braille") is not None and audit("delete") == []
    assert "点字資料" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
