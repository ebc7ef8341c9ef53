"""The one upload intake: an uploaded file is checked by its content (never by its name), stored under a
random name with the extension of its real type, and described by a StoredFile; or refused with an
UploadError that says what is wrong, and nothing is kept."""

import os
import unicodedata
from dataclasses import dataclass
from io import BytesIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.documents import services

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
#: what staff publish as documents
PDF_ONLY = (PDF,)
#: what a resident may attach to a comment, or a moderator scan of a paper comment
PDF_OR_IMAGE = (PDF, PNG, JPEG)
#: the stored file's extension follows the detected type, whatever the uploader named it
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
IMAGE_SIGNATURES = {PNG: b"\x89PNG\r\n\x1a\n", JPEG: b"\xff\xd8\xff"}


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class StoredFile:
    """The facts of a file the intake has stored."""

    stored_name: str  # random, under the upload folder
    filename: str  # the uploader's name, for display and download only
    mime_type: str
    size_bytes: int
    page_count: int | None = None  # PDFs only


def chosen(file_storage) -> bool:
    """Whether a file was chosen in an optional file field."""
    return bool(getattr(file_storage, "filename", ""))


def intake(file_storage, kinds: tuple[str, ...] = PDF_ONLY, limit: int | None = None) -> StoredFile:
    """Check and store an uploaded file of one of `kinds`, at most `limit` bytes (UPLOAD_MAX_BYTES if None)."""
    filename = _safe_display_name(getattr(file_storage, "filename", None))
    data = _read_limited(file_storage.stream, limit or current_app.config["UPLOAD_MAX_BYTES"])
    mime_type, pages = _detect(data, kinds)
    return StoredFile(_store(data, EXTENSIONS[mime_type]), filename, mime_type, len(data), pages)


def _detect(data: bytes, kinds: tuple[str, ...]) -> tuple[str, int | None]:
    """(type, page count) decided by the content.

    A PDF-only upload says what is wrong with the PDF; where images are accepted too, the message names
    the accepted types instead (PDF_OR_IMAGE is the only such set).
    """
    for mime_type, signature in IMAGE_SIGNATURES.items():
        if mime_type in kinds and data.startswith(signature):
            return mime_type, None
    try:
        return PDF, _pdf_pages(data)
    except UploadError:
        if kinds == PDF_ONLY:
            raise
        raise UploadError(_l("Attach a PDF, PNG or JPEG file.")) from None


def _safe_display_name(filename: str | None) -> str:
    """The uploader's file name, for display and download only; refused if it looks like a path."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise UploadError(_l("Choose a file to upload."))
    if "/" in name or "\\" in name or ".." in name or any(unicodedata.category(c) == "Cc" for c in name):
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


def _pdf_pages(data: bytes) -> int:
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadError(_l("This file is not a PDF. Upload a PDF file."))
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise UploadError(_l("The PDF could not be read. Save it again as PDF and try again.")) from None
    if pages < 1:
        raise UploadError(_l("The PDF has no pages."))
    return pages


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
