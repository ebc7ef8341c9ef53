import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import PublishStatus, TitledEnum
from portal.core.numerals import kanji_number
from portal.extensions import db


class MemberRole(TitledEnum):
    CHAIR = "chair", _l("Chair")  # 委員長
    VICE_CHAIR = "vice_chair", _l("Vice-chair")  # 副委員長
    MEMBER = "member", _l("Member")  # 委員


#: members are listed chair first, then vice-chair, then the others: the order the roles are defined in
ROLE_ORDER = {role: n for n, role in enumerate(MemberRole)}


class MemberCategory(TitledEnum):
    """Listed on the committee page in this order, one group each."""

    EXPERT = "expert", _l("Persons of learning and experience")  # 識見を有する者
    NOMINATED = "nominated", _l("Residents nominated by citywide organisations")  # 団体推薦
    PUBLIC = "public", _l("Residents chosen by open call")  # 公募市民


class Committee(db.Model):
    """審議会・委員会, e.g. 自治推進委員会."""

    __tablename__ = "committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    status: Mapped[PublishStatus] = mapped_column(
        enum_type(PublishStatus, "status"), default=PublishStatus.DRAFT
    )
    name_ja: Mapped[str] = mapped_column(sa.String(160))
    name_en: Mapped[str | None] = mapped_column(sa.String(160))
    purpose_ja: Mapped[str | None] = mapped_column(sa.Text)
    purpose_en: Mapped[str | None] = mapped_column(sa.Text)
    #: how often it meets, as published (2か月に1回)
    rhythm_ja: Mapped[str | None] = mapped_column(sa.String(200))
    rhythm_en: Mapped[str | None] = mapped_column(sa.String(200))
    #: public-observation (傍聴) rules
    observation_ja: Mapped[str | None] = mapped_column(sa.Text)
    observation_en: Mapped[str | None] = mapped_column(sa.Text)
    department_ja: Mapped[str | None] = mapped_column(sa.String(160))
    department_en: Mapped[str | None] = mapped_column(sa.String(160))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: when staff retired it: hidden from new choices and lists, kept for what already refers to it (never deleted)
    retired_at = mapped_column(UTCDateTime)

    terms = relationship(
        "CommitteeTerm", order_by="CommitteeTerm.number.desc()", back_populates="committee",
        cascade="all, delete-orphan",
    )
    meetings = relationship("Meeting", back_populates="committee")

    @property
    def is_public(self) -> bool:
        return self.status == PublishStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Committee {self.slug}>"


class CommitteeTerm(db.Model):
    """期: one term of a committee (第九期, two years) with its own members."""

    __tablename__ = "committee_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(sa.ForeignKey("committees.id", ondelete="CASCADE"))
    number: Mapped[int]
    starts_on: Mapped[sa.Date] = mapped_column(sa.Date)
    ends_on: Mapped[sa.Date] = mapped_column(sa.Date)
    #: what the city asked the committee to consider (諮問), and its outcome (答申)
    charge_ja: Mapped[str | None] = mapped_column(sa.Text)
    charge_en: Mapped[str | None] = mapped_column(sa.Text)

    committee = relationship(Committee, back_populates="terms")
    members = relationship(
        "CommitteeMember", order_by="CommitteeMember.position", back_populates="term",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.UniqueConstraint("committee_id", "number", name="uq_committee_terms_committee_number"),
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
    )

    @property
    def title_ja(self) -> str:
        return f"第{kanji_number(self.number)}期"

    @property
    def title_en(self) -> str:
        return _l("Term %(number)s", number=self.number)

    def __repr__(self) -> str:
        return f"<CommitteeTerm {self.committee_id}/{self.number}>"


class CommitteeMember(db.Model):
    """委員: a member for one term."""

    __tablename__ = "committee_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("committee_terms.id", ondelete="CASCADE"), index=True)
    name_ja: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    furigana: Mapped[str | None] = mapped_column(sa.String(120))
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, "role"), default=MemberRole.MEMBER)
    category: Mapped[MemberCategory] = mapped_column(enum_type(MemberCategory, "category"))
    affiliation_ja: Mapped[str | None] = mapped_column(sa.String(255))
    affiliation_en: Mapped[str | None] = mapped_column(sa.String(255))
    position: Mapped[int] = mapped_column(default=0)

    term = relationship(CommitteeTerm, back_populates="members")

    @property
    def role_title(self):
        return MemberRole(self.role).label

    @property
    def category_title(self):
        return MemberCategory(self.category).label

    def __repr__(self) -> str:
        return f"<CommitteeMember {self.id} {self.role}>"
