"""The staff side of documents: add an uploaded file to its parent, describe it, delete it, audited. Services
flush; views commit."""

from pathlib import Path

import sqlalchemy as sa

from portal.audit.services import pending_changes, record, snapshot
from portal.documents import scanning
from portal.documents.models import Document, ScanStatus
from portal.documents.services import file_path
from portal.documents.uploads import StoredFile
from portal.extensions import db


def add(parent: dict, stored: StoredFile, values: dict) -> Document:
    """A new document of one parent (e.g. {"meeting_id": 3}) for a file the intake stored, audited as an upload."""
    document = Document(original_filename=stored.filename, stored_name=stored.stored_name, mime_type=stored.mime_type,
                        size_bytes=stored.size_bytes, page_count=stored.page_count, scan_status=stored.scan_status,
                        **parent, **values)
    db.session.add(document)
    record("upload", document)
    return document


def update(document: Document, values: dict) -> None:
    """Describe the document anew, audited ("publish" when this change publishes it)."""
    for name, value in values.items():
        setattr(document, name, value)
    published = "status" in pending_changes(document) and document.status == "published"
    record("publish" if published else "update", document)


def delete(document: Document) -> Path:
    """Delete the document's row, audited; the path of its file, which the view removes after the commit."""
    path = file_path(document)
    record("delete", document, snapshot(document))
    db.session.delete(document)
    db.session.flush()
    return path


def scan_pending() -> dict[str, int]:
    """The virus check of every document waiting for it (`flask scan-uploads`); an infected file is deleted and
    audited. Returns {"clean": n, "infected": n, "pending": n}."""
    pending = db.session.scalars(sa.select(Document).where(Document.scan_status == ScanStatus.PENDING)).all()
    counts = scanning.scan_rows(pending, file_path, _mark,
                                lambda document, virus: record("virus_found", document, {"virus": [virus, None]}))
    db.session.flush()
    return counts


def _mark(document: Document, status: ScanStatus) -> None:
    document.scan_status = status
