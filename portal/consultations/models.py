import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.areas.models import Venue
from portal.core import timefmt
from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import PublishStatus, TitledEnum
from portal.extensions import db


class Phase(TitledEnum):
    """Where a published consultation stands; follows from its dates and the results action."""

    UPCOMING = "upcoming", _l("Announced")  # 予告
    OPEN = "open", _l("Open for comments")  # 募集中
    REVIEWING = "reviewing", _l("Comments being reviewed")  # 集計中
    RESULTS = "results", _l("Results published")  # 結果公表


#: 行政手続法 第39条 sets 30 days as the norm for public comment periods; a shorter one needs a reason (第40条)
MIN_PERIOD_DAYS = 30


class Consultation(db.Model):
    """パブリックコメント: a draft plan open for comments."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[PublishStatus] = mapped_column(
        enum_type(PublishStatus, "status"), default=PublishStatus.DRAFT, index=True
    )
    title_ja: Mapped[str] = mapped_column(sa.String(255))
    title_en: Mapped[str | None] = mapped_column(sa.String(255))
    summary_ja: Mapped[str | None] = mapped_column(sa.Text)
    summary_en: Mapped[str | None] = mapped_column(sa.Text)
    department_ja: Mapped[str | None] = mapped_column(sa.String(160))
    department_en: Mapped[str | None] = mapped_column(sa.String(160))
    opens_at = mapped_column(UTCDateTime, nullable=False)
    #: the last moment a comment is accepted (end of the last day, Tokyo time)
    closes_at = mapped_column(UTCDateTime, nullable=False)
    #: who may comment (市内在住・在勤・在学, businesses, other interested parties)
    eligibility_ja: Mapped[str | None] = mapped_column(sa.Text)
    eligibility_en: Mapped[str | None] = mapped_column(sa.Text)
    #: postal address and fax number for paper comments
    postal_address_ja: Mapped[str | None] = mapped_column(sa.String(255))
    postal_address_en: Mapped[str | None] = mapped_column(sa.String(255))
    fax: Mapped[str | None] = mapped_column(sa.String(40))
    #: the city's rules for this consultation: a postal address is required (contact: email or phone always)
    require_address: Mapped[bool] = mapped_column(default=True)
    #: what changed from the draft to the final plan, published with the results
    changes_ja: Mapped[str | None] = mapped_column(sa.Text)
    changes_en: Mapped[str | None] = mapped_column(sa.Text)
    #: why the period is shorter than 30 days, when it is (行政手続法 第40条), shown on the public pages
    short_period_reason_ja: Mapped[str | None] = mapped_column(sa.Text)
    short_period_reason_en: Mapped[str | None] = mapped_column(sa.Text)
    results_published_at = mapped_column(UTCDateTime)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    places = relationship(
        "ConsultationPlace", order_by="ConsultationPlace.position", cascade="all, delete-orphan",
        back_populates="consultation",
    )
    documents = relationship(
        "Document",
        primaryjoin="and_(Document.consultation_id == Consultation.id, Document.is_shown)",
        order_by="Document.position",
        viewonly=True,
    )

    __table_args__ = (sa.CheckConstraint("closes_at > opens_at", name="closes_after_open"),)

    def phase_at(self, moment) -> Phase:
        if self.results_published_at is not None:
            return Phase.RESULTS
        if moment < self.opens_at:
            return Phase.UPCOMING
        if moment <= self.closes_at:
            return Phase.OPEN
        return Phase.REVIEWING

    @property
    def phase(self) -> Phase:
        return self.phase_at(timefmt.now_utc())

    @property
    def phase_title(self):
        return self.phase.label

    @property
    def period_days(self) -> int:
        return (self.closes_at - self.opens_at).days + 1

    @property
    def is_short_period(self) -> bool:
        return self.period_days < MIN_PERIOD_DAYS

    @property
    def is_public(self) -> bool:
        return self.status == PublishStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Consultation {self.id}>"


class ConsultationPlace(db.Model):
    """A place where the paper materials can be read and paper comments dropped off."""

    __tablename__ = "consultation_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venues.id"))
    #: e.g. the counter, the opening hours
    note_ja: Mapped[str | None] = mapped_column(sa.Text)
    note_en: Mapped[str | None] = mapped_column(sa.Text)
    #: a drop box for paper comments is there
    accepts_paper: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    consultation = relationship(Consultation, back_populates="places")
    venue: Mapped[Venue] = relationship()
