import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db_types import UTCDateTime, enum_type, utcnow
from portal.core.enums import TitledEnum
from portal.extensions import db


class DistrictType(TitledEnum):
    EXISTING = "existing", _l("Established district")  # 既存地区
    MIXED = "mixed", _l("Mixed established and New Town district")  # 既存・NT混合地区
    NEW_TOWN = "new_town", _l("New Town district")  # NT (多摩ニュータウン) 地区


class Area(db.Model):
    """エリア: a school-district area, the unit of local co-creation."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name_ja: Mapped[str] = mapped_column(sa.String(120))
    name_en: Mapped[str | None] = mapped_column(sa.String(120))
    district_type: Mapped[DistrictType] = mapped_column(enum_type(DistrictType, "district_type"))
    #: the addresses (町丁目) and schools the area covers, as residents read them
    covers_ja: Mapped[str | None] = mapped_column(sa.Text)
    covers_en: Mapped[str | None] = mapped_column(sa.Text)
    #: approximate population (約1万2千人); None where the city has not published one
    population: Mapped[int | None]
    #: one of the model areas (モデルエリア) where the programme was tried first
    is_model_area: Mapped[bool] = mapped_column(default=False)
    description_ja: Mapped[str | None] = mapped_column(sa.Text)
    description_en: Mapped[str | None] = mapped_column(sa.Text)
    position: Mapped[int] = mapped_column(default=0)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    #: when staff retired it: hidden from new choices and lists, kept for what already refers to it (never deleted)
    retired_at = mapped_column(UTCDateTime)

    @property
    def district_title(self):
        return DistrictType(self.district_type).label

    def __repr__(self) -> str:
        return f"<Area {self.slug}>"


class Venue(db.Model):
    """会場: where meetings take place, with what makes it accessible."""

    __tablename__ = "venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ja: Mapped[str] = mapped_column(sa.String(160), unique=True)
    name_en: Mapped[str | None] = mapped_column(sa.String(160))
    address_ja: Mapped[str | None] = mapped_column(sa.String(255))
    address_en: Mapped[str | None] = mapped_column(sa.String(255))
    #: how to get there (station, bus, walking time)
    access_ja: Mapped[str | None] = mapped_column(sa.Text)
    access_en: Mapped[str | None] = mapped_column(sa.Text)
    step_free: Mapped[bool] = mapped_column(default=False)
    accessible_toilet: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)
    nursing_room: Mapped[bool] = mapped_column(default=False)
    parking: Mapped[bool] = mapped_column(default=False)
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("areas.id"))
    area: Mapped[Area | None] = relationship()
    #: when staff retired it: hidden from new choices and lists, kept for what already refers to it (never deleted)
    retired_at = mapped_column(UTCDateTime)

    FEATURES = (
        ("step_free", _l("Step-free entrance")),
        ("accessible_toilet", _l("Accessible toilet")),
        ("hearing_loop", _l("Hearing loop")),
        ("nursing_room", _l("Nursing room")),
        ("parking", _l("Parking")),
    )

    @property
    def features(self):
        """(title, available) for each accessibility feature, so absence is said in words too."""
        return [(title, getattr(self, name)) for name, title in self.FEATURES]

    def __repr__(self) -> str:
        return f"<Venue {self.id} {self.name_ja}>"
