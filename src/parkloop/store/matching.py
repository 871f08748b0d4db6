"""SQL for matching: columnar supplies and demands for a scope, and the match table."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
from sqlalchemy import (
    BigInteger,
    Connection,
    Index,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    text,
    update,
)

from parkloop.catalog import fold
from parkloop.domain.enums import (
    DISPOSAL_DESTINATIONS,
    Confidentiality,
    Destination,
    ExchangeStatus,
)
from parkloop.domain.permissions import LEVELS, Viewer, visible_rows
from parkloop.matching.fit import words_of
from parkloop.matching.tables import FLOW, LISTING, Side
from parkloop.store.schema import exchanges, flows, listings, matches, organisations, parks
from parkloop.store.sql import (
    PG_COPY_HEAD,
    PG_COPY_TAIL,
    _text_tails,
    _typed_columns,
    _typed_rows,
    bulk_write,
    copy_insert,
    fetch_tuples,
    reserve_ids,
)
from parkloop.store.writes import bulk_cache
from parkloop.units import parse_unit

I32_MIN, I32_MAX = np.iinfo(np.int32).min + 1, np.iinfo(np.int32).max - 1
EPOCH = date(1970, 1, 1)
FEE_DESTINATIONS = {d.value for d in DISPOSAL_DESTINATIONS}
CHUNK = 5000  # ids per IN (...) list, under SQLite's variable limit


def _days(value: date | None, default: int) -> int:
    return default if value is None else (value - EPOCH).days


def scope_park_ids(
    conn: Connection, park: str | None = None, region: str | None = None
) -> dict[int, str]:
    """Park ids and codes of a scope: one park, the parks of a region, or all parks."""
    query = select(parks.c.id, parks.c.code).order_by(parks.c.id)
    if park is not None:
        query = query.where(parks.c.code == park)
    elif region is not None:
        query = query.where(parks.c.region == region)
    return {pid: code for pid, code in conn.execute(query)}


def latest_year(conn: Connection, park_ids: Sequence[int]) -> int | None:
    return conn.scalar(select(func.max(flows.c.year)).where(flows.c.park_id.in_(park_ids)))


def load_sides(
    conn: Connection,
    park_ids: Sequence[int],
    material_index: Mapping[str, int],
    year: int,
    low_value: Mapping[str, float],
    hide_exchanges: bool = False,
    disposal_fee: Mapping[str, float] | None = None,
    reference_price: Mapping[str, float] | None = None,
    viewer: Viewer | None = None,
    residues: frozenset[str] = frozenset(),
    year_window: int = 0,
    dilute: frozenset[str] = frozenset(),
    wet_fuels: frozenset[str] = frozenset(),
) -> tuple[Side, Side]:
    """Supplies and demands of the parks for ``year`` (flows of a year are combined per
    organisation, material, direction and destination; offers and wants are added). Each
    flow (organisation, direction, material) enters with its latest year up to ``year``, at
    most ``year_window`` years older: a park whose firms report 2024 and one firm 2025 is
    matched whole, and a firm that updates one output for 2025 keeps its 2024 inputs.

    Supplies are outputs going to disposal, sold below the low-value price of their
    material (``low_value``, VND per unit), or of unknown destination, and open offers;
    outputs sold at a fair price enter as supplies of the kind "already sold"
    (``Side.already_sold``) when their material is a residue (``residues``: materials with
    a waste code — scrap, husk, bran, cartons, film —, not products such as cement or feed).
    Outputs already exchanged are left out unless ``hide_exchanges``; then they count as
    open, going to disposal at ``disposal_fee`` (used to check the matcher rediscovers
    known exchanges). Demands are inputs, less what running exchanges already deliver, and
    open wants. With ``viewer``, only records the viewer may see enter (the rest do not
    exist for that computation). A flow of a ``dilute`` material (one the catalog weighs at
    about the density of water) that its staff measured by volume is a liquid, so its
    quality says so: below 15 % dry matter (vinasse, stickwater, press liquor reach a
    digester, not a feed mill). A solid fuel of ``wet_fuels`` its staff call fresh or wet
    ("mùn cưa tươi") says so too (:data:`WET`).
    """
    disposal_fee = disposal_fee or {}
    reference_price = reference_price or {}
    loc_lat = func.coalesce(organisations.c.lat, parks.c.lat)
    loc_lon = func.coalesce(organisations.c.lon, parks.c.lon)
    in_reach = and_(
        flows.c.park_id.in_(list(park_ids)),
        flows.c.year <= year,
        flows.c.year >= year - year_window,
    )
    query = (
        select(
            flows.c.id,
            flows.c.org_id,
            flows.c.park_id,
            flows.c.material_code,
            flows.c.direction,
            func.coalesce(flows.c.destination, "").label("destination"),
            flows.c.quantity,
            flows.c.period_months,
            flows.c.price_vnd_per_unit,
            flows.c.confidentiality,
            flows.c.quality,
            flows.c.description,
            flows.c.waste_code,
            loc_lat.label("lat"),
            loc_lon.label("lon"),
            flows.c.material_text,
            func.coalesce(flows.c.price_status, "").label("price_status"),
            flows.c.material_basis,
            flows.c.material_suggestions,
            func.coalesce(flows.c.entered_unit, "").label("entered_unit"),
            flows.c.destination_text,
        )
        .join(organisations, organisations.c.id == flows.c.org_id)
        .join(parks, parks.c.id == flows.c.park_id)
        .where(in_reach)
        .order_by(flows.c.id)
    )
    first, last = conn.execute(
        select(func.min(flows.c.year), func.max(flows.c.year)).where(in_reach)
    ).one()
    if first != last:
        query = query.add_columns(flows.c.year)
    found = fetch_tuples(conn, query)
    if first != last:
        found = _latest_of_each_flow(found)
    rows = _listed_too(found, material_index)
    rows = _scrap_trade_too(rows, material_index, _scrap_traders(conn, park_ids))
    received = _received_by_running_exchanges(conn, park_ids) if not hide_exchanges else {}
    supply_cols, demand_cols = _flow_sides(
        rows,
        material_index,
        year,
        low_value,
        received,
        hide_exchanges,
        disposal_fee,
        reference_price,
        residues,
        dilute,
        wet_fuels,
    )
    listing_query = (
        select(
            listings,
            loc_lat.label("lat"),
            loc_lon.label("lon"),
            literal("").label("destination"),
        )
        .join(organisations, organisations.c.id == listings.c.org_id)
        .join(parks, parks.c.id == listings.c.park_id)
        .where(listings.c.park_id.in_(list(park_ids)), listings.c.status == "open")
        .order_by(listings.c.id)
    )
    listing_supply: dict[str, list[Any]] = defaultdict(list)
    listing_demand: dict[str, list[Any]] = defaultdict(list)
    for row in conn.execute(listing_query).mappings():
        if row["lat"] is None or row["lon"] is None or row["material_code"] not in material_index:
            continue
        start = _days(row["available_from"], I32_MIN)
        end = _days(row["available_until"], I32_MAX)
        listing_year = row["available_from"].year if row["available_from"] else year
        p = float(row["price_vnd_per_unit"]) if row["price_vnd_per_unit"] is not None else np.nan
        max_km = float(row["max_distance_km"]) if row["max_distance_km"] is not None else np.inf
        target = listing_supply if row["kind"] == "offer" else listing_demand
        _append(
            target,
            {
                **row,
                "private": row["confidentiality"] == "private",
                "level": LEVELS[Confidentiality(row["confidentiality"])],
            },
            LISTING,
            material_index,
            float(row["quantity"]),
            p if row["kind"] == "want" else np.nan,
            False,
            False,
            listing_year,
            start,
            end,
            max_km,
        )
    supplies = _merge(supply_cols, listing_supply)
    demands = _merge(demand_cols, listing_demand)
    return seen_by(viewer, supplies), seen_by(viewer, demands)


def seen_by(viewer: Viewer | None, side: Side) -> Side:
    """The rows of ``side`` that ``viewer`` may see."""
    mask = visible_rows(viewer, side.org, side.park, side.level)
    return side if mask.all() else side.take(np.flatnonzero(mask))


def _flow_sides(
    rows: Sequence[Any],
    material_index: Mapping[str, int],
    year: int,
    low_value: Mapping[str, float],
    received: Mapping[tuple[int, str], float],
    hide_exchanges: bool,
    disposal_fee: Mapping[str, float],
    reference_price: Mapping[str, float],
    residues: frozenset[str] = frozenset(),
    dilute: frozenset[str] = frozenset(),
    wet_fuels: frozenset[str] = frozenset(),
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Grouped flow rows to supply and demand columns, whole columns at a time."""
    if not rows:
        return {}, {}
    (
        ids,
        org,
        park,
        material,
        direction,
        dest,
        qty,
        months,
        price,
        private,
        quality,
        text,
        waste,
        lat,
        lon,
        staff_words,
        price_status,
        _basis,
        _suggested,
        entered_unit,
        destination_text,
    ) = (np.asarray(c, dtype=object) for c in zip(*rows, strict=True))
    quality = _liquid_quality(quality, material, entered_unit, dilute)
    quality = _wet_quality(quality, material, _row_words(text, staff_words), wet_fuels)
    unlisted = np.array([b == SCRAP_TRADE_BASIS for b in _basis], dtype=bool)
    qty = qty.astype(float)
    months = months.astype(float)
    price = np.array([np.nan if p is None else float(p) for p in price])
    level = np.array([LEVELS[Confidentiality(c)] for c in private], dtype=np.int8)
    private = level == 2
    # Flows of one organisation, material, direction and destination in the year count as
    # one: quantities are summed and annualised, prices weighted by quantity.
    codes = {m: i for i, m in enumerate(sorted(set(material)))}
    dests = {d: i for i, d in enumerate(sorted(set(dest)))}
    key = (
        (org.astype(np.int64) << 24)
        | (np.array([codes[m] for m in material], dtype=np.int64) << 12)
        | (np.array([dests[d] for d in dest], dtype=np.int64) << 1)
        | (direction == "out").astype(np.int64)
    )
    _, first, inverse, counts = np.unique(
        key, return_index=True, return_inverse=True, return_counts=True
    )
    if (counts == 1).all():
        qty = qty * 12.0 / months
    else:
        n = len(first)
        total = np.bincount(inverse, weights=qty, minlength=n)
        total_months = np.bincount(inverse, weights=months, minlength=n)
        priced = ~np.isnan(price)
        priced_qty = np.bincount(inverse, weights=np.where(priced, qty, 0.0), minlength=n)
        value = np.bincount(
            inverse, weights=np.where(priced, qty * np.nan_to_num(price), 0.0), minlength=n
        )
        any_private = np.bincount(inverse, weights=private.astype(float), minlength=n) > 0
        # A group is as confidential as its most confidential flow.
        most = np.zeros(n, dtype=np.int8)
        np.maximum.at(most, inverse, level)
        keep = np.sort(first)
        group_of_kept = inverse[keep]
        ids, org, park, material, direction, dest, quality, text, waste, lat, lon = (
            c[keep]
            for c in (ids, org, park, material, direction, dest, quality, text, waste, lat, lon)
        )
        destination_text = destination_text[keep]
        unlisted = unlisted[keep]
        staff_words = staff_words[keep]
        # A group's price is the staff's when any of its flows gives one.
        reported = np.bincount(
            inverse, weights=(price_status == "reported").astype(float), minlength=n
        )
        price_status = np.where(reported[group_of_kept] > 0, "reported", price_status[keep]).astype(
            object
        )
        qty = (total * 12.0 / total_months)[group_of_kept]
        with np.errstate(invalid="ignore", divide="ignore"):
            price = np.where(priced_qty > 0, value / priced_qty, np.nan)[group_of_kept]
        private = any_private[group_of_kept]
        level = most[group_of_kept]
    known = np.array([m in material_index for m in material], dtype=bool)
    located = np.array([a is not None and b is not None for a, b in zip(lat, lon, strict=True)])
    mat_idx = np.array([material_index.get(m, -1) for m in material], dtype=np.int32)
    out = direction == "out"
    exchanged = dest == Destination.EXCHANGED.value
    hidden_sale = np.zeros(len(ids), dtype=bool)
    if hide_exchanges:
        # Without its exchange, an output goes where its material usually goes: to disposal
        # if that costs something; to another buyer, at the price it fetches now (or the
        # market price), if its material has a market; else nowhere (surplus steam vents).
        default_fee = np.array([disposal_fee.get(m, np.nan) for m in material])
        default_price = np.array([reference_price.get(m, np.nan) for m in material])
        sale_price = np.where(np.isnan(price), default_price, price)
        to_disposal = exchanged & (np.nan_to_num(default_fee) > 0)
        marketable = ~np.isnan(default_price)
        hidden_sale = exchanged & ~to_disposal & marketable & ~np.isnan(sale_price)
        price = np.where(to_disposal, default_fee, np.where(hidden_sale, sale_price, price))
        dest = np.where(
            to_disposal,
            Destination.LANDFILL.value,
            np.where(hidden_sale, Destination.SOLD.value, dest),
        )
    fee = np.isin(dest, list(FEE_DESTINATIONS)) & ~np.isnan(price)
    # Sold at a low price: the revenue is real and foregone, but the output is offered.
    cheap = dest == Destination.SOLD_LOW.value
    sold = (dest == Destination.SOLD.value) | cheap
    low = np.array([low_value.get(m, -np.inf) for m in material])
    open_supply = ~sold | cheap | hidden_sale | (~np.isnan(price) & (price < low))
    # Sold today at a fair price (to a trader, a buyer outside the park): a supply of the
    # kind "already sold", offered to a neighbour instead of the market and valued as a
    # local sale (its revenue foregone, the haul to today's buyer saved). Only residues
    # (materials with a waste code): a firm's own product sold is trade, not an exchange.
    # Its price is the staff's or the one filled from the catalog at import; without one
    # it cannot be valued.
    residue = np.array([m in residues for m in material], dtype=bool)
    already_sold = sold & ~open_supply & ~np.isnan(price) & residue
    supply = (
        out
        & known
        & located
        & (dest != Destination.REUSED_INTERNALLY.value)
        & ~(exchanged & ~np.asarray(hide_exchanges))
        & (open_supply | already_sold)
    )
    less = np.array([received.get((o, m), 0.0) for o, m in zip(org, material, strict=True)])
    demand_qty = qty - less
    demand = ~out & known & located & (demand_qty > 0)

    def side(
        mask: np.ndarray, quantities: np.ndarray, fee_col: np.ndarray, sold_col: np.ndarray
    ) -> dict[str, np.ndarray]:
        n = int(mask.sum())
        return {
            "ids": ids[mask].astype(np.int64),
            "kinds": np.full(n, FLOW, dtype=np.int8),
            "org": org[mask].astype(np.int64),
            "park": park[mask].astype(np.int64),
            "material": mat_idx[mask],
            "qty": quantities[mask],
            "price": price[mask],
            "fee": fee_col[mask],
            "sold": sold_col[mask],
            "lat": lat[mask].astype(float),
            "lon": lon[mask].astype(float),
            "year": np.full(n, year, dtype=np.int32),
            "start_day": np.full(n, I32_MIN, dtype=np.int32),
            "end_day": np.full(n, I32_MAX, dtype=np.int32),
            "max_km": np.full(n, np.inf),
            "private": private[mask],
            "level": level[mask],
            "waste_code": np.array([w or "" for w in waste[mask]], dtype=object),
            "quality": np.array([q or "" for q in quality[mask]], dtype=object),
            "text": np.array([fold(t or "") for t in text[mask]], dtype=object),
        }

    no = np.zeros(len(ids), dtype=bool)
    words = _row_words(text, staff_words)
    supply_cols = side(supply, qty, fee, sold)
    demand_cols = side(demand, demand_qty, no, no)
    supply_cols["words"] = words[supply]
    demand_cols["words"] = words[demand]
    supply_cols["already_sold"] = already_sold[supply]
    supply_cols["price_status"] = price_status[supply]
    supply_cols["to_plant"] = np.array(
        [to_shared_plant(t) for t in destination_text[supply]], dtype=bool
    )
    demand_cols["already_sold"] = no[demand]
    demand_cols["price_status"] = price_status[demand]
    demand_cols["unlisted"] = unlisted[demand]
    return supply_cols, demand_cols


def _latest_of_each_flow(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Of rows ending with their year, those of each flow's (organisation, material,
    direction) latest year, without the year: a firm that reports one output again for a
    later year keeps the rest of its inventory."""
    latest: dict[tuple[Any, Any, Any], int] = {}
    for row in rows:
        key = (row[1], row[3], row[4])
        if row[-1] > latest.get(key, row[-1] - 1):
            latest[key] = row[-1]
    return [row[:-1] for row in rows if row[-1] == latest[(row[1], row[3], row[4])]]


# Words of a destination that name a wastewater plant, and words that make it the firm's own.
_PLANT_WORDS = (" xlnt ", " htxlnt ", " xu ly nuoc thai ")
_OWN_PLANT_WORDS = (" noi bo ", " cuc bo ", " rieng ", " tu xu ly ")
# A treatment system named without saying what it treats ('HTXL', 'trạm xử lý') is the
# park's wastewater plant when the words say it is shared ('tập trung', 'KCN').
_TREATMENT_WORDS = (" htxl ", " he thong xu ly ", " tram xu ly ", " tram xl ")
_SHARED_WORDS = (" tap trung ", " kcn ", " khu cong nghiep ")


@lru_cache(maxsize=4096)
def to_shared_plant(destination_text: str | None) -> bool:
    """Whether a row's destination sends it to the park's shared wastewater plant ("Đấu nối
    về trạm XLNT tập trung", "Về trạm XLNT KCN", "Xả về HTXL tập trung", also after the
    firm's own treatment), not only to the firm's own ("HTXLNT cục bộ", "XLNT yếm khí nội
    bộ")."""
    said = words_of(destination_text or "")
    shared = any(w in said for w in _SHARED_WORDS)
    plant = any(w in said for w in _PLANT_WORDS) or (
        shared and any(w in said for w in _TREATMENT_WORDS)
    )
    # 'XL nội bộ, xả về HTXL tập trung': treated in the firm first, then sent to the park's.
    return plant and (shared or not any(w in said for w in _OWN_PLANT_WORDS))


LIQUID = "dry_matter<15%"  # what a dilute residue measured by volume says of itself


def _liquid_quality(
    quality: np.ndarray, material: np.ndarray, entered_unit: np.ndarray, dilute: frozenset[str]
) -> np.ndarray:
    """Qualities, with :data:`LIQUID` added to those of ``dilute`` materials measured by
    volume (m³, litres) that do not state their dry matter: a residue its staff measure as
    a liquid and the catalog weighs as water is a liquid (vinasse, stickwater, press liquor
    hold 2-10 % solids)."""
    if not dilute:
        return quality
    out = quality.copy()
    for i, (m, unit, q) in enumerate(zip(material, entered_unit, quality, strict=True)):
        if m in dilute and unit and _by_volume(str(unit)) and "dry_matter" not in (q or ""):
            out[i] = f"{q}; {LIQUID}" if q else LIQUID
    return out


# What a solid fuel its staff call fresh or wet says of itself: sawdust of green wood, fresh
# husk or chips hold 40-60 % water, above what a boiler's fuel limit admits until dried.
WET = "moisture>=40%"
_WET_WORDS = frozenset({"tuoi", "uot", "fresh", "wet", "green"})


def _wet_quality(
    quality: np.ndarray, material: np.ndarray, text: np.ndarray, wet_fuels: frozenset[str]
) -> np.ndarray:
    """Qualities, with :data:`WET` added to those of ``wet_fuels`` (solid fuels and wood)
    whose description calls them fresh or wet ("Mùn cưa tươi", "dăm gỗ ướt") and whose
    quality does not state their moisture."""
    if not wet_fuels:
        return quality
    out = quality
    for i, (m, said, q) in enumerate(zip(material, text, quality, strict=True)):
        if (
            m in wet_fuels
            and "moisture" not in (q or "")
            and _WET_WORDS & set(str(said or "").split())
        ):
            if out is quality:
                out = quality.copy()
            out[i] = f"{q}; {WET}" if q else WET
    return out


@lru_cache(maxsize=1024)
def _by_volume(unit: str) -> bool:
    try:
        return parse_unit(unit).canonical == "m3"
    except ValueError:
        return False


def _listed_too(rows: Sequence[Any], material_index: Mapping[str, int]) -> list[Any]:
    """Flow rows with a row more for each other material an input read as a mix lists
    ('Than cám, trấu' is coal, and rice husk is bought too): the row's quantity is read as
    its first material's, each other wanted up to an equal share of it, at its catalog
    price. The rows keep their flow's id (a pair is proposed once per demand flow) and are
    taken together with the firm's other inputs of that material."""
    mixed = [r for r in rows if r[_BASIS] and r[_BASIS].startswith(MIX_BASIS) and r[_SUGGESTED]]
    out = list(rows)
    for row in mixed:
        codes = row[_SUGGESTED]
        if row[_DIRECTION] != "in":
            continue
        if isinstance(codes, str):  # JSON as the driver gives it (SQLite: text)
            codes = json.loads(codes)
        others = [c for c in dict.fromkeys(codes) if c in material_index and c != row[_MATERIAL]]
        for code in others:
            extra = list(row)
            extra[_MATERIAL] = code
            extra[_QUANTITY] = float(row[_QUANTITY]) / (len(others) + 1)
            extra[_PRICE], extra[_PRICE_STATUS], extra[_BASIS], extra[_SUGGESTED] = (
                None,
                "",
                "",
                None,
            )
            out.append(tuple(extra))
    return out


# The common classes of scrap a mixed scrap yard sorts and sells on, by family (metal,
# paper, plastic, glass, fabric). Fabric offcuts of dyers and garment makers are sold on for
# wipers and shoddy; fabric its staff say is mixed with PU or leatherette is no yard's stock
# unless the yard says it takes it (the matcher keeps such pairs out).
SCRAP_CLASSES = {
    "steel-scrap": "metal",
    "metal-scrap": "metal",
    "non-ferrous-scrap": "metal",
    "paper-scrap": "paper",
    "plastic-scrap": "plastic",
    "glass-cullet": "glass",
    "textile-scrap": "textile",
}
# Classes a yard takes too where the park's own sellers say they sell them as scrap ("Bán
# ve chai", "Bán phế liệu", "Bán cho cơ sở thu mua"): tyres and rubber crumb go to the scrap
# trade that buys them, not to a yard that says nothing of them.
SOLD_AS_SCRAP_CLASSES = {"rubber-scrap": "rubber"}
# Destination words of a row sold to the scrap trade (folded).
SOLD_AS_SCRAP_WORDS = ("ve chai", "phe lieu", "co so thu mua", "dong nat", "thu mua phe")
SCRAP_TRADE_SECTORS = ("4669", "383")  # wholesale of waste and scrap; materials recovery
SCRAP_TRADE_BASIS = "scrap-trade"  # how such a wanted class is recorded


def _scrap_traders(conn: Connection, park_ids: Sequence[int]) -> set[int]:
    """Organisations recorded as scrap dealers or materials-recovery plants."""
    query = select(organisations.c.id, organisations.c.vsic).where(
        organisations.c.park_id.in_(list(park_ids))
    )
    return {
        int(oid)
        for oid, vsic in conn.execute(query)
        if vsic and str(vsic).startswith(SCRAP_TRADE_SECTORS)
    }


def _scrap_trade_too(
    rows: list[Any], material_index: Mapping[str, int], traders: set[int]
) -> list[Any]:
    """Flow rows with a row more for each common class of scrap (:data:`SCRAP_CLASSES`)
    that a scrap dealer or mixed recycler (:data:`SCRAP_TRADE_SECTORS`) buying scrap of two
    families or more (metal and paper, say) does not list: such a yard takes the common
    scrap brought to it and sorts it (glass bottles, mixed metal beside its steel, paper,
    plastic and fabric offcuts), and the rubber scrap the park's own sellers say they sell as scrap
    (:data:`SOLD_AS_SCRAP_CLASSES`). A yard of one family (a metal dealer, a PET recycler) is
    left as it is. Each class is wanted up to the smallest quantity the yard lists, at its
    catalog price, on the row of its first scrap input (a pair is proposed once per demand
    flow), marked as not listed: every pair to it needs the yard's confirmation."""
    if not traders:
        return rows
    listed: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        if row[1] in traders and row[_DIRECTION] == "in" and row[_MATERIAL] in SCRAP_CLASSES:
            listed[row[1]].append(row)
    out = list(rows)
    sold_as_scrap: dict[Any, set[str]] = defaultdict(set)  # park -> classes sold as scrap
    for row in rows:
        if (
            row[_DIRECTION] == "out"
            and row[_MATERIAL] in SOLD_AS_SCRAP_CLASSES
            and _sold_as_scrap(row[_DESTINATION_TEXT])
        ):
            sold_as_scrap[row[2]].add(row[_MATERIAL])
    for org_rows in listed.values():
        have = {r[_MATERIAL] for r in org_rows}
        if len({SCRAP_CLASSES[c] for c in have}) < 2:
            continue  # one family (metals, PET bottles) is a trade of that family
        first = org_rows[0]
        quantity = min(float(r[_QUANTITY]) for r in org_rows)
        for code in dict.fromkeys([*SCRAP_CLASSES, *sorted(sold_as_scrap[first[2]])]):
            if code in have or code not in material_index:
                continue
            extra = list(first)
            extra[_MATERIAL], extra[_QUANTITY] = code, quantity
            extra[_PRICE], extra[_PRICE_STATUS], extra[_BASIS], extra[_SUGGESTED] = (
                None,
                "",
                SCRAP_TRADE_BASIS,
                None,
            )
            out.append(tuple(extra))
    return out


def _sold_as_scrap(destination: Any) -> bool:
    """Whether a row's destination says it is sold to the scrap trade
    (:data:`SOLD_AS_SCRAP_WORDS`)."""
    said = " " + " ".join(fold(str(destination or "")).split()) + " "
    return any(f" {w} " in said for w in SOLD_AS_SCRAP_WORDS)


MIX_BASIS = "mix:"  # how the reading of a list of distinct materials is recorded
# Positions in the rows of load_sides' query.
_MATERIAL, _DIRECTION, _QUANTITY, _PRICE, _PRICE_STATUS, _BASIS, _SUGGESTED = 3, 4, 6, 8, 16, 17, 18
_DESTINATION_TEXT = 20


def _row_words(descriptions: np.ndarray, staff_texts: np.ndarray) -> np.ndarray:
    """The words of each flow: its description and the staff's own words for its material
    (taken once per distinct pair of texts)."""
    seen: dict[tuple[str, str], str] = {}
    out = np.empty(len(descriptions), dtype=object)
    for i, key in enumerate(zip(descriptions, staff_texts, strict=True)):
        found = seen.get(key)
        if found is None:
            found = seen[key] = words_of(key[0] or "", key[1] or "")
        out[i] = found
    return out


def _merge(flow_cols: dict[str, np.ndarray], listing_cols: dict[str, list[Any]]) -> Side:
    if not flow_cols and not listing_cols:
        return Side.empty()
    if not listing_cols:
        return Side.from_columns(flow_cols)
    extra = Side.from_columns(listing_cols)
    if not flow_cols:
        return extra
    base = Side.from_columns(flow_cols)
    return Side(
        **{
            name: np.concatenate([getattr(base, name), getattr(extra, name)])
            for name in base.__dataclass_fields__
        }
    )


def _append(
    cols: dict[str, list[Any]],
    row: Mapping[str, Any],
    kind: int,
    material_index: Mapping[str, int],
    qty: float,
    price: float,
    fee: bool,
    sold: bool,
    year: int,
    start: int,
    end: int,
    max_km: float,
) -> None:
    cols["ids"].append(row["id"])
    cols["kinds"].append(kind)
    cols["org"].append(row["org_id"])
    cols["park"].append(row["park_id"])
    cols["material"].append(material_index[row["material_code"]])
    cols["qty"].append(qty)
    cols["price"].append(price)
    cols["fee"].append(fee)
    cols["sold"].append(sold)
    cols["lat"].append(row["lat"])
    cols["lon"].append(row["lon"])
    cols["year"].append(year)
    cols["start_day"].append(start)
    cols["end_day"].append(end)
    cols["max_km"].append(max_km)
    cols["private"].append(bool(row["private"]))
    cols["level"].append(int(row["level"]))
    cols["waste_code"].append(row["waste_code"] or "")
    cols["quality"].append(row["quality"] or "")
    cols["text"].append(fold(row["description"] or ""))
    cols["words"].append(words_of(row["description"] or "", row.get("material_text") or ""))
    cols["already_sold"].append(False)


def scope_org_ids(conn: Connection, park_ids: Sequence[int]) -> dict[str, int]:
    """Organisation ids of the parks by code."""
    query = select(organisations.c.code, organisations.c.id).where(
        organisations.c.park_id.in_(list(park_ids))
    )
    return {code: oid for code, oid in conn.execute(query)}


def organisation_profiles(conn: Connection, park_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """(id, park id, kind, VSIC code, Vietnamese name, English name, sector as typed) of
    every organisation of the parks: what matching reads to tell who can take what."""
    query = (
        select(
            organisations.c.id,
            organisations.c.park_id,
            organisations.c.kind,
            organisations.c.vsic,
            organisations.c.name_vi,
            organisations.c.name_en,
            organisations.c.sector_text,
        )
        .where(organisations.c.park_id.in_(list(park_ids)))
        .order_by(organisations.c.id)
    )
    return fetch_tuples(conn, query)


def _received_by_running_exchanges(
    conn: Connection, park_ids: Sequence[int]
) -> dict[tuple[int, str], float]:
    """(receiver, material replaced) -> quantity per year already delivered."""
    material = func.coalesce(exchanges.c.receiver_material_code, exchanges.c.material_code)
    query = (
        select(exchanges.c.receiver_id, material.label("material"), func.sum(exchanges.c.quantity))
        .join(organisations, organisations.c.id == exchanges.c.receiver_id)
        .where(
            organisations.c.park_id.in_(list(park_ids)),
            exchanges.c.status == ExchangeStatus.RUNNING.value,
        )
        .group_by(exchanges.c.receiver_id, material)
    )
    out: dict[tuple[int, str], float] = {}
    for receiver, mat, qty in conn.execute(query):
        out[(receiver, mat)] = float(qty)
    return out


def running_links(conn: Connection, park_ids: Sequence[int]) -> list[tuple[int, int, str]]:
    """(supplier, receiver, material) of running exchanges touching the parks."""
    query = (
        select(exchanges.c.supplier_id, exchanges.c.receiver_id, exchanges.c.material_code)
        .join(organisations, organisations.c.id == exchanges.c.supplier_id)
        .where(
            organisations.c.park_id.in_(list(park_ids)),
            exchanges.c.status == ExchangeStatus.RUNNING.value,
        )
    )
    return [(s, r, m) for s, r, m in conn.execute(query)]


# -- the match table ---------------------------------------------------------------------


def decided_matches(conn: Connection, park_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Accepted and rejected matches of the parks: they must not be proposed again."""
    query = select(matches).where(
        matches.c.park_id.in_(list(park_ids)), matches.c.status.in_(["accepted", "rejected"])
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def save_proposals(
    conn: Connection,
    park_ids: Sequence[int] | None,
    proposals: Mapping[str, Any],
    chunk: int = 100_000,
) -> np.ndarray:
    """Replace the open proposals of the parks (``None``: of every park) by ``proposals``
    (columns of the match table, numpy arrays or lists); decided matches stay. A pair
    proposed again keeps its id (a rejected pair whose data changed becomes a proposal
    again); new pairs get ids reserved in one block, in the order of the table's unique
    key, so nothing is read back. Each row keeps a hash of the values written
    (``saved_hash``): a pair still proposed whose hash is the same is not written again.
    Columns with one value on every row are written once as constants; the others a
    chunk of rows at a time, in the order of the table's unique key, by the database's
    bulk path (:func:`bulk_write`). Returns the ids in row order."""
    if (
        park_ids is None
        and _packed_pairs(*(np.asarray(proposals[k]) for k in PAIR_KEYS)) is not None
    ):
        try:
            writer = ProposalWriter(conn, chunk)
        except Unpacked:  # a stored pair that does not pack: read pair by pair below
            pass
        else:
            writer.add(proposals)
            return writer.finish()
    keys = PAIR_KEYS
    n = len(proposals["supply_id"])
    arrays = match_columns(proposals)
    constants = {"decision_reason": ""}
    for c, a in arrays.items():
        if len(a) and (a == a[0]).all():
            constants[c] = a[0].item() if isinstance(a[0], np.generic) else a[0]
    hashes = _row_hashes(arrays, n, set(constants))
    packed = _packed_pairs(*(arrays[k] for k in keys))
    found = _stored_pairs(conn, park_ids) if packed is not None else None
    if packed is not None and found is not None:
        stored = found[np.argsort(found[:, 0], kind="stable")]
        codes, stored_ids, states = stored.T
        at = np.minimum(np.searchsorted(codes, packed), max(len(codes) - 1, 0))
        hit = codes[at] == packed if len(codes) else np.zeros(n, dtype=bool)
        ids = np.where(hit, stored_ids[at] if len(codes) else 0, 0).astype(np.int64)
        same = hit & (states[at] == hashes if len(codes) else False)
        again = np.zeros(len(codes), dtype=bool)
        again[at[hit]] = True
        stale = np.sort(stored_ids[(states != 0) & ~again]).tolist()
        write_order = np.argsort(packed, kind="stable")
    else:
        ids, same, stale = _stored_ids(conn, park_ids, arrays, keys, hashes)
        pairs = list(zip(*[arrays[k].tolist() for k in keys], strict=True))
        write_order = np.array(sorted(range(n), key=pairs.__getitem__), dtype=np.int64)
    fresh = ids == 0
    new = write_order[fresh[write_order]]
    ids[new] = reserve_ids(conn, matches, len(new)) + np.arange(len(new))
    for start in range(0, len(stale), CHUNK):
        conn.execute(matches.delete().where(matches.c.id.in_(stale[start : start + CHUNK])))

    columns = ["id", "saved_hash", *[c for c in arrays if c not in constants]]
    arrays.update(id=ids, saved_hash=hashes)
    changed = write_order[~same[write_order]]
    # Every pair of a run over all parks that is not stored yet is new to the whole table:
    # it is inserted as it is. In a narrower run a pair may be stored under another park.
    groups = [changed[fresh[changed]], changed[~fresh[changed]]] if park_ids is None else [changed]
    # Into an empty table, the index by park and status is built once after the rows
    # (SQLite; its rows are written in another order than the index's).
    empty = park_ids is None and found is not None and not len(found)
    with bulk_cache(conn, MATCH_CACHE_KIB), _index_built_after(conn, PARK_STATUS, empty):
        for n_group, rows in enumerate(groups):
            plain = park_ids is None and n_group == 0
            if plain and conn.dialect.name == "postgresql" and len(rows):
                # Rows new to the table: one binary COPY straight into it, built a part at
                # a time while the parts before are sent and stored.
                every = [arrays[c] for c in columns]
                if copy_insert(conn, matches, columns, every, constants, rows=rows):
                    continue
            for start in range(0, len(rows), chunk):
                part = rows[start : start + chunk]
                values = [arrays[c][part] for c in columns]
                bulk_write(conn, matches, columns, values, keys, constants, insert_only=plain)
    return ids


PAIR_KEYS = ("supply_kind", "supply_id", "demand_kind", "demand_id")
_NOT_SAVED = {"id", "created_at", "decided_at", "decided_by", "exchange_id", "saved_hash"}


def match_columns(proposals: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The columns of ``proposals`` a save writes, as numpy arrays."""
    saved = set(matches.c.keys()) - _NOT_SAVED
    return {c: np.asarray(v) for c, v in proposals.items() if c in saved}


def pairs_pack(kinds: Sequence[str], *ids: np.ndarray) -> bool:
    """Whether pairs of records of these kinds and ids pack into one integer each, as a
    :class:`ProposalWriter` needs."""
    return all(k in _KINDS for k in kinds) and all(
        not len(i) or (int(i.min()) >= 0 and int(i.max()) < 1 << _ID_BITS) for i in ids
    )


class Unpacked(Exception):
    """A stored pair or a proposed one does not pack into one integer."""


class ProposalWriter:
    """The proposals of a run over every park saved a part at a time, as they are found:
    what :func:`save_proposals` does for ``park_ids=None``, spread over calls of
    :meth:`add`, each with the proposals of some supplies; :meth:`finish` ends the save
    and returns the ids in the order the rows came. The parts come in the order of the
    table's unique key (supplies by kind and id): the ids given to new pairs are then
    those one save of all of them gives. Rows new to the table are written as each part
    comes, on PostgreSQL into one binary COPY left open from part to part (the server
    stores a part while the next is found); stored pairs whose values changed are
    updated, and stored proposals not proposed again deleted, at the end. All in the
    caller's transaction."""

    def __init__(self, conn: Connection, chunk: int = 100_000) -> None:
        self.conn, self.chunk = conn, chunk
        self.postgres = conn.dialect.name == "postgresql"
        found = _stored_pairs(conn, None)
        if found is None:
            raise Unpacked
        stored = found[np.argsort(found[:, 0], kind="stable")]
        self.codes, self.stored_ids, self.states = stored.T
        self.again = np.zeros(len(self.codes), dtype=bool)
        self.first = reserve_ids(conn, matches, 0)
        self.next = self.first
        self.last_pair = -1
        self.ids: list[np.ndarray] = []
        self.later: list[dict[str, np.ndarray]] = []
        self.columns: list[str] | None = None
        self.copy: Any = None
        self._stack = ExitStack()
        self._copy_stack: ExitStack | None = None
        # Into an empty table, the index by park and status is built once after the rows
        # (SQLite; its rows are written in another order than the index's).
        self._stack.enter_context(bulk_cache(conn, MATCH_CACHE_KIB))
        self._stack.enter_context(_index_built_after(conn, PARK_STATUS, not len(self.codes)))

    def add(self, proposals: Mapping[str, Any]) -> None:
        arrays = match_columns(proposals)
        n = len(arrays["supply_id"])
        if not n:
            return
        constants: dict[str, Any] = {"decision_reason": ""}
        for c, a in arrays.items():
            if (a == a[0]).all():
                constants[c] = a[0].item() if isinstance(a[0], np.generic) else a[0]
        hashes = _row_hashes(arrays, n, set(constants))
        packed = _packed_pairs(*(arrays[k] for k in PAIR_KEYS))
        if packed is None:
            raise Unpacked
        codes, stored_ids, states = self.codes, self.stored_ids, self.states
        if len(codes):
            at = np.minimum(np.searchsorted(codes, packed), len(codes) - 1)
            hit = codes[at] == packed
            ids = np.where(hit, stored_ids[at], 0).astype(np.int64)
            same = hit & (states[at] == hashes)
            self.again[at[hit]] = True
        else:
            ids, same = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool)
        order = np.argsort(packed, kind="stable")
        fresh = ids == 0
        new = order[fresh[order]]
        ids[new] = self.next + np.arange(len(new))
        self.next += len(new)
        self.ids.append(ids)
        self.last_pair = max(self.last_pair, int(packed.max()))
        if self.columns is None:
            self.columns = ["id", "saved_hash", *arrays]
        arrays.update(id=ids, saved_hash=hashes)
        changed = order[~same[order]]
        # Every pair not stored yet is new to the whole table: inserted as it is.
        plain, stored_changed = changed[fresh[changed]], changed[~fresh[changed]]
        if len(stored_changed):
            self.later.append({c: arrays[c][stored_changed] for c in self.columns})
        if not len(plain):
            return
        if self.postgres and self._copied(arrays, plain):
            return
        self._close_copy()
        columns = [c for c in self.columns if c not in constants]
        for start in range(0, len(plain), self.chunk):
            part = plain[start : start + self.chunk]
            values = [arrays[c][part] for c in columns]
            bulk_write(self.conn, matches, columns, values, PAIR_KEYS, constants, insert_only=True)

    def _copied(self, arrays: Mapping[str, np.ndarray], rows: np.ndarray) -> bool:
        """Rows written into the binary COPY left open (opened by the first part)."""
        assert self.columns is not None
        every = [*self.columns, "decision_reason"]
        values = [arrays[c][rows] for c in self.columns]
        values.append(np.full(len(rows), "", dtype=object))
        typed = _typed_columns(matches, every, values)
        if typed is None:
            return False
        numbers, texts = typed
        tails = _text_tails(texts, len(rows))
        if tails is None:
            return False
        order = [name for name, _, _ in numbers] + [name for name, _ in texts]
        if self.copy is not None and self.copy[0] != order:
            self._close_copy()
        if self.copy is None:
            from psycopg.copy import QueuedLibpqWriter

            stack = ExitStack()
            raw = self.conn.connection.driver_connection
            cur = stack.enter_context(raw.cursor())  # type: ignore[union-attr]
            statement = f"COPY matches ({', '.join(order)}) FROM STDIN (FORMAT binary)"
            copy = stack.enter_context(cur.copy(statement, writer=QueuedLibpqWriter(cur)))
            copy.write(PG_COPY_HEAD)
            self.copy, self._copy_stack = (order, copy), stack
        copy = self.copy[1]
        picked = np.arange(len(rows))
        for start in range(0, len(rows), COPY_PART):
            block = _typed_rows(numbers, tails, len(texts), picked[start : start + COPY_PART])
            copy.write(block.data)
        return True

    def _close_copy(self) -> None:
        if self.copy is None:
            return
        self.copy[1].write(PG_COPY_TAIL)
        self.copy = None
        stack, self._copy_stack = self._copy_stack, None
        assert stack is not None
        stack.close()

    def finish(self) -> np.ndarray:
        """End the save: the COPY closed, changed stored pairs updated, stored proposals
        not proposed again deleted; the ids of every row added, in order."""
        self._close_copy()
        if self.postgres and self.next > self.first:
            sequence = "pg_get_serial_sequence('matches', 'id')"
            self.conn.execute(text(f"SELECT setval({sequence}, :last)"), {"last": self.next - 1})
        stale = np.sort(self.stored_ids[(self.states != 0) & ~self.again]).tolist()
        for start in range(0, len(stale), CHUNK):
            self.conn.execute(
                matches.delete().where(matches.c.id.in_(stale[start : start + CHUNK]))
            )
        if self.later:
            assert self.columns is not None
            rows = {c: np.concatenate([p[c] for p in self.later]) for c in self.columns}
            n = len(rows["id"])
            for start in range(0, n, self.chunk):
                values = [rows[c][start : start + self.chunk] for c in self.columns]
                bulk_write(
                    self.conn, matches, self.columns, values, PAIR_KEYS, {"decision_reason": ""}
                )
        self._stack.close()
        return np.concatenate(self.ids) if self.ids else np.empty(0, dtype=np.int64)

    def abort(self) -> None:
        """Leave the save unfinished (the caller rolls its transaction back)."""
        stack, self._copy_stack, self.copy = self._copy_stack, None, None
        error = RuntimeError("save of proposals abandoned")
        if stack is not None:
            stack.__exit__(RuntimeError, error, None)
        self._stack.__exit__(RuntimeError, error, None)


# Rows of binary COPY built at a time while the rows before are sent.
COPY_PART = 50_000


@contextmanager
def _index_built_after(conn: Connection, index: Index, rebuild: bool) -> Iterator[None]:
    """Drop ``index`` while the block writes, create it again after (SQLite, when
    ``rebuild``); the same transaction, so nobody sees the table without it."""
    if not rebuild or conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    if not raw.in_transaction:  # type: ignore[union-attr]
        # The driver opens a transaction only before its first INSERT, UPDATE or DELETE:
        # a DROP INDEX before any would be committed at once, and stay dropped if the
        # save fails.
        raw.execute("BEGIN")  # type: ignore[union-attr]
    index.drop(conn)
    yield
    index.create(conn)


PARK_STATUS = next(i for i in matches.indexes if i.name == "ix_matches_park_status")
# SQLite's page cache while proposals are saved (256 MiB, as KiB): the unique index of a
# national run's two million pairs stays in memory instead of being written and read
# back page by page.
MATCH_CACHE_KIB = 262144
# Pairs are packed into one integer when their record ids fit in this many bits each.
_ID_BITS = 30
_KINDS = {"flow": 0, "listing": 1}


def _row_hashes(columns: Mapping[str, np.ndarray], n: int, constant: set[str]) -> np.ndarray:
    """A 64-bit hash of each row's values (never 0), the same in every process: the
    column names, then integers and booleans as 64-bit integers, floats by their bits
    (0.0 for -0.0), other values by their text; mixed by splitmix64's finaliser. The
    columns named in ``constant`` hold one value on every row: it is taken once."""
    h = np.zeros(n, dtype=np.uint64)
    for name in sorted(columns):
        values = columns[name][:1] if name in constant else columns[name]
        if values.dtype.kind in "biu":
            words = values.astype(np.int64).view(np.uint64)
        elif values.dtype.kind == "f":
            words = (values.astype(np.float64) + 0.0).view(np.uint64)
        else:
            words = _text_words(values)
        h = _mix(_mix(h ^ np.uint64(_text_hash(name))) ^ words)
    hashes: np.ndarray = (h | np.uint64(1)).view(np.int64)
    return hashes


def _text_words(values: np.ndarray) -> np.ndarray:
    """The hash of each value's text, each distinct value hashed once (kinds, materials,
    rules, units: few distinct values among many rows)."""
    try:
        encoded = pa.array(values, type=pa.string()).dictionary_encode()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        index: dict[Any, int] = {}
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for v in values.tolist()), np.int64, len(values)
        )
        return np.array([_text_hash(repr(v)) for v in index], dtype=np.uint64)[codes]
    texts = [*encoded.dictionary.to_pylist(), None]  # None: the code of a NULL
    words = np.array([_text_hash(repr(v)) for v in texts], dtype=np.uint64)
    return words[encoded.indices.fill_null(len(texts) - 1).to_numpy()]


def _text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _mix(h: np.ndarray) -> np.ndarray:
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = h ^ (h >> np.uint64(31))
    return mixed


def _kind_codes(kinds: np.ndarray) -> np.ndarray | None:
    codes = np.full(len(kinds), -1, dtype=np.int64)
    for name, code in _KINDS.items():
        codes[kinds == name] = code
    return None if (codes < 0).any() else codes


def _packed_pairs(
    supply_kind: np.ndarray, supply_id: np.ndarray, demand_kind: np.ndarray, demand_id: np.ndarray
) -> np.ndarray | None:
    """Each (supply kind, supply id, demand kind, demand id) as one int64, in the order of
    the match table's unique key; None where a kind or an id does not fit."""
    ks, kd = _kind_codes(supply_kind), _kind_codes(demand_kind)
    sid, did = supply_id.astype(np.int64), demand_id.astype(np.int64)
    limit = 1 << _ID_BITS
    if (
        ks is None
        or kd is None
        or (len(sid) and not (min(sid.min(), did.min()) >= 0 and max(sid.max(), did.max()) < limit))
    ):
        return None
    packed: np.ndarray = (
        (ks << (2 * _ID_BITS + 1)) | (sid << (_ID_BITS + 1)) | (kd << _ID_BITS) | did
    )
    return packed


def _stored_pairs(conn: Connection, park_ids: Sequence[int] | None) -> np.ndarray | None:
    """The stored matches of the parks as rows (packed pair, id, state), the pair packed
    by the database as by :func:`_packed_pairs`; state 0 for a decided match, else the
    saved hash (2 when none is saved; saved hashes are odd). None when a stored pair
    cannot be packed."""

    def kind(column: Any) -> Any:
        return case(*((column == k, v) for k, v in _KINDS.items()), else_=-1)

    def shifted(value: Any, bits: int) -> Any:
        return value.op("<<")(literal(bits, Integer))  # PostgreSQL: bigint << integer

    ks, kd = (cast(kind(matches.c[c]), BigInteger) for c in ("supply_kind", "demand_kind"))
    sid, did = cast(matches.c.supply_id, BigInteger), cast(matches.c.demand_id, BigInteger)
    limit = 1 << _ID_BITS
    fits = and_(ks >= 0, kd >= 0, sid >= 0, did >= 0, sid < limit, did < limit)
    packed = (
        shifted(ks, 2 * _ID_BITS + 1)
        .op("|")(shifted(sid, _ID_BITS + 1))
        .op("|")(shifted(kd, _ID_BITS))
        .op("|")(did)
    )
    state = case((matches.c.status == "proposed", func.coalesce(matches.c.saved_hash, 2)), else_=0)
    query = select(case((fits, packed), else_=-1), matches.c.id, state)
    if park_ids is not None:
        query = query.where(matches.c.park_id.in_(list(park_ids)))
    rows = np.array(fetch_tuples(conn, query), dtype=np.int64).reshape(-1, 3)
    return None if (rows[:, 0] < 0).any() else rows


def _stored_ids(
    conn: Connection,
    park_ids: Sequence[int] | None,
    proposals: Mapping[str, np.ndarray],
    keys: tuple[str, ...],
    hashes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """The stored id of each proposal's pair (0: none), whether it is stored still
    proposed with the same saved hash, and the ids of the stored proposals of the parks
    not proposed again, pair by pair (kinds or ids that do not pack)."""
    wanted = list(zip(*[proposals[k].tolist() for k in keys], strict=True))
    known: dict[tuple[Any, ...], tuple[int, int | None]] = {}
    stale = []
    query = select(
        matches.c.id,
        matches.c.status,
        matches.c.saved_hash,
        *[matches.c[k] for k in keys],
    )
    if park_ids is not None:
        query = query.where(matches.c.park_id.in_(list(park_ids)))
    for mid, status, saved, *key in conn.execute(query):
        known[tuple(key)] = (mid, saved if status == "proposed" else None)
        if status == "proposed":
            stale.append(mid)
    found = [known.get(key, (0, None)) for key in wanted]
    ids = np.fromiter((mid for mid, _ in found), dtype=np.int64, count=len(wanted))
    same = np.array(
        [saved == h for (_, saved), h in zip(found, hashes.tolist(), strict=True)], dtype=bool
    )
    return ids, same, sorted(set(stale) - set(ids.tolist()))


def get_match(conn: Connection, match_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(matches).where(matches.c.id == match_id)).mappings().first()
    return dict(row) if row else None


def list_matches(
    conn: Connection, park_ids: Iterable[int], statuses: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    query = select(matches).where(matches.c.park_id.in_(list(park_ids)))
    if statuses:
        query = query.where(matches.c.status.in_(list(statuses)))
    query = query.order_by(matches.c.supply_kind, matches.c.supply_id, matches.c.rank)
    return [dict(r) for r in conn.execute(query).mappings()]


def decide(
    conn: Connection,
    match_id: int,
    status: str,
    who: str,
    reason: str = "",
    exchange_id: int | None = None,
    fingerprint: str | None = None,
) -> None:
    conn.execute(
        update(matches)
        .where(matches.c.id == match_id)
        .values(
            status=status,
            decided_at=datetime.now(UTC),
            decided_by=who,
            decision_reason=reason,
            exchange_id=exchange_id,
            saved_hash=None,
            **({"fingerprint": fingerprint} if fingerprint is not None else {}),
        )
    )


def record_fingerprints(
    conn: Connection, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], tuple[Any, ...]]:
    """What a supply or demand looks like now, to tell whether a decided match's data changed."""
    out: dict[tuple[str, int], tuple[Any, ...]] = {}
    refs = list(refs)
    flow_ids = [i for k, i in refs if k == "flow"]
    listing_ids = [i for k, i in refs if k == "listing"]
    flow_cols = (
        flows.c.quantity,
        flows.c.price_vnd_per_unit,
        flows.c.quality,
        flows.c.destination,
        flows.c.material_code,
        flows.c.year,
    )
    listing_cols = (
        listings.c.quantity,
        listings.c.price_vnd_per_unit,
        listings.c.quality,
        listings.c.status,
        listings.c.material_code,
        listings.c.max_distance_km,
        listings.c.available_from,
        listings.c.available_until,
    )
    for kind, table, cols, ids in (
        ("flow", flows, flow_cols, flow_ids),
        ("listing", listings, listing_cols, listing_ids),
    ):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            for r in conn.execute(select(table.c.id, *cols).where(table.c.id.in_(chunk))):
                out[(kind, r[0])] = tuple(r[1:])
    return out


def record_privacy(
    conn: Connection, refs: Iterable[tuple[str, int]]
) -> dict[tuple[str, int], tuple[int, str]]:
    """The confidentiality level of each flow or listing now (0 public, 1 park, 2 private),
    and the quality it states."""
    out: dict[tuple[str, int], tuple[int, str]] = {}
    refs = list(refs)
    for kind, table in (("flow", flows), ("listing", listings)):
        ids = [i for k, i in refs if k == kind]
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = select(table.c.id, table.c.confidentiality, table.c.quality).where(
                table.c.id.in_(chunk)
            )
            for rid, conf, quality in conn.execute(query):
                out[(kind, rid)] = (LEVELS[Confidentiality(conf)], quality or "")
    return out


def org_names(conn: Connection, org_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Code, names, kind, sector (VSIC and as typed), park and location (the park's when
    the organisation has none)."""
    ids = sorted(set(org_ids))
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        query = (
            select(
                organisations.c.id,
                organisations.c.code,
                organisations.c.name_vi,
                organisations.c.name_en,
                organisations.c.kind,
                organisations.c.vsic,
                organisations.c.sector_text,
                parks.c.code.label("park_code"),
                parks.c.id.label("park_id"),
                parks.c.region,
                func.coalesce(organisations.c.lat, parks.c.lat).label("lat"),
                func.coalesce(organisations.c.lon, parks.c.lon).label("lon"),
            )
            .join(parks, parks.c.id == organisations.c.park_id)
            .where(organisations.c.id.in_(chunk))
        )
        for r in conn.execute(query).mappings():
            out[r["id"]] = dict(r)
    return out
