"""Every public page, in Japanese and English, passes axe-core's WCAG 2.x A/AA rules with no violation."""

import pytest

from tests.browser.axe import describe, run_axe
from tests.pages import public_urls


@pytest.fixture(scope="module")
def urls(template_dbs, tmp_path_factory):
    from tests.helpers import read_template

    return read_template(template_dbs, tmp_path_factory, public_urls) + ["/no-such-page", "/meetings?month=abc"]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_public_pages_have_no_axe_violations(axe_page, live_server, urls, prefix):
    failures = {}
    for url in urls:
        axe_page.goto(live_server + prefix + url)
        violations = run_axe(axe_page)
        if violations:
            failures[prefix + url] = describe(violations)
    assert not failures, "\n\n".join(f"{url}\n{text}" for url, text in failures.items())


def test_filtered_results_after_an_htmx_swap_have_no_axe_violations(axe_page, live_server):
    axe_page.goto(live_server + "/en/meetings")
    with axe_page.expect_response(lambda r: "kind=forum" in r.url):
        axe_page.select_option("#kind", "forum")
    axe_page.wait_for_selector("#results-status:has-text('1 meeting found')")
    assert not describe(run_axe(axe_page))
