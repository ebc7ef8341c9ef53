"""Staff pages for areas, venues and committees: searchable paginated lists, create, edit, retire, audited."""

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.areas.models import Area, Venue
from portal.audit.models import AuditEntry
from portal.committees.models import Committee
from portal.core.reference import choosable
from portal.extensions import db
from tests.helpers import csrf_token, post_form

AREA = {"slug": "kaitori", "name_ja": "貝取エリア", "name_en": "Kaitori", "district_type": "new_town",
        "covers_ja": "", "covers_en": "", "population": "", "description_ja": "", "description_en": ""}
VENUE = {"name_ja": "永山公民館", "name_en": "", "address_ja": "", "address_en": "", "access_ja": "", "access_en": "",
         "area": "", "step_free": "y"}
COMMITTEE = {"slug": "kankyo", "name_ja": "環境審議会", "status": "published"}


def actions(object_type: str) -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == object_type)
                              .order_by(AuditEntry.id)).all()


def fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


@pytest.fixture
def rows(factory):
    return {"area": factory.area(name_ja="諏訪中学区", slug="suwa"), "venue": factory.venue(name_ja="関戸公民館"),
            "committee": factory.committee(name_ja="自治推進委員会", slug="jichi")}


def state_urls(rows):
    return [f"/admin/areas/{rows['area'].id}/retire", f"/admin/areas/venues/{rows['venue'].id}/retire",
            f"/admin/committees/{rows['committee'].id}/retire"]


@pytest.mark.parametrize("role,status", [(None, 302), ("moderator", 403), ("editor", 302), ("admin", 302)])
def test_only_editors_and_admins_retire(app, auth, rows, role, status):
    client = app.test_client()
    if role:
        auth.as_role(client, role)
    token = csrf_token(client)
    for url in state_urls(rows):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == status, url
        if role is None:
            assert "/account/login?next=" in response.headers["Location"]
    retired = [fresh(type(obj), obj.id).retired_at is not None for obj in rows.values()]
    assert retired == [role in ("editor", "admin")] * 3


def test_lists_search_by_name_and_paginate(client, auth, factory):
    with factory.batch():
        for n in range(25):
            factory.area(name_ja=f"見本エリア{n:02d}", slug=f"sample-{n}")
        factory.area(name_ja="鶴牧中学区", name_en="Tsurumaki", slug="tsurumaki")
    auth.as_role(client, "editor")
    first = client.get("/admin/areas/").get_data(as_text=True)
    assert "見本エリア00" in first and "鶴牧中学区" not in first and "2ページ中1ページ目" in first
    second = client.get("/admin/areas/?page=2").get_data(as_text=True)
    assert "鶴牧中学区" in second and "見本エリア00" not in second
    found = client.get("/admin/areas/?q=tsuru").get_data(as_text=True)
    assert "鶴牧中学区" in found and "見本エリア" not in found and "1件" in found
    fragment = client.get("/admin/areas/?q=鶴牧", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "鶴牧中学区" in fragment and "<html" not in fragment and "見本エリア" not in fragment
    assert client.get("/admin/areas/?page=9").status_code == 404
    assert client.get("/admin/areas/?q=" + "あ" * 500).status_code == 200  # too long: reported, not a 500
    factory.venue(name_ja="ひじり館")
    factory.committee(name_ja="環境審議会", slug="kankyo")
    assert "ひじり館" in client.get("/admin/areas/venues/?q=ひじり").get_data(as_text=True)
    assert "環境審議会" in client.get("/admin/committees/?q=環境").get_data(as_text=True)
    assert "環境審議会" not in client.get("/admin/committees/?q=自治").get_data(as_text=True)


def test_create_and_edit_through_the_forms_are_audited(client, auth):
    auth.as_role(client, "editor")
    assert post_form(client, "/admin/areas/new", AREA).status_code == 302
    area = db.session.scalar(sa.select(Area).where(Area.slug == "kaitori"))
    assert post_form(client, f"/admin/areas/{area.id}", {**AREA, "name_ja": "貝取・豊ヶ丘エリア"}).status_code == 302
    assert fresh(Area, area.id).name_ja == "貝取・豊ヶ丘エリア"
    assert post_form(client, "/admin/areas/venues/new", {**VENUE, "area": str(area.id)}).status_code == 302
    venue = db.session.scalar(sa.select(Venue).where(Venue.name_ja == "永山公民館"))
    assert venue.area_id == area.id and venue.step_free
    assert "永山公民館" in client.get("/admin/areas/venues/").get_data(as_text=True)
    assert post_form(client, "/admin/committees/new", COMMITTEE).status_code == 302
    assert actions("areas") == ["create", "update"] and actions("venues") == ["create"]
    assert actions("committees") == ["create"]


@pytest.mark.parametrize("url,data,message", [
    ("/admin/areas/new", {**AREA, "name_ja": ""}, "日本語の名称を入力してください"),
    ("/admin/areas/new", {**AREA, "name_ja": "名" * 10_000}, "120 文字を超える"),
    ("/admin/areas/new", {**AREA, "slug": "suwa"}, "この短い名前は別のエリアで使われています"),
    ("/admin/areas/new", {**AREA, "population": "-5"}, "0"),
    ("/admin/areas/venues/new", {**VENUE, "name_ja": "関戸公民館"}, "同じ名称の会場が既にあります"),
    ("/admin/areas/venues/new", {**VENUE, "name_ja": "名" * 10_000}, "160 文字を超える"),
    ("/admin/committees/new", {**COMMITTEE, "name_ja": ""}, "日本語の名称を入力してください"),
    ("/admin/committees/new", {**COMMITTEE, "slug": "jichi"}, "この短い名前は別の委員会で使われています"),
])
def test_bad_input_comes_back_on_the_form_with_what_was_typed(client, auth, rows, url, data, message):
    auth.as_role(client, "editor")
    before = [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Area, Venue, Committee)]
    response = post_form(client, url, {**data, "name_en": "Typed & kept"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body and "error-summary" in body
    assert 'value="Typed &amp; kept"' in body
    assert [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Area, Venue, Committee)] == before


def test_retired_rows_leave_new_choices_and_public_lists_but_old_pages_keep_them(client, auth, factory, rows):
    area, venue, committee = rows["area"], rows["venue"], rows["committee"]
    old = factory.meeting(title_ja="以前の会議", area=area, venue=venue, committee=committee)
    auth.as_role(client, "editor")
    for url in state_urls(rows):
        assert post_form(client, url, {}, page="/admin/").status_code == 302
    client.get("/admin/")  # the three "retired" messages are shown here
    assert actions("areas") == ["retire"] and actions("venues") == ["retire"] and actions("committees") == ["retire"]

    new_form = client.get("/admin/meetings/new").get_data(as_text=True)
    assert "諏訪中学区" not in new_form and "関戸公民館" not in new_form and "自治推進委員会" not in new_form
    assert f'value="{area.id}"' not in client.get("/admin/areas/venues/new").get_data(as_text=True)
    assert "関戸公民館" not in client.get(f"/admin/committees/{committee.id}/schedule").get_data(as_text=True)
    assert 'value="suwa"' not in client.get("/meetings").get_data(as_text=True)
    assert "諏訪中学区" not in client.get("/areas").get_data(as_text=True)
    assert "自治推進委員会" not in client.get("/committees").get_data(as_text=True)
    # What already uses them keeps showing them.
    assert client.get("/areas/suwa").status_code == 200 and client.get("/committees/jichi").status_code == 200
    edit = client.get(f"/admin/meetings/{old.id}").get_data(as_text=True)
    assert all(f'<option selected value="{obj.id}">' in edit for obj in (area, venue, committee))
    assert "関戸公民館" in client.get(f"/meetings/{old.id}").get_data(as_text=True)
    listing = client.get("/admin/areas/").get_data(as_text=True)
    assert "諏訪中学区" in listing and "使用終了" in listing

    response = post_form(client, f"/admin/areas/{area.id}/restore", {}, page=f"/admin/areas/{area.id}",
                         follow_redirects=True)
    assert "使用を再開しました" in response.get_data(as_text=True)
    assert "諏訪中学区" in client.get("/areas").get_data(as_text=True)


def test_rows_in_use_are_never_deleted_unused_ones_may_be(client, auth, factory, rows):
    factory.meeting(area=rows["area"], venue=rows["venue"], committee=rows["committee"])
    spare = factory.area(name_ja="予備エリア", slug="spare")
    auth.as_role(client, "editor")
    for url, edit in ((f"/admin/areas/{rows['area'].id}",) * 2, (f"/admin/areas/venues/{rows['venue'].id}",) * 2,
                      (f"/admin/committees/{rows['committee'].id}", f"/admin/committees/{rows['committee'].id}/edit")):
        assert "使われているため削除できません" in client.get(edit).get_data(as_text=True)
        response = post_form(client, url + "/delete", {}, page=edit, follow_redirects=True)
        assert "削除できません" in response.get_data(as_text=True)
    assert all(fresh(type(obj), obj.id) is not None for obj in rows.values())
    response = post_form(client, f"/admin/areas/{spare.id}/delete", {}, page=f"/admin/areas/{spare.id}",
                         follow_redirects=True)
    assert "「予備エリア」を削除しました" in response.get_data(as_text=True)
    assert fresh(Area, spare.id) is None and actions("areas") == ["delete"]


PORTAL = Path(__file__).resolve().parent.parent / "portal"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}


def test_core_is_the_ground_and_the_staff_pages_share_it_not_a_feature():
    packages = {p.name for p in PORTAL.iterdir() if (p / "__init__.py").exists()} - {"core"}
    core = list((PORTAL / "core").glob("*.py"))
    assert len(core) > 10
    for path in core:
        features = {m for m in imported_modules(path) if m.split(".")[:2][-1] in packages and m.startswith("portal.")}
        assert not features, f"{path.name} imports {features}"
    for path in (PORTAL / "areas" / "manage.py", PORTAL / "committees" / "manage.py"):
        assert not {m for m in imported_modules(path) if m.startswith("portal.catalogue")}, path.name
    assert not any(m.startswith("portal.meetings") for path in (PORTAL / "areas").glob("*.py")
                   if path.name != "routes.py" for m in imported_modules(path))


def test_choosable_leaves_out_retired_rows_except_those_already_in_use(factory):
    from portal.core.timefmt import now_utc

    kept, retired, current = factory.venue(name_ja="旧会場"), factory.venue(name_ja="閉館"), factory.venue()
    kept.retired_at = retired.retired_at = now_utc()
    assert choosable([kept, retired, current]) == [current]
    assert choosable([kept, retired, current], keep={kept.id, None}) == [kept, current]


def recorded_actions() -> set[str]:
    """Every action string passed to record(…) or record_state(…) anywhere in the portal."""
    actions = {"retire", "restore", "delete"}  # record_state's, from portal.core.reference.STATE_ACTIONS
    for path in PORTAL.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "record" and node.args:
                actions |= {c.value for c in ast.walk(node.args[0])
                            if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    return actions


def test_staff_can_filter_the_audit_log_for_every_action_the_portal_records(client, auth, factory):
    assert {"view", "export", "invite_accepted", "retire"} <= recorded_actions()
    area = factory.area(name_ja="聖ヶ丘中学区", slug="hijirigaoka")
    meeting = factory.meeting(title_ja="名簿を開いた会議")
    auth.as_role(client, "admin")
    assert post_form(client, f"/admin/areas/{area.id}/retire", {}, page=f"/admin/areas/{area.id}").status_code == 302
    assert client.get(f"/admin/meetings/{meeting.id}/registrations").status_code == 200  # the roster: a "view"
    page = client.get("/admin/audit/").get_data(as_text=True)
    for action in recorded_actions():
        assert f'value="{action}"' in page, action
    viewed = client.get("/admin/audit/?action=view").get_data(as_text=True)
    assert "名簿を開いた会議" in viewed and "聖ヶ丘中学区" not in viewed
    fragment = client.get("/admin/audit/?action=retire", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "聖ヶ丘中学区" in fragment and "名簿を開いた会議" not in fragment and "<html" not in fragment
