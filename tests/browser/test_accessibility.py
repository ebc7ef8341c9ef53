"""Every public page, in Japanese and English, passes axe-core's WCAG 2.x A/AA rules with no violation."""

import pytest

from tests.browser.conftest import AXE
from tests.pages import public_urls

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="module")
def urls(template_dbs, tmp_path_factory):
    from tests.conftest import read_template

    return read_template(template_dbs, tmp_path_factory, public_urls) + ["/no-such-page", "/meetings?month=abc"]


def run_axe(page) -> list[dict]:
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )


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
