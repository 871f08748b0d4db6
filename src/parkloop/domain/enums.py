"""Enumerations, each value carrying its Vietnamese and English label (defined once, here)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class LabelledEnum(StrEnum):
    """A string enum whose members carry a Vietnamese and an English label.

    Members are declared as ``NAME = ("value", "nhãn tiếng Việt", "English label")``.
    """

    _label_vi: str
    _label_en: str

    def __new__(cls, value: str, label_vi: str = "", label_en: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label_vi = label_vi or value
        member._label_en = label_en or value
        return member

    def label(self, lang: str = "en") -> str:
        return self._label_vi if lang == "vi" else self._label_en

    @classmethod
    def parse(cls, text: str) -> Self:
        """Accept the value or either label, case- and space-insensitive."""
        wanted = " ".join(str(text).split()).casefold()
        for member in cls:
            if wanted in (
                member.value.casefold(),
                member._label_vi.casefold(),
                member._label_en.casefold(),
            ):
                return member
        raise ValueError(text)

    @classmethod
    def values(cls) -> list[str]:
        return [m.value for m in cls]


class Direction(LabelledEnum):
    IN = ("in", "đầu vào", "input")
    OUT = ("out", "đầu ra", "output")


class Confidentiality(LabelledEnum):
    PRIVATE = ("private", "riêng tư", "private")
    PARK = ("park", "trong khu", "park")
    PUBLIC = ("public", "công khai", "public")


class RecpStatus(LabelledEnum):
    UNAWARE = ("unaware", "chưa biết", "unaware")
    AWARE = ("aware", "đã biết", "aware")
    APPLYING = ("applying", "đang áp dụng", "applying")


class OrgKind(LabelledEnum):
    """Who an organisation is. ``enterprise`` is a tenant firm; the others are partners."""

    ENTERPRISE = ("enterprise", "doanh nghiệp", "enterprise")
    MUNICIPALITY = ("municipality", "chính quyền địa phương", "municipality")
    UTILITY = ("utility", "đơn vị tiện ích", "utility")
    COLLECTOR = ("collector", "đơn vị thu gom", "collector")
    TREATER = ("treater", "đơn vị xử lý", "treater")
    FARM = ("farm", "trang trại", "farm")
    OTHER = ("other", "khác", "other")


class LandUseClass(LabelledEnum):
    INDUSTRIAL = ("industrial", "đất công nghiệp", "industrial")
    GREEN = ("green", "cây xanh", "green space")
    TRAFFIC = ("traffic", "giao thông", "traffic")
    SHARED_INFRASTRUCTURE = (
        "shared_infrastructure",
        "hạ tầng dùng chung",
        "shared infrastructure",
    )
    OTHER = ("other", "khác", "other")


class Frequency(LabelledEnum):
    CONTINUOUS = ("continuous", "liên tục", "continuous")
    DAILY = ("daily", "hằng ngày", "daily")
    WEEKLY = ("weekly", "hằng tuần", "weekly")
    MONTHLY = ("monthly", "hằng tháng", "monthly")
    SEASONAL = ("seasonal", "theo mùa", "seasonal")
    BATCH = ("batch", "theo lô", "batch")
    IRREGULAR = ("irregular", "không đều", "irregular")


class Destination(LabelledEnum):
    """Where an output goes today."""

    LANDFILL = ("landfill", "chôn lấp", "landfill")
    INCINERATION = ("incineration", "đốt", "incineration")
    LICENSED_COLLECTOR = ("licensed_collector", "đơn vị thu gom có phép", "licensed collector")
    TREATMENT = ("treatment", "xử lý", "treatment")
    DISCHARGED = ("discharged", "xả thải", "discharged")
    STORED = ("stored", "lưu kho", "stored")
    SOLD = ("sold", "bán", "sold")
    SOLD_LOW = ("sold_low", "bán giá thấp", "sold at a low price")
    EXCHANGED = ("exchanged", "trao đổi cộng sinh", "symbiosis exchange")
    REUSED_INTERNALLY = ("reused_internally", "tái sử dụng nội bộ", "reused internally")
    UNKNOWN = ("unknown", "chưa rõ", "unknown")


class ExchangeStatus(LabelledEnum):
    PROPOSED = ("proposed", "đề xuất", "proposed")
    NEGOTIATING = ("negotiating", "đang đàm phán", "negotiating")
    RUNNING = ("running", "đang vận hành", "running")
    STOPPED = ("stopped", "đã dừng", "stopped")
    PLANNED = ("planned", "theo kế hoạch tối ưu", "planned")


class ListingKind(LabelledEnum):
    OFFER = ("offer", "chào bán", "offer")
    WANT = ("want", "cần mua", "want")


class ListingStatus(LabelledEnum):
    OPEN = ("open", "mở", "open")
    CLOSED = ("closed", "đã đóng", "closed")


class TransportMode(LabelledEnum):
    TRUCK = ("truck", "xe tải", "truck")
    PIPE = ("pipe", "đường ống", "pipe")
    CONVEYOR = ("conveyor", "băng tải", "conveyor")
    GRID = ("grid", "lưới điện", "grid")
    SHIP = ("ship", "tàu", "ship")
    NONE = ("none", "không vận chuyển", "none")


class DataStatus(LabelledEnum):
    """How sure a number is; shipped beside the number."""

    MEASURED = ("measured", "đo đạc", "measured")
    REPORTED = ("reported", "doanh nghiệp báo cáo", "reported")
    SEED = ("seed", "theo tài liệu gốc", "seed document")
    READ = ("read", "đã đọc nguồn", "read")
    READ_SECONDARY = ("read_secondary", "đọc qua nguồn thứ cấp", "read (secondary)")
    DERIVED = ("derived", "tính toán", "derived")
    ESTIMATE = ("estimate", "ước tính", "estimate")
    RECALLED_UNVERIFIED = ("recalled_unverified", "chưa kiểm chứng", "unverified")
    SYNTHETIC = ("synthetic", "dữ liệu tổng hợp", "synthetic")


class MaterialClass(LabelledEnum):
    METAL = ("metal", "kim loại", "metal")
    MINERAL = ("mineral", "khoáng / xỉ / tro", "mineral, slag and ash")
    PLASTIC = ("plastic", "nhựa", "plastic")
    PAPER = ("paper", "giấy", "paper")
    WOOD = ("wood", "gỗ", "wood")
    ORGANIC = ("organic", "hữu cơ", "organic")
    OIL = ("oil", "dầu", "oil")
    SLUDGE = ("sludge", "bùn", "sludge")
    CHEMICAL = ("chemical", "hoá chất", "chemical")
    GAS = ("gas", "khí", "gas")
    FUEL = ("fuel", "nhiên liệu", "fuel")
    HEAT = ("heat", "nhiệt", "heat")
    STEAM = ("steam", "hơi nước", "steam")
    WATER = ("water", "nước", "water")
    ELECTRICITY = ("electricity", "điện", "electricity")
    CONSTRUCTION = ("construction", "vật liệu xây dựng", "construction material")
    HAZARDOUS = ("hazardous", "chất thải nguy hại", "hazardous waste")
    OTHER = ("other", "khác", "other")


DISPOSAL_DESTINATIONS = frozenset(
    {
        Destination.LANDFILL,
        Destination.INCINERATION,
        Destination.LICENSED_COLLECTOR,
        Destination.TREATMENT,
        Destination.DISCHARGED,
        Destination.STORED,
        Destination.UNKNOWN,
    }
)
ACTIVE_EXCHANGE_STATUSES = frozenset({ExchangeStatus.RUNNING})


class RecpCategory(LabelledEnum):
    ENERGY_EFFICIENCY = ("energy_efficiency", "hiệu quả năng lượng", "energy efficiency")
    RENEWABLE_ENERGY = ("renewable_energy", "năng lượng tái tạo", "renewable energy")
    WATER = ("water", "tiết kiệm nước", "water saving")
    MATERIALS = ("materials", "tiết kiệm nguyên liệu", "materials saving")
    CHEMICALS = ("chemicals", "giảm hoá chất", "chemicals reduction")
    WASTE = ("waste", "giảm chất thải", "waste reduction")
    FUEL_SWITCH = ("fuel_switch", "chuyển đổi nhiên liệu", "fuel switch")
    OTHER = ("other", "khác", "other")


ENUMS: dict[str, type[LabelledEnum]] = {
    cls.__name__: cls
    for cls in (
        Direction,
        Confidentiality,
        RecpStatus,
        OrgKind,
        LandUseClass,
        Frequency,
        Destination,
        ExchangeStatus,
        ListingKind,
        ListingStatus,
        TransportMode,
        DataStatus,
        MaterialClass,
        RecpCategory,
    )
}
