"""The meetings list: filters as a plain GET, the htmx fragment, pagination and hostile values."""

import pytest

from portal.core.timefmt import month_bounds, now_utc, to_tokyo


def titles(response) -> str:
    return response.get_data(as_text=True)


def test_filters_work_as_a_plain_get(client, factory):
    area = factory.area(slug="suwa", name_ja="諏訪中学区")
    sign = factory.accommodation("sign_language", name_ja="手話通訳")
    factory.meeting(title_ja="諏訪の会議", area=area, accommodations=[sign])
    factory.meeting(title_ja="全市のフォーラム", kind="forum")
    factory.meeting(title_ja="満席の会議", area=area, capacity=10, seats_taken=10)

    assert "全市のフォーラム" in titles(client.get("/meetings?kind=forum"))
    assert "諏訪の会議" not in titles(client.get("/meetings?kind=forum"))
    body = titles(client.get("/meetings?area=suwa"))
    assert "諏訪の会議" in body and "全市のフォーラム" not in body
    body = titles(client.get("/meetings?acc=sign_language"))
    assert "諏訪の会議" in body and "満席の会議" not in body
    body = titles(client.get("/meetings?area=suwa&seats=y"))
    assert "諏訪の会議" in body and "満席の会議" not in body
    assert "2件の会議・イベントがあります" in titles(client.get("/meetings?area=suwa"))


def test_month_filter_uses_tokyo_months(client, factory):
    # 23:30 JST on the last day of a month is still that month in Tokyo (14:30 UTC).
    later = to_tokyo(now_utc()).replace(day=1)
    year, month = (later.year + (later.month == 12), later.month % 12 + 1)
    _, end = month_bounds(year, month)
    from datetime import timedelta

    factory.meeting(title_ja="月末の夜の会議", starts_at=end - timedelta(minutes=30), ends_at=None)
    inside = titles(client.get(f"/meetings?month={year:04d}-{month:02d}"))
    next_month = month % 12 + 1
    outside = titles(client.get(f"/meetings?month={year + (month == 12):04d}-{next_month:02d}"))
    assert "月末の夜の会議" in inside and "月末の夜の会議" not in outside


def test_past_meetings_on_request_newest_first(client, factory):
    factory.meeting(title_ja="先月の会議", days=-30)
    factory.meeting(title_ja="先週の会議", days=-7)
    factory.meeting(title_ja="来週の会議", days=7)
    upcoming = titles(client.get("/meetings"))
    assert "来週の会議" in upcoming and "先週の会議" not in upcoming
    past = titles(client.get("/meetings?when=past"))
    assert "来週の会議" not in past and past.index("先週の会議") < past.index("先月の会議")


def test_htmx_request_gets_only_the_results_fragment(client, factory):
    factory.meeting(title_ja="htmxの会議", kind="forum")
    full = client.get("/meetings?kind=forum")
    fragment = client.get("/meetings?kind=forum", headers={"HX-Request": "true"})
    assert "<html" in titles(full) and "htmxの会議" in titles(full)
    body = titles(fragment)
    assert "<html" not in body and "<form" not in body and "htmxの会議" in body
    assert 'id="results-status"' in body and 'hx-swap-oob="true"' in body
    for response in (full, fragment):
        assert "HX-Request" in response.headers["Vary"]
    # A history restore after a cache miss needs the whole page.
    restore = client.get("/meetings", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in titles(restore)


def test_filter_form_is_wired_for_htmx_and_plain_get(client):
    body = titles(client.get("/meetings"))
    assert '<form class="filters" method="get" action="/meetings"' in body
    assert 'hx-get="/meetings" hx-target="#results" hx-push-url="true"' in body
    assert '<button type="submit"' in body


def test_pagination_keeps_filters(client, factory):
    with factory.batch():
        for n in range(12):
            factory.meeting(title_ja=f"連続会議{n:02d}", kind="seminar", days=1 + n)
    first = titles(client.get("/meetings?kind=seminar"))
    assert "連続会議00" in first and "連続会議11" not in first
    assert 'href="/meetings?kind=seminar&amp;page=2"' in first
    second = titles(client.get("/meetings?kind=seminar&page=2"))
    assert "連続会議11" in second and "連続会議00" not in second


@pytest.mark.parametrize("query", [
    "month=abc", "area=../../x", "kind=<script>alert(1)</script>", "acc=nothing", "when=later",
    "month=2025-13", "area=%00", "kind=forum&kind=briefing",
])
def test_malformed_filters_show_the_page_with_a_message(client, query):
    response = client.get(f"/meetings?{query}")
    assert response.status_code == 200
    body = titles(response)
    assert "<script>alert(1)</script>" not in body
    if query == "kind=forum&kind=briefing":  # a repeated filter: the first value counts, nothing to correct
        assert "入力内容を確認してください" not in body and "<title>エラー：" not in body
    else:
        assert "入力内容を確認してください" in body and "<title>エラー：" in body
        assert "：一覧の中から選んでください。" in body or "：表示されている選択肢から選んでください。" in body


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1e9", "2"])
def test_bad_or_out_of_range_page_numbers_answer_404(client, page):
    assert client.get(f"/meetings?page={page}").status_code == 404
