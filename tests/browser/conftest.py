"""Browser fixtures: the demo portal on a loopback port, and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def live_server(template_dbs, tmp_path_factory):
    """The portal with the demo data on 127.0.0.1 at a free port; stops at the end of the session."""
    from tests.conftest import _make_app

    source, uploads = template_dbs["demo"]
    root = tmp_path_factory.mktemp("live")
    shutil.copy(source, root / "demo.db")
    shutil.copytree(uploads, root / "uploads")
    app = _make_app(root / "demo.db", root / "uploads")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    if not AXE.exists():
        pytest.fail("node_modules/axe-core is missing: run `make setup`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(browser, **options):
    context = browser.new_context(locale="ja-JP", **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _page(browser)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser):
    context, page = _page(browser, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    # axe is injected by the test, which the strict CSP would refuse; the CSP is checked elsewhere.
    context, page = _page(browser, bypass_csp=True)
    yield page
    context.close()
