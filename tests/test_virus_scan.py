"""The virus check against a real ClamAV daemon (issue 12.5): clamd started by the test in the foreground, its
socket in a temporary folder, its database one body signature for the EICAR test string made at test time with
sigtool (no signature download: this machine has no internet access). Skipped loudly without clamd, except on
CI (CI=true), where .ci/run installs it and a skip would hide a broken check."""

import os
import shutil
import subprocess  # nosec B404: the test starts ClamAV's own daemon
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.commands import scan_uploads
from portal.comments.models import Comment
from portal.demo.pdf import make_pdf
from portal.documents.models import Document
from portal.extensions import db
from tests.security.test_file_safety import EICAR, eicar_pdf, send_with_attachment
from tests.test_admin_content import stored_files, upload

CLAMD = "/usr/sbin/clamd"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def clamd_socket(tmp_path_factory):
    """A clamd of the test's own, stopped at the end of the session; its socket path."""
    sigtool = shutil.which("sigtool") or "/usr/bin/sigtool"
    if not (os.path.exists(CLAMD) and os.path.exists(sigtool)):
        message = f"ClamAV is not installed ({CLAMD}, sigtool): the virus-check tests did not run"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("clamd")
    database = root / "db"
    database.mkdir()
    hexed = subprocess.run([sigtool, "--hex-dump"], input=EICAR, capture_output=True, check=True).stdout
    (database / "portal.ndb").write_text(f"Eicar-Test-Signature-Portal:0:*:{hexed.decode().strip()}\n")
    socket = root / "clamd.sock"
    config = root / "clamd.conf"
    config.write_text(f"LocalSocket {socket}\nDatabaseDirectory {database}\nForeground yes\n"
                      f"LogFile {root / 'clamd.log'}\nPidFile {root / 'clamd.pid'}\n")
    process = subprocess.Popen([CLAMD, "--foreground", "-c", str(config)],  # nosec B603: fixed arguments
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not socket.exists():
            if process.poll() is not None:
                pytest.fail(f"clamd stopped: {process.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail("clamd did not open its socket within 60 s")
            time.sleep(0.1)  # polling for the socket, not timing anything
        yield str(socket)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def clamd_app(app, clamd_socket):
    app.config.update(VIRUS_SCANNER=None, CLAMD_SOCKET=clamd_socket)
    return app


def test_clamd_refuses_the_eicar_string_in_a_comment_attachment(clamd_app, factory):
    body, comment = send_with_attachment(clamd_app.test_client(), factory.consultation(), eicar_pdf())
    assert comment is None and "A virus was found in this file" in body
    assert stored_files(clamd_app) == []


def test_clamd_refuses_the_eicar_string_in_a_staff_document(clamd_app, client, auth, factory):
    auth.as_role(client, "editor")
    response = upload(client, factory.meeting().id, "資料.pdf", eicar_pdf())
    assert response.status_code == 200 and db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(clamd_app) == []


def test_clamd_passes_a_clean_pdf_as_attachment_and_document(clamd_app, client, auth, factory):
    _, comment = send_with_attachment(clamd_app.test_client(), factory.consultation(), make_pdf("意見", ["添付"]))
    assert comment.attachment_scan == "clean"
    auth.as_role(client, "editor")
    assert upload(client, factory.meeting().id, "資料.pdf", make_pdf("資料", ["本文"])).status_code == 302
    document = db.session.scalar(sa.select(Document))
    assert document.scan_status == "clean" and client.get(f"/documents/{document.id}").status_code == 200


def test_files_quarantined_while_clamd_was_away_are_scanned_when_it_is_back(clamd_app, factory):
    clamd_app.config["CLAMD_SOCKET"] = str(Path(clamd_app.config["CLAMD_SOCKET"]).with_name("not-there.sock"))
    consultation = factory.consultation()
    _, clean = send_with_attachment(clamd_app.test_client(), consultation, make_pdf("意見", ["添付"]))
    _, infected = send_with_attachment(clamd_app.test_client(), consultation, eicar_pdf())
    assert clean.attachment_scan == infected.attachment_scan == "pending"
    assert clamd_app.test_cli_runner().invoke(scan_uploads).exit_code == 1  # still away: still waiting
    clamd_app.config["CLAMD_SOCKET"] = str(Path(clamd_app.config["CLAMD_SOCKET"]).with_name("clamd.sock"))
    result = clamd_app.test_cli_runner().invoke(scan_uploads)
    assert result.exit_code == 0 and "comment attachments: 1 clean, 1 infected" in result.output
    db.session.expire_all()
    assert db.session.get(Comment, clean.id).attachment_scan == "clean"
    assert db.session.get(Comment, infected.id).attachment_scan == "infected"
