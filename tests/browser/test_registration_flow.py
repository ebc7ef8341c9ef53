"""Registering in a real browser with JavaScript off, with axe on every step, in both languages."""

import re

import pytest
import sqlalchemy as sa

from tests.browser.axe import describe, load_axe, run_axe


@pytest.fixture(scope="module")
def forum_id(template_dbs, tmp_path_factory):
    from portal.extensions import db
    from portal.meetings.models import Meeting
    from tests.helpers import read_template

    return read_template(template_dbs, tmp_path_factory, lambda: db.session.scalar(sa.select(Meeting.id).where(Meeting.kind == "forum")))


@pytest.mark.parametrize("prefix,labels", [
    ("", {"check": "入力内容の確認", "send": "この内容で申し込む", "cancel": "申込みを取り消す"}),
    ("/en", {"check": "Check your answers", "send": "Send my registration", "cancel": "Cancel my registration"}),
])
def test_register_confirm_view_and_cancel_without_javascript(browser, live_server, forum_id, prefix, labels):
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    page = context.new_page()
    scripted = browser.new_context(bypass_csp=True)
    load_axe(scripted)
    view = scripted.new_page()
    failures = {}

    def check(step):
        # axe needs script: run it in a second, scripted page on the same URL with the same cookies.
        scripted.clear_cookies()
        scripted.add_cookies(context.cookies())
        view.goto(page.url)
        if step == "confirm":  # the answer to a POST: same origin, then the same HTML, so its CSS loads
            view.set_content(page.content())
        if violations := run_axe(view):
            failures[step] = describe(violations)

    page.goto(f"{live_server}{prefix}/meetings/{forum_id}/register")
    check("form")
    page.fill("#name", "多摩 花子")
    page.fill("#furigana", "たま はなこ")
    page.fill("#email", f"hanako{prefix.strip('/')}@example.jp")
    page.fill("#companions", "1")
    page.get_by_label(re.compile("手話通訳|Sign-language")).check()
    page.get_by_label(re.compile("同意します|I agree")).check()
    page.get_by_role("button", name=labels["check"]).click()
    assert "タマ ハナコ" in page.locator("main").inner_text()
    check("confirm")
    page.get_by_role("button", name=labels["send"]).click()
    page.wait_for_url(re.compile(r"/registrations/[^/]+$"))
    assert re.search("メールでの確認待ち|Waiting for your email confirmation", page.locator("main").inner_text())
    check("registration")
    page.get_by_role("link", name=labels["cancel"]).click()
    check("cancel")
    page.get_by_role("button").filter(has_text=re.compile("取り消す|cancel", re.I)).click()
    assert re.search("取消済み|Registration cancelled", page.locator(".status").inner_text())
    context.close()
    scripted.close()
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
