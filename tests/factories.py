"""Small builders for test data, committed through the real models and constraints."""

from contextlib import contextmanager
from datetime import date, timedelta
from functools import cache
from itertools import count

import sqlalchemy as sa

from portal.areas.models import Area, DistrictType, Venue
from portal.committees.models import (
    Committee,
    CommitteeMember,
    CommitteeTerm,
    MemberCategory,
    MemberRole,
    PublishStatus,
)
from portal.consultations.models import Consultation
from portal.core.timefmt import now_utc, tokyo_today
from portal.demo.pdf import make_pdf
from portal.documents import services as documents
from portal.documents.models import Document, DocumentKind
from portal.extensions import db
from portal.meetings.models import Accommodation, Meeting, MeetingKind, MeetingStatus

_seq = count(1)


@cache
def shared_pdf() -> bytes:
    """One two-page PDF, made once per test process, stored as the file of every factory document."""
    return make_pdf("資料", ["テスト資料"], pages=2)


class Factory:
    _batched = False  # inside `batch()`

    def area(self, **values) -> Area:
        n = next(_seq)
        values = {"slug": f"area-{n}", "name_ja": f"エリア{n}", "name_en": f"Area {n}",
                  "district_type": DistrictType.EXISTING, **values}
        return self._add(Area(**values))

    def venue(self, **values) -> Venue:
        n = next(_seq)
        values = {"name_ja": f"会場{n}", "name_en": f"Venue {n}", "step_free": True, **values}
        return self._add(Venue(**values))

    def accommodation(self, code: str, **values) -> Accommodation:
        values = {"name_ja": code, "name_en": code, "lead_days": 7, "details_prompt_ja": None,
                  "details_prompt_en": None, **values}
        # The migration loads the standard catalogue: a test's kind of the same code takes that row over.
        existing = db.session.scalar(sa.select(Accommodation).filter_by(code=code))
        if existing is not None:
            for name, value in values.items():
                setattr(existing, name, value)
            return self._add(existing)
        return self._add(Accommodation(code=code, **values))

    def meeting(self, days: float = 10, **values) -> Meeting:
        n = next(_seq)
        start = now_utc() + timedelta(days=days)
        values = {
            "kind": MeetingKind.AREA_MEETING, "title_ja": f"会議{n}", "title_en": f"Meeting {n}",
            "status": MeetingStatus.PUBLISHED, "starts_at": start, "ends_at": start + timedelta(hours=2),
            **values,
        }
        return self._add(Meeting(**values))

    def committee(self, **values) -> Committee:
        n = next(_seq)
        values = {"slug": f"committee-{n}", "name_ja": f"委員会{n}", "name_en": f"Committee {n}",
                  "status": PublishStatus.PUBLISHED, **values}
        return self._add(Committee(**values))

    def term(self, committee: Committee, number: int = 1, start: date | None = None) -> CommitteeTerm:
        start = start or tokyo_today() - timedelta(days=300)
        return self._add(CommitteeTerm(committee=committee, number=number, starts_on=start,
                                       ends_on=start + timedelta(days=729)))

    def member(self, term: CommitteeTerm, **values) -> CommitteeMember:
        n = next(_seq)
        values = {"name_ja": f"委員{n}", "name_en": f"Member {n}", "role": MemberRole.MEMBER,
                  "category": MemberCategory.PUBLIC, **values}
        return self._add(CommitteeMember(term=term, **values))

    def consultation(self, opens_in: float = -5, days: float = 35, **values) -> Consultation:
        n = next(_seq)
        opens = now_utc() + timedelta(days=opens_in)
        values = {"title_ja": f"計画案{n}", "title_en": f"Draft plan {n}", "opens_at": opens,
                  "closes_at": opens + timedelta(days=days), "status": PublishStatus.PUBLISHED, **values}
        return self._add(Consultation(**values))

    def document(self, content: bytes | None = None, **values) -> Document:
        """A published handout with a stored file: by default the one shared two-page PDF (rendering a PDF per
        document was most of a data-heavy test's time); pass `content` when the file itself matters."""
        n = next(_seq)
        content = content if content is not None else shared_pdf()
        stored = documents.new_stored_name(".pdf")
        (documents.upload_folder() / stored).write_bytes(content)
        values = {
            "kind": DocumentKind.HANDOUT, "title_ja": f"資料{n}", "title_en": f"Handout {n}",
            "status": PublishStatus.PUBLISHED, "original_filename": f"資料{n}.pdf", "stored_name": stored,
            "mime_type": "application/pdf", "size_bytes": len(content), "page_count": 2, **values,
        }
        return self._add(Document(**values))

    @contextmanager
    def batch(self):
        """Inside the block rows are only flushed (they get their ids); one commit at the end. For tests that
        add many rows: a commit per row is most of their set-up time."""
        self._batched = True
        try:
            yield self
            db.session.commit()
        finally:
            self._batched = False

    def _add(self, obj):
        db.session.add(obj)
        if self._batched:
            db.session.flush()
        else:
            db.session.commit()
        return obj
