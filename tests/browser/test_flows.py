"""The main flows in a real browser, with JavaScript off and on."""

import re


def result_titles(page) -> list[str]:
    return page.locator("#results .card-title").all_inner_texts()


def test_filtering_meetings_without_javascript_is_a_plain_get(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/meetings")
    assert len(result_titles(page)) > 1
    page.select_option("#kind", "forum")
    page.get_by_role("button", name="この条件で表示").click()
    page.wait_for_url(re.compile(r"/meetings\?.*kind=forum"))
    assert result_titles(page) == ["条例20周年 協創フォーラム"]
    assert page.locator("#kind").input_value() == "forum"  # the form keeps the choice


def test_filtering_with_htmx_swaps_only_the_results_and_updates_the_url(page, live_server):
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(live_server + "/meetings")
    page.evaluate("document.querySelector('h1').dataset.marker = 'kept'")
    with page.expect_response(lambda r: "kind=forum" in r.url and r.request.headers.get("hx-request") == "true"):
        page.select_option("#kind", "forum")
    page.wait_for_selector("#results-status:has-text('1件')")
    assert result_titles(page) == ["条例20周年 協創フォーラム"]
    assert re.search(r"/meetings\?.*kind=forum", page.url)
    # Only the results were swapped: the rest of the page is the same DOM.
    assert page.evaluate("document.querySelector('h1').dataset.marker") == "kept"
    assert page.locator("#results-status").get_attribute("role") == "status"
    assert not errors, errors  # no CSP violation or script error


def test_pagination_links_work_without_javascript(nojs_page, live_server):
    nojs_page.goto(live_server + "/meetings?when=past")
    nojs_page.get_by_role("link", name="次のページ").click()
    nojs_page.wait_for_url(re.compile(r"page=2"))
    assert "2ページ目" in nojs_page.locator(".pagination").inner_text()


def test_language_switch_keeps_the_current_page(nojs_page, live_server):
    nojs_page.goto(live_server + "/committees/jichi-suishin")
    nojs_page.get_by_role("link", name="English").click()
    nojs_page.wait_for_url(live_server + "/en/committees/jichi-suishin")
    assert nojs_page.locator("html").get_attribute("lang") == "en"
    assert nojs_page.locator("h1").inner_text() == "Committee for the Promotion of Self-Government"


def test_skip_link_moves_focus_to_the_main_content(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "本文へ移動"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_meeting_page_prints_without_navigation_and_with_full_document_urls(page, live_server):
    page.goto(live_server + "/committees/jichi-suishin")
    page.emulate_media(media="print")
    for selector in (".main-nav", ".breadcrumbs", ".site-footer", ".skip-link"):
        assert page.eval_on_selector(selector, "e => getComputedStyle(e).display") == "none", selector
    after = page.eval_on_selector(".doc-link", "e => getComputedStyle(e, '::after').content")
    assert live_server + "/documents/" in after


def test_a_wrong_filter_value_moves_focus_to_the_error_summary(page, live_server):
    page.goto(live_server + "/meetings?month=abc")
    assert page.title().startswith("エラー：")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.get_by_role("link", name="月：一覧の中から選んでください。").click()
    assert page.evaluate("document.activeElement.id") == "month"
