"""Browser fixtures: the demo portal on a loopback port, and Debian's Chromium driven by Playwright."""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.axe import AXE, load_axe

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium tries to reach Google's services, which this network refuses.
CHROMIUM_ARGS = [
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


def pytest_collection_modifyitems(items):
    """Every test here drives Chromium: marked `browser`, so `-m "not browser"` (make test-quick) leaves it out."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def live_server(template_dbs, tmp_path_factory):
    """The portal with the demo data on 127.0.0.1 at a free port; stops at the end of the session."""
    from tests.helpers import PG_URL, clone_database, drop_database, make_app

    source, uploads = template_dbs["demo"]
    root = tmp_path_factory.mktemp("live")
    database = f"kyoso_live_{os.getpid()}" if PG_URL else root / "demo.db"
    clone_database(source, database)
    shutil.copytree(uploads, root / "uploads")
    app = make_app(database, root / "uploads")
    with app.app_context():
        _add_staff()
    with serve(app) as url:
        yield url
    drop_database(database)


@contextmanager
def serve(app):
    """The app on 127.0.0.1 at a free port in a thread, stopped (and its connections closed) on leaving."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # its public address, as a deployment sets it
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()


ADMIN_EMAIL = "kanri@city.example.jp"
ADMIN_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _add_staff():
    from portal.accounts.models import User, UserRole
    from portal.accounts.passwords import hash_password
    from portal.core.timefmt import now_utc
    from portal.extensions import db
    from tests.helpers import PASSWORD

    db.session.add(User(email=ADMIN_EMAIL, password_hash=hash_password(PASSWORD), display_name="管理 花子",
                        email_verified_at=now_utc(), totp_secret=ADMIN_TOTP, totp_enabled_at=now_utc(),
                        roles=[UserRole(role="admin"), UserRole(role="editor")]))
    db.session.commit()


def log_in_as_admin(page, live_server):
    """Through the real pages: email and password, then the authenticator code."""
    from datetime import datetime, timedelta

    import pyotp

    from tests.helpers import PASSWORD

    page.goto(live_server + "/account/login")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/account/login/verify")
    # The next time step: the server accepts one step of drift, and never the same code twice.
    page.fill("#code", pyotp.TOTP(ADMIN_TOTP).at(datetime.now() + timedelta(seconds=30)))
    page.get_by_role("button", name="次へ").click()
    page.wait_for_url("**/admin/")


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


@pytest.fixture(scope="session")
def admin_state(browser, live_server):
    """Cookies of one admin login, shared by the admin browser tests (one TOTP code per session)."""
    context, page = _page(browser)
    log_in_as_admin(page, live_server)
    state = context.storage_state()
    context.close()
    return state


def _page(browser, axe=False, **options):
    """A page in a new context (its own cookies); with `axe`, axe-core is in every page it opens."""
    if axe:
        options["bypass_csp"] = True  # the strict CSP would refuse the injected axe; the CSP has its own tests
    context = browser.new_context(locale="ja-JP", **options)
    if axe:
        load_axe(context)
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
def admin_page(browser, admin_state):
    context, page = _page(browser, axe=True, storage_state=admin_state)
    yield page
    context.close()


@pytest.fixture
def admin_nojs_page(browser, admin_state):
    context, page = _page(browser, storage_state=admin_state, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def axe_page(browser):
    context, page = _page(browser, axe=True)
    yield page
    context.close()
