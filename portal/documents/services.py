"""Documents: where their files live, who may download them, and the documents of one parent.

A document belongs to exactly one meeting, committee or consultation. This package never imports them: the
model names its parents by their mapped class names, and each parent answers `is_public` itself.
"""

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from portal.documents.models import PARENTS, Document
from portal.extensions import db


def upload_folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_stored_name(suffix: str = "") -> str:
    """A random file name: the uploader's name is never used as a path."""
    return secrets.token_hex(16) + suffix


def file_path(document: Document) -> Path:
    return upload_folder() / document.stored_name


def is_public(document: Document) -> bool:
    """Published, its file found clean by the virus check, its parent public."""
    parent = document.parent
    return document.is_shown and parent is not None and parent.is_public


def public_document(document_id: int) -> Document | None:
    """The document if residents may download it now (published, its parent public, its file present)."""
    query = sa.select(Document).where(Document.id == document_id).options(
        *(joinedload(getattr(Document, name)) for name in PARENTS)
    )
    document = db.session.scalar(query)
    if document is None or not is_public(document) or not file_path(document).is_file():
        return None
    return document


def staff_documents(**parent) -> list[Document]:
    """All documents of one parent (drafts too), e.g. staff_documents(meeting_id=3)."""
    query = sa.select(Document).filter_by(**parent).order_by(Document.position, Document.id)
    return db.session.scalars(query).all()


def published_documents(**parent) -> list[Document]:
    """The published documents of one parent whose files passed the virus check, in their order, e.g.
    published_documents(consultation_id=3)."""
    return [document for document in staff_documents(**parent) if document.is_shown]
