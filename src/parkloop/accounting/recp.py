"""Resource-efficiency and cleaner-production (RECP) measures inside firms, accounted the
way the UNIDO/SECO eco-industrial-park pilots report them: firms, MWh of electricity, m³
of water, TJ of fuel and t of chemicals saved, t CO2e avoided and VND saved a year.

CO2e avoided = electricity saved × the grid factor of the measure's year + fuel saved
(TJ) × the combustion factor of its fuel (CO2, and CH4 and N2O as CO2e). The CO2 of a
biogenic fuel (biomass, biogas) is reported beside the figure, not in it. Fuel saved
without a fuel type adds no CO2e, and the result says how much that is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from parkloop.catalog.fuels import GJ_PER_TJ, Fuel
from parkloop.catalog.loader import Factor
from parkloop.formats import number

METHOD = {
    "en": (
        "CO2e avoided = electricity saved × the Vietnamese grid emission factor of the "
        "measure's year + fuel saved (TJ) × the combustion factor of its fuel (IPCC 2006 "
        "defaults for manufacturing industries: CO2, plus CH4 × 27 and N2O × 273 as CO2e); "
        "biogenic CO2 of biomass and biogas is reported apart, not counted; fuel saved with no "
        "fuel type adds nothing. Savings are those the firms report for implemented measures; "
        "payback = investment ÷ money saved a year"
    ),
    "vi": (
        "CO2e giảm = điện tiết kiệm × hệ số phát thải lưới điện Việt Nam của năm thực hiện + "
        "nhiên liệu tiết kiệm (TJ) × hệ số phát thải khi đốt loại nhiên liệu đó (giá trị mặc "
        "định IPCC 2006 cho công nghiệp chế biến: CO2, cộng CH4 × 27 và N2O × 273 quy đổi "
        "CO2e); CO2 sinh học của sinh khối và biogas được báo cáo riêng, không cộng vào; nhiên "
        "liệu tiết kiệm không ghi loại không được tính. Mức tiết kiệm theo doanh nghiệp báo cáo "
        "cho các giải pháp đã thực hiện; thời gian hoàn vốn = vốn đầu tư ÷ chi phí tiết kiệm "
        "mỗi năm"
    ),
}

SAVINGS = (
    "electricity_saved_mwh",
    "fuel_saved_tj",
    "water_saved_m3",
    "materials_saved_t",
    "chemicals_saved_t",
    "cost_saved_vnd",
    "investment_vnd",
    "co2e_electricity_t",
    "co2e_fuel_t",
    "co2e_t",
    "co2_biogenic_t",
    "fuel_without_type_tj",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureInput:
    """What the accounting needs of one measure (savings a year)."""

    park: str
    org: str
    key: str
    year: int
    title: str = ""
    org_name: str = ""
    category: str = ""
    electricity_saved_mwh: float = 0.0
    fuel_saved_gj: float = 0.0
    fuel: str = ""
    water_saved_m3: float = 0.0
    materials_saved_t: float = 0.0
    chemicals_saved_t: float = 0.0
    cost_saved_vnd: float = 0.0
    investment_vnd: float = 0.0
    data_status: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureAccount:
    measure: MeasureInput
    grid: Factor
    fuel: Fuel | None
    figures: dict[str, float]

    @property
    def payback_years(self) -> float | None:
        return payback(self.figures["investment_vnd"], self.figures["cost_saved_vnd"])


def payback(investment: float, saved: float) -> float | None:
    """Simple payback in years; None when there is no investment or no money saved."""
    if investment <= 0 or saved <= 0:
        return None
    return investment / saved


def account_measure(
    m: MeasureInput, grid: Callable[[int], Factor], fuels: Mapping[str, Fuel]
) -> MeasureAccount:
    """Savings and CO2e of one implemented measure."""
    g = grid(m.year)
    fuel = fuels.get(m.fuel) if m.fuel else None
    tj = m.fuel_saved_gj / GJ_PER_TJ
    co2e_el = m.electricity_saved_mwh * g.value
    co2e_fuel = tj * fuel.t_co2e_per_tj if fuel is not None else 0.0
    figures = {
        "electricity_saved_mwh": m.electricity_saved_mwh,
        "fuel_saved_tj": tj,
        "water_saved_m3": m.water_saved_m3,
        "materials_saved_t": m.materials_saved_t,
        "chemicals_saved_t": m.chemicals_saved_t,
        "cost_saved_vnd": m.cost_saved_vnd,
        "investment_vnd": m.investment_vnd,
        "co2e_electricity_t": co2e_el,
        "co2e_fuel_t": co2e_fuel,
        "co2e_t": co2e_el + co2e_fuel,
        "co2_biogenic_t": tj * fuel.biogenic_co2_t_per_tj if fuel is not None else 0.0,
        "fuel_without_type_tj": tj if fuel is None else 0.0,
    }
    return MeasureAccount(measure=m, grid=g, fuel=fuel, figures=figures)


@dataclass
class Totals:
    """Sums over measures, in the seeds' form, with the arithmetic behind the CO2e."""

    figures: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SAVINGS, 0.0))
    firms: set[tuple[str, str]] = field(default_factory=set)
    parks: set[str] = field(default_factory=set)
    measures: int = 0
    fuel_tj: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    grid_mwh: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    grid: dict[int, Factor] = field(default_factory=dict)
    fuel_of: dict[str, Fuel] = field(default_factory=dict)
    paid_back: list[tuple[float, float]] = field(default_factory=list)

    def add(self, a: MeasureAccount) -> None:
        for k in SAVINGS:
            self.figures[k] += a.figures[k]
        self.firms.add((a.measure.park, a.measure.org))
        self.parks.add(a.measure.park)
        self.measures += 1
        if a.figures["electricity_saved_mwh"]:
            self.grid_mwh[a.grid.year or 0] += a.figures["electricity_saved_mwh"]
            self.grid[a.grid.year or 0] = a.grid
        if a.fuel is not None and a.figures["fuel_saved_tj"]:
            self.fuel_tj[a.fuel.code] += a.figures["fuel_saved_tj"]
            self.fuel_of[a.fuel.code] = a.fuel
        if a.payback_years is not None:
            self.paid_back.append((a.figures["investment_vnd"], a.figures["cost_saved_vnd"]))

    @property
    def payback_years(self) -> float | None:
        """Investment over money saved, of the measures that give both."""
        return payback(sum(i for i, _ in self.paid_back), sum(s for _, s in self.paid_back))

    def arithmetic(self, lang: str) -> str:
        """The CO2e written out term by term, as a reader can check it."""

        def n(value: float, digits: int = 1) -> str:
            return number(value, lang, digits, fixed=False)

        terms: list[tuple[str, float]] = []
        for year in sorted(self.grid_mwh):
            g = self.grid[year]
            mwh = self.grid_mwh[year]
            terms.append(
                (
                    f"{n(mwh)} MWh × {n(g.value, 4)} t/MWh "
                    + (f"(lưới điện {year})" if lang == "vi" else f"(grid {year})"),
                    mwh * g.value,
                )
            )
        for code in sorted(self.fuel_tj):
            fuel = self.fuel_of[code]
            tj = self.fuel_tj[code]
            terms.append(
                (
                    f"{n(tj, 3)} TJ × ({fuel.arithmetic(lang).split(' = ')[0]}) "
                    f"t CO2e/TJ ({fuel.name(lang)})",
                    tj * fuel.t_co2e_per_tj,
                )
            )
        if not terms:
            return "0 t CO2e"
        text = " + ".join(t for t, _ in terms)
        if len(terms) > 1:
            text += " = " + " + ".join(n(v) for _, v in terms)
        return f"{text} = {n(sum(v for _, v in terms))} t CO2e"

    def to_dict(self) -> dict[str, Any]:
        f = self.figures
        return {
            "firms": len(self.firms),
            "parks": len(self.parks),
            "measures": self.measures,
            **{k: round(v, 3) for k, v in f.items()},
            "fuel_by_type_tj": {k: round(v, 3) for k, v in sorted(self.fuel_tj.items())},
            "payback_years": None if self.payback_years is None else round(self.payback_years, 2),
            "in_words": {lang: in_words(self, lang) for lang in ("vi", "en")},
            "arithmetic": {lang: self.arithmetic(lang) for lang in ("vi", "en")},
        }


def in_words(t: Totals, lang: str) -> str:
    """The seeds' form: '72 firms saved 22,000 MWh, 600,000 m³, 140 TJ, 3,600 t chemicals,
    32,000 t CO2e and 76 billion VND a year'."""
    f = t.figures

    def n(value: float, digits: int = 0) -> str:
        return number(value, lang, digits)

    if lang == "vi":
        return (
            f"{len(t.firms)} doanh nghiệp tiết kiệm {n(f['electricity_saved_mwh'])} MWh điện, "
            f"{n(f['water_saved_m3'])} m³ nước, {n(f['fuel_saved_tj'], 1)} TJ nhiên liệu, "
            f"{n(f['chemicals_saved_t'])} tấn hóa chất, {n(f['materials_saved_t'])} tấn "
            f"nguyên vật liệu; giảm {n(f['co2e_t'])} tấn CO2e và tiết kiệm "
            f"{n(f['cost_saved_vnd'] / 1e9, 1)} tỷ đồng mỗi năm"
        )
    firms = "1 firm" if len(t.firms) == 1 else f"{len(t.firms)} firms"
    return (
        f"{firms} saved {n(f['electricity_saved_mwh'])} MWh electricity, "
        f"{n(f['water_saved_m3'])} m³ water, {n(f['fuel_saved_tj'], 1)} TJ fuel, "
        f"{n(f['chemicals_saved_t'])} t chemicals, {n(f['materials_saved_t'])} t materials; "
        f"{n(f['co2e_t'])} t CO2e avoided and {n(f['cost_saved_vnd'] / 1e9, 1)} billion VND "
        "saved a year"
    )


def total(accounts: Iterable[MeasureAccount]) -> Totals:
    out = Totals()
    for a in accounts:
        out.add(a)
    return out


def measure_dict(a: MeasureAccount) -> dict[str, Any]:
    m = a.measure
    return {
        "park": m.park,
        "enterprise": m.org,
        "key": m.key,
        "year": m.year,
        "title": m.title,
        "category": m.category,
        "fuel": m.fuel or None,
        **{k: round(v, 3) for k, v in a.figures.items()},
        "payback_years": None if a.payback_years is None else round(a.payback_years, 2),
        "grid_factor": a.grid.cite(),
        "fuel_factor": None
        if a.fuel is None
        else {
            "fuel": a.fuel.code,
            "t_co2e_per_tj": round(a.fuel.t_co2e_per_tj, 4),
            "arithmetic": a.fuel.arithmetic("en"),
            "factors": [f.cite() for f in a.fuel.factors],
        },
        "data_status": m.data_status,
        "source": m.source,
    }


def account_measures(
    measures: Sequence[MeasureInput], grid: Callable[[int], Factor], fuels: Mapping[str, Fuel]
) -> dict[str, Any]:
    """Every measure, and totals per enterprise, per park and for them all (the programme)."""
    accounts = [account_measure(m, grid, fuels) for m in measures]
    by_firm: dict[tuple[str, str], list[MeasureAccount]] = defaultdict(list)
    by_park: dict[str, list[MeasureAccount]] = defaultdict(list)
    for a in accounts:
        by_firm[(a.measure.park, a.measure.org)].append(a)
        by_park[a.measure.park].append(a)
    all_fuels: dict[str, Fuel] = {a.fuel.code: a.fuel for a in accounts if a.fuel is not None}
    return {
        "measures": [measure_dict(a) for a in accounts],
        "enterprises": [
            {
                "park": p,
                "enterprise": o,
                "enterprise_name": items[0].measure.org_name or o,
                **total(items).to_dict(),
            }
            for (p, o), items in sorted(by_firm.items())
        ],
        "parks": [{"park": p, **total(items).to_dict()} for p, items in sorted(by_park.items())],
        "programme": total(accounts).to_dict(),
        "method": METHOD,
        "factors": {
            "grid": sorted(
                {a.grid.id: a.grid.cite() for a in accounts}.values(), key=lambda c: c["id"]
            ),
            "fuels": {
                code: {
                    "name": {"vi": f.name_vi, "en": f.name_en},
                    "t_co2e_per_tj": round(f.t_co2e_per_tj, 4),
                    "biogenic": f.biogenic,
                    "unverified": f.unverified,
                    "factors": [x.cite() for x in f.factors],
                }
                for code, f in sorted(all_fuels.items())
            },
        },
    }
