"""Pure domain types. No I/O: the store maps rows to these and back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from parkloop.domain.enums import (
    Confidentiality,
    DataStatus,
    Destination,
    Direction,
    ExchangeStatus,
    Frequency,
    LandUseClass,
    ListingKind,
    ListingStatus,
    MaterialClass,
    OrgKind,
    RecpCategory,
    RecpStatus,
    TransportMode,
)


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"not a location: lat={self.lat}, lon={self.lon}")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A quantity in a canonical unit, with what the user typed kept beside it."""

    value: float
    unit: str
    entered_value: float | None = None
    entered_unit: str | None = None


@dataclass(slots=True, kw_only=True)
class LandUse:
    land_class: LandUseClass
    area_ha: float
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""


@dataclass(slots=True, kw_only=True)
class Park:
    code: str
    name_vi: str
    name_en: str = ""
    country: str = "VN"
    province: str = ""
    region: str = ""
    location: Location | None = None
    boundary_geojson: str | None = None
    total_area_ha: float | None = None
    land_use: list[LandUse] = field(default_factory=list)
    wwtp_capacity_m3_per_day: float | None = None
    operator: str = ""
    established_year: int | None = None
    notes: str = ""
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    id: int | None = None

    def land_share(self, classes: set[LandUseClass]) -> float | None:
        """Share (0-1) of the park's total area in the given land-use classes."""
        total = self.total_area_ha or sum(lu.area_ha for lu in self.land_use)
        if not total:
            return None
        return sum(lu.area_ha for lu in self.land_use if lu.land_class in classes) / total


@dataclass(slots=True, kw_only=True)
class Organisation:
    """Anything that can own flows and take part in exchanges."""

    park_code: str
    code: str
    name_vi: str
    name_en: str = ""
    kind: OrgKind = OrgKind.ENTERPRISE
    location: Location | None = None
    inside_park: bool = True
    notes: str = ""
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    id: int | None = None
    park_id: int | None = None

    @property
    def name(self) -> str:
        return self.name_vi or self.name_en

    def display_name(self, lang: str = "vi") -> str:
        if lang == "en":
            return self.name_en or self.name_vi
        return self.name_vi or self.name_en


@dataclass(slots=True, kw_only=True)
class Enterprise(Organisation):
    """A tenant firm of a park."""

    tax_code: str = ""
    vsic: str = ""
    employees: int | None = None
    certifications: list[str] = field(default_factory=list)
    recp_status: RecpStatus = RecpStatus.UNAWARE
    clubs: list[str] = field(default_factory=list)
    plans_symbiosis: bool = False


@dataclass(slots=True, kw_only=True)
class Partner(Organisation):
    """A non-firm partner: municipality, utility, collector, treater, farm."""

    kind: OrgKind = OrgKind.OTHER


@dataclass(frozen=True, slots=True, kw_only=True)
class Material:
    code: str
    name_vi: str
    name_en: str
    material_class: MaterialClass
    canonical_unit: str
    hazardous: bool = False
    parent: str = ""
    vn_waste_code: str = ""
    ewc_code: str = ""
    hs_code: str = ""
    aliases: tuple[str, ...] = ()
    status: DataStatus = DataStatus.ESTIMATE
    source: str = ""

    @property
    def is_hazardous(self) -> bool:
        """Hazardous waste: marked so, or of the hazardous class."""
        return self.hazardous or self.material_class is MaterialClass.HAZARDOUS


@dataclass(slots=True, kw_only=True)
class Period:
    """A reporting period: a year, a half year, a quarter or a month."""

    year: int
    months: int = 12
    first_month: int = 1

    @property
    def label(self) -> str:
        if self.months == 12:
            return f"{self.year}"
        if self.months == 6:
            return f"{self.year}-H{(self.first_month - 1) // 6 + 1}"
        if self.months == 3:
            return f"{self.year}-Q{(self.first_month - 1) // 3 + 1}"
        return f"{self.year}-{self.first_month:02d}"

    @property
    def days(self) -> float:
        return 365.0 * self.months / 12.0

    @property
    def per_year(self) -> float:
        """How many such periods make a year."""
        return 12.0 / self.months


@dataclass(frozen=True, slots=True)
class StaffWords:
    """What staff wrote for a coded value, and how parkloop read it."""

    text: str = ""
    confidence: float | None = None
    basis: str = ""
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PriceOrigin:
    """Whether a price is the staff's own (``reported``) or filled (``estimate``), and from
    what."""

    status: str = ""
    source: str = ""

    @property
    def filled(self) -> bool:
        return self.status == "estimate"


@dataclass(slots=True, kw_only=True)
class Flow:
    """One input or output of one organisation in one period."""

    park_code: str
    org_code: str
    key: str
    period: Period
    direction: Direction
    material_code: str
    quantity: Quantity
    description: str = ""
    waste_code: str = ""
    frequency: Frequency = Frequency.CONTINUOUS
    quality: str = ""
    price_vnd_per_unit: float | None = None
    destination: Destination | None = None
    confidentiality: Confidentiality = Confidentiality.PARK
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    note: str = ""
    material_words: StaffWords = StaffWords()
    destination_text: str = ""
    price_origin: PriceOrigin = PriceOrigin()
    id: int | None = None

    @property
    def annual_quantity(self) -> float:
        return self.quantity.value * self.period.per_year


@dataclass(slots=True, kw_only=True)
class Listing:
    """An explicit offer (supply) or want (demand) on the marketplace."""

    park_code: str
    org_code: str
    key: str
    kind: ListingKind
    material_code: str
    quantity: Quantity  # per year
    description: str = ""
    waste_code: str = ""
    available_from: date | None = None
    available_until: date | None = None
    quality: str = ""
    price_vnd_per_unit: float | None = None
    max_distance_km: float | None = None
    confidentiality: Confidentiality = Confidentiality.PARK
    status: ListingStatus = ListingStatus.OPEN
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    note: str = ""
    material_words: StaffWords = StaffWords()
    price_origin: PriceOrigin = PriceOrigin()
    id: int | None = None


def Offer(**kwargs: object) -> Listing:
    return Listing(kind=ListingKind.OFFER, **kwargs)  # type: ignore[arg-type]


def Want(**kwargs: object) -> Listing:
    return Listing(kind=ListingKind.WANT, **kwargs)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True, kw_only=True)
class Transport:
    """How an exchange travels: the seeds' rate per t·km, truck size and trips per day."""

    mode: TransportMode = TransportMode.TRUCK
    rate_vnd_per_tkm: float | None = None
    tonnes_per_trip: float | None = None
    trips_per_day: float | None = None
    operating_days_per_year: float = 365.0

    def cost_vnd_per_day(self, distance_km: float) -> float | None:
        if None in (self.rate_vnd_per_tkm, self.tonnes_per_trip, self.trips_per_day):
            return None
        assert self.rate_vnd_per_tkm is not None
        assert self.tonnes_per_trip is not None
        assert self.trips_per_day is not None
        return self.rate_vnd_per_tkm * self.tonnes_per_trip * self.trips_per_day * distance_km


@dataclass(slots=True, kw_only=True)
class Exchange:
    park_code: str
    key: str
    supplier_code: str
    receiver_code: str
    material_code: str
    quantity: Quantity  # per year
    distance_km: float | None = None
    transport: Transport = field(default_factory=Transport)
    status: ExchangeStatus = ExchangeStatus.PROPOSED
    start_date: date | None = None
    end_date: date | None = None
    description: str = ""
    price_vnd_per_unit: float | None = None
    treatment: str = ""
    treatment_cost_vnd_per_unit: float | None = None
    receiver_material_code: str = ""
    supplier_park_code: str = ""
    receiver_park_code: str = ""
    route: str = ""
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    note: str = ""
    id: int | None = None


@dataclass(slots=True, kw_only=True)
class RecpMeasure:
    """A resource-efficiency and cleaner-production solution inside one firm."""

    park_code: str
    org_code: str
    key: str
    year: int
    title: str
    org_name: str = ""  # the enterprise's name, as the registry keeps it
    category: RecpCategory = RecpCategory.ENERGY_EFFICIENCY
    implemented: bool = True
    electricity_saved_mwh: float = 0.0
    fuel_saved_gj: float = 0.0
    fuel_type: str = ""  # a code of catalog/data/fuels.csv; blank when not given
    fuel_text: str = ""  # the staff's words it was read from
    water_saved_m3: float = 0.0
    materials_saved_t: float = 0.0
    chemicals_saved_t: float = 0.0
    cost_saved_vnd: float = 0.0
    investment_vnd: float = 0.0
    data_status: DataStatus = DataStatus.REPORTED
    source: str = ""
    note: str = ""
    id: int | None = None


@dataclass(slots=True, kw_only=True)
class Match:
    """A proposed pairing of one supply with one demand, with why and what it is worth."""

    park_code: str
    supply_kind: str
    supply_id: int
    demand_kind: str
    demand_id: int
    supplier_code: str
    supplier_park_code: str
    receiver_code: str
    receiver_park_code: str
    material_code: str
    receiver_material_code: str
    rule_id: str
    channel: str
    quantity: float
    unit: str
    distance_km: float
    score: float
    rank: int
    net_benefit_vnd_per_year: float
    co2e_t_per_year: float
    accounting: dict[str, object] = field(default_factory=dict)
    status: str = "proposed"
    fingerprint: str = ""
    supplier_name: str = ""
    receiver_name: str = ""
    supplier_id: int = 0
    receiver_id: int = 0
    supplier_park_id: int = 0
    receiver_park_id: int = 0
    supply_private: bool = False
    demand_private: bool = False
    supply_level: int = 1  # confidentiality of each side's record: 0 public, 1 park, 2 private
    demand_level: int = 1
    supply_quality: str = ""
    # How well it fits (0-1) and the factors that make it: fit, sector, quality, quantity,
    # distance, and the notes (``confirm-receiver``, ``confirm-supplier``, ``warn``...).
    fit: dict[str, object] = field(default_factory=dict)
    id: int | None = None
