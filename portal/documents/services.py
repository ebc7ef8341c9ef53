"""Documents: where their files live and who may download them."""

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import joinedload

from portal.committees.models import PublishStatus
from portal.documents.models import Document
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.meetings.services import VISIBLE


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
    if document.status != PublishStatus.PUBLISHED:
        return False
    if document.meeting is not None:
        return document.meeting.status in VISIBLE
    if document.committee is not None:
        return document.committee.status == PublishStatus.PUBLISHED
    if document.consultation is not None:
        return document.consultation.status == PublishStatus.PUBLISHED
    return False


def get_public_document_or_404(document_id: int) -> Document:
    query = sa.select(Document).where(Document.id == document_id).options(
        joinedload(Document.meeting), joinedload(Document.committee), joinedload(Document.consultation)
    )
    document = db.session.scalar(query)
    if document is None or not is_public(document) or not file_path(document).is_file():
        abort(404)
    return document


def latest_committee_materials(limit: int):
    """Newest public materials of committees and their meetings, for the home page."""
    # Committee meetings are few: their ids first, so only their documents are read, not every document.
    committee_meetings = sa.select(Meeting.id).where(Meeting.committee_id.is_not(None), Meeting.status.in_(VISIBLE))
    query = (
        sa.select(Document)
        .where(
            Document.status == PublishStatus.PUBLISHED,
            sa.or_(Document.meeting_id.in_(committee_meetings), Document.committee_id.is_not(None)),
        )
        .options(joinedload(Document.meeting), joinedload(Document.committee))
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(limit)
    )
    return db.session.scalars(query).unique().all()


def staff_documents(**parent) -> list[Document]:
    """All documents of one parent (drafts too), e.g. staff_documents(meeting_id=3)."""
    query = sa.select(Document).filter_by(**parent).order_by(Document.position, Document.id)
    return db.session.scalars(query).all()
