"""Public pages rendered once for everyone (core/fragments.py): kept under the data's version, personal parts
filled in for each visitor, never a change behind. The test config keeps a cache per app, as production does."""

import re
from datetime import timedelta

import sqlalchemy as sa

from portal.core import timefmt
from portal.extensions import db
from portal.meetings import services as meetings_services
from tests.helpers import count_queries, post_form, sibling_app

SHARED = ("/", "/meetings", "/en/meetings", "/areas", "/committees", "/consultations")


def test_a_shared_page_is_rendered_once_and_then_costs_one_query(client, factory):
    meeting = factory.meeting(title_ja="防災を考える会")
    for path in (*SHARED, f"/meetings/{meeting.id}", "/meetings?when=past"):
        first = client.get(path)
        with count_queries() as statements:
            again = client.get(path)
        assert again.status_code == 200 and again.data == first.data, path
        assert statements == ["SELECT version FROM data_version"], (path, statements)
    fragment = client.get("/meetings", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in fragment and "防災を考える会" in fragment  # the fragment is kept apart from the page


def test_switched_off_every_request_renders(app, tmp_path, factory):
    factory.meeting()
    fresh = sibling_app(app, tmp_path, FRAGMENT_CACHE_SECONDS=0)
    client = fresh.test_client()
    with fresh.app_context():
        client.get("/meetings")
        with count_queries() as statements:
            client.get("/meetings")
        assert len(statements) > 1
        db.engine.dispose()


def test_a_change_is_on_the_next_page_view(client, factory, auth):
    meeting = factory.meeting(title_ja="防災を考える会", capacity=10)
    assert "残り10席" in client.get("/meetings").get_data(as_text=True)
    meeting.title_ja = "防災を考える会(第2回)"
    db.session.commit()
    page = client.get("/meetings").get_data(as_text=True)
    assert "防災を考える会(第2回)" in page and "残り10席" in page
    post_form(client, f"/meetings/{meeting.id}/register", {  # a resident takes a seat through the form
        "name": "多摩 花子", "furigana": "たま はなこ", "email": "hanako@example.jp", "companions": "0", "step": "send"})
    assert "残り9席" in client.get("/meetings").get_data(as_text=True)  # the count on the list follows at once
    db.session.execute(sa.delete(type(meeting)).where(type(meeting).id == meeting.id))  # bulk SQL counts too
    db.session.commit()
    assert "防災を考える会" not in client.get("/meetings").get_data(as_text=True)


def test_a_change_rolled_back_or_private_keeps_the_version(client, factory):
    from portal.core.fragments import data_version

    meeting = factory.meeting()
    version = db.session.scalar(sa.select(data_version.c.version))
    meeting.title_ja = "取り消される題"
    db.session.flush()
    db.session.rollback()
    db.session.execute(sa.text("DELETE FROM audit_entries"))  # a log is not public content
    db.session.commit()
    assert db.session.scalar(sa.select(data_version.c.version)) == version
    meeting.title_ja = "本当の題"
    db.session.commit()
    assert db.session.scalar(sa.select(data_version.c.version)) == version + 1


def test_what_depends_on_the_clock_moves_with_it(client, factory, monkeypatch):
    soon = factory.meeting(days=0.5, title_ja="まもなく始まる会")
    assert "まもなく始まる会" in client.get("/meetings").get_data(as_text=True)
    later = timefmt.now_utc() + timedelta(days=1)
    monkeypatch.setattr(timefmt, "now_utc", lambda: later)
    monkeypatch.setattr(meetings_services, "now_utc", lambda: later)
    assert soon.title_ja not in client.get("/meetings").get_data(as_text=True)  # now a past meeting
    assert soon.title_ja in client.get("/meetings?when=past").get_data(as_text=True)


def test_each_visitor_gets_their_own_account_menu_and_messages(app, factory, auth):
    meeting = factory.meeting()
    path = f"/meetings/{meeting.id}"
    anonymous = app.test_client()
    assert "ログイン" in anonymous.get(path).get_data(as_text=True)  # rendered and kept for this visitor first

    hanako, taro = app.test_client(), app.test_client()
    auth.login(hanako, auth.create("hanako@example.jp", name="山田花子"))
    auth.login(taro, auth.create("taro@example.jp", name="山田太郎"))
    tokens = set()
    for visitor in (hanako, taro):
        page = visitor.get(path).get_data(as_text=True)
        assert "ログアウト" in page and "マイページ" in page and ">ログイン<" not in page
        assert "kyoso:personal" not in page
        tokens.add(re.search(r'name="csrf_token" value="([^"]+)"', page)[1])
    assert len(tokens) == 2  # each log-out form carries its own visitor's token

    staff = app.test_client()
    auth.as_role(staff, "editor", email="editor@city.example.jp")
    assert "管理画面" in staff.get(path).get_data(as_text=True)
    assert "管理画面" not in hanako.get(path).get_data(as_text=True)
    page = anonymous.get(path).get_data(as_text=True)
    assert "ログアウト" not in page and "ログイン" in page

    post_form(hanako, "/account/logout", {}, page=path)  # a flashed message on a kept page
    assert "ログアウトしました" in hanako.get("/").get_data(as_text=True) + hanako.get(path).get_data(as_text=True)


def test_a_missing_page_under_a_shared_view_is_a_plain_404(client):
    response = client.get("/meetings/999999")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "kyoso:personal" not in page and "ログイン" in page


def test_only_the_parameters_a_page_reads_make_a_kept_variant(client, factory):
    factory.meeting(title_ja="防災を考える会")
    for path, kept in (("/meetings?when=past&page=1", True), ("/meetings?utm_source=mail", False),
                       ("/areas?x=1", False)):
        first = client.get(path)
        with count_queries() as statements:
            again = client.get(path)
        assert again.status_code == 200 and again.data == first.data, path
        # junk is rendered each time, never stored (nor is the version even read for it)
        assert (statements == ["SELECT version FROM data_version"]) is kept, (path, statements)


def test_a_cache_server_that_is_down_costs_speed_not_the_page(client, factory, monkeypatch):
    from portal.extensions import cache

    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    factory.meeting(title_ja="防災を考える会")
    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = client.get("/meetings")
    assert response.status_code == 200 and "防災を考える会" in response.get_data(as_text=True)
