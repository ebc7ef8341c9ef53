"""Foreign residents can register: no kana reading needed for a Latin name or on /en, international phones."""

import pytest

from tests.test_registrations import register, registrations


def register_in(client, meeting, lang="", **values):
    from tests.helpers import post_form
    from tests.test_registrations import GUEST

    url = f"{lang}/meetings/{meeting.id}/register"
    return post_form(client, url, {**GUEST, "step": "send", **values})


def test_a_latin_name_needs_no_furigana_on_the_japanese_form(client, factory):
    meeting = factory.meeting(capacity=10)
    response = register(client, meeting, name="Nguyễn Văn An", furigana="", email="an@example.jp")
    assert response.status_code == 302
    assert registrations()[0].name == "Nguyễn Văn An" and registrations()[0].furigana is None


def test_on_the_english_form_the_reading_is_optional(client, factory):
    meeting = factory.meeting(capacity=10)
    form = client.get(f"/en/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "Reading of your name in kana (optional)" in form
    response = register_in(client, meeting, "/en", name="山田 Emily", furigana="", email="emily@example.jp")
    assert response.status_code == 302 and registrations()[0].furigana is None


def test_a_kanji_name_without_furigana_is_asked_for_it_and_keeps_the_input(client, factory):
    meeting = factory.meeting(capacity=10)
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "ふりがな" in form and "ローマ字(アルファベット)で書く場合は不要です" in form
    response = register(client, meeting, furigana="", phone="090-1234-5678")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>エラー：" in body
    assert "お名前のふりがなを入力してください。お名前をローマ字" in body
    assert 'value="多摩 花子"' in body and 'value="090-1234-5678"' in body and registrations() == []


@pytest.mark.parametrize("typed,stored", [
    ("+44 20 7946 0958", "+44-20-7946-0958"),
    ("＋８４ ９０ １２３ ４５６７", "+84-90-123-4567"),  # full width, as a Japanese keyboard types it
    ("０９０−１２３４−５６７８", "090-1234-5678"),
])
def test_japanese_and_international_phone_numbers_are_accepted(client, factory, typed, stored):
    meeting = factory.meeting(capacity=10)
    response = register_in(client, meeting, "/en", name="Emily Brown", furigana="", phone=typed)
    assert response.status_code == 302 and registrations()[0].phone == stored


@pytest.mark.parametrize("lang,typed,message", [
    ("", "call me", "海外の番号は + から始めて"),
    ("", "+12 34", "海外の番号は + から始めて"),  # too short for an international number
    ("/en", "+1234567890123456", "an international number starting with +"),  # 16 digits
    ("/en", "12345", "an international number starting with +"),
])
def test_a_garbage_phone_number_gets_a_clear_message(client, factory, lang, typed, message):
    meeting = factory.meeting(capacity=10)
    response = register_in(client, meeting, lang, name="Emily Brown", phone=typed)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and message in body and registrations() == []


@pytest.mark.parametrize("lang", ["", "/en"])
def test_a_reading_in_letters_is_still_refused(client, factory, lang):
    meeting = factory.meeting(capacity=10)
    response = register_in(client, meeting, lang, name="Emily Brown", furigana="Emily")
    assert response.status_code == 200 and registrations() == []
    assert ("ひらがなかカタカナ" if not lang else "hiragana or katakana") in response.get_data(as_text=True)


def test_a_retired_kind_is_not_offered_but_an_old_registration_still_shows_it(client, factory):
    from portal.core.timefmt import now_utc
    from portal.extensions import db
    from portal.registrations.services import token_for

    loop = factory.accommodation("hearing_loop", name_ja="ヒアリングループ")
    sign = factory.accommodation("sign_language", name_ja="手話通訳")
    meeting = factory.meeting(capacity=10, accommodations=[loop, sign])
    register(client, meeting, **{f"acc_{loop.id}": "y", "consent": "y"})
    loop.retired_at = now_utc()
    db.session.commit()
    form = client.get(f"/meetings/{meeting.id}/register").get_data(as_text=True)
    assert "手話通訳" in form and "ヒアリングループ" not in form
    page = client.get(f"/registrations/{token_for(registrations()[0])}").get_data(as_text=True)
    assert "ヒアリングループ" in page
