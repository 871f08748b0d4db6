"""A synthetic national dataset for scale tests: parks in Viet Nam's park provinces,
enterprises with the nation's sector mix and firm sizes (``synthetic_statistics.csv``), and
flows from per-sector templates (``synthetic.yaml``) calibrated to the published national
totals. Deterministic for a given seed. :func:`compare` sets a generated country's totals
beside the published figures."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import yaml
from sqlalchemy import Engine

from parkloop.catalog import catalog
from parkloop.errors import UserError, msg
from parkloop.store import changes
from parkloop.store.schema import flows, land_use, organisations, parks
from parkloop.store.sql import insert_many
from parkloop.store.synthetic import SyntheticSums, synthetic_sums

Progress = Callable[[str, int, int], None]
CHUNK = 50_000
LAND_SHARES = {
    "industrial": 0.68,
    "green": 0.12,
    "traffic": 0.12,
    "shared_infrastructure": 0.04,
    "other": 0.04,
}


@dataclass(frozen=True, slots=True)
class GeneratedCounts:
    parks: int
    enterprises: int
    partners: int
    flows: int
    seed: int
    year: int


@dataclass(frozen=True, slots=True)
class Statistic:
    """A published figure the generator is calibrated to, with its source and status."""

    key: str
    sector: str
    divisions: str
    value: float
    unit: str
    year: int
    status: str
    source: str
    note: str


@cache
def statistics() -> dict[tuple[str, str], Statistic]:
    """``synthetic_statistics.csv`` by (key, sector): per template the enterprises and
    employees of the VSIC divisions it stands for; nationally the waste, water, value added
    and park figures."""
    out: dict[tuple[str, str], Statistic] = {}
    text = (resources.files("parkloop.examples") / "synthetic_statistics.csv").read_text(
        encoding="utf-8"
    )
    for row in csv.DictReader(io.StringIO(text, newline="")):
        if not row["source"].strip() or not row["status"].strip():
            raise ValueError(f"synthetic_statistics.csv: {row['key']} has no source or status")
        stat = Statistic(
            row["key"],
            row["sector"],
            row["divisions"],
            float(row["value"]),
            row["unit"],
            int(row["year"]),
            row["status"],
            row["source"],
            row["note"],
        )
        out[(stat.key, stat.sector)] = stat
    return out


@cache
def templates() -> dict[str, Any]:
    """The sector templates, each with its ``weight`` (the enterprises of its divisions) and
    ``employees`` (median and spread of a log-normal whose mean is the divisions' employees
    per enterprise) filled in from :func:`statistics`."""
    with (resources.files("parkloop.examples") / "synthetic.yaml").open(encoding="utf-8") as fh:
        data: dict[str, Any] = yaml.safe_load(fh)
    materials = catalog().materials
    stats = statistics()
    for sector in data["sectors"]:
        for f in sector["flows"]:
            if f["m"] not in materials:
                raise ValueError(
                    f"synthetic.yaml: sector {sector['name']} uses unknown material {f['m']}"
                )
        try:
            firms = stats[("enterprises", sector["vsic"])].value
            people = stats[("employees", sector["vsic"])].value
        except KeyError:
            raise ValueError(
                f"synthetic_statistics.csv: no enterprises or employees for {sector['vsic']}"
            ) from None
        sigma = float(sector["sigma"])
        sector["weight"] = firms
        sector["employees"] = [people / firms * math.exp(-sigma * sigma / 2.0), sigma]
    return data


def generate(
    engine: Engine,
    enterprises: int,
    park_count: int,
    seed: int = 1,
    year: int = 2024,
    progress: Progress | None = None,
) -> GeneratedCounts:
    """Write ``park_count`` parks with ``enterprises`` enterprises and their flows."""
    if enterprises < park_count or park_count < 1:
        raise UserError(msg("need at least one park and at least one enterprise per park"))
    rng = np.random.default_rng(seed)
    cat = catalog()
    provinces = [p for p in cat.provinces.values()]
    weights = np.array([p.park_weight for p in provinces], dtype=float)
    chosen = rng.choice(len(provinces), size=park_count, p=weights / weights.sum())
    park_lat = np.array([provinces[i].lat for i in chosen]) + rng.normal(0.0, 0.12, park_count)
    park_lon = np.array([provinces[i].lon for i in chosen]) + rng.normal(0.0, 0.12, park_count)
    size = rng.lognormal(0.0, 0.6, park_count)
    per_park = np.maximum(1, np.floor(size / size.sum() * enterprises)).astype(int)
    per_park[np.argmax(per_park)] += enterprises - per_park.sum()
    sectors = templates()["sectors"]
    s_weights = np.array([s["weight"] for s in sectors], dtype=float)
    source = templates()["source"]
    counter: dict[str, int] = {}
    with engine.begin() as conn:
        park_rows = []
        codes = []
        for k in range(park_count):
            province = provinces[chosen[k]]
            counter[province.code] = counter.get(province.code, 0) + 1
            code = f"syn-{province.code}-{counter[province.code]:03d}"
            codes.append(code)
            area = float(np.round(per_park[k] * rng.uniform(0.8, 1.6), 1))
            park_rows.append(
                {
                    "code": code,
                    "name_vi": f"KCN tổng hợp {province.name_vi} {counter[province.code]}",
                    "name_en": f"Synthetic park {province.name_en} {counter[province.code]}",
                    "country": "VN",
                    "province": province.name_vi,
                    "region": province.region,
                    "lat": float(park_lat[k]),
                    "lon": float(park_lon[k]),
                    "total_area_ha": area,
                    "wwtp_capacity_m3_per_day": float(np.round(area * 25.0, -1)),
                    "operator": "synthetic",
                    "data_status": "synthetic",
                    "source": source,
                }
            )
        insert_many(conn, parks, park_rows)
        ids = dict(
            conn.execute(
                parks.select()
                .with_only_columns(parks.c.code, parks.c.id)
                .where(parks.c.code.in_(codes))
            ).all()
        )
        park_ids = np.array([ids[c] for c in codes])
        insert_many(
            conn,
            land_use,
            [
                {
                    "park_id": int(pid),
                    "land_class": cls,
                    "area_ha": round(row["total_area_ha"] * share, 2),
                    "data_status": "synthetic",
                    "source": source,
                }
                for pid, row in zip(park_ids, park_rows, strict=True)
                for cls, share in LAND_SHARES.items()
            ],
        )
        # Enterprises, park by park.
        park_of = np.repeat(np.arange(park_count), per_park)
        sector_of = rng.choice(len(sectors), size=enterprises, p=s_weights / s_weights.sum())
        lat = park_lat[park_of] + rng.normal(0.0, 0.006, enterprises)
        lon = park_lon[park_of] + rng.normal(0.0, 0.006, enterprises)
        employees = np.array(
            [
                max(
                    5,
                    int(
                        rng.lognormal(
                            np.log(sectors[s]["employees"][0]), sectors[s]["employees"][1]
                        )
                    ),
                )
                for s in sector_of
            ]
        )
        recp = rng.choice(["unaware", "aware", "applying"], size=enterprises, p=[0.3, 0.5, 0.2])
        org_rows = [
            {
                "park_id": int(park_ids[park_of[i]]),
                "code": f"E{i + 1:06d}",
                "kind": "enterprise",
                "name_vi": f"Doanh nghiệp {sectors[sector_of[i]]['name']} {i + 1}",
                "name_en": f"{sectors[sector_of[i]]['name'].capitalize()} firm {i + 1}",
                "vsic": sectors[sector_of[i]]["vsic"],
                "lat": float(lat[i]),
                "lon": float(lon[i]),
                "employees": int(employees[i]),
                "recp_status": str(recp[i]),
                "certifications": [],
                "clubs": [],
                "data_status": "synthetic",
                "source": source,
            }
            for i in range(enterprises)
        ]
        utility_rows = [
            {
                "park_id": int(pid),
                "code": "wwtp",
                "kind": "utility",
                "name_vi": "Trạm xử lý nước thải tập trung",
                "name_en": "Central wastewater plant",
                "lat": float(park_lat[k] + 0.003),
                "lon": float(park_lon[k] + 0.003),
                "certifications": [],
                "clubs": [],
                "data_status": "synthetic",
                "source": source,
            }
            for k, pid in enumerate(park_ids)
        ]
        for start in range(0, len(org_rows), CHUNK):
            insert_many(conn, organisations, org_rows[start : start + CHUNK])
            if progress:
                progress("enterprises", min(start + CHUNK, enterprises), enterprises)
        insert_many(conn, organisations, utility_rows)
        org_id = {
            (pid, code): oid
            for oid, pid, code in conn.execute(
                organisations.select()
                .with_only_columns(
                    organisations.c.id, organisations.c.park_id, organisations.c.code
                )
                .where(organisations.c.park_id.in_([int(p) for p in park_ids]))
            )
        }
        total = 0
        rows: list[dict[str, Any]] = []
        for row in _flow_rows(
            rng, sectors, sector_of, employees, park_ids, park_of, org_rows, org_id, year, source
        ):
            rows.append(row)
            if len(rows) >= CHUNK:
                insert_many(conn, flows, rows)
                total += len(rows)
                rows = []
                if progress:
                    progress("flows", total, 0)
        wwtp_rows = []
        for k, pid in enumerate(park_ids):
            oid = org_id[(int(pid), "wwtp")]
            capacity = park_rows[k]["wwtp_capacity_m3_per_day"] * 365.0
            for key, direction, material, share, dest in (
                ("wwtp:in", "in", "industrial-wastewater", 0.8, None),
                ("wwtp:out", "out", "treated-wastewater", 0.75, "discharged"),
                ("wwtp:sludge", "out", "sewage-sludge", 0.0004, "landfill"),
            ):
                wwtp_rows.append(
                    _flow(
                        int(pid),
                        oid,
                        key,
                        year,
                        direction,
                        material,
                        capacity * share,
                        5000.0 if dest == "discharged" else 1100000.0 if dest else None,
                        dest,
                        source,
                    )
                )
        rows.extend(wwtp_rows)
        insert_many(conn, flows, rows)
        total += len(rows)
        changes.record(
            conn,
            "generate",
            "synthetic",
            object_key=f"{park_count} parks",
            detail={"enterprises": enterprises, "flows": total, "seed": seed, "year": year},
        )
    return GeneratedCounts(park_count, enterprises, park_count, total, seed, year)


def _flow(
    park_id: int,
    org_id: int,
    key: str,
    year: int,
    direction: str,
    material: str,
    qty: float,
    price: float | None,
    destination: str | None,
    source: str,
) -> dict[str, Any]:
    unit = catalog().materials[material].canonical_unit
    return {
        "park_id": park_id,
        "org_id": org_id,
        "key": key,
        "year": year,
        "period_months": 12,
        "first_month": 1,
        "direction": direction,
        "material_code": material,
        "quantity": round(qty, 3),
        "unit": unit,
        "entered_quantity": round(qty, 3),
        "entered_unit": unit,
        "frequency": "continuous",
        "price_vnd_per_unit": price,
        "destination": destination,
        "confidentiality": "park",
        "data_status": "synthetic",
        "source": source,
    }


def _flow_rows(
    rng: np.random.Generator,
    sectors: list[dict[str, Any]],
    sector_of: np.ndarray,
    employees: np.ndarray,
    park_ids: np.ndarray,
    park_of: np.ndarray,
    org_rows: list[dict[str, Any]],
    org_id: dict[tuple[int, str], int],
    year: int,
    source: str,
) -> Iterator[dict[str, Any]]:
    common = templates().get("common", [])
    draws = rng.random((len(org_rows), 24))
    noise = rng.lognormal(0.0, 0.6, (len(org_rows), 24))
    extra: dict[int, list[dict[str, Any]]] = {}
    for k, sector in enumerate(sectors):
        listed = {(f["m"], f["d"]) for f in sector["flows"]}
        extra[k] = sector["flows"] + [f for f in common if (f["m"], f["d"]) not in listed]
    for i, org in enumerate(org_rows):
        pid = int(park_ids[park_of[i]])
        oid = org_id[(pid, org["code"])]
        seen: dict[str, int] = {}
        for k, f in enumerate(extra[int(sector_of[i])]):
            if draws[i, k] > f.get("p", 1.0):
                continue
            dest = None
            if f["d"] == "out":
                options = f.get("dest", {"sold": 1})
                names = list(options)
                cut = np.cumsum(np.array(list(options.values()), dtype=float))
                dest = names[int(np.searchsorted(cut / cut[-1], draws[i, 23 - k % 4]))]
            base = f"{org['code']}:{year}:{f['d']}:{f['m']}"
            seen[base] = seen.get(base, 0) + 1
            key = base if seen[base] == 1 else f"{base}:{seen[base]}"
            qty = f["q"] * float(employees[i]) * float(noise[i, k])
            yield _flow(pid, oid, key, year, f["d"], f["m"], qty, f.get("price"), dest, source)


# Waste collectors, recyclers and treaters (VSIC division 38) process the others' waste: what
# they give out is not counted again as waste generated.
WASTE_TRADES = ("38",)
COAL_ASH = ("fly-ash", "bottom-ash", "fgd-gypsum")


@dataclass(frozen=True, slots=True)
class Comparison:
    """One national total of a generated country beside the published figure."""

    key: str
    label_en: str
    label_vi: str
    unit: str
    generated: float
    published: float  # the national figure
    expected: float  # the national figure times the generated country's share
    status: str
    source: str

    @property
    def ratio(self) -> float:
        return self.generated / self.expected if self.expected else math.nan


@dataclass(frozen=True, slots=True)
class CountryComparison:
    enterprises: int
    share: float  # generated enterprises ÷ the nation's enterprises in the templates' divisions
    rows: list[Comparison]
    parks: Statistic
    park_projects: Statistic
    park_workers: Statistic


def _status(stats: list[Statistic]) -> str:
    return "; ".join(sorted({s.status for s in stats}))


def compare(engine: Engine, year: int | None = None) -> CountryComparison:
    """The generated country's yearly totals (enterprises, employees, ordinary and hazardous
    industrial waste, water, value added) beside the published national figures scaled to
    its share of the nation's enterprises."""
    with engine.connect() as conn:
        sums = synthetic_sums(conn, year)
    return comparison(sums)


def comparison(sums: SyntheticSums) -> CountryComparison:
    stats = statistics()
    materials = catalog().materials
    firms = [s for (k, _), s in stats.items() if k == "enterprises"]
    people = [s for (k, _), s in stats.items() if k == "employees"]
    nation_firms = sum(s.value for s in firms)
    share = sums.enterprises / nation_firms if nation_firms else math.nan

    def waste(hazardous: bool) -> float:
        return sum(
            f.quantity
            for f in sums.flows
            if f.direction == "out"
            and not f.vsic.startswith(WASTE_TRADES)
            and materials[f.material].canonical_unit == "t"
            and (
                materials[f.material].hazardous
                if hazardous
                else bool(materials[f.material].vn_waste_code)
                and not materials[f.material].hazardous
            )
        )

    ash = sum(
        f.quantity
        for f in sums.flows
        if f.direction == "out" and f.vsic == "3510" and f.material in COAL_ASH
    )
    water = sum(
        f.quantity
        for f in sums.flows
        if f.direction == "in" and f.material in ("fresh-water", "surface-water")
    )
    sales = sum(f.value_vnd for f in sums.flows if f.direction == "out" and f.destination == "sold")
    purchases = sum(f.value_vnd for f in sums.flows if f.direction == "in")

    def row(key: str, en: str, vi: str, unit: str, generated: float, stat: Statistic) -> Comparison:
        return Comparison(
            key, en, vi, unit, generated, stat.value, stat.value * share, stat.status, stat.source
        )

    national = {k: s for (k, sector), s in stats.items() if sector == "national"}
    rows = [
        Comparison(
            "enterprises",
            "enterprises",
            "doanh nghiệp",
            "enterprises",
            float(sums.enterprises),
            nation_firms,
            nation_firms * share,
            _status(firms),
            "synthetic_statistics.csv: enterprises of the templates' VSIC divisions (GSO)",
        ),
        Comparison(
            "employees",
            "employees",
            "lao động",
            "persons",
            float(sums.employees),
            sum(s.value for s in people),
            sum(s.value for s in people) * share,
            _status(people),
            "synthetic_statistics.csv: employees of the templates' VSIC divisions (GSO)",
        ),
        row(
            "ordinary_solid_waste_t",
            "ordinary industrial solid waste",
            "chất thải rắn công nghiệp thông thường",
            "t/yr",
            waste(hazardous=False),
            national["ordinary_solid_waste_t"],
        ),
        row(
            "coal_ash_t",
            "of which ash, slag, FGD gypsum of coal power",
            "trong đó tro, xỉ, thạch cao FGD nhiệt điện than",
            "t/yr",
            ash,
            national["coal_ash_t"],
        ),
        row(
            "hazardous_waste_t",
            "industrial hazardous waste",
            "chất thải nguy hại công nghiệp",
            "t/yr",
            waste(hazardous=True),
            national["hazardous_waste_t"],
        ),
        row(
            "industrial_water_m3",
            "industrial water use",
            "nước dùng cho công nghiệp",
            "m3/yr",
            water,
            national["industrial_water_m3"],
        ),
        row(
            "value_added_vnd",
            "value added (sales less purchased materials and energy)",
            "giá trị tăng thêm (doanh thu trừ nguyên liệu, năng lượng mua vào)",
            "VND/yr",
            sales - purchases,
            national["value_added_manufacturing_vnd"],
        ),
    ]
    return CountryComparison(
        sums.enterprises,
        share,
        rows,
        national["parks"],
        national["park_projects"],
        national["park_workers"],
    )
