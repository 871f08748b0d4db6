"""Use cases of matching: run the matcher over a scope, save and explain the proposals,
accept one (it becomes an exchange in negotiation) or reject it (it stays away until its
supply or demand changes)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Engine, select

from parkloop import units
from parkloop.accounting.book import TRUCK, FactorBook, build_book, transport_mode_for
from parkloop.accounting.pairs import METHODS, missing_factors, sources_for
from parkloop.catalog import catalog, knowledge, profiles
from parkloop.catalog.sectors import recognise_sector
from parkloop.domain.enums import Confidentiality, ExchangeStatus
from parkloop.domain.geo import distances_km
from parkloop.domain.models import Match
from parkloop.domain.permissions import (
    Role,
    Viewer,
    can_see,
    can_write,
    may_see_level,
    sees_everything_of,
    visible_rows,
)
from parkloop.errors import NotAllowed, UserError, Word, msg
from parkloop.formats import number
from parkloop.matching import fit as fitting
from parkloop.matching import screening as screen
from parkloop.matching.engine import (
    NAME_RULE,
    WASTE_CODE_RULE,
    Candidates,
    MatchParams,
    find_matches,
    link_keys,
    pair_verdicts,
    runs_today,
)
from parkloop.matching.fit import Parties
from parkloop.matching.rules import Rule, build_rules
from parkloop.matching.tables import Side, pair_keys
from parkloop.services import memo
from parkloop.services.saving import ProposalSaving
from parkloop.store import changes, edits, proposals
from parkloop.store import matching as store
from parkloop.store.changes import actor_of
from parkloop.store.schema import ACCOUNT_COLUMNS, parks
from parkloop.store.screening import registry_firms

Progress = Callable[[str, int, int], None]
KIND = {0: "flow", 1: "listing"}
GENERIC = frozenset({"chemicals", "hazardous-waste", "industrial-sludge"})
# The fit note of a proposal whose supply is sold today at a fair price: offered to a
# neighbour instead of the market, valued as a local sale, ranked below open wastes.
ALREADY_SOLD = "sold"  # short: every note together fits fit_note (64 characters)
# Fit notes of a screened proposal: a side expected from its sector's profile (not
# declared), a pair whose firms could each supply the other, codes sharing digits.
EXPECTED_SUPPLY, EXPECTED_DEMAND, TWO_WAY = "expected-supply", "expected-demand", "two-way"
EXPECTED_NOTES = frozenset({EXPECTED_SUPPLY, EXPECTED_DEMAND})
# The fit note of a pair that runs today by its supply's own destination (wastewater piped
# to the park's shared plant): part of the network, shown after every new proposal.
RUNNING = "runs"
# The fit note of a pair to a class of scrap a mixed scrap yard takes but did not list.
UNLISTED = "unl"  # short: every note together fits fit_note (64 characters)
UNLISTED_EN = (
    "the receiver is a scrap yard buying several classes of scrap; it did not list this "
    "one: confirm that it takes it"
)
UNLISTED_VI = (
    "bên nhận là cơ sở thu mua nhiều loại phế liệu nhưng không kê loại này: cần xác nhận "
    "cơ sở có nhận"
)
RUNNING_EN = (
    "runs today: the supplier's row sends it to the park's shared wastewater plant; shown as "
    "part of the network, not as a new exchange"
)
RUNNING_VI = (
    "đang vận hành: dòng này đã đấu nối về trạm XLNT tập trung của KCN; thể hiện như một "
    "phần của mạng lưới, không phải trao đổi mới"
)
_DIGITS = re.compile(r"\d+")
_WWTP = tuple(fitting.phrase(w) for w in fitting.WWTP_WORDS)
SELF_SUPPLY = "self_supply_price_vnd_per_unit"


def open_before_sold(
    keys: Sequence[float], sold: Sequence[bool], groups: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Positions in order of ``keys`` (smaller first, ties keep their order), except that
    a proposal of the kind "already sold" never comes before an open one of its group
    (the same receiver and material): it moves to just after the last of them."""
    order = sorted(range(len(keys)), key=lambda k: keys[k])
    last_open: dict[tuple[Any, ...], int] = {}
    for place, k in enumerate(order):
        if not sold[k]:
            last_open[groups[k]] = place
    placed: list[tuple[float, int, int]] = []
    for place, k in enumerate(order):
        after = last_open.get(groups[k], -1) if sold[k] else -1
        # An open proposal keeps its place; a sold one takes the place just after the
        # last open proposal of its group when that comes later.
        placed.append((place if after < place else after + 0.5, place, k))
    return [k for _, _, k in sorted(placed)]


@cache
def residues() -> frozenset[str]:
    """Materials that are residues — they have a Vietnamese or European waste code — or
    secondary materials made of them (``secondary_materials.csv``: recycled pellets) or
    commodity chemicals a park plant makes for its neighbours (``local_commodities.csv``), and
    so, sold today, are supplies of the kind "already sold"; a product sold (cement,
    feed, compost, biogas) is trade, not a by-product to place. So too a utility a park's
    boiler house sells by pipe (steam): it replaces what each firm would raise in its own
    small plant (``self_supply_price_vnd_per_unit``), valued as the gap between the two."""
    cat = catalog()
    secondary = {r["code"] for r in cat.rows("secondary_materials.csv")}
    # Commodity chemicals a park plant makes and its neighbours buy (acids, lye,
    # coagulants): sold to a trader, still offered next door (local_commodities.csv).
    secondary |= {r["code"] for r in cat.rows("local_commodities.csv")}
    return frozenset(
        code
        for code, m in cat.materials.items()
        if m.vn_waste_code or m.ewc_code or code in secondary or code in utilities()
    )


# An organic material the catalog weighs at no more than this is as dilute as water (t/m³).
DILUTE_DENSITY = 1.03


@cache
def dilute() -> frozenset[str]:
    """Materials weighed by mass that the catalog weighs at about the density of water when
    typed by volume: measured so, they are liquids (vinasse, stickwater, press liquor, whey),
    not a wet cake (spent yeast slurry at 1.05 t/m³ is fed as it comes)."""
    cat = catalog()
    return frozenset(
        code
        for code, density in cat.densities.items()
        if 1.0 <= density <= DILUTE_DENSITY
        and code in cat.materials
        and cat.materials[code].canonical_unit == "t"
        and cat.materials[code].material_class.value == "organic"
    )


@cache
def wet_fuels() -> frozenset[str]:
    """Solid fuels and wood (husk, sawdust, chips, offcuts) whose moisture their staff's
    words may tell ('tươi', 'ướt')."""
    cat = catalog()
    return frozenset(
        code
        for code, m in cat.materials.items()
        if m.material_class.value in ("fuel", "wood") and m.canonical_unit == "t"
    )


@cache
def utilities() -> frozenset[str]:
    """Materials a park utility makes and sells by pipe (steam), with the cost of raising
    them in a firm's own small plant."""
    factors = knowledge.knowledge(catalog()).material_factors
    return frozenset(m for m, p in factors if p == SELF_SUPPLY)


@cache
def rules() -> tuple[Rule, ...]:
    return tuple(build_rules(catalog()))


@cache
def _book(year: int) -> FactorBook:
    return build_book(catalog(), year)


@dataclass
class MatchRun:
    """The outcome of one matching run; proposals are kept as columns and turned into
    :class:`Match` objects only when asked for."""

    scope: dict[str, Any]
    year: int
    parameters: dict[str, Any]
    proposals: dict[str, Any]  # columns of the match table, as numpy arrays
    names: dict[int, dict[str, Any]]
    supplies: int
    demands: int
    seconds: dict[str, float] = field(default_factory=dict)
    inventory: dict[str, int] = field(default_factory=dict)
    # Proposals screened from sector profiles (columns as ``proposals``; never saved) and
    # what the screening rested on (firms screened, employees from the registry or typical).
    screened: dict[str, Any] = field(default_factory=dict)
    screening: dict[str, Any] = field(default_factory=dict)
    _matches: list[Match] | None = None

    def __len__(self) -> int:
        return len(self.proposals.get("supply_id", []))

    def _match(self, i: int, columns: dict[str, Any] | None = None) -> Match:
        table = self.proposals if columns is None else columns
        row = {k: v[i] for k, v in table.items()}
        return match_from_row(
            {k: v.item() if isinstance(v, np.generic) else v for k, v in row.items()}, self.names
        )

    @property
    def screened_count(self) -> int:
        return len(self.screened.get("supply_id", []))

    def screened_matches(self, count: int | None = None) -> list[Match]:
        """Screened proposals, the best first (by fit × net benefit: a screened pair's fit
        holds its basis, code and two-way factors), at most ``count``."""
        n = self.screened_count
        if not n:
            return []
        fit = np.asarray(self.screened["fit"], dtype=float)
        net = np.asarray(self.screened["net_benefit_vnd_per_year"], dtype=float)
        order = np.lexsort((-net, -(fit * net)))
        return [self._match(int(i), self.screened) for i in order[: count if count else n]]

    @property
    def matches(self) -> list[Match]:
        if self._matches is None:
            self._matches = [self._match(i) for i in range(len(self))]
        return self._matches

    def best(self, count: int) -> list[Match]:
        """The ``count`` proposals worth most, without building the others (a supply of
        the kind "already sold" after the open wastes of its material for its receiver)."""
        net = np.asarray(self.proposals.get("net_benefit_vnd_per_year", []), dtype=float)
        notes = self.proposals.get("fit_note", np.full(len(net), "", dtype=object))
        sold = [ALREADY_SOLD in str(n).split(";") for n in notes]
        groups = list(
            zip(
                np.asarray(self.proposals.get("receiver_id", [])).tolist(),
                np.asarray(self.proposals.get("material_code", [])).tolist(),
                strict=True,
            )
        )
        order = open_before_sold((-net).tolist(), sold, groups)
        runs = [RUNNING in str(n).split(";") for n in notes]
        order = [k for k in order if not runs[k]] + [k for k in order if runs[k]]
        return [self._match(int(i)) for i in order[:count]]

    @property
    def factors(self) -> dict[str, Any]:
        """Every factor the proposals rest on, once, with its status and source."""
        book = _book(self.year)
        pairs = set(
            zip(
                self.proposals.get("material_code", []),
                self.proposals.get("receiver_material_code", []),
                strict=True,
            )
        )
        out: dict[str, Any] = {}
        for supply, demand in sorted(pairs):
            for disposes in (False, True):
                for item in sources_for(book, supply, demand, disposes):
                    key = f"{item['material']}:{item['parameter']}"
                    out.setdefault(
                        key, {k: v for k, v in item.items() if k not in ("material", "parameter")}
                    )
        return out


def _scope(
    conn: Connection, park: str | None, region: str | None, all_parks: bool
) -> dict[int, str]:
    if sum(x is not None and x is not False for x in (park, region, all_parks or None)) != 1:
        raise UserError(msg("say what to match: --park CODE, --region NAME or --all"))
    ids = store.scope_park_ids(conn, park=park, region=region)
    if not ids:
        where = (
            msg("park '{park}'", park=park)
            if park
            else msg("region '{region}'", region=region)
            if region
            else msg("the database")
        )
        raise UserError(
            msg(
                "no parks in {where}; load one with `parkloop examples load` or `parkloop import`",
                where=where,
            )
        )
    return ids


def _neighbour_parks(conn: Connection, park_id: int, radius_km: float) -> list[int]:
    rows = conn.execute(select(parks.c.id, parks.c.lat, parks.c.lon)).all()
    centre = next(r for r in rows if r.id == park_id)
    if centre.lat is None or centre.lon is None:
        return [park_id]
    located = [r for r in rows if r.lat is not None and r.lon is not None]
    km = distances_km(
        [centre.lat] * len(located),
        [centre.lon] * len(located),
        [r.lat for r in located],
        [r.lon for r in located],
    )
    # A park's firms spread a few km around its centre: leave room for them.
    return [r.id for r, d in zip(located, km, strict=True) if d <= radius_km + 10.0]


def record_fingerprint(values: Any) -> str:
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:32]


def pair_fingerprint(supply: Any, demand: Any) -> str:
    """What a decided match's supply and demand looked like when it was decided."""
    return record_fingerprint(supply) + record_fingerprint(demand)


@lru_cache(maxsize=65536)
def _quality_check(limits: str, quality: str) -> tuple[bool | None, list[str]]:
    return knowledge.check_quality(knowledge.parse_quality_limits(limits), quality)


@dataclass
class _Prepared:
    """Everything a matching run needs, loaded for its scope."""

    scope_ids: dict[int, str]
    load_ids: list[int]
    year: int
    book: FactorBook
    supplies: Side
    demands: Side
    params: MatchParams
    seconds: float
    parties: Parties


def _parties(rows: Sequence[tuple[Any, ...]]) -> Parties:
    """Who the organisations are, for matching: the VSIC code recorded for each (a farm,
    treater or collector without one counts as its kind's sector), the words of its names
    and sector as typed, and for a shared wastewater plant the sectors of the other firms
    of its park, whose water it treats."""
    words_of_text: dict[str, str] = {}
    doubt_of_text: dict[str, str] = {}
    org, sector, words, doubt = [], [], [], []
    park_sectors: dict[int, set[str]] = defaultdict(set)
    plants: list[tuple[int, int]] = []
    for oid, park_id, kind, vsic, name_vi, name_en, sector_text in rows:
        key = _DIGITS.sub("", f"{name_vi}|{name_en}|{sector_text}")
        found = words_of_text.get(key)
        if found is None:
            found = words_of_text[key] = fitting.words_of(name_vi, name_en, sector_text or "")
        code = (vsic or "").strip() or fitting.KIND_SECTOR.get(str(kind), "")
        org.append(int(oid))
        sector.append(code)
        words.append(found)
        typed = "" if code else (sector_text or "").strip()
        if typed and typed not in doubt_of_text:
            read = recognise_sector(typed)
            doubt_of_text[typed] = " ".join((read.code, *read.suggestions)) if read else ""
        doubt.append(doubt_of_text.get(typed, ""))
        if code.startswith("37") or (not code and fitting.has_words(found, _WWTP)):
            plants.append((int(oid), int(park_id)))
        elif code:
            park_sectors[int(park_id)].add(code)
    served = {oid: tuple(sorted(park_sectors[park_id])) for oid, park_id in plants}
    return Parties.build(org, sector, words, served, doubt)


def _prepare(
    engine: Engine,
    park: str | None,
    region: str | None,
    all_parks: bool,
    radius_km: float | None,
    top: int,
    year: int | None,
    hide_exchanges: bool,
    attribution: float | None,
    deadweight: float | None,
    keep_decided: bool = False,
    viewer: Viewer | None = None,
) -> _Prepared:
    cat = catalog()
    t0 = time.perf_counter()
    attribution = cat.parameter("attribution") if attribution is None else attribution
    deadweight = cat.parameter("deadweight") if deadweight is None else deadweight
    with engine.connect() as conn:
        scope_ids = _scope(conn, park, region, all_parks)
        same_park = park is not None and radius_km is None
        load_ids = list(scope_ids)
        if park is not None and radius_km is not None:
            load_ids = _neighbour_parks(conn, next(iter(scope_ids)), radius_km)
        year = year or store.latest_year(conn, list(scope_ids))
        if year is None:
            raise UserError(msg("the scope has no flows yet; import an inventory first"))
        book = _book(year)
        share = cat.parameter("low_value_sale_share")
        low_value = {
            c: share * book.price[i] for c, i in book.index.items() if not np.isnan(book.price[i])
        }
        fees = {
            c: float(book.disposal_fee[i])
            for c, i in book.index.items()
            if not np.isnan(book.disposal_fee[i])
        }
        supplies, demands = store.load_sides(
            conn,
            load_ids,
            book.index,
            year,
            low_value,
            hide_exchanges,
            disposal_fee=fees,
            # Goods that travel by truck have a market elsewhere; surplus steam, heat,
            # gas and water without a partner on a pipe are simply lost.
            reference_price={
                c: float(book.market_price[i])
                for c, i in book.index.items()
                if not np.isnan(book.market_price[i]) and book.mode[i] == TRUCK
            },
            viewer=viewer,
            residues=residues(),
            year_window=int(cat.parameter("year_window")),
            dilute=dilute(),
            wet_fuels=wet_fuels(),
        )
        if park is not None and radius_km is not None:
            supplies = supplies.take(np.flatnonzero(np.isin(supplies.park, list(scope_ids))))
        links = [] if hide_exchanges else store.running_links(conn, load_ids)
        parties = _parties(store.organisation_profiles(conn, load_ids))
        exclude = (
            np.empty(0, dtype=np.int64)
            if keep_decided
            else _still_excluded(conn, store.decided_matches(conn, load_ids))
        )
    params = MatchParams(
        top=top,
        same_park=same_park,
        radius_km=radius_km
        if radius_km is not None
        else (None if same_park else cat.parameter("default_radius_km")),
        year_window=int(cat.parameter("year_window")),
        name_threshold=cat.parameter("name_similarity_threshold"),
        generic_materials=GENERIC,
        attribution=attribution,
        deadweight=deadweight,
        exclude_pairs=exclude,
        existing_links=np.asarray(
            [
                int(link_keys(np.array([s]), np.array([r]), np.array([book.index[m]]))[0])
                for s, r, m in links
                if m in book.index
            ],
            dtype=np.int64,
        ),
    )
    return _Prepared(
        scope_ids,
        load_ids,
        year,
        book,
        supplies,
        demands,
        params,
        time.perf_counter() - t0,
        parties,
    )


@dataclass
class CandidateNetwork:
    """The links an optimiser may choose from: for every supply its ``top`` best demands
    (net benefit > 0), each priced for the most it can carry (``found.q``). Benefits and
    emissions grow in proportion to the quantity moved, so per-unit figures are exact."""

    year: int
    book: FactorBook
    supplies: Side
    demands: Side
    found: Candidates
    rules: tuple[Rule, ...]
    park_ids: dict[int, str]
    attribution: float
    deadweight: float
    parties: Parties = field(default_factory=Parties.empty)


def candidate_network(
    engine: Engine,
    *,
    park: str | None = None,
    region: str | None = None,
    all_parks: bool = False,
    radius_km: float | None = None,
    top: int = 10,
    year: int | None = None,
    attribution: float | None = None,
    deadweight: float | None = None,
    viewer: Viewer | None = None,
) -> CandidateNetwork:
    """Candidate links of a scope for network optimisation (nothing is saved), from the
    records ``viewer`` may see."""
    prep = _prepare(
        engine,
        park,
        region,
        all_parks,
        radius_km,
        top,
        year,
        False,
        attribution,
        deadweight,
        viewer=viewer,
    )
    found = find_matches(
        prep.supplies,
        prep.demands,
        rules(),
        prep.book,
        prep.params,
        check=_quality_check,
        parties=prep.parties,
    )
    return CandidateNetwork(
        year=prep.year,
        book=prep.book,
        supplies=prep.supplies,
        demands=prep.demands,
        found=found,
        rules=rules(),
        park_ids=prep.scope_ids,
        attribution=prep.params.attribution,
        deadweight=prep.params.deadweight,
        parties=prep.parties,
    )


def run_matching(
    engine: Engine,
    *,
    park: str | None = None,
    region: str | None = None,
    all_parks: bool = False,
    radius_km: float | None = None,
    top: int = 5,
    year: int | None = None,
    hide_exchanges: bool = False,
    save: bool = True,
    attribution: float | None = None,
    deadweight: float | None = None,
    progress: Progress | None = None,
    viewer: Viewer | None = None,
    screen_firms: bool = True,
) -> MatchRun:
    """Match supplies with demands in a park, a region or everywhere; save the proposals.

    A run uses only the records ``viewer`` may see; only the administrator, or the
    operator of the one park in scope, may save proposals (the broker's run). With
    ``screen_firms``, firms that declare no inputs or no outputs are screened by their
    sector's profile (:func:`screen_proposals`): those proposals are kept apart, marked
    expected, ranked below the declared ones and never saved."""
    timings: dict[str, float] = {}
    # SQLite: a process of its own saves (forked now, while this one is small), the rows
    # of each part of the proposals as they are found.
    saving = ProposalSaving(engine, fork=all_parks) if save else None
    with saving or nullcontext():
        if progress:
            progress("loading supplies and demands", 0, 1)
        prep = _prepare(
            engine,
            park,
            region,
            all_parks,
            radius_km,
            top,
            year,
            hide_exchanges,
            attribution,
            deadweight,
            viewer=viewer,
        )
        if save and not all(sees_everything_of(viewer, p) for p in prep.scope_ids):
            raise NotAllowed(
                msg(
                    "{who} may not save proposals for this scope (only its park operator "
                    "may); run with --no-save to see your own matches",
                    who=viewer.name if viewer else msg("this user"),
                )
            )
        scope_ids, year, book, supplies, demands, params = (
            prep.scope_ids,
            prep.year,
            prep.book,
            prep.supplies,
            prep.demands,
            prep.params,
        )
        same_park = params.same_park
        attribution, deadweight = params.attribution, params.deadweight
        timings["load"] = prep.seconds
        if saving:
            saving.start(
                (lambda: progress("saving proposals", 0, 1)) if progress else None,
                None if all_parks else list(scope_ids),
                stream=store.pairs_pack(
                    [KINDS[k] for k in np.union1d(supplies.kinds, demands.kinds).tolist()],
                    supplies.ids,
                    demands.ids,
                ),
            )
        if progress:
            progress("matching", 0, 1)
        rule_list = rules()
        found_s: list[NDArray[np.int64]] = []
        found_d: list[NDArray[np.int64]] = []
        proposal_parts: list[dict[str, Any]] = []
        timings["match"] = timings["explain"] = 0.0
        for first, end in _supply_parts(len(supplies)):
            t1 = time.perf_counter()
            part = (
                supplies if end - first == len(supplies) else supplies.take(np.arange(first, end))
            )
            found = find_matches(
                part, demands, rule_list, book, params, check=_quality_check, parties=prep.parties
            )
            found.s = found.s + first
            t2 = time.perf_counter()
            timings["match"] += t2 - t1
            proposal_parts.append(
                _proposals(found, supplies, demands, rule_list, book, prep.parties)
            )
            found_s.append(found.s)
            found_d.append(found.d)
            del found
            if saving:
                saving.add(dict(proposal_parts[-1]))  # its own dict: the columns are popped below
            timings["explain"] += time.perf_counter() - t2
        t2 = time.perf_counter()
        s_found, d_found = np.concatenate(found_s), np.concatenate(found_d)
        # One column at a time, each part's freed once joined.
        proposals = {
            c: np.concatenate([p.pop(c) for p in proposal_parts]) for c in list(proposal_parts[0])
        }
        del proposal_parts, found_s, found_d
        if saving:
            saving.found(
                object_key=f"{len(s_found)} proposals",
                park_code=park or region or "*",
                detail={"year": year, "radius_km": radius_km, "top": top},
                who=actor_of(viewer),
            )
        with engine.connect() as conn:
            names = store.org_names(
                conn, np.union1d(proposals["supplier_id"], proposals["receiver_id"]).tolist()
            )
            inventory = edits.inventory_quality(conn, list(scope_ids), year, viewer)
        timings["explain"] += time.perf_counter() - t2
        screened: dict[str, Any] = {}
        summary: dict[str, Any] = {}
        if screen_firms:
            if progress:
                progress("screening firms by sector", 0, 1)
            t4 = time.perf_counter()
            screened, summary = screen_proposals(engine, prep, s_found, d_found, viewer)
            if len(screened.get("supplier_id", [])):
                with engine.connect() as conn:
                    more = np.union1d(screened["supplier_id"], screened["receiver_id"]).tolist()
                    names.update(store.org_names(conn, [o for o in more if o not in names]))
            timings["screen"] = time.perf_counter() - t4
    if saving:
        proposals["id"] = saving.ids
        timings["save"] = saving.seconds
    return MatchRun(
        scope={"park": park, "region": region, "all": all_parks, "parks": len(scope_ids)},
        year=year,
        parameters={
            "top": top,
            "radius_km": params.radius_km,
            "same_park": same_park,
            "year_window": params.year_window,
            "attribution": attribution,
            "deadweight": deadweight,
            "hide_exchanges": hide_exchanges,
            "screen": screen_firms,
        },
        proposals=proposals,
        names=names,
        supplies=len(supplies),
        demands=len(demands),
        seconds={k: round(v, 3) for k, v in timings.items()},
        inventory=inventory,
        screened=screened,
        screening=summary,
    )


KINDS = ("flow", "listing", "profile")  # the kinds of records (matching.tables), by code
# Supplies are matched a part at a time, about this many each: a supply's proposals
# depend on it alone, so the parts' proposals together are those of one run over all;
# each part is handed to the save as it is found.
PART_SUPPLIES = 64_000


def _supply_parts(n: int) -> list[tuple[int, int]]:
    """Consecutive ranges of ``n`` supplies, about :data:`PART_SUPPLIES` each."""
    count = max(1, round(n / PART_SUPPLIES))
    bounds = np.linspace(0, n, count + 1).astype(int).tolist()
    return list(pairwise(bounds))


@cache
def _code_levels(year: int) -> np.ndarray:
    """Digits shared by the HS and waste codes of every pair of materials (book order)."""
    cat = catalog()
    book = _book(year)
    codes = [
        screen.code_digits(m.hs_code, m.ewc_code.rstrip("*"))
        for m in (cat.materials[c] for c in book.codes)
    ]
    return screen.proximity_levels(codes)


def _typical_flows(vsic: str, direction: str) -> tuple[screen.Typical, ...]:
    return tuple(
        screen.Typical(r.vsic, r.direction, r.material, r.per_employee)
        for r in profiles.profile(catalog(), vsic, direction)
    )


def _typical_employees(vsic: str) -> int:
    return profiles.typical_size(catalog(), vsic).employees


def screen_proposals(
    engine: Engine,
    prep: _Prepared,
    found_s: NDArray[np.int64],
    found_d: NDArray[np.int64],
    viewer: Viewer | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Proposals for firms that declare no inputs or no outputs, from their sector's
    profile × their employees (docs/methods/matching-screening.md), and a summary of what
    the screening rested on. Only pairs with an expected side are proposed; each supply's
    ranks continue after its declared proposals; quantities, distances and money are
    computed as for declared records and marked estimates."""
    book = prep.book
    with engine.connect() as conn:
        firms = registry_firms(conn, prep.load_ids, prep.year)
    fees = {
        c: float(book.disposal_fee[i])
        for c, i in book.index.items()
        if not np.isnan(book.disposal_fee[i])
    }
    market = {
        c: float(book.market_price[i])
        for c, i in book.index.items()
        if not np.isnan(book.market_price[i]) and book.mode[i] == TRUCK
    }
    exp = screen.expected_sides(
        firms,
        _typical_flows,
        _typical_employees,
        book.index,
        prep.year,
        fees,
        market,
        residues(),
    )
    # Expected outputs of the scope's own parks only, as for declared ones.
    exp_supplies = exp.supplies.take(
        np.flatnonzero(np.isin(exp.supplies.park, list(prep.scope_ids)))
    )
    exp_supplies = store.seen_by(viewer, exp_supplies)
    exp_demands = store.seen_by(viewer, exp.demands)
    summary: dict[str, Any] = {
        "firms": exp.firms,
        "firms_typical_size": exp.typical_size,
        "expected_supplies": len(exp_supplies),
        "expected_demands": len(exp_demands),
        "method": (
            "firms that declare no inputs (or no outputs) are given their sector's typical "
            "flows per employee × their employees (the typical size of their sector when "
            "the registry gives none); status estimate"
        ),
    }
    if not len(exp_supplies) and not len(exp_demands):
        return {}, summary
    supplies = screen.join(prep.supplies, exp_supplies)
    demands = screen.join(prep.demands, exp_demands)
    params = replace(
        prep.params,
        screening=True,
        proposed_pairs=screen.org_pair_keys(prep.supplies.org[found_s], prep.demands.org[found_d]),
        code_levels=_code_levels(book.year),
    )
    got = find_matches(
        supplies, demands, rules(), book, params, check=_quality_check, parties=prep.parties
    )
    columns = _proposals(got, supplies, demands, rules(), book)
    # Each declared supply's screened proposals come after its declared ones.
    declared_per_supply = np.bincount(found_s, minlength=len(supplies))
    columns["rank"] = got.rank + declared_per_supply[got.s]
    f = got.factors
    columns["fit_basis"] = np.round(f.basis, 4)
    columns["fit_codes"] = np.round(f.codes, 4)
    columns["fit_two_way"] = np.round(f.two_way, 4)
    columns["code_level"] = f.code_level.astype(np.int64)
    columns["expected_basis"] = np.array(
        [
            _expected_basis(exp.basis, supplies, demands, int(a), int(b))
            for a, b in zip(got.s, got.d, strict=True)
        ],
        dtype=object,
    )
    summary["proposals"] = len(got)
    return columns, summary


def _expected_basis(
    basis: dict[int, tuple[int, bool, screen.Typical]],
    supplies: Side,
    demands: Side,
    s: int,
    d: int,
) -> dict[str, Any]:
    """What each expected side of a screened pair rests on: the sector profile's row, the
    employees used and whether the registry gave them."""
    out: dict[str, Any] = {}
    cat = catalog()
    for side, table, i in (("supply", supplies, s), ("demand", demands, d)):
        if not table.expected[i]:
            continue
        people, said, row = basis[int(table.ids[i])]
        shipped = next(
            r for r in profiles.profile(cat, row.vsic, row.direction) if r.material == row.material
        )
        size = profiles.typical_size(cat, row.vsic)
        out[side] = {
            "employees": people,
            "employees_from": "registry" if said else "typical",
            **({} if said else {"typical_size": size.cite()}),
            "profile": shipped.cite(),
            "quantity": float(table.qty[i]),
        }
    return out


def _still_excluded(conn: Connection, decided: list[dict[str, Any]]) -> np.ndarray:
    """Pair keys of decided matches that must stay away: every accepted one, and each
    rejected one whose supply and demand are unchanged since the decision."""
    if not decided:
        return np.empty(0, dtype=np.int64)
    refs = {(d["supply_kind"], d["supply_id"]) for d in decided}
    refs |= {(d["demand_kind"], d["demand_id"]) for d in decided}
    now = store.record_fingerprints(conn, refs)
    keys = []
    for d in decided:
        current = pair_fingerprint(
            now.get((d["supply_kind"], d["supply_id"])), now.get((d["demand_kind"], d["demand_id"]))
        )
        if d["status"] == "accepted" or current == d["fingerprint"]:
            s_uid = d["supply_id"] * 2 + (d["supply_kind"] == "listing")
            d_uid = d["demand_id"] * 2 + (d["demand_kind"] == "listing")
            keys.append(int(pair_keys(np.array([s_uid]), np.array([d_uid]))[0]))
    return np.asarray(keys, dtype=np.int64)


def _proposals(
    found: Candidates,
    supplies: Side,
    demands: Side,
    rule_list: Sequence[Rule],
    book: FactorBook,
    parties: Parties | None = None,
) -> dict[str, Any]:
    """The proposals as columns of the match table, with the privacy of their records."""
    acc = found.accounts
    codes = np.asarray(book.codes, dtype=object)
    units_of = np.asarray([catalog().materials[c].canonical_unit for c in book.codes], dtype=object)
    rule_ids = np.asarray([r.id for r in rule_list] + ["name", "waste_code"], dtype=object)
    kinds = np.asarray(KINDS, dtype=object)
    s, d = found.s, found.d
    columns: dict[str, Any] = {
        "park_id": supplies.park[s],
        "supply_kind": kinds[supplies.kinds[s]],
        "supply_id": supplies.ids[s],
        "demand_kind": kinds[demands.kinds[d]],
        "demand_id": demands.ids[d],
        "supplier_id": supplies.org[s],
        "receiver_id": demands.org[d],
        "material_code": codes[supplies.material[s]],
        "receiver_material_code": codes[demands.material[d]],
        "rule_id": rule_ids[found.rule],
        "quantity": found.q,
        "unit": units_of[supplies.material[s]],
        "distance_km": np.round(found.distance_km, 3),
        "score": np.round(found.channel_score, 3),
        "rank": found.rank,
        "net_benefit_vnd_per_year": np.round(acc.net_benefit_vnd, 0),
        "co2e_t_per_year": np.round(acc.co2e_t, 3),
        "similarity": np.round(found.similarity, 1),
        "supply_quantity": supplies.qty[s],
        "demand_quantity": demands.qty[d],
        "year": np.full(len(s), book.year),
        "attribution": np.full(len(s), acc.attribution),
        "deadweight": np.full(len(s), acc.deadweight),
        **{name: np.round(getattr(acc, name), 3) for name in ACCOUNT_COLUMNS},
        **_fit_columns(
            found,
            supplies.already_sold[s],
            runs_today(supplies, demands, parties, s, d) if parties is not None else None,
            demands.unlisted[d],
        ),
        "fingerprint": np.full(len(s), "", dtype=object),
        "status": np.full(len(s), "proposed", dtype=object),
        "supply_private": supplies.private[s],
        "demand_private": demands.private[d],
        "supply_level": supplies.level[s],
        "demand_level": demands.level[d],
        "supply_quality": supplies.quality[s],
        "supply_price_status": supplies.price_status[s],
    }
    return columns


def _fit_columns(
    found: Candidates,
    already_sold: np.ndarray,
    running: np.ndarray | None = None,
    unlisted: np.ndarray | None = None,
) -> dict[str, Any]:
    """How well each proposal fits, its factors, what needs confirming or testing, whether
    its supply is of the kind "already sold" (a neighbour instead of the market) and whether
    the pair runs today by the supply's own destination."""
    f = found.factors
    note = np.full(len(found), "", dtype=object)
    runs = np.zeros(len(found), dtype=bool) if running is None else running
    not_listed = np.zeros(len(found), dtype=bool) if unlisted is None else unlisted
    for flag, label in (
        (f.confirm_receiver, "confirm-receiver"),
        (f.confirm_supplier, "confirm-supplier"),
        (f.unclear, "quality-unclear"),
        (f.warned, "warn"),
        (np.asarray(already_sold, dtype=bool), ALREADY_SOLD),
        (np.asarray(runs, dtype=bool), RUNNING),
        (np.asarray(not_listed, dtype=bool), UNLISTED),
        (f.expected_supply, EXPECTED_SUPPLY),
        (f.expected_demand, EXPECTED_DEMAND),
        (f.two_way_pair, TWO_WAY),
    ):
        if flag.any():
            note = np.where(flag, note + ";" + label, note)
    return {
        "fit": np.round(f.fit, 4),
        "fit_sector": np.round(f.sector, 4),
        "fit_quality": np.round(f.quality, 4),
        "fit_quantity": np.round(f.quantity, 4),
        "fit_distance": np.round(f.distance, 4),
        "fit_note": np.array([n.lstrip(";") for n in note], dtype=object) if note.any() else note,
    }


# -- explaining a match ----------------------------------------------------------------


def channel_of(rule_id: str) -> str:
    if rule_id.startswith("same:"):
        return "identity"
    if rule_id.startswith("kind-of:"):
        return "hierarchy"
    if rule_id in ("waste_code", "name"):
        return rule_id
    return "knowledge"


def _distance_limit(rule_id: str, material: str) -> float | None:
    cat = catalog()
    if channel_of(rule_id) == "knowledge":
        limit = knowledge.rule_distance_limit_km(cat, knowledge.rule(cat, rule_id))
    else:
        limit = knowledge.distance_limit_km(cat, material)
    return limit if np.isfinite(limit) else None


def explain(m: Match, similarity: float = 0.0) -> list[dict[str, Any]]:
    """Why a match was proposed: its channel, distance, quantities and quality notes."""
    cat = catalog()
    out: list[dict[str, Any]] = []
    channel = m.channel
    # An expected input is what the receiver's sector typically uses, not what it declares.
    typical = EXPECTED_DEMAND in (m.fit.get("notes") or [])  # type: ignore[operator]
    if channel == "identity":
        out.append({"kind": "same_material", **({"expected": True} if typical else {})})
    elif channel == "hierarchy":
        out.append({"kind": "code_hierarchy", **({"expected": True} if typical else {})})
    elif channel == "waste_code":
        out.append({"kind": "waste_code"})
    elif channel == "name":
        out.append({"kind": "similarity", "score": similarity})
    else:
        rule = knowledge.rule(cat, m.rule_id)
        out.append(
            {
                "kind": "knowledge_base",
                "rule": rule.id,
                "ratio": rule.ratio,
                "treatment": rule.treatment_en,
                "example": rule.example,
                "example_park": rule.example_park,
                "status": rule.status,
                "source": rule.source,
            }
        )
    out.append(
        {
            "kind": "distance",
            "km": m.distance_km,
            "limit_km": _distance_limit(m.rule_id, m.material_code),
        }
    )
    out.append(
        {
            "kind": "quantity",
            "matched": m.quantity,
            "supply": m.accounting.get("supply_quantity"),
            "demand": m.accounting.get("demand_quantity"),
            "unit": m.unit,
        }
    )
    if channel == "knowledge" and out[0]["kind"] == "knowledge_base":
        limits = knowledge.rule(cat, m.rule_id).quality_limits_text
        if limits:
            _, notes = _quality_check(limits, m.supply_quality)
            out.extend({"kind": "quality", "note": note} for note in notes)
    out.extend(fit_reasons(m))
    for reason in out:
        reason["text"] = reason_text(reason, m)
        reason["text_vi"] = reason_text(reason, m, "vi")
    return out


def _side_reason(
    side: str,
    codes: Sequence[str],
    phrases: Sequence[str],
    profile: tuple[str, str],
    confirm: bool,
) -> dict[str, Any]:
    """Why one side of a pair fits its rule: any firm may; its sector or its words are
    among the rule's; the words of its own flow are; or it needs confirming."""
    code, words = profile
    reason: dict[str, Any] = {"kind": "sector", "side": side, "code": code}
    if knowledge.ANY_SECTOR in codes:
        return {**reason, "how": "any"}
    if confirm:
        return {**reason, "how": "confirm", "codes": list(codes), "words": list(phrases[:3])}
    matched = next((c for c in codes if code and code.startswith(c)), "")
    if matched:
        return {**reason, "how": "sector", "matched": matched}
    word = fitting.has_words(words, [fitting.phrase(p) for p in phrases])
    if word:
        return {**reason, "how": "words", "word": word}
    return {**reason, "how": "flow-words"}


def fit_reasons(m: Match) -> list[dict[str, Any]]:
    """How well a match fits: who may take (and give) it under its rule, any test the
    supply needs first, and the fit score with each of its factors."""
    fit = m.fit
    if not fit:
        return []
    notes = set(fit.get("notes") or [])  # type: ignore[call-overload]
    out: list[dict[str, Any]] = []
    if m.channel == "knowledge":
        rule = knowledge.rule(catalog(), m.rule_id)
        out.append(
            _side_reason(
                "receiver",
                rule.receiver_vsic,
                rule.receiver_words,
                fit.get("receiver") or ("", " "),  # type: ignore[arg-type]
                "confirm-receiver" in notes,
            )
        )
        if rule.supplier_vsic or rule.supplier_words:
            out.append(
                _side_reason(
                    "supplier",
                    rule.supplier_vsic,
                    rule.supplier_words,
                    fit.get("supplier") or ("", " "),  # type: ignore[arg-type]
                    "confirm-supplier" in notes,
                )
            )
        if "warn" in notes and rule.warn_en:
            out.append({"kind": "warning", "vi": rule.warn_vi, "en": rule.warn_en})
    elif EXPECTED_DEMAND not in notes:  # an expected input is explained as expected
        out.append({"kind": "sector", "side": "receiver", "how": "declared"})
    if ALREADY_SOLD in notes:
        out.append(_already_sold_reason(m))
    if RUNNING in notes:
        out.append({"kind": "running"})
    if UNLISTED in notes:
        out.append({"kind": "unlisted"})
    screened = "basis" in fit
    if screened:
        out.extend(_screening_reasons(m, notes))
    names = ("fit", "channel", "sector", "quality", "quantity", "distance")
    if screened:
        names += ("basis", "codes", "two_way")
    out.append(
        {
            "kind": "fit",
            **{name: float(fit.get(name, 1.0)) for name in names},  # type: ignore[arg-type]
            "confirm": bool(notes & {"confirm-receiver", "confirm-supplier"}),
        }
    )
    return out


def is_expected(m: Match) -> bool:
    """Whether a match rests on a side expected from a sector profile, not declared."""
    return bool(EXPECTED_NOTES & set(m.fit.get("notes") or []))  # type: ignore[call-overload]


def _screening_reasons(m: Match, notes: set[str]) -> list[dict[str, Any]]:
    """Why a screened match is proposed: each side expected from its sector's profile
    (with the profile's row and the employees used), how close the materials' codes are,
    and whether the two firms could each supply the other."""
    out: list[dict[str, Any]] = []
    expected = m.fit.get("expected") or {}
    assert isinstance(expected, dict)
    for side in ("supply", "demand"):
        if side in expected:
            out.append({"kind": "expected", "side": side, **expected[side]})
    out.append({"kind": "codes", "level": int(m.fit.get("code_level") or 0)})  # type: ignore[call-overload]
    out.append({"kind": "two_way", "two_way": TWO_WAY in notes})
    return out


def _already_sold_reason(m: Match) -> dict[str, Any]:
    """The accounting of a supply of the kind "already sold": a local sale, worth the
    receiver's purchase avoided and the haul to today's buyer, less the revenue the
    supplier gives up (its price per unit, the staff's or filled with its status)."""
    a = m.accounting
    q = float(m.quantity or 0.0)
    foregone = float(a.get("foregone_revenue_vnd") or 0.0)  # type: ignore[arg-type]
    return {
        "kind": "already_sold",
        "utility": m.material_code in utilities(),
        "price_vnd_per_unit": foregone / q if q > 0 else 0.0,
        "price_status": str(m.fit.get("price_status") or "") or "estimate",
        "avoided_purchase_vnd": float(a.get("avoided_purchase_vnd") or 0.0),  # type: ignore[arg-type]
        "foregone_revenue_vnd": foregone,
        "avoided_haul_vnd": float(a.get("avoided_haul_vnd") or 0.0),  # type: ignore[arg-type]
    }


def _already_sold_text(reason: dict[str, Any], m: Match, lang: str) -> str:
    vi = lang == "vi"
    unit = units.display(m.unit)

    def n(x: object) -> str:
        return number(x, lang, 0)

    status = reason["price_status"]
    if reason.get("utility"):
        if vi:
            return (
                "đã bán qua đường ống: thay cho lò hơi nhỏ của bên nhận — lợi ích là chi phí "
                f"tự sản xuất tránh được ({n(reason['avoided_purchase_vnd'])} VND) trừ chi "
                f"phí sản xuất của lò trung tâm ({n(reason['price_vnd_per_unit'])} "
                f"VND/{unit}: {n(reason['foregone_revenue_vnd'])} VND); có thể là trao đổi "
                "đang chạy mà bảng kê chưa ghi"
            )
        return (
            "sold by pipe: replaces the receiver's own small boiler — worth what raising it "
            f"there costs ({n(reason['avoided_purchase_vnd'])} VND) less the central plant's "
            f"cost of raising it ({n(reason['price_vnd_per_unit'])} VND/{unit}: "
            f"{n(reason['foregone_revenue_vnd'])} VND); may be an exchange already running "
            "that the inventory does not record"
        )
    if vi:
        said = "doanh nghiệp khai" if status == "reported" else "ước tính theo giá thị trường"
        return (
            "đã bán: bán cho doanh nghiệp lân cận thay cho thị trường — lợi ích là mua vào "
            f"tránh được ({n(reason['avoided_purchase_vnd'])} VND) cộng quãng chở đến người "
            f"mua hiện nay ({n(reason['avoided_haul_vnd'])} VND), trừ doanh thu bán hiện nay "
            f"({n(reason['price_vnd_per_unit'])} VND/{unit}, {said}: "
            f"{n(reason['foregone_revenue_vnd'])} VND); xếp sau chất thải chưa có đầu ra"
        )
    said = "reported by the firm" if status == "reported" else "estimated from the market price"
    return (
        "already sold: a neighbour instead of the market — worth the purchase the receiver "
        f"avoids ({n(reason['avoided_purchase_vnd'])} VND) and the haul to today's buyer "
        f"({n(reason['avoided_haul_vnd'])} VND), less the revenue of today's sale "
        f"({n(reason['price_vnd_per_unit'])} VND/{unit}, {said}: "
        f"{n(reason['foregone_revenue_vnd'])} VND); ranked below wastes with no outlet"
    )


def _sector_name(code: str, lang: str) -> str:
    from parkloop.catalog.sectors import vsic_name

    for known in (code, code[:4], code[:2]):
        try:
            return f"{code} {vsic_name(known, lang)}"
        except KeyError:
            continue
    return code


def _fit_text(reason: dict[str, Any], m: Match, d_name: str, lang: str) -> str:
    """The words of a sector, warning or fit reason, in Vietnamese or English."""
    vi = lang == "vi"
    kind = reason["kind"]
    if kind == "warning":
        return str(reason["vi"] if vi else reason["en"])
    if kind == "fit":

        def n(x: float) -> str:
            return number(x, lang, 2)

        head = "mức phù hợp" if vi else "fit"
        parts: tuple[tuple[str, str, float], ...] = (
            ("kênh", "channel", reason["channel"]),
            ("ngành", "sector", reason["sector"]),
            ("chất lượng", "quality", reason["quality"]),
            ("khối lượng", "quantity", reason["quantity"]),
            ("khoảng cách", "distance", reason["distance"]),
        )
        if "basis" in reason:
            parts += (
                ("căn cứ", "basis", reason["basis"]),
                ("mã", "codes", reason["codes"]),
                ("hai chiều", "two-way", reason["two_way"]),
            )
        text = f"{head} {n(reason['fit'])} = " + " × ".join(
            f"{v if vi else e} {n(x)}" for v, e, x in parts
        )
        if reason.get("confirm"):
            text += (
                " (cần xác nhận: xếp sau các cặp đã phù hợp)"
                if vi
                else " (needs confirmation: ranked below the pairs that fit)"
            )
        return text
    side_vi, side_en = (
        ("bên nhận", "the receiver")
        if reason["side"] == "receiver"
        else (
            "bên cung cấp",
            "the supplier",
        )
    )
    how = reason["how"]
    if how == "declared":
        return (
            f"bên nhận khai báo dùng {d_name} làm đầu vào"
            if vi
            else f"the receiver declares {d_name} as an input"
        )
    if how == "any":
        return (
            f"mọi doanh nghiệp đang dùng {d_name} đều nhận được"
            if vi
            else f"any firm that uses {d_name} can take it"
        )
    if how == "sector":
        name = _sector_name(reason["code"], lang)
        return (
            f"ngành của {side_vi} ({name}) thuộc nhóm {reason['matched']} mà quy tắc áp dụng"
            if vi
            else f"{side_en}'s sector ({name}) falls under {reason['matched']}, "
            "which the rule serves"
        )
    if how == "words":
        return (
            f"hoạt động của {side_vi} có '{reason['word']}', công đoạn mà quy tắc áp dụng"
            if vi
            else f"{side_en}'s activity mentions '{reason['word']}', a process the rule serves"
        )
    if how == "flow-words":
        return (
            f"mô tả dòng vật chất của {side_vi} nêu công đoạn mà quy tắc áp dụng"
            if vi
            else f"{side_en}'s own description of the flow names a process the rule serves"
        )
    codes = ", ".join(reason.get("codes") or [])
    words = ", ".join(f"'{w}'" for w in reason.get("words") or [])
    recorded = reason.get("code") or ""
    if vi:
        said = (
            f"ngành của {side_vi} chỉ ghi đến {recorded}"
            if recorded
            else f"chưa ghi ngành của {side_vi}"
        )
        return f"cần xác nhận: {said}; quy tắc áp dụng cho ngành {codes}" + (
            f" ({words})" if words else ""
        )
    said = (
        f"{side_en}'s sector is recorded only as {recorded}"
        if recorded
        else f"{side_en}'s sector is not recorded"
    )
    return f"needs confirmation: {said}; the rule serves {codes}" + (f" ({words})" if words else "")


EXPECTED_VI = "dự kiến theo ngành, chưa khai báo"
EXPECTED_EN = "expected from the sector, not declared"


def _screening_text(reason: dict[str, Any], m: Match, lang: str) -> str:
    """The words of a screening reason: an expected side, code proximity, two-way."""
    vi = lang == "vi"
    kind = reason["kind"]
    if kind == "codes":
        level = int(reason["level"])
        if not level:
            return (
                "mã HS/mã chất thải của hai vật liệu không trùng chữ số đầu nào"
                if vi
                else "the two materials' HS/waste codes share no leading digits"
            )
        return (
            f"mã HS/mã chất thải của hai vật liệu trùng {level} chữ số đầu"
            if vi
            else f"the two materials' HS/waste codes share their first {level} digits"
        )
    if kind == "two_way":
        if reason["two_way"]:
            return (
                "cặp hai chiều: mỗi bên đều có thể cung cấp cho bên kia"
                if vi
                else "two-way pair: each firm could supply the other"
            )
        return "cặp một chiều" if vi else "one-way pair"
    row = reason["profile"]
    unit = units.display(str(row["unit"]))

    def n(x: object, digits: int = 0) -> str:
        return number(x, lang, digits, fixed=False)

    side_vi = "bên cung cấp" if reason["side"] == "supply" else "bên nhận"
    side_en = "the supplier" if reason["side"] == "supply" else "the receiver"
    people_vi = (
        f"{n(reason['employees'])} lao động theo đăng ký"
        if reason["employees_from"] == "registry"
        else f"chưa có số lao động, dùng mức điển hình {n(reason['employees'])} của ngành"
    )
    people_en = (
        f"{n(reason['employees'])} employees in the registry"
        if reason["employees_from"] == "registry"
        else f"no employees recorded, the sector's typical {n(reason['employees'])} used"
    )
    if vi:
        return (
            f"{EXPECTED_VI}: {side_vi} thuộc ngành {row['vsic']}, mức điển hình "
            f"{n(row['per_employee'], 3)} {unit}/lao động/năm × {people_vi} = "
            f"{n(reason['quantity'])} {unit}/năm [{row['status']}; {row['source']}]"
        )
    return (
        f"{EXPECTED_EN}: {side_en} is of sector {row['vsic']}, typically "
        f"{n(row['per_employee'], 3)} {unit} per employee a year × {people_en} = "
        f"{n(reason['quantity'])} {unit} a year [{row['status']}; {row['source']}]"
    )


def reason_text(reason: dict[str, Any], m: Match, lang: str = "en") -> str:
    """One reason in words."""
    cat = catalog()
    sup = cat.materials[m.material_code]
    dem = cat.materials.get(m.receiver_material_code, sup)
    s_name = sup.name_vi if lang == "vi" else sup.name_en
    d_name = dem.name_vi if lang == "vi" else dem.name_en
    unit = units.display(m.unit)
    kind = reason["kind"]
    if kind == "already_sold":
        return _already_sold_text(reason, m, lang)
    if kind == "running":
        return RUNNING_VI if lang == "vi" else RUNNING_EN
    if kind == "unlisted":
        return UNLISTED_VI if lang == "vi" else UNLISTED_EN
    if kind in ("sector", "warning", "fit"):
        return _fit_text(reason, m, d_name, lang)
    if kind in ("expected", "codes", "two_way"):
        return _screening_text(reason, m, lang)
    if lang == "vi":
        return _reason_vi(reason, s_name, d_name, unit)
    if kind == "same_material":
        if reason.get("expected"):
            return f"the receiver's sector typically uses {s_name} as an input"
        return f"the receiver uses {s_name} as an input"
    if kind == "code_hierarchy":
        if reason.get("expected"):
            return f"{s_name} is a kind of {d_name}, which the receiver's sector typically uses"
        return f"{s_name} is a kind of {d_name}, which the receiver uses"
    if kind == "knowledge_base":
        text = f"{s_name} can replace {d_name} (ratio {reason['ratio']:g})"
        if reason.get("treatment"):
            text += f" after: {reason['treatment']}"
        if reason.get("example"):
            text += f"; as in: {reason['example']}"
        return text + f" [{reason['status']}]"
    if kind == "waste_code":
        return "its waste code falls under a code the receiver takes"
    if kind == "similarity":
        return f"the two descriptions are alike ({reason['score']:.0f}/100)"
    if kind == "distance":
        limit = f" (limit {reason['limit_km']:g} km)" if reason.get("limit_km") else ""
        return f"{reason['km']:.1f} km by road{limit}"
    if kind == "quantity":
        return (
            f"{reason['matched']:,.0f} {unit} a year of the {reason['supply'] or 0:,.0f} offered "
            f"and {reason['demand'] or 0:,.0f} wanted"
        )
    if kind == "quality":
        return f"quality: {reason['note']}"
    return str(reason)


def _reason_vi(reason: dict[str, Any], s_name: str, d_name: str, unit: str) -> str:
    """A channel, distance, quantity or quality reason in Vietnamese."""
    kind = reason["kind"]

    def n(x: object, digits: int = 0) -> str:
        return number(x, "vi", digits)

    if kind == "same_material":
        if reason.get("expected"):
            return f"ngành của bên nhận thường dùng {s_name} làm đầu vào"
        return f"bên nhận dùng {s_name} làm đầu vào"
    if kind == "code_hierarchy":
        if reason.get("expected"):
            return f"{s_name} là một loại {d_name} mà ngành của bên nhận thường dùng"
        return f"{s_name} là một loại {d_name} mà bên nhận dùng"
    if kind == "knowledge_base":
        rule = knowledge.rule(catalog(), reason["rule"])
        text = (
            f"{s_name} thay được {d_name} (tỷ lệ {n(reason['ratio'], 4).rstrip('0').rstrip(',')})"
        )
        if rule.treatment_vi:
            text += f" sau khi: {rule.treatment_vi}"
        if reason.get("example"):
            text += f"; ví dụ: {reason['example']}"
        return text + f" [{reason['status']}]"
    if kind == "waste_code":
        return "mã chất thải thuộc nhóm mã bên nhận tiếp nhận"
    if kind == "similarity":
        return f"hai mô tả giống nhau ({n(reason['score'])}/100)"
    if kind == "distance":
        limit = f" (giới hạn {n(reason['limit_km'])} km)" if reason.get("limit_km") else ""
        return f"{n(reason['km'], 1)} km đường bộ{limit}"
    if kind == "quantity":
        return (
            f"{n(reason['matched'])} {unit}/năm trong {n(reason['supply'] or 0)} được chào "
            f"và {n(reason['demand'] or 0)} cần dùng"
        )
    if kind == "quality":
        return f"chất lượng: {reason['note']}"
    return str(reason)


def match_from_row(row: dict[str, Any], names: dict[int, dict[str, Any]]) -> Match:
    """A match from a saved or just-proposed row."""
    sup, rec = names[row["supplier_id"]], names[row["receiver_id"]]
    accounting = {name: row[name] for name in ACCOUNT_COLUMNS}
    accounting.update(
        net_benefit_vnd=row["net_benefit_vnd_per_year"],
        co2e_t=row["co2e_t_per_year"],
        attribution=row["attribution"],
        deadweight=row["deadweight"],
        year=row["year"],
        supply_quantity=row["supply_quantity"],
        demand_quantity=row["demand_quantity"],
        similarity=row["similarity"],
    )
    return Match(
        id=row.get("id"),
        park_code=sup["park_code"],
        supply_kind=row["supply_kind"],
        supply_id=row["supply_id"],
        demand_kind=row["demand_kind"],
        demand_id=row["demand_id"],
        supplier_code=sup["code"],
        supplier_park_code=sup["park_code"],
        receiver_code=rec["code"],
        receiver_park_code=rec["park_code"],
        material_code=row["material_code"],
        receiver_material_code=row["receiver_material_code"],
        rule_id=row["rule_id"],
        channel=channel_of(str(row["rule_id"])),
        quantity=row["quantity"],
        unit=row["unit"],
        distance_km=row["distance_km"],
        score=row["score"],
        rank=row["rank"],
        net_benefit_vnd_per_year=row["net_benefit_vnd_per_year"],
        co2e_t_per_year=row["co2e_t_per_year"],
        accounting=accounting,
        status=row.get("status", "proposed"),
        fingerprint=row.get("fingerprint", ""),
        supplier_name=sup["name_vi"],
        receiver_name=rec["name_vi"],
        supplier_id=row["supplier_id"],
        receiver_id=row["receiver_id"],
        supplier_park_id=sup["park_id"],
        receiver_park_id=rec["park_id"],
        supply_private=bool(row.get("supply_private", False)),
        supply_quality=str(row.get("supply_quality") or ""),
        demand_private=bool(row.get("demand_private", False)),
        supply_level=int(row.get("supply_level", 2 if row.get("supply_private") else 1)),
        demand_level=int(row.get("demand_level", 2 if row.get("demand_private") else 1)),
        fit={
            "fit": float(row.get("fit", 1.0)),
            "sector": float(row.get("fit_sector", 1.0)),
            "quality": float(row.get("fit_quality", 1.0)),
            "quantity": float(row.get("fit_quantity", 1.0)),
            "distance": float(row.get("fit_distance", 1.0)),
            "channel": float(row["score"]),
            "notes": [n for n in str(row.get("fit_note") or "").split(";") if n],
            "price_status": str(row.get("supply_price_status") or ""),
            "supplier": _profile(sup),
            "receiver": _profile(rec),
            **(
                {
                    "basis": float(row.get("fit_basis", 1.0)),
                    "codes": float(row.get("fit_codes", 1.0)),
                    "two_way": float(row.get("fit_two_way", 1.0)),
                    "code_level": int(row.get("code_level", 0)),
                    "expected": row.get("expected_basis") or {},
                }
                if "fit_basis" in row
                else {}
            ),
        },
    )


def _profile(org: dict[str, Any]) -> tuple[str, str]:
    """An organisation's sector (its kind's where none is recorded) and words, as
    matching reads them (:func:`_parties`)."""
    code = str(org.get("vsic") or "").strip() or fitting.KIND_SECTOR.get(str(org.get("kind")), "")
    words = fitting.words_of(
        str(org.get("name_vi") or ""), str(org.get("name_en") or ""), org.get("sector_text") or ""
    )
    return code, words


def _citations(m: Match) -> dict[str, Any]:
    """The factors a match's figures rest on, each with its status and source."""
    book = _book(int(m.accounting["year"]))  # type: ignore[call-overload]
    disposes = float(m.accounting.get("avoided_disposal_vnd") or 0.0) > 0  # type: ignore[arg-type]
    return {
        "factors": sources_for(book, m.material_code, m.receiver_material_code, disposes),
        "missing_factors": missing_factors(book, m.material_code, m.receiver_material_code),
    }


def match_view(m: Match, viewer: Viewer, explained: bool = True) -> dict[str, Any]:
    """A match as ``viewer`` may see it: a side's details are hidden unless the viewer may
    see that side's record (its owner and the park operator always may)."""
    see_supply = not m.supply_private or can_see(
        viewer, m.supplier_id, m.supplier_park_id, Confidentiality.PRIVATE
    )
    see_demand = not m.demand_private or can_see(
        viewer, m.receiver_id, m.receiver_park_id, Confidentiality.PRIVATE
    )
    reasons = (
        explain(m, float(m.accounting.get("similarity") or 0.0))  # type: ignore[arg-type]
        if explained
        else []
    )
    view: dict[str, Any] = {
        "id": m.id,
        "rank": m.rank,
        "status": m.status,
        "park": m.park_code,
        "supplier": {
            "park": m.supplier_park_code,
            "code": m.supplier_code,
            "name": m.supplier_name,
        },
        "receiver": {
            "park": m.receiver_park_code,
            "code": m.receiver_code,
            "name": m.receiver_name,
        },
        "material": m.material_code,
        "receiver_material": m.receiver_material_code,
        "rule": m.rule_id,
        "channel": m.channel,
        "score": m.score,
        "quantity": m.quantity,
        "unit": m.unit,
        "distance_km": m.distance_km,
        "net_benefit_vnd_per_year": m.net_benefit_vnd_per_year,
        "co2e_t_per_year": m.co2e_t_per_year,
        "expected": is_expected(m),
        "reasons": reasons,
        "accounting": {**m.accounting, **_citations(m), "method": METHODS}
        if explained
        else dict(m.accounting),
    }
    if see_supply and see_demand:
        return view
    hidden = "confidential"
    if not see_supply:
        view["supplier"] = {"park": m.supplier_park_code, "code": hidden, "name": hidden}
    if not see_demand:
        view["receiver"] = {"park": m.receiver_park_code, "code": hidden, "name": hidden}
    view["quantity"] = None
    view["net_benefit_vnd_per_year"] = None
    view["co2e_t_per_year"] = None
    view["accounting"] = {
        "hidden": (
            "the details of a confidential record are shown only to its owner and the park operator"
        )
    }
    view["reasons"] = [
        r
        for r in reasons
        if r["kind"] in ("knowledge_base", "same_material", "code_hierarchy", "distance")
    ]
    return view


# -- listing and deciding ---------------------------------------------------------------


def list_matches(engine: Engine, park: str, statuses: Sequence[str] | None = None) -> list[Match]:
    """Saved matches of a park, with the privacy of their records as it is now."""
    with engine.connect() as conn:
        ids = _scope(conn, park, None, False)
        return _matches(conn, proposals.matches_of(conn, list(ids), statuses))


def _matches(conn: Connection, rows: list[dict[str, Any]]) -> list[Match]:
    """Matches from rows of :func:`parkloop.store.proposals.matches_of`."""
    names = store.org_names(
        conn, {r["supplier_id"] for r in rows} | {r["receiver_id"] for r in rows}
    )
    for r in rows:
        r["supply_private"] = r["supply_level"] == 2
        r["demand_private"] = r["demand_level"] == 2
    return [match_from_row(r, names) for r in rows]


class Shown(NamedTuple):
    """A saved match as a viewer is shown it, before any view of it is built: whole, or
    (accepted, to one of its parties) with the other side's details hidden; its rank
    among the matches of its supply shown to that viewer, and the net benefit the view
    shows (none when hidden). A tuple: a park's network makes thousands of them."""

    id: int
    whole: bool
    rank: int
    status: str
    supplier_id: int
    receiver_id: int
    net_benefit_vnd_per_year: float | None


@dataclass(frozen=True)
class _Index:
    """A park's saved matches (of some statuses) as :func:`shown_matches` reads them, for
    every viewer: who is shown which is decided from these columns for each viewer."""

    ids: list[int]
    status: list[str]
    supply: list[tuple[Any, Any]]  # (kind, id) of the supply, in the listing's order
    supplier_ids: list[int]
    receiver_ids: list[int]
    net_benefit: list[Any]
    sold: list[bool]  # the fit note says the supply is sold today
    runs: list[bool]  # the fit note says the pair runs today (shown after the new ones)
    groups: list[tuple[int, str]]  # (receiver, material), for open_before_sold
    supplier: NDArray[np.int64]
    receiver: NDArray[np.int64]
    supplier_park: NDArray[np.int64]
    receiver_park: NDArray[np.int64]
    supply_level: NDArray[np.int8]
    demand_level: NDArray[np.int8]
    accepted: NDArray[np.bool_]

    @classmethod
    def of(cls, index: dict[str, list[Any]]) -> _Index:
        ids = [int(i) for i in index["id"]]
        return cls(
            ids=ids,
            status=[str(s) for s in index["status"]],
            supply=list(zip(index["supply_kind"], index["supply_id"], strict=True)),
            supplier_ids=[int(i) for i in index["supplier_id"]],
            receiver_ids=[int(i) for i in index["receiver_id"]],
            net_benefit=list(index["net_benefit_vnd_per_year"]),
            sold=[ALREADY_SOLD in str(note or "").split(";") for note in index["fit_note"]],
            runs=[RUNNING in str(note or "").split(";") for note in index["fit_note"]],
            groups=[
                (int(r), str(m))
                for r, m in zip(index["receiver_id"], index["material_code"], strict=True)
            ],
            supplier=np.asarray(index["supplier_id"], dtype=np.int64),
            receiver=np.asarray(index["receiver_id"], dtype=np.int64),
            supplier_park=np.asarray(index["supplier_park_id"], dtype=np.int64),
            receiver_park=np.asarray(index["receiver_park_id"], dtype=np.int64),
            supply_level=np.asarray(index["supply_level"], dtype=np.int8),
            demand_level=np.asarray(index["demand_level"], dtype=np.int8),
            accepted=np.asarray([s == "accepted" for s in index["status"]], dtype=bool),
        )


# What deciding which saved matches a viewer is shown rests on (:func:`memo.shared`):
# the matches, and who owns each of their two records and how confidential it is now.
SHOWN_REST_ON = frozenset({memo.MATCHES, memo.FLOW_ACCESS, memo.LISTINGS, memo.ORGANISATIONS})


def _match_index(
    engine: Engine,
    park: str,
    statuses: tuple[str, ...] | None,
    supply: tuple[str, int] | None,
    party: int | None,
) -> _Index:
    """The park's match index (``store.proposals.match_index``); the whole park's read
    once per data version in the web application, one supply's or party's each time."""

    def read() -> _Index:
        with engine.connect() as conn:
            ids = _scope(conn, park, None, False)
            return _Index.of(proposals.match_index(conn, list(ids), statuses, supply, party))

    if supply is None and party is None:
        return memo.park_wide(engine, ("match_index", park, statuses), read, SHOWN_REST_ON)
    return read()


def shown_matches(
    engine: Engine,
    park: str,
    viewer: Viewer,
    statuses: Sequence[str] | None = None,
    supply: tuple[str, int] | None = None,
    party: int | None = None,
) -> list[Shown]:
    """Which saved matches of a park ``viewer`` is shown, best first, as
    :func:`matches_for` shows them, without explaining any: a match whose records the
    viewer may not see is not shown until it is accepted; once accepted its parties see
    it with the other side's details hidden. Ranks count only the matches shown, so a
    hidden match never shows through another's rank. With ``supply`` (its kind and id),
    only the matches of that supply; with ``party`` (an organisation's id), only those of
    the supplies it is a party of (ranks count within a supply, so they are the same).

    In the web application the answer is kept per data version and the viewer's scope
    (the pages of one viewer ask for it several times), each scope's derived from the
    park's match index read once per data version, and listed once for the scopes shown
    the same matches the same way."""
    wanted = tuple(statuses) if statuses is not None else None
    key = ("shown_matches", park, memo.scope_of(viewer), wanted, supply, party)

    def listed() -> list[Shown]:
        index = _match_index(engine, park, wanted, supply, party)
        whole, redacted = _seen(index, viewer)
        alike = ("shown", park, wanted, supply, party, whole.tobytes(), redacted.tobytes())
        return memo.alike(
            engine, alike, lambda: _listed(index, whole, redacted), rests_on=SHOWN_REST_ON
        )

    return list(memo.shared(engine, key, listed, earlier=False, rests_on=SHOWN_REST_ON))


def _seen(index: _Index, viewer: Viewer) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Which matches of ``index`` ``viewer`` is shown whole, and which redacted."""
    if not index.ids:
        empty = np.zeros(0, dtype=bool)
        return empty, empty
    private = np.full(len(index.ids), 2, dtype=np.int8)
    # The permission matrix over whole columns (domain.permissions.visible_rows).
    whole = visible_rows(viewer, index.supplier, index.supplier_park, index.supply_level)
    whole &= visible_rows(viewer, index.receiver, index.receiver_park, index.demand_level)
    a_party = visible_rows(viewer, index.supplier, index.supplier_park, private) | visible_rows(
        viewer, index.receiver, index.receiver_park, private
    )
    return whole, ~whole & index.accepted & a_party


def _listed(index: _Index, whole: NDArray[np.bool_], redacted: NDArray[np.bool_]) -> list[Shown]:
    """The matches of ``index`` shown whole or redacted, best first, ranked among those."""
    if not index.ids:
        return []
    is_whole = whole.tolist()
    rank: dict[tuple[Any, Any], int] = defaultdict(int)
    out = []
    sold: list[bool] = []
    runs: list[bool] = []
    groups: list[tuple[int, str]] = []
    # The rows come ordered by supply and rank: a rank counts the shown ones before it.
    for i in np.flatnonzero(whole | redacted).tolist():
        sold.append(index.sold[i])
        runs.append(index.runs[i])
        groups.append(index.groups[i])
        supply = index.supply[i]
        rank[supply] += 1
        out.append(
            Shown(
                id=index.ids[i],
                whole=is_whole[i],
                rank=rank[supply],
                status=index.status[i],
                supplier_id=index.supplier_ids[i],
                receiver_id=index.receiver_ids[i],
                net_benefit_vnd_per_year=index.net_benefit[i] if is_whole[i] else None,
            )
        )
    order = open_before_sold([-(x.net_benefit_vnd_per_year or 0.0) for x in out], sold, groups)
    order = [k for k in order if not runs[k]] + [k for k in order if runs[k]]
    return [out[k] for k in order]


def match_views(
    engine: Engine,
    park: str,
    shown: Sequence[Shown],
    viewer: Viewer,
    explained: bool = True,
) -> list[dict[str, Any]]:
    """The views of matches of :func:`shown_matches` (whole or redacted, as decided
    there), in their order; ``explained`` False leaves out the reasons and the factors
    (a drawing of the network needs neither)."""
    if not shown:
        return []
    with engine.connect() as conn:
        scope = list(_scope(conn, park, None, False))
        wanted = {s.id for s in shown}
        # A long list of ids costs more to send than the few rows it leaves out.
        few = len(wanted) <= 500
        statuses = sorted({s.status for s in shown})
        rows = proposals.matches_of(conn, scope, statuses, ids=wanted if few else None)
        found = {m.id: m for m in _matches(conn, [r for r in rows if r["id"] in wanted])}
    views = []
    for s in shown:
        m = found.get(s.id)
        if m is None:  # decided on or matched again since it was listed
            continue
        view = match_view(m, viewer, explained) if s.whole else _redacted(m)
        view["rank"] = s.rank
        views.append(view)
    return views


def match_links(engine: Engine, park: str, shown: Sequence[Shown]) -> list[dict[str, Any]]:
    """Matches of :func:`shown_matches` as a drawing of the network shows them, in their
    order: who to whom and which material, and how much and how well (``quantity``,
    ``score``) only for those shown whole, as their views show them."""
    if not shown:
        return []
    parts, names = match_parts(engine, park, tuple(sorted({s.status for s in shown})))
    links = []
    for s in shown:
        found = parts.get(s.id)
        if found is None:  # decided on or matched again since it was listed
            continue
        supplier, receiver, material, quantity, unit, score = found
        sup, rec = names[supplier], names[receiver]
        links.append(
            {
                "id": s.id,
                "status": s.status,
                "supplier": {"park": sup["park_code"], "code": sup["code"]},
                "receiver": {"park": rec["park_code"], "code": rec["code"]},
                "material": material,
                "unit": unit,
                "quantity": quantity if s.whole else None,
                "score": score if s.whole else None,
            }
        )
    return links


def match_parts(
    engine: Engine, park: str, statuses: tuple[str, ...]
) -> tuple[dict[int, tuple[Any, ...]], dict[int, dict[str, Any]]]:
    """``store.proposals.match_parts`` of the park's matches of ``statuses`` and the names
    of their parties (by organisation id): read for every viewer once per data version in
    the web application, each viewer's links keeping only the matches it is shown."""

    def read() -> tuple[dict[int, tuple[Any, ...]], dict[int, dict[str, Any]]]:
        with engine.connect() as conn:
            scope = list(_scope(conn, park, None, False))
            parts = proposals.match_parts(conn, scope, statuses)
            names = store.org_names(conn, {p[i] for p in parts.values() for i in (0, 1)})
        return parts, names

    return memo.park_wide(
        engine, ("match_parts", park, statuses), read, frozenset({memo.MATCHES, memo.ORGANISATIONS})
    )


def matches_for(
    engine: Engine, park: str, viewer: Viewer, statuses: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Saved matches of a park as ``viewer`` may see them (:func:`shown_matches`), each
    explained, best first."""
    return match_views(engine, park, shown_matches(engine, park, viewer, statuses), viewer)


def _redacted(m: Match) -> dict[str, Any]:
    """An accepted match as the other party sees it: who and what, not the other side's
    confidential figures."""
    hidden = "confidential"
    return {
        "id": m.id,
        "rank": None,
        "status": m.status,
        "park": m.park_code,
        "supplier": {
            "park": m.supplier_park_code,
            "code": m.supplier_code,
            "name": m.supplier_name,
        },
        "receiver": {
            "park": m.receiver_park_code,
            "code": m.receiver_code,
            "name": m.receiver_name,
        },
        "material": m.material_code,
        "receiver_material": m.receiver_material_code,
        "rule": m.rule_id,
        "channel": m.channel,
        "score": None,
        "quantity": None,
        "unit": m.unit,
        "distance_km": m.distance_km,
        "net_benefit_vnd_per_year": None,
        "co2e_t_per_year": None,
        "reasons": [],
        "accounting": {"hidden": hidden},
    }


def _require(conn: Connection, match_id: int, viewer: Viewer | None = None) -> dict[str, Any]:
    """A match that ``viewer`` may decide: one of its parties, their park operator, or
    the administrator. Anyone else is told nothing of it, or that they may not."""
    row = store.get_match(conn, match_id)
    missing = msg(
        "no match {match_id}; list them with `parkloop matches list --park CODE`",
        match_id=str(match_id),
    )
    if row is None:
        raise UserError(missing)
    if viewer is None or viewer.role is Role.ADMIN:
        return row
    where = store.org_names(conn, [row["supplier_id"], row["receiver_id"]])
    parties = [
        (row["supplier_id"], where[row["supplier_id"]]["park_id"]),
        (row["receiver_id"], where[row["receiver_id"]]["park_id"]),
    ]
    if not any(can_write(viewer, park_id, org) for org, park_id in parties):
        if any(may_see_level(viewer, org, park_id, 1) for org, park_id in parties):
            raise NotAllowed(
                msg(
                    "{who} may not decide match {match_id}: only its two parties and their "
                    "park operator may; nothing was changed",
                    who=viewer.name or Word(viewer.role.value),
                    match_id=str(match_id),
                )
            )
        raise UserError(missing)
    return row


def accept_match(
    engine: Engine, match_id: int, who: str | None = None, viewer: Viewer | None = None
) -> dict[str, Any]:
    """Accept a match: it becomes an exchange in negotiation between the two parties."""
    who = who or (viewer.name if viewer and viewer.role is not Role.ADMIN else None)
    who = who or changes.actor()
    with engine.begin() as conn:
        row = _require(conn, match_id, viewer)
        if row["status"] == "accepted":
            raise UserError(
                msg(
                    "match {match_id} is already accepted (exchange {exchange_id})",
                    match_id=str(match_id),
                    exchange_id=str(row["exchange_id"]),
                )
            )
        from parkloop.store.exchanges import insert_exchange

        exchange_id = insert_exchange(
            conn,
            {
                "park_id": row["park_id"],
                "key": f"match-{row['id']}",
                "supplier_id": row["supplier_id"],
                "receiver_id": row["receiver_id"],
                "material_code": row["material_code"],
                "receiver_material_code": row["receiver_material_code"]
                if row["receiver_material_code"] != row["material_code"]
                else None,
                "quantity": row["quantity"],
                "unit": row["unit"],
                "distance_km": row["distance_km"],
                "transport_mode": transport_mode_for(catalog(), row["material_code"]),
                "status": ExchangeStatus.NEGOTIATING.value,
                "origin": "match",
                "match_id": row["id"],
                "data_status": "derived",
                "source": f"match {row['id']} ({row['rule_id']})",
            },
        )
        store.decide(conn, match_id, "accepted", who, exchange_id=exchange_id)
        changes.record(
            conn, "accept", "match", str(match_id), detail={"exchange_id": exchange_id}, who=who
        )
    return {
        "match": match_id,
        "status": "accepted",
        "exchange_id": exchange_id,
        "exchange_status": "negotiating",
    }


def reject_match(
    engine: Engine,
    match_id: int,
    reason: str,
    who: str | None = None,
    viewer: Viewer | None = None,
) -> dict[str, Any]:
    """Reject a match; it is not proposed again unless its supply or demand changes."""
    if not reason.strip():
        raise UserError(msg("say why the match is rejected: --reason TEXT"))
    who = who or (viewer.name if viewer and viewer.role is not Role.ADMIN else None)
    who = who or changes.actor()
    with engine.begin() as conn:
        row = _require(conn, match_id, viewer)
        if row["status"] == "accepted":
            raise UserError(
                msg(
                    "match {match_id} was accepted as exchange {exchange_id}; stop that "
                    "exchange instead",
                    match_id=str(match_id),
                    exchange_id=str(row["exchange_id"]),
                )
            )
        now = store.record_fingerprints(
            conn, {(row["supply_kind"], row["supply_id"]), (row["demand_kind"], row["demand_id"])}
        )
        fingerprint = pair_fingerprint(
            now.get((row["supply_kind"], row["supply_id"])),
            now.get((row["demand_kind"], row["demand_id"])),
        )
        store.decide(conn, match_id, "rejected", who, reason=reason, fingerprint=fingerprint)
        changes.record(conn, "reject", "match", str(match_id), detail={"reason": reason}, who=who)
    return {"match": match_id, "status": "rejected", "reason": reason}


# How many suggestions per supply a rediscovery keeps before it counts distinct
# receivers: a supply's suggestions can name one receiver several times (one per input
# the supply can replace), so the five best distinct receivers may lie deeper than five.
REDISCOVERY_DEPTH = 4

REASONS = {
    "not-offered": (
        "the supplier's output is not offered (sold at a fair price, reused, or of a year "
        "or place outside the scope)",
        "đầu ra của bên cung cấp không được chào (đã bán đúng giá, tái sử dụng nội bộ, hoặc "
        "khác năm/khác khu)",
    ),
    "no-demand": (
        "the receiver records no input in the scope",
        "bên nhận không ghi đầu vào nào trong phạm vi",
    ),
    "no-rule": (
        "no rule links the supply to any input the receiver records",
        "không quy tắc nào nối vật liệu này với đầu vào bên nhận khai báo",
    ),
    "ranked": (
        "proposed, but not among the supplier's best distinct receivers",
        "có đề xuất nhưng không thuộc nhóm bên nhận tốt nhất của bên cung cấp",
    ),
    "same-organisation": ("supplier and receiver are one organisation", "cùng một tổ chức"),
    "distance": ("farther than the limit", "xa hơn giới hạn"),
    "years": ("inventory years too far apart", "năm kiểm kê cách nhau quá xa"),
    "window": ("availability windows do not overlap", "thời gian sẵn có không trùng"),
    "other-park": ("in another park", "ở khu khác"),
    "decided": ("rejected or accepted before", "đã bị từ chối hoặc chấp nhận trước đó"),
    "running": ("already a running exchange", "đã là trao đổi đang vận hành"),
    "no-quantity": ("nothing left to exchange", "không còn khối lượng để trao đổi"),
    "receiver-outside": (
        "the receiver's sector is outside the rule's receivers",
        "ngành của bên nhận nằm ngoài nhóm nhận của quy tắc",
    ),
    "supplier-outside": (
        "the supplier's sector is outside the rule's suppliers",
        "ngành của bên cung cấp nằm ngoài nhóm cung cấp của quy tắc",
    ),
    "quality": ("the stated quality fails the rule's limits", "chất lượng nêu ra không đạt"),
    "no-benefit": ("worth nothing once costs are counted", "không có lợi ích ròng"),
}


@dataclass
class Rediscovery:
    """How many known running exchanges the matcher finds again when they are hidden:
    an exchange is found when its receiver is among the ``top`` best distinct receivers
    the matcher proposes for the supplier's material (all its supply rows together)."""

    park: str
    top: int
    known: int
    found: int
    missed: list[dict[str, Any]]
    hits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.found / self.known if self.known else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "park": self.park,
            "top": self.top,
            "known": self.known,
            "found": self.found,
            "rate": round(self.rate, 4),
            "method": (
                "running exchanges hidden (their outputs offered as if going to disposal or "
                f"the market); an exchange counts as found when its receiver is among the "
                f"{self.top} best distinct receivers proposed for the supplier's material"
            ),
            "found_exchanges": self.hits,
            "missed": self.missed,
        }


def _ranked_receivers(
    found: Candidates, supplies: Side, demands: Side
) -> dict[tuple[int, int], list[int]]:
    """(supplier, supply material) -> receivers, best first, each once: every supply row's
    suggestions of that material taken together in the engine's order (pairs that fit
    first; open supplies before those of the kind "already sold"; then net benefit × fit,
    net benefit, distance)."""
    f = found.factors
    order = np.lexsort(
        (
            found.distance_km,
            -found.net,
            -(f.fit * found.net),
            supplies.already_sold[found.s],
            f.confirm,
        )
    )
    out: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k in order:
        key = (int(supplies.org[found.s[k]]), int(supplies.material[found.s[k]]))
        receiver = int(demands.org[found.d[k]])
        if receiver not in out[key]:
            out[key].append(receiver)
    return out


def evaluate_rediscovery(
    engine: Engine, park: str, top: int = 5, viewer: Viewer | None = None
) -> Rediscovery:
    """Hide the park's running exchanges, match, and count an exchange as found when its
    receiver is among the supplier's ``top`` best distinct receivers for its material;
    say for each one missed why (ranked lower, or the filter that removed it)."""
    from parkloop.services import registry

    known = [
        x
        for x in registry.exchanges(engine, park, [ExchangeStatus.RUNNING])
        if x.supplier_park_code == park
    ]
    prep = _prepare(
        engine,
        park,
        None,
        False,
        None,
        top * REDISCOVERY_DEPTH,
        None,
        True,
        None,
        None,
        viewer=viewer,
    )
    rule_list = rules()
    found = find_matches(
        prep.supplies,
        prep.demands,
        rule_list,
        prep.book,
        prep.params,
        check=_quality_check,
        parties=prep.parties,
    )
    ranked = _ranked_receivers(found, prep.supplies, prep.demands)
    with engine.connect() as conn:
        ids = store.scope_org_ids(conn, prep.load_ids)
    code_of = {oid: code for code, oid in ids.items()}
    hits: list[dict[str, Any]] = []
    missed: list[dict[str, Any]] = []
    for x in known:
        entry: dict[str, Any] = {
            "exchange": x.key,
            "supplier": x.supplier_code,
            "receiver": x.receiver_code,
            "material": x.material_code,
        }
        supplier, receiver = ids.get(x.supplier_code), ids.get(x.receiver_code)
        material = prep.book.index.get(x.material_code)
        receivers = ranked.get((supplier or -1, material if material is not None else -1), [])
        if receiver is not None and receiver in receivers[:top]:
            hits.append({**entry, "place": receivers.index(receiver) + 1})
            continue
        entry["best"] = [code_of.get(r, str(r)) for r in receivers[:top]]
        entry.update(_why_missed(prep, rule_list, supplier, receiver, material, receivers))
        missed.append(entry)
    return Rediscovery(
        park=park, top=top, known=len(known), found=len(hits), missed=missed, hits=hits
    )


def _why_missed(
    prep: _Prepared,
    rule_list: Sequence[Rule],
    supplier: int | None,
    receiver: int | None,
    material: int | None,
    receivers: list[int],
) -> dict[str, Any]:
    """Why a known exchange is not among its supplier's best receivers: ranked lower, or
    the filter that removed it under each rule that links it."""

    def said(code: str, detail: str = "", rule: str = "") -> dict[str, Any]:
        en, vi = REASONS[code]
        return {"reason": code, "why": en, "why_vi": vi, "detail": detail, "rule": rule}

    if receiver is not None and receiver in receivers:
        return said("ranked", f"place {receivers.index(receiver) + 1}")
    s_rows = np.flatnonzero(
        (prep.supplies.org == (supplier or -1)) & (prep.supplies.material == (material or -1))
    )
    if material is None or not len(s_rows):
        return said("not-offered")
    d_rows = np.flatnonzero(prep.demands.org == (receiver or -1))
    if not len(d_rows):
        return said("no-demand")
    verdicts = pair_verdicts(
        prep.supplies,
        prep.demands,
        rule_list,
        prep.book,
        prep.params,
        [(int(a), int(b)) for a in s_rows for b in d_rows],
        check=_quality_check,
        parties=prep.parties,
    )
    if not verdicts:
        return said("no-rule")
    # The verdict of the rule that came closest: one that passes is ranked out.
    best = min(verdicts, key=lambda v: _CLOSENESS.index(v.reason))
    if not best.reason:
        return said("ranked", rule=rule_list[best.rule].id)
    return said(best.reason, best.detail, rule_list[best.rule].id)


_CLOSENESS = [
    "",
    "no-benefit",
    "quality",
    "supplier-outside",
    "receiver-outside",
    "distance",
    "no-quantity",
    "window",
    "years",
    "decided",
    "running",
    "other-park",
    "same-organisation",
]


__all__ = ["NAME_RULE", "WASTE_CODE_RULE", "MatchRun", "Rediscovery", "run_matching"]
