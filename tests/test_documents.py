"""Document downloads: correct type, attachment with the Japanese name, nosniff, and access rules."""

from urllib.parse import quote

import pytest
from pypdf import PdfReader

from portal.meetings.models import MeetingStatus


def test_download_has_type_disposition_and_nosniff(client, factory):
    meeting = factory.meeting()
    document = factory.document(meeting_id=meeting.id, original_filename="第1回 資料.pdf")
    response = client.get(f"/documents/{document.id}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote("第1回 資料.pdf") in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    from io import BytesIO

    assert len(PdfReader(BytesIO(response.data)).pages) == 2


@pytest.mark.parametrize("case", ["draft document", "draft meeting", "draft committee", "draft consultation",
                                  "file missing"])
def test_documents_of_unpublished_things_are_not_downloadable(client, factory, case):
    if case == "draft document":
        document = factory.document(meeting_id=factory.meeting().id, status="draft")
    elif case == "draft meeting":
        document = factory.document(meeting_id=factory.meeting(status=MeetingStatus.DRAFT).id)
    elif case == "draft committee":
        document = factory.document(committee_id=factory.committee(status="draft").id)
    elif case == "draft consultation":
        document = factory.document(consultation_id=factory.consultation(status="draft").id)
    else:
        from portal.documents import services

        document = factory.document(meeting_id=factory.meeting().id)
        services.file_path(document).unlink()
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_document_of_a_cancelled_meeting_stays_downloadable(client, factory):
    document = factory.document(meeting_id=factory.meeting(status=MeetingStatus.CANCELLED).id)
    assert client.get(f"/documents/{document.id}").status_code == 200


def test_a_document_belongs_to_exactly_one_parent(app, factory):
    import sqlalchemy as sa

    from portal.extensions import db

    with pytest.raises(sa.exc.IntegrityError):
        factory.document(meeting_id=factory.meeting().id, committee_id=factory.committee().id)
    db.session.rollback()
    with pytest.raises(sa.exc.IntegrityError):
        factory.document()
    db.session.rollback()
