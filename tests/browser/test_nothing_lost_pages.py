"""The pages that give back what was typed (issue 10.13) pass axe in both languages: a form re-shown after an
expired token, a comment sent after the period closed, and the page that offers to send a post again."""

import pytest
import sqlalchemy as sa

from tests.browser.axe import describe, run_axe

POST = """([action, fields]) => {
  const form = document.createElement("form");
  form.method = "post"; form.action = action;
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement("input"); input.type = "hidden"; input.name = name; input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form); form.submit();
}"""


@pytest.fixture(scope="module")
def consultation_ids(template_dbs, tmp_path_factory):
    from portal.consultations.models import Consultation
    from portal.core.timefmt import now_utc
    from portal.extensions import db
    from tests.helpers import read_template

    def read():
        open_id = db.session.scalar(sa.select(Consultation.id).where(Consultation.opens_at <= now_utc(),
                                                                     Consultation.closes_at >= now_utc()))
        closed_id = db.session.scalar(sa.select(Consultation.id).where(Consultation.closes_at < now_utc()))
        return open_id, closed_id

    return read_template(template_dbs, tmp_path_factory, read)


@pytest.mark.parametrize("prefix,expect", [("", "もう一度送信してください"), ("/en", "send it again")])
def test_pages_that_keep_what_was_typed_pass_axe(axe_page, live_server, consultation_ids, prefix, expect):
    open_id, closed_id = consultation_ids
    text = "夜の開催を増やしてください。" * 20
    failures = {}
    cases = {
        "re-shown form": (f"{prefix}/consultations/{open_id}/comment", {"csrf_token": "expired", "text": text}),
        "closed": (f"{prefix}/consultations/{closed_id}/comment", {"text": text, "name": "多摩 花子"}),
        "send again": (f"{prefix}/account/logout", {"note": text}),
    }
    for name, (action, fields) in cases.items():
        axe_page.goto(live_server + prefix + "/consultations")
        with axe_page.expect_navigation():
            axe_page.evaluate(POST, [live_server + action, fields])
        body = axe_page.content()
        assert text in body, name
        assert expect in body or name == "closed", name
        if violations := run_axe(axe_page):
            failures[name] = describe(violations)
    assert not failures, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
