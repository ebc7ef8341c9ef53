"""Upload tricks: files that pretend to be something else, names that try to escape the folder, and a zip
bomb dressed as a Word file. Each is refused on the form, with what was typed kept and nothing stored."""

import io
import zipfile
from functools import cache

import pytest
import sqlalchemy as sa

from portal.demo.pdf import make_pdf
from portal.documents.models import Document
from portal.extensions import db
from tests.test_admin_content import DOC, stored_files, upload


@cache
def zip_bomb() -> bytes:
    """A 1 MB .docx-looking zip that inflates to 200 MB; made when a test first asks for it (it takes a
    second, which every test process paid at import before), at the fastest compression level."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    return buffer.getvalue()


PDF = make_pdf("資料", ["本文"])
TRICKS = {
    "html behind a pdf name": ("資料.pdf", b"<html><body><script>alert(1)</script></body></html>"),
    "pdf header then html": ("資料.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
    "html then a pdf (polyglot)": ("資料.pdf", b"<html><script>alert(1)</script></html>\n" + PDF),
    "gif+javascript polyglot": ("資料.pdf", b"GIF89a/*\x00\x00*/=alert(1)//"),
    "zip bomb as docx": ("資料.docx", zip_bomb),
    "zip bomb named pdf": ("資料.pdf", zip_bomb),
    "path traversal": ("../../../portal/__init__.pdf", PDF),
    "windows traversal": ("..\\..\\boot.pdf", PDF),
    "absolute path": ("/etc/passwd.pdf", PDF),
    "nul in the name": ("資料\x00.exe.pdf", PDF),
    "control characters": ("資料\r\nContent-Type: text/html.pdf", PDF),
}


@pytest.mark.parametrize("trick", list(TRICKS), ids=list(TRICKS))
def test_upload_tricks_are_refused_and_nothing_is_stored(app, client, auth, factory, trick):
    filename, content = TRICKS[trick]
    content = content() if callable(content) else content
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    response = upload(client, meeting.id, filename, content)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, trick
    assert f'value="{DOC["title_ja"]}"' in body  # the form again, as typed, with a message
    assert 'class="error-summary"' in body and 'class="field-error"' in body
    assert db.session.scalar(sa.select(sa.func.count(Document.id))) == 0
    assert stored_files(app) == []


def test_a_real_pdf_is_served_as_a_download_that_cannot_run_in_the_page(app, client, auth, factory):
    meeting = factory.meeting()
    auth.as_role(client, "editor")
    assert upload(client, meeting.id, "<script>.pdf".replace("<", "＜"), PDF).status_code == 302
    document = db.session.scalar(sa.select(Document))
    response = client.get(f"/documents/{document.id}")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Should a browser show it anyway, the file runs sandboxed: no script, no form, no same-origin access,
    # and never inside a frame.
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Frame-Options"] == "DENY"
