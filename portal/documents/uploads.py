"""Checking and storing an uploaded PDF: by its content, never by its name."""

import os
import unicodedata
from io import BytesIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from portal.documents import services


class UploadError(ValueError):
    pass


def safe_display_name(filename: str | None) -> str:
    """The uploader's file name, for display and download only; refused if it looks like a path."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise UploadError(_l("Choose a file to upload."))
    if "/" in name or "\\" in name or ".." in name or any(unicodedata.category(c) == "Cc" for c in name):
        raise UploadError(_l("The file name must not contain /, \\ or “..”. Rename the file and try again."))
    if len(name) > 200:
        raise UploadError(_l("The file name is too long. Use a name of at most 200 characters."))
    return name


def read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if not data:
        raise UploadError(_l("The file is empty."))
    if len(data) > limit:
        raise UploadError(_l("The file is larger than %(mb)s MB. Make it smaller and try again.",
                             mb=round(limit / 1024 / 1024, 1)))
    return data


def read_pdf(stream, limit: int | None = None) -> tuple[bytes, int]:
    """(content, page count) of an uploaded PDF, or UploadError saying what is wrong."""
    data = read_limited(stream, limit or current_app.config["UPLOAD_MAX_BYTES"])
    return data, pdf_pages(data)


def pdf_pages(data: bytes) -> int:
    if not data.lstrip()[:5] == b"%PDF-":
        raise UploadError(_l("This file is not a PDF. Upload a PDF file."))
    try:
        pages = len(PdfReader(BytesIO(data)).pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        raise UploadError(_l("The PDF could not be read. Save it again as PDF and try again.")) from None
    if pages < 1:
        raise UploadError(_l("The PDF has no pages."))
    return pages


def store(data: bytes) -> str:
    """Write under a random name; a temporary file renamed into place, so no half-written file is kept.

    A full or failing disk is an UploadError the form shows, not a server error: nothing was saved.
    """
    name = services.new_stored_name(".pdf")
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
