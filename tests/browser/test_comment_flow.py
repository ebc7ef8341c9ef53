"""Sending a public comment in a real browser with JavaScript off; axe on every step, in both languages."""

import re

import pytest
import sqlalchemy as sa

from tests.browser.axe import describe, load_axe, run_axe


@pytest.fixture(scope="module")
def open_consultation(template_dbs, tmp_path_factory):
    from portal.consultations.models import Consultation
    from portal.extensions import db
    from tests.helpers import read_template

    return read_template(template_dbs, tmp_path_factory, lambda: db.session.scalar(sa.select(Consultation.id).where(Consultation.title_ja == "多摩市協働指針(改定案)")))


@pytest.mark.parametrize("prefix,labels", [
    ("", {"check": "入力内容の確認", "send": "この内容で意見を送る", "resident": "市内在住"}),
    ("/en", {"check": "Check your answers", "send": "Send my comment", "resident": "I live in the city"}),
])
def test_comment_form_confirm_receipt_without_javascript(browser, live_server, open_consultation, prefix, labels):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    scripted = browser.new_context(bypass_csp=True)
    load_axe(scripted)
    view = scripted.new_page()
    failures = {}

    def check(step):
        scripted.clear_cookies()
        scripted.add_cookies(context.cookies())
        view.goto(page.url)
        if step == "confirm":
            view.set_content(page.content())
        if violations := run_axe(view):
            failures[step] = describe(violations)

    page.goto(f"{live_server}{prefix}/consultations/{open_consultation}/comment")
    check("form")
    page.fill("#text", "<script>alert(1)</script> 夜の開催を増やしてください。")
    page.fill("#name", "多摩 花子")
    page.fill("#address", "多摩市関戸6-12-1")
    page.fill("#email", f"hanako{prefix.strip('/')}@example.jp")
    page.get_by_label(labels["resident"]).check()
    page.get_by_role("button", name=labels["check"]).click()
    assert "<script>alert(1)</script>" in page.locator(".comment-text").inner_text()  # shown as text
    check("confirm")
    page.get_by_role("button", name=labels["send"]).click()
    page.wait_for_url(re.compile(r"/comment/receipt/[A-Z2-9]{4}-[A-Z2-9]{4}$"))
    assert re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}", page.locator(".receipt-number").inner_text())
    check("receipt")
    context.close()
    scripted.close()
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
