import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import PublishStatus, TitledEnum
from portal.extensions import db


class DocumentKind(TitledEnum):
    AGENDA = "agenda", _l("Agenda")  # 次第
    HANDOUT = "handout", _l("Handout")  # 資料
    MINUTES = "minutes", _l("Minutes")  # 会議録
    DRAFT = "draft", _l("Draft")  # 案
    REPORT = "report", _l("Report")  # 答申・報告


class ScanStatus(TitledEnum):
    """The virus check of an uploaded file: only a clean file is ever served or published."""

    PENDING = "pending", _l("Waiting for the virus check")
    CLEAN = "clean", _l("Checked, no virus found")
    INFECTED = "infected", _l("A virus was found; the file was deleted")


#: the relationships that may hold a document's parent (exactly one is set)
PARENTS = ("meeting", "committee", "consultation")


class Document(db.Model):
    """資料: a file attached to exactly one meeting, committee or consultation."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_type(DocumentKind, "kind"))
    status: Mapped[PublishStatus] = mapped_column(
        enum_type(PublishStatus, "status"), default=PublishStatus.DRAFT
    )
    title_ja: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str | None] = mapped_column(sa.String(255))
    #: a plain-text summary for people who cannot read the file
    summary_ja: Mapped[str | None] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    #: the language the file itself is written in
    language: Mapped[str] = mapped_column(sa.String(8), default="ja")
    #: the uploader's file name, for display and download only, never a path
    original_filename: Mapped[str] = mapped_column(sa.String(255))
    #: random name under the upload folder
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    mime_type: Mapped[str] = mapped_column(sa.String(120))
    size_bytes: Mapped[int] = mapped_column(default=0)
    page_count: Mapped[int | None]
    #: the virus check; files the portal wrote itself (the demo, before scanning existed) count as clean, an
    #: upload's state is always set by the intake (portal/documents/uploads.py)
    scan_status: Mapped[ScanStatus] = mapped_column(enum_type(ScanStatus, "scan_status"), default=ScanStatus.CLEAN,
                                                    server_default=ScanStatus.CLEAN.value)
    position: Mapped[int] = mapped_column(default=0)
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("committees.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    meeting = relationship("Meeting")
    committee = relationship("Committee")
    consultation = relationship("Consultation")

    __table_args__ = (
        sa.CheckConstraint(
            "(CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN committee_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN consultation_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_parent",
        ),
        sa.CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    )

    @hybrid_property
    def is_shown(self) -> bool:
        """Published, and its file found clean by the virus check: what residents may see in a list."""
        return self.status == PublishStatus.PUBLISHED and self.scan_status == ScanStatus.CLEAN

    @is_shown.inplace.expression
    @classmethod
    def _is_shown_expression(cls):
        return sa.and_(cls.status == PublishStatus.PUBLISHED, cls.scan_status == ScanStatus.CLEAN)

    @property
    def parent(self):
        """The meeting, committee or consultation this document belongs to."""
        return self.meeting or self.committee or self.consultation

    @property
    def parent_name(self) -> str:
        return next(name for name in PARENTS if getattr(self, f"{name}_id") is not None)

    @property
    def kind_title(self):
        return DocumentKind(self.kind).label

    @property
    def scan_title(self):
        return ScanStatus(self.scan_status).label

    @property
    def file_type(self) -> str:
        return {"application/pdf": "PDF"}.get(self.mime_type, self.mime_type.split("/")[-1].upper())

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind}>"
