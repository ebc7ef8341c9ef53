"""The one upload intake: an uploaded file is checked by its content (never by its name), stored under a
random name with the extension of its real type, and described by a StoredFile; or refused with an
UploadError that says what is wrong, and nothing is kept.

The checks, cheapest first: the display name (cleaned of control, bidi and zero-width characters), the size,
the real type; a PDF with active content (scripts, automatic actions other than showing a page, launch, links to
anything but web pages and e-mail, embedded files, XFA forms) is refused, not stripped (a stripped file would not be the one the person sent); an image's dimensions are read from its
header before anything is decoded; then the virus check (portal/documents/scanning.py). An infected file is
refused and never written; a file no scanner could check is stored in quarantine (scan state "pending").
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, TypeVar

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal.core.normalize import clean_name
from portal.documents import scanning, services
from portal.documents.models import ScanStatus

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

# pypdf and Pillow are imported in the functions that read a file: with the cryptography package it loads, pypdf
# is about 15 MB in every worker, and only uploads need it.

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
#: what staff publish as documents
PDF_ONLY = (PDF,)
#: what a resident may attach to a comment, or a moderator scan of a paper comment
PDF_OR_IMAGE = (PDF, PNG, JPEG)
#: the stored file's extension follows the detected type, whatever the uploader named it
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
IMAGE_SIGNATURES = {PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}
#: the largest image accepted: a phone photo is 12–50 megapixels, a scanned A4 page at 600 dpi 35
MAX_IMAGE_SIDE, MAX_IMAGE_PIXELS = 10_000, 40_000_000
#: PDF names that make a reader run, open or submit something wherever they are (/AA: actions run by themselves)
ACTIVE_PDF_NAMES = frozenset({"JavaScript", "JS", "Launch", "AA", "EmbeddedFile", "EmbeddedFiles", "RichMedia",
                              "XFA", "SubmitForm", "ImportData", "GoToE", "Sound", "Movie", "Rendition"})
#: the only URI schemes a link may use (a file:, smb: or javascript: link leaks or runs something when clicked)
SAFE_URI_SCHEMES = frozenset({"http", "https", "mailto"})
_URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
T = TypeVar("T")
#: a PDF name token (its "#xx" escapes decoded later) and the start of what follows it
_PDF_NAME = re.compile(rb"/([^\s()<>\[\]{}/%]+)\s*(<<|\[)?")
_PDF_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.S)
#: at most this many PDF objects are followed for the active-content check (a real document has thousands)
MAX_PDF_OBJECTS = 200_000


class UploadError(ValueError):
    pass


class InfectedUpload(UploadError):
    """The virus check found something: the file was not stored."""

    def __init__(self, message, virus: str, filename: str):
        super().__init__(message)
        self.virus, self.filename = virus, filename


@dataclass(frozen=True)
class StoredFile:
    """The facts of a file the intake has stored."""

    stored_name: str  # random, under the upload folder
    filename: str  # the uploader's name, for display and download only
    mime_type: str
    size_bytes: int
    page_count: int | None = None  # PDFs only
    #: "pending" when no virus scanner could look at it: the file waits in quarantine
    scan_status: ScanStatus = ScanStatus.PENDING


def chosen(file_storage) -> bool:
    """Whether a file was chosen in an optional file field."""
    return bool(getattr(file_storage, "filename", ""))


def intake(file_storage, kinds: tuple[str, ...] = PDF_ONLY, limit: int | None = None) -> StoredFile:
    """Check and store an uploaded file of one of `kinds`, at most `limit` bytes (UPLOAD_MAX_BYTES if None)."""
    filename = _safe_display_name(getattr(file_storage, "filename", None))
    data = _read_limited(file_storage.stream, limit or current_app.config["UPLOAD_MAX_BYTES"])
    mime_type, pages = _detect(data, kinds)
    if mime_type == PDF:
        _refuse_active_pdf(data)
    else:
        _check_image_size(data)
    status, virus = scanning.scan(data)
    if status == ScanStatus.INFECTED:
        _record_virus(virus, filename)
        raise InfectedUpload(_l("A virus was found in this file, so it was not accepted and has been deleted. "
                                "Check your computer with antivirus software and send a clean file."),
                             virus, filename)
    return StoredFile(_store(data, EXTENSIONS[mime_type]), filename, mime_type, len(data), pages, status)


def _detect(data: bytes, kinds: tuple[str, ...]) -> tuple[str, int | None]:
    """(type, page count) decided by the content.

    A file that says it is a PDF is told what is wrong with it (active content, unreadable); any other file,
    where images are accepted too, is told the accepted types (PDF_OR_IMAGE is the only such set).
    """
    for mime_type, signature in IMAGE_SIGNATURES.items():
        if mime_type in kinds and data.startswith(signature):
            return mime_type, None
    try:
        return PDF, _pdf_pages(data)
    except UploadError:
        if kinds == PDF_ONLY or b"%PDF-" in data[:1024]:  # readers accept the header anywhere in the first 1 KB
            raise
        raise UploadError(_l("Attach a PDF, PNG or JPEG file.")) from None


def _safe_display_name(filename: str | None) -> str:
    """The uploader's file name, for display and download only: bidi overrides and zero-width characters removed
    ("invoice\u202efdp.exe" is shown as "invoicefdp.exe"); refused if it looks like a path or holds controls."""
    if any(unicodedata.category(c) == "Cc" for c in filename or ""):
        raise UploadError(_l("The file name must not contain control characters such as line breaks or tabs. "
                             "Rename the file and try again."))
    name = clean_name(filename)
    if not name:
        raise UploadError(_l("Choose a file to upload."))
    if "/" in name or "\\" in name or ".." in name:
        raise UploadError(_l("The file name must not contain /, \\ or “..”. Rename the file and try again."))
    if len(name) > 200:
        raise UploadError(_l("The file name is too long. Use a name of at most 200 characters."))
    return name


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > limit:
        raise UploadError(_l("The file is larger than %(mb)s MB. Make it smaller and try again.",
                             mb=round(limit / 1024 / 1024, 1)))
    return data


def _read_pdf(data: bytes, read: Callable[[PdfReader], T]) -> T:
    """`read(reader)` of the PDF in `data`; whatever goes wrong while pypdf parses it is the "could not be read"
    UploadError the form shows.

    The broad except is deliberate: pypdf is a third-party parser reading hostile input, and it parses lazily
    (while `read` walks the objects), so a damaged or crafted file raises its own errors (PyPdfError, such as
    LimitReachedError) and plain Python ones (AttributeError, RecursionError, …) from deep inside. None of them
    may become a server error, and no narrower list has held up against a fuzzer.
    """
    from pypdf import PdfReader

    try:
        return read(PdfReader(BytesIO(data)))
    except UploadError:
        raise
    except Exception as error:  # deliberately broad: see above
        current_app.logger.info("PDF refused as unreadable: %s: %s", type(error).__name__, error)
        raise UploadError(_l("The PDF could not be read. Save it again as PDF and try again.")) from None


def _pdf_pages(data: bytes) -> int:
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadError(_l("This file is not a PDF. Upload a PDF file."))
    pages = _read_pdf(data, lambda reader: len(reader.pages))
    if pages < 1:
        raise UploadError(_l("The PDF has no pages."))
    return pages


def _record_virus(virus: str, filename: str) -> None:
    """A security event: logged, and in the audit log once the view commits (InfectedUpload says it should)."""
    from portal.audit.services import ANONYMOUS, record
    from portal.core.access import ACTOR
    from portal.extensions import db

    current_app.logger.warning("upload refused: virus %s found in %r", virus, filename)
    record("virus_found", object_type="upload", label=filename, changes={"virus": [virus, None]},
           actor=None if db.session.info.get(ACTOR) is not None else ANONYMOUS)


def _refuse_active_pdf(data: bytes) -> None:
    """Refuse a PDF that can run, launch, embed or submit something, found in its raw syntax (names written with
    "#xx" escapes too, such as /J#61vaScript) or in its objects as pypdf reads them (compressed object streams)."""
    if _active_raw(data) or _active_objects(data):
        raise UploadError(_l("This PDF contains active content (scripts, automatic actions, embedded files or "
                             "interactive forms), which the portal does not accept. Save or print it again as a "
                             "plain PDF and try again."))


def _pdf_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _active_raw(data: bytes) -> bool:
    """Names outside stream data (stream bytes are compressed or page content, where such names mean nothing)."""
    for match in _PDF_NAME.finditer(_PDF_STREAM.sub(b"stream endstream", data)):
        name = _pdf_name(match.group(1))
        if name in ACTIVE_PDF_NAMES or (name == "OpenAction" and match.group(2) == b"<<"):
            return True
    return False


def _active_objects(data: bytes) -> bool:
    return _read_pdf(data, _has_active_object)


def _has_active_object(reader: PdfReader) -> bool:
    """Every dictionary reachable from the trailer, resolved as a PDF reader would."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    todo, seen = [reader.trailer], set()
    while todo:
        obj = todo.pop()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                return True
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if _active_dictionary(obj):
                return True
            todo.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            todo.extend(obj)
    return False


def _resolved(obj):
    from pypdf.generic import IndirectObject

    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _active_dictionary(obj: DictionaryObject) -> bool:
    from pypdf.generic import DictionaryObject, NameObject

    if any(str(key)[1:] in ACTIVE_PDF_NAMES for key in obj.keys()):
        return True
    kind = obj.get("/S")
    if isinstance(kind, NameObject) and str(kind)[1:] in ACTIVE_PDF_NAMES:
        return True
    uri = _resolved(obj.get("/URI"))  # a link's target, or in the catalog the base of relative links
    if kind == "/URI" and not _safe_uri(uri):
        return True
    if isinstance(uri, DictionaryObject) and "/Base" in uri and not _safe_uri(_resolved(uri["/Base"])):
        return True
    return "/OpenAction" in obj and not _shows_a_page(_resolved(obj["/OpenAction"]))


def _shows_a_page(action) -> bool:
    """Whether an open action only shows a page, as office programs write it: a destination, or a GoTo with no
    /Next (or none at all). Anything else runs by itself when the file is opened: a chained /Next, or a GoToR,
    GoToE, URI, Launch, ImportData, SubmitForm, Thread, Sound, Movie, Rendition … that fetches, opens or sends
    something (a remote file on \\\\host\\share leaks the reader's Windows password hash)."""
    from pypdf.generic import ArrayObject, DictionaryObject, NullObject

    if action is None or isinstance(action, ArrayObject | NullObject):
        return True
    return isinstance(action, DictionaryObject) and action.get("/S") == "/GoTo" and "/Next" not in action


def _safe_uri(uri) -> bool:
    """An http, https or mailto link. A relative one is not: without a base it resolves against the file's own
    location, often file: or a network share."""
    if isinstance(uri, bytes):
        uri = uri.decode("latin-1")
    if not isinstance(uri, str):
        return False
    uri = "".join(c for c in uri if c > " ")  # readers drop controls and spaces before looking at the scheme
    match = _URI_SCHEME.match(uri)
    return match is not None and match.group(1).lower() in SAFE_URI_SCHEMES


def _check_image_size(data: bytes) -> None:
    """Width and height from the image's header, before any pixel is decoded (a tiny PNG can declare 4 billion)."""
    too_large = UploadError(_l("The image is too large: at most %(side)s pixels a side and %(mp)s megapixels. "
                               "Make it smaller and try again.", side=f"{MAX_IMAGE_SIDE:,}",
                               mp=MAX_IMAGE_PIXELS // 1_000_000))
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS  # Pillow refuses to decode anything larger, wherever it is opened
    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            if max(width, height) > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
    except UploadError:
        raise
    except Image.DecompressionBombError:
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise UploadError(_l("The image could not be read. Save it again as PNG or JPEG and try again.")) from None


def _store(data: bytes, suffix: str) -> str:
    """Write under a random name; a temporary file renamed into place, so no half-written file is kept.

    A full or failing disk is an UploadError the form shows, not a server error: nothing was saved.
    """
    name = services.new_stored_name(suffix)
    folder = services.upload_folder()
    temporary = folder / f".{name}.part"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, folder / name)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        current_app.logger.error("upload not stored in %s: %s", folder, error)
        raise UploadError(_l("The file could not be saved because the server has no room for it right now. "
                             "Nothing was saved. Please try again later; if it happens again, tell the "
                             "city office.")) from None
    return name
