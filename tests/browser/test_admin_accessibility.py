"""Every admin and account page, in both languages, has no axe violations; admin flows work without JavaScript."""

import re

import pytest

from tests.browser.axe import describe, run_axe

ACCOUNT_PUBLIC = ["/account/login", "/account/signup", "/account/password/forgot", "/account/signup/check-email",
                  "/account/password/sent", "/account/verify/not-a-token"]
ACCOUNT_PRIVATE = ["/account/me", "/account/password", "/account/email", "/account/delete"]


@pytest.fixture(scope="module")
def admin_urls(template_dbs, tmp_path_factory):
    from tests.helpers import read_template
    from tests.test_admin_access import ADMIN, EDITOR, EVERYONE_STAFF, admin_urls, ids

    def read():
        import sqlalchemy as sa

        from portal.comments.models import Comment
        from portal.extensions import db

        values = ids(admin_id=1)
        urls = admin_urls(values, (EVERYONE_STAFF, EDITOR, ADMIN))
        urls += [f"/admin/meetings/{values['meeting']}/{page}" for page in ("registrations", "accommodations",
                                                                             "registrations/new")]
        comment = db.session.scalar(sa.select(Comment))
        base = f"/admin/consultations/{comment.consultation_id}"
        return urls + ["/admin/comments", f"{base}/comments", f"{base}/comments/{comment.id}",
                       f"{base}/comments/new", f"{base}/groups", f"{base}/sections", f"{base}/results"]

    urls = read_template(template_dbs, tmp_path_factory, read)
    # The admin of the live server is the only user there; the staff page of a user id is covered by /admin/staff.
    return [u for u in urls if not re.search(r"/admin/staff/\d", u)]


def test_account_pages_have_no_axe_violations(axe_page, live_server):
    failures = {}
    for prefix in ("", "/en"):
        for url in ACCOUNT_PUBLIC:
            axe_page.goto(live_server + prefix + url)
            if violations := run_axe(axe_page):
                failures[prefix + url] = describe(violations)
    assert not failures, "\n\n".join(f"{u}\n{t}" for u, t in failures.items())


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["ja", "en"])  # one test a language: they run side by side
def test_admin_pages_have_no_axe_violations(admin_page, live_server, admin_urls, prefix):
    axe_page = admin_page
    failures = {}
    for url in admin_urls + ACCOUNT_PRIVATE:
        axe_page.goto(live_server + prefix + url)
        if violations := run_axe(axe_page):
            failures[prefix + url] = describe(violations)
    # A form with errors: error summary, inline errors, aria-invalid.
    axe_page.goto(live_server + prefix + "/admin/meetings/new")
    axe_page.get_by_role("button", name="下書きとして保存" if prefix == "" else "Save as draft").click()
    axe_page.wait_for_selector("#error-summary")
    if violations := run_axe(axe_page):
        failures[prefix + "/admin/meetings/new (errors)"] = describe(violations)
    assert not failures, "\n\n".join(f"{u}\n{t}" for u, t in failures.items())


def test_an_editor_creates_and_publishes_a_meeting_without_javascript(admin_nojs_page, live_server):
    page = admin_nojs_page
    page.goto(live_server + "/admin/meetings/new")
    page.select_option("#kind", "briefing")
    page.fill("#title_ja", "ブラウザで作った説明会")
    page.fill("#starts_at", "2031-05-10T14:00")
    page.fill("#ends_at", "2031-05-10T15:30")
    page.fill("#capacity", "25")
    page.fill("#agenda_ja", "説明\n質疑応答")
    page.get_by_role("button", name="下書きとして保存").click()
    page.wait_for_url(re.compile(r"/admin/meetings/\d+$"))
    assert "会議を下書きとして保存しました" in page.locator("main").inner_text()
    page.get_by_role("button", name="公開する").click()
    assert "会議を公開しました" in page.locator("main").inner_text()
    page.get_by_role("link", name="公開ページを見る").click()
    assert page.locator("h1").inner_text() == "ブラウザで作った説明会"
    assert "令和13年(2031年)5月10日(土) 14:00〜15:30" in page.locator("main").inner_text()
    assert "質疑応答" in page.locator("main").inner_text()


def test_filtering_the_admin_meeting_list_without_javascript(admin_nojs_page, live_server):
    page = admin_nojs_page
    page.goto(live_server + "/admin/meetings/")
    page.select_option("#status", "cancelled")
    page.get_by_role("button", name="表示").click()
    page.wait_for_url(re.compile(r"status=cancelled"))
    rows = page.locator("#results tbody tr").all_inner_texts()
    assert rows and all("中止" in row for row in rows)


def test_a_moderator_accepts_a_comment_without_javascript(admin_nojs_page, live_server, admin_urls):
    page = admin_nojs_page
    page.goto(live_server + next(u for u in admin_urls if re.search(r"/comments/\d+$", u)))
    page.fill("#public_text", "若い世代が参加できるよう、夜や週末の会議を増やしてほしい。[一部削除]")
    page.get_by_role("button", name="この公表用の文章で受理").click()
    assert "ご意見を受理しました" in page.locator("main").inner_text()
    assert page.locator("#public_text").input_value().endswith("[一部削除]")
