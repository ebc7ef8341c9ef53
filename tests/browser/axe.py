"""axe-core in the browser tests: loaded into a context's pages, run with the WCAG 2.x A/AA rules."""

from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: the violations, or null on a page without axe
RUN = ("tags => typeof axe === 'undefined' ? null"
       " : axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}).then(r => r.violations)")


@cache
def axe_source() -> str:
    return AXE.read_text()


def load_axe(context) -> None:
    """Every page of `context` gets axe before its own scripts: the 550 KB script crosses to Chromium once per
    context instead of once per page. Make the context with bypass_csp=True: the strict CSP would refuse the
    script (the CSP has its own tests)."""
    context.add_init_script(path=str(AXE))


def run_axe(page) -> list[dict]:
    violations = page.evaluate(RUN, WCAG_TAGS)
    if violations is None:  # a page whose context did not load axe, or whose document was replaced
        page.evaluate(axe_source())
        violations = page.evaluate(RUN, WCAG_TAGS)
    return violations


def describe(violations) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in violations
    )
