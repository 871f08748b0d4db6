"""The matching engine: candidate pairs through rules, waste codes and names, filtered by
distance, quantity, timing, quality and who can take (and give) what, accounted, and
ranked per supply: pairs that fit before pairs that need confirmation, then by net benefit
weighted by fit (:mod:`parkloop.matching.fit`). Pure: columnar tables in, columnar
candidates out.

Across parks the search never looks at all pairs. For each rule it asks a k-d tree for
the nearest plausible demands of each supply, and looks farther only while a farther
demand could still beat the supply's current last suggestion: a pair's net benefit can
never exceed ``supply quantity × (best value per unit − transport cost per unit·km ×
distance)``, and its fit never exceeds what the channel and the supply's quality allow
times the distance factor there, so once that bound falls below the ``top``-th best net
benefit × fit found among pairs that fit, the answer is final. The result equals the
all-pairs method's (:func:`find_matches_all_pairs`) exactly.

With ``MatchParams.screening`` the engine screens (:mod:`parkloop.matching.screening`):
only pairs with a side expected from a sector profile are measured, and their fit also
holds the basis, code-proximity and two-way factors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process
from scipy.spatial import cKDTree

from parkloop.accounting.book import GRID, PIPE, TRUCK, FactorBook
from parkloop.accounting.pairs import Accounts, PairInputs, account_pairs, is_service, net_benefit
from parkloop.catalog.fuels import own_boiler_of
from parkloop.domain.geo import EARTH_RADIUS_KM, chord_for_km, great_circle_km, unit_sphere_xyz
from parkloop.matching import fit as fitting
from parkloop.matching import screening as screen
from parkloop.matching.fit import Parties
from parkloop.matching.rules import CHANNEL_SCORE, Rule
from parkloop.matching.tables import Side, pair_keys

# A price the staff typed, and one filled from the catalog's market price at import.
REPORTED, FILLED = "reported", "estimate"

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
QualityCheck = Callable[[str, str], tuple[bool | None, list[str]]]
WASTE_CODE_RULE, NAME_RULE = -1, -2


@dataclass
class MatchParams:
    top: int = 5
    same_park: bool = True
    radius_km: float | None = None
    year_window: int = 1
    name_threshold: float = 80.0
    generic_materials: frozenset[str] = frozenset()
    attribution: float = 1.0
    deadweight: float = 0.0
    exclude_pairs: I64 = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # (supplier org, receiver org, supply material) triples already linked by an exchange
    existing_links: I64 = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    # Screening (see parkloop.matching.screening): only pairs with an expected side are
    # proposed, ranked with the basis, code and two-way factors; ``proposed_pairs`` are the
    # (supplier, receiver) organisation pairs already proposed from declared records, and
    # ``code_levels`` the digits each pair of materials' codes share.
    screening: bool = False
    proposed_pairs: I64 = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    code_levels: NDArray[np.int8] | None = None


@dataclass
class Factors:
    """Each pair's fit and the factors it is made of (see :mod:`parkloop.matching.fit`):
    the channel's confidence, whether the receiver's and supplier's sectors fit the rule or
    need confirmation, the quality the supply shows, the share of the supply taken and the
    distance. ``fit`` is their product."""

    channel: F64
    sector: F64
    quality: F64
    quantity: F64
    distance: F64
    confirm_receiver: NDArray[np.bool_]
    confirm_supplier: NDArray[np.bool_]
    unclear: NDArray[np.bool_]  # a rule limit the supply's quality does not show
    warned: NDArray[np.bool_]  # from (or through) a sector that needs a named test
    # Screened pairs only (1 and 0 for declared ones): sides expected from a sector
    # profile, the digits the materials' codes share, and whether the pair is two-way.
    basis: F64
    codes: F64
    two_way: F64
    expected_supply: NDArray[np.bool_]
    expected_demand: NDArray[np.bool_]
    code_level: NDArray[np.int8]
    two_way_pair: NDArray[np.bool_]

    @property
    def fit(self) -> F64:
        out: F64 = (
            self.channel
            * self.sector
            * self.quality
            * self.quantity
            * self.distance
            * self.basis
            * self.codes
            * self.two_way
        )
        return out

    @property
    def confirm(self) -> NDArray[np.bool_]:
        """Pairs proposed only with "needs confirmation" (ranked below the others)."""
        out: NDArray[np.bool_] = self.confirm_receiver | self.confirm_supplier
        return out

    def take(self, index: I64) -> Factors:
        return Factors(
            **{name: getattr(self, name)[index] for name in Factors.__dataclass_fields__}
        )


@dataclass
class Evaluated:
    """Pairs that passed every filter and are worth something (net benefit > 0)."""

    s: I64
    d: I64
    rule: I64
    similarity: F64
    distance_km: F64
    q: F64
    ratio: F64
    score: F64
    net: F64
    factors: Factors

    def __len__(self) -> int:
        return int(self.s.shape[0])

    @property
    def key(self) -> F64:
        """What ranks a pair among those that fit alike: its net benefit weighted by its fit."""
        return self.factors.fit * self.net

    def take(self, index: I64) -> Evaluated:
        return Evaluated(
            s=self.s[index],
            d=self.d[index],
            rule=self.rule[index],
            similarity=self.similarity[index],
            distance_km=self.distance_km[index],
            q=self.q[index],
            ratio=self.ratio[index],
            score=self.score[index],
            net=self.net[index],
            factors=self.factors.take(index),
        )


@dataclass
class Candidates:
    """Ranked candidate matches; ``s`` and ``d`` index the supply and demand tables."""

    s: I64
    d: I64
    rule: I64  # index into the rule list; -1 waste code, -2 name similarity
    channel_score: F64
    similarity: F64
    distance_km: F64
    q: F64
    ratio: F64
    rank: I64
    accounts: Accounts
    factors: Factors
    quality_notes: dict[
        tuple[int, int], list[str]
    ]  # (supply, rule) -> what its quality does not show

    def __len__(self) -> int:
        return int(self.s.shape[0])

    @property
    def net(self) -> F64:
        return self.accounts.net_benefit_vnd


def link_keys(org_s: I64, org_d: I64, material: NDArray[np.int32]) -> I64:
    """An int64 per (supplier, receiver, material): org ids below 2**24, materials below 2**15."""
    return (
        (org_s.astype(np.int64) << 39) | (org_d.astype(np.int64) << 15) | material.astype(np.int64)
    )


def _concat(parts: Sequence[Evaluated]) -> Evaluated:
    factors = Factors(
        **{
            name: np.concatenate([getattr(p.factors, name) for p in parts])
            for name in Factors.__dataclass_fields__
        }
    )
    return Evaluated(
        **{
            name: np.concatenate([getattr(p, name) for p in parts])
            for name in Evaluated.__dataclass_fields__
            if name != "factors"
        },
        factors=factors,
    )


def _cat(parts: list[I64]) -> I64:
    return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, dtype=np.int64)


def _by_material(side: Side) -> dict[int, I64]:
    if not len(side):
        return {}
    order = np.argsort(side.material, kind="stable")
    mats, starts = np.unique(side.material[order], return_index=True)
    bounds = [*starts[1:], len(order)]
    return {int(m): order[a:b] for m, a, b in zip(mats, starts, bounds, strict=True)}


def _rule_radius(rule: Rule, params: MatchParams) -> float:
    radius = rule.max_distance_km
    if not params.same_park and params.radius_km is not None:
        radius = min(radius, params.radius_km)
    return radius


def material_limits(rules: Sequence[Rule], n: int, index: dict[str, int]) -> F64:
    """Distance limit of each material, from its identity rule (infinite when it has none)."""
    out = np.full(n, np.inf)
    for rule in rules:
        if rule.channel == "identity" and rule.supply_material in index:
            out[index[rule.supply_material]] = rule.max_distance_km
    return out


def _quality_mask(
    rule: Rule,
    r_idx: int,
    supplies: Side,
    s_idx: I64,
    check: QualityCheck | None,
    notes: dict[tuple[int, int], list[str]],
) -> NDArray[np.bool_]:
    """Supplies whose stated quality does not fail the rule's limits (notes say what is unknown)."""
    keep = np.ones(len(s_idx), dtype=bool)
    if not rule.quality_limits or check is None:
        return keep
    for k, i in enumerate(s_idx):
        passed, reasons = check(rule.quality_limits, str(supplies.quality[i]))
        if passed is False:
            keep[k] = False
        elif reasons:
            notes[(int(i), r_idx)] = reasons
    return keep


# -- side channels: waste codes and names -----------------------------------------------


def waste_code_pairs(supplies: Side, demands: Side) -> tuple[I64, I64]:
    """Pairs whose supply waste code sits under the demand's code ('17' takes '17 02 03')."""
    wanted: dict[str, list[int]] = {}
    for j, code in enumerate(demands.waste_code):
        if code:
            wanted.setdefault(str(code).rstrip("*").strip(), []).append(j)
    out_s: list[int] = []
    out_d: list[int] = []
    if wanted:
        for i, code in enumerate(supplies.waste_code):
            if not code:
                continue
            parts = str(code).rstrip("*").split()
            for k in range(1, len(parts) + 1):
                for j in wanted.get(" ".join(parts[:k]), ()):
                    out_s.append(i)
                    out_d.append(j)
    return np.asarray(out_s, dtype=np.int64), np.asarray(out_d, dtype=np.int64)


def name_pairs(
    supplies: Side, demands: Side, generic: set[int], threshold: float
) -> tuple[I64, I64, F64]:
    """Pairs of generic materials whose descriptions are alike (accent-insensitive),
    compared park by park."""
    s_all = np.flatnonzero(np.isin(supplies.material, list(generic)) & (supplies.text != ""))
    d_all = np.flatnonzero(np.isin(demands.material, list(generic)) & (demands.text != ""))
    out_s, out_d, out_sim = [], [], []
    for park in np.intersect1d(supplies.park[s_all], demands.park[d_all]):
        s_idx = s_all[supplies.park[s_all] == park]
        d_idx = d_all[demands.park[d_all] == park]
        scores = process.cdist(
            list(supplies.text[s_idx]),
            list(demands.text[d_idx]),
            scorer=fuzz.token_set_ratio,
            score_cutoff=threshold,
            dtype=np.float32,
        )
        a, b = np.nonzero(scores)
        out_s.append(s_idx[a])
        out_d.append(d_idx[b])
        out_sim.append(scores[a, b].astype(float))
    if not out_s:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    return _cat(out_s), _cat(out_d), np.concatenate(out_sim)


# -- measuring and accounting pairs ------------------------------------------------------


@dataclass
class _RuleArrays:
    """Per-rule values as arrays; index -1 and -2 are the waste-code and name channels."""

    max_km: F64
    radius: F64
    ratio: F64
    treatment: F64
    treatment_mwh: F64
    service: NDArray[np.bool_]
    own_price: NDArray[np.bool_]  # the receiver pays the supply's own price (Rule.own_price)
    score: F64
    limits: F64
    counted: NDArray[np.bool_]  # counts towards search thresholds (one rule per material pair)

    @classmethod
    def build(cls, rules: Sequence[Rule], params: MatchParams, book: FactorBook) -> _RuleArrays:
        side_radius = params.radius_km if (params.radius_km and not params.same_park) else np.inf
        return cls(
            max_km=np.array([ru.max_distance_km for ru in rules] + [np.inf, np.inf]),
            radius=np.array([_rule_radius(ru, params) for ru in rules] + [side_radius] * 2),
            ratio=np.array([ru.ratio for ru in rules] + [1.0, 1.0]),
            treatment=np.array([ru.treatment_cost_vnd_per_unit for ru in rules] + [0.0, 0.0]),
            treatment_mwh=np.array([ru.treatment_mwh for ru in rules] + [0.0, 0.0]),
            service=np.array([ru.service for ru in rules] + [False, False]),
            own_price=np.array([ru.own_price for ru in rules] + [False, False]),
            score=np.array(
                [ru.score for ru in rules] + [CHANNEL_SCORE["waste_code"], CHANNEL_SCORE["name"]]
            ),
            limits=material_limits(rules, len(book.codes), book.index),
            counted=np.array([*_counted(rules), False, False]),
        )


def _counted(rules: Sequence[Rule]) -> list[bool]:
    """Rules whose (supply, demand) materials no earlier rule covers: counting only these
    counts each pair of records once."""
    seen: set[tuple[str, str]] = set()
    out = []
    for ru in rules:
        covers = {(ru.supply_material, d) for d in ru.demands}
        out.append(not (covers & seen))
        seen |= covers
    return out


@dataclass
class _Context:
    """What every step of one matching run shares."""

    supplies: Side
    demands: Side
    ra: _RuleArrays
    book: FactorBook
    params: MatchParams
    s_xyz: F64
    d_xyz: F64
    rules: Sequence[Rule]
    parties: Parties
    s_pos: I64  # each supply's organisation in ``parties``
    d_pos: I64
    s_words: fitting.RowWords  # which supply rows' own words say a rule's words
    d_words: fitting.RowWords
    # Supplies whose stated quality does not show they meet a rule's limits, by rule.
    unclear: dict[int, I64] = field(default_factory=dict)
    # What each demand's steam costs and emits raised in its own boiler, by the fuel its row
    # names ('Hơi nước (lò hơi đốt dầu FO)'); NaN where it names none or is no steam.
    d_own_price: F64 = field(default_factory=lambda: np.empty(0))
    d_own_ef: F64 = field(default_factory=lambda: np.empty(0))

    @classmethod
    def build(
        cls,
        supplies: Side,
        demands: Side,
        rules: Sequence[Rule],
        book: FactorBook,
        params: MatchParams,
        parties: Parties | None = None,
    ) -> _Context:
        parties = parties if parties is not None else Parties.empty()
        own_price, own_ef = _own_boilers(demands, book)
        return cls(
            supplies=supplies,
            demands=demands,
            ra=_RuleArrays.build(rules, params, book),
            book=book,
            params=params,
            s_xyz=unit_sphere_xyz(supplies.lat, supplies.lon),
            d_xyz=unit_sphere_xyz(demands.lat, demands.lon),
            rules=rules,
            parties=parties,
            s_pos=parties.index(supplies.org),
            d_pos=parties.index(demands.org),
            s_words=fitting.RowWords(supplies.words),
            d_words=fitting.RowWords(demands.words),
            d_own_price=own_price,
            d_own_ef=own_ef,
        )

    def note_unclear(self, notes: dict[tuple[int, int], list[str]]) -> None:
        by_rule: dict[int, list[int]] = {}
        for s_idx, r_idx in notes:
            by_rule.setdefault(r_idx, []).append(s_idx)
        self.unclear = {r: np.unique(np.asarray(v, dtype=np.int64)) for r, v in by_rule.items()}


def _own_boilers(demands: Side, book: FactorBook) -> tuple[F64, F64]:
    """Per demand, the cost and CO2 of a tonne of its steam raised in its own boiler by the
    fuel its row names (NaN where the demand is no steam or names no fuel): a neighbour's
    steam replaces that fuel, an oil boiler's dearer than a coal one's."""
    n = len(demands)
    price, ef = np.full(n, np.nan), np.full(n, np.nan)
    if not n:
        return price, ef
    steam = np.flatnonzero(~np.isnan(book.self_price[demands.material]))
    seen: dict[str, tuple[float, float] | None] = {}
    for i in steam:
        text = str(demands.words[i])
        if text not in seen:
            seen[text] = own_boiler_of(text)
        found = seen[text]
        if found is not None:
            price[i], ef[i] = found
    return price, ef


def _factors(
    ctx: _Context, s: I64, d: I64, r: I64, km: F64, q: F64, limit: F64, score: F64
) -> tuple[Factors, NDArray[np.bool_]]:
    """The fit factors of pairs, and which pairs lie outside their rule's receivers or
    suppliers (those are not proposed)."""
    n = len(s)
    receiver = np.full(n, fitting.FITS, dtype=np.int8)
    supplier = np.full(n, fitting.FITS, dtype=np.int8)
    warned = np.zeros(n, dtype=bool)
    unclear = np.zeros(n, dtype=bool)
    knowledge = np.flatnonzero(r >= 0)
    if len(knowledge):
        order = knowledge[np.argsort(r[knowledge], kind="stable")]
        rules_here, starts = np.unique(r[order], return_index=True)
        bounds = [*starts[1:], len(order)]
        for r_idx, a, b in zip(rules_here, starts, bounds, strict=True):
            sides = ctx.rules[int(r_idx)].sides
            if sides is None:
                continue
            m = order[a:b]
            s_pos, d_pos = ctx.s_pos[s[m]], ctx.d_pos[d[m]]
            # A receiver is judged by its own name and sector, not by the words of the
            # input it buys: those name the material replaced ("biogas"), not a process;
            # but a fuel bought says what it fires ("Than cám đốt lò hơi": a boiler).
            receiver[m] = fitting.side_fit(
                ctx.parties,
                d_pos,
                ctx.d_words.say(d[m], sides.receiver_words)
                if ctx.rules[int(r_idx)].reads_input
                else None,
                sides.receivers,
                sides.receiver_words,
                sides.never,
                sides.never_words,
                row_confirms=ctx.rules[int(r_idx)].input_confirms,
            )
            if sides.checks_supplier:
                supplier[m] = fitting.side_fit(
                    ctx.parties,
                    s_pos,
                    ctx.s_words.say(s[m], sides.supplier_words),
                    sides.suppliers,
                    sides.supplier_words,
                )
            warned[m] = fitting.warned(ctx.parties, s_pos, sides.warn)
            seen = ctx.unclear.get(int(r_idx))
            if seen is not None:
                unclear[m] = np.isin(s[m], seen)
    outside = (receiver == fitting.OUTSIDE) | (supplier == fitting.OUTSIDE)
    outside |= fitting.sideways(ctx.parties, ctx.s_pos[s], ctx.d_pos[d])
    outside |= fitting.spoiled_to_food_chain(
        ctx.parties, ctx.s_words.say(s, fitting.SPOILED_WORDS), ctx.d_pos[d]
    )
    # A yard that did not list fabric takes clean fabric only, not scraps its staff say
    # hold leatherette or foam.
    textile = ctx.book.index.get(fitting.COMPOSITE_TEXTILE, -1)
    unlisted_textile = ctx.demands.unlisted[d] & (ctx.demands.material[d] == textile)
    if unlisted_textile.any():
        outside |= unlisted_textile & ctx.s_words.say(s, fitting.COMPOSITE_TEXTILE_WORDS)
    # A demand its firm did not list (a scrap yard's other classes) needs confirming.
    confirm_r = (receiver == fitting.CONFIRM) | ctx.demands.unlisted[d]
    confirm_s = supplier == fitting.CONFIRM
    exp_s = ctx.supplies.expected[s]
    exp_d = ctx.demands.expected[d]
    levels = np.zeros(n, dtype=np.int8)
    if ctx.params.screening and ctx.params.code_levels is not None:
        levels = ctx.params.code_levels[ctx.supplies.material[s], ctx.demands.material[d]]
    screened = ctx.params.screening
    factors = Factors(
        channel=score,
        sector=np.where(confirm_r | confirm_s, fitting.CONFIRM_FACTOR, 1.0),
        quality=np.where(unclear, fitting.QUALITY_UNCLEAR, 1.0)
        * np.where(warned, fitting.QUALITY_WARNING, 1.0),
        quantity=fitting.quantity_factor(q, ctx.supplies.qty[s]),
        distance=fitting.distance_factor(km, limit),
        confirm_receiver=confirm_r,
        confirm_supplier=confirm_s,
        unclear=unclear,
        warned=warned,
        basis=np.where(exp_s, screen.EXPECTED_FACTOR, 1.0)
        * np.where(exp_d, screen.EXPECTED_FACTOR, 1.0),
        codes=screen.code_factor(levels) if screened else np.ones(n),
        # Whether a pair is two-way is known once every pair is found (_to_candidates);
        # until then it counts as one-way, the lower value, so no search stops too early.
        two_way=np.full(n, screen.ONE_WAY_FACTOR if screened else 1.0),
        expected_supply=exp_s,
        expected_demand=exp_d,
        code_level=levels,
        two_way_pair=np.zeros(n, dtype=bool),
    )
    return factors, outside


def _pair_inputs(ctx: _Context, s: I64, d: I64, r: I64, km: F64, q: F64, ratio: F64) -> PairInputs:
    supplies, demands, ra = ctx.supplies, ctx.demands, ctx.ra
    d_mat = demands.material[d]
    s_mat = supplies.material[s]
    own = ra.own_price[r] & ~np.isnan(ctx.book.price[s_mat])
    receiver_price = np.where(own, ctx.book.price[s_mat], demands.price[d])
    # A utility's product sold today (steam of the park's boiler house by pipe) replaces
    # what the receiver raises itself: without a price of its own, the receiver pays what
    # its own small plant costs, not the catalog's price filled in at import.
    utility = supplies.already_sold[s] & ~np.isnan(ctx.book.self_price[s_mat])
    typed = demands.price_status[d] == REPORTED
    receiver_price = np.where(utility & ~typed, np.nan, receiver_price)
    # Steam whose row names the fuel of the receiver's own boiler is worth that fuel's steam.
    boiler = ctx.d_own_price[d] if len(ctx.d_own_price) else np.full(len(d), np.nan)
    receiver_price = np.where(~typed & ~np.isnan(boiler), boiler, receiver_price)
    # The mirror of the cap in _revenue: a receiver whose price of the same material was
    # only estimated pays at least what the seller reports getting today (molasses sold at
    # 3,800,000 VND/t is no cheaper to the distillery next door than the catalog says).
    sold_at = np.where(supplies.sold[s], supplies.price[s], np.nan)
    floor = (
        (demands.price_status[d] == FILLED)
        & (supplies.price_status[s] == REPORTED)
        & (s_mat == d_mat)
        & ~np.isnan(sold_at)
    )
    receiver_price = np.where(floor, np.fmax(receiver_price, sold_at), receiver_price)
    return PairInputs(
        q=q,
        s_mat=s_mat,
        d_mat=d_mat,
        ratio=ratio,
        distance_km=km,
        supplier_fee=np.where(supplies.fee[s], supplies.price[s], 0.0),
        supplier_revenue=_revenue(supplies, demands, s, d),
        supplier_disposes=supplies.fee[s],
        receiver_price=receiver_price,
        treatment_cost=ra.treatment[r],
        service=is_service(ctx.book, receiver_price, d_mat, ra.service[r]),
        treatment_mwh=ra.treatment_mwh[r],
        haul_replaced=supplies.sold[s],
        replaces_elsewhere=supplies.already_sold[s],
        utility=utility,
        receiver_ef=ctx.d_own_ef[d] if len(ctx.d_own_ef) else None,
    )


def _revenue(supplies: Side, demands: Side, s: I64, d: I64) -> F64:
    """The revenue a supplier foregoes: its price where it sells today. A price filled from
    the catalog is no more than what the receiver reports paying for the same material: a
    local sale fetches at most the buyer's own price (a foundry buying scrap at 8,200 VND/kg
    pays no seller the catalog's 8,500)."""
    revenue = np.where(supplies.sold[s], supplies.price[s], 0.0)
    bought = demands.price[d]
    capped = (
        (supplies.price_status[s] == FILLED)
        & (demands.price_status[d] == REPORTED)
        & (supplies.material[s] == demands.material[d])
        & ~np.isnan(bought)
    )
    return np.asarray(np.where(capped, np.minimum(revenue, bought), revenue), dtype=float)


def evaluate(ctx: _Context, s: I64, d: I64, r: I64, similarity: F64) -> Evaluated:
    """Measure, filter and price pairs; keep those worth something (net benefit > 0)."""
    supplies, demands, ra, params = ctx.supplies, ctx.demands, ctx.ra, ctx.params
    km = great_circle_km(ctx.s_xyz[s], ctx.d_xyz[d]) * ctx.book.circuity
    # Waste-code and name pairs (r < 0) take the supply material's own distance limit.
    limit = np.where(r < 0, ra.limits[supplies.material[s]], ra.max_km[r])
    ratio = ra.ratio[r]
    ok = (
        (supplies.org[s] != demands.org[d])
        & (km <= np.minimum(limit, ra.radius[r]))
        & (np.abs(supplies.year[s] - demands.year[d]) <= params.year_window)
        & (
            np.maximum(supplies.start_day[s], demands.start_day[d])
            <= np.minimum(supplies.end_day[s], demands.end_day[d])
        )
        & (km <= supplies.max_km[s])
        & (km <= demands.max_km[d])
    )
    if params.same_park:
        ok &= supplies.park[s] == demands.park[d]
    if len(params.exclude_pairs):
        ok &= ~np.isin(pair_keys(supplies.uid[s], demands.uid[d]), params.exclude_pairs)
    if len(params.existing_links):
        links = link_keys(supplies.org[s], demands.org[d], supplies.material[s])
        ok &= ~np.isin(links, params.existing_links)
    q = np.minimum(supplies.qty[s], demands.qty[d] / ratio)
    ok &= q > 0
    s, d, r, km, q, ratio, similarity, limit = (
        x[ok] for x in (s, d, r, km, q, ratio, similarity, limit)
    )
    score = ra.score[r]
    score = np.where(r == NAME_RULE, score * similarity / 100.0, score)
    factors, outside = _factors(ctx, s, d, r, km, q, limit, score)
    inside = np.flatnonzero(~outside)
    s, d, r = s[inside], d[inside], r[inside]
    km, q, ratio = km[inside], q[inside], ratio[inside]
    similarity, score = similarity[inside], score[inside]
    factors = factors.take(inside)
    net = net_benefit(
        ctx.book, _pair_inputs(ctx, s, d, r, km, q, ratio), params.attribution, params.deadweight
    )
    ev = Evaluated(s, d, r, similarity, km, q, ratio, score, net, factors)
    # A pair that runs today by the supply's own destination (wastewater piped to the park's
    # shared plant) is kept whatever it is worth: part of the network, shown as running.
    return ev.take(
        np.flatnonzero((net > 0) | runs_today(ctx.supplies, ctx.demands, ctx.parties, s, d))
    )


def runs_today(
    supplies: Side, demands: Side, parties: Parties, s: I64, d: I64
) -> NDArray[np.bool_]:
    """Pairs whose supply row sends its material today to the receiver: to the park's shared
    wastewater plant (one the parties know as such), which takes that very material."""
    if not len(s) or not parties.served:
        return np.zeros(len(s), dtype=bool)
    plants = np.fromiter(parties.served, dtype=np.int64)
    return np.asarray(
        supplies.to_plant[s]
        & (supplies.material[s] == demands.material[d])
        & np.isin(demands.org[d], plants)
        & (supplies.org[s] != demands.org[d]),
        dtype=bool,
    )


def _ranked(ev: Evaluated, demands: Side) -> tuple[I64, I64]:
    """Order of the best candidate per (supply, demand) — by supply; pairs that fit before
    those that need confirmation; then net benefit weighted by fit (net benefit, distance,
    demand id and rule break ties) — and each one's rank in its supply. Where several rules
    link one pair, the one that ranks best names it."""
    if not len(ev):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    d_uid = demands.uid[ev.d]
    value = ev.key
    first_keys = ev.s * 2 + ev.factors.confirm  # by supply, then those that fit first
    order = np.lexsort((-value, first_keys))
    v, f = value[order], first_keys[order]
    tied = (f[1:] == f[:-1]) & ((v[1:] == v[:-1]) | (np.isnan(v[1:]) & np.isnan(v[:-1])))
    if tied.any():  # the other keys break ties (most runs have none: one sort is enough)
        order = np.lexsort((ev.rule, d_uid, ev.distance_km, -ev.net, -value, first_keys))
    # A pair found through two rules keeps its first (best) place only.
    key = (ev.s[order].astype(np.int64) << 32) | d_uid[order]
    _, first = np.unique(key, return_index=True)
    if len(first) < len(order):
        order = order[np.sort(first)]
    s_sorted = ev.s[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s_sorted)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    return order, rank.astype(np.int64)


def _to_candidates(
    ctx: _Context, ev: Evaluated, notes: dict[tuple[int, int], list[str]]
) -> Candidates:
    if ctx.params.screening and len(ev):
        s_org, d_org = ctx.supplies.org[ev.s], ctx.demands.org[ev.d]
        known = np.union1d(screen.org_pair_keys(s_org, d_org), ctx.params.proposed_pairs)
        both = screen.two_way(s_org, d_org, known)
        ev.factors.two_way_pair = both
        ev.factors.two_way = np.where(both, 1.0, screen.ONE_WAY_FACTOR)
    order, rank = _ranked(ev, ctx.demands)
    top = rank <= ctx.params.top
    ev = ev.take(order[top])
    accounts = account_pairs(
        ctx.book,
        _pair_inputs(ctx, ev.s, ev.d, ev.rule, ev.distance_km, ev.q, ev.ratio),
        ctx.params.attribution,
        ctx.params.deadweight,
    )
    return Candidates(
        s=ev.s,
        d=ev.d,
        rule=ev.rule,
        channel_score=ev.score,
        similarity=ev.similarity,
        distance_km=ev.distance_km,
        q=ev.q,
        ratio=ev.ratio,
        rank=rank[top],
        accounts=accounts,
        factors=ev.factors,
        quality_notes=notes,
    )


def _nothing(ctx: _Context) -> Evaluated:
    empty = np.empty(0, dtype=np.int64)
    return evaluate(ctx, empty, empty, empty, np.empty(0))


def _side_channels(ctx: _Context) -> Evaluated:
    supplies, demands, params, book = ctx.supplies, ctx.demands, ctx.params, ctx.book
    ws, wd = waste_code_pairs(supplies, demands)
    generic = {book.index[c] for c in params.generic_materials if c in book.index}
    ns, nd, sim = name_pairs(supplies, demands, generic, params.name_threshold)
    s = np.concatenate([ws, ns])
    d = np.concatenate([wd, nd])
    r = np.concatenate([np.full(len(ws), WASTE_CODE_RULE), np.full(len(ns), NAME_RULE)])
    similarity = np.concatenate([np.zeros(len(ws)), sim])
    return evaluate(ctx, s, d, r, similarity)


# -- generators --------------------------------------------------------------------------


def _same_park_pairs(s_park: I64, d_park: I64) -> tuple[I64, I64]:
    """All (supply, demand) index pairs that share a park, park by park."""
    s_order = np.argsort(s_park, kind="stable")
    d_order = np.argsort(d_park, kind="stable")
    s_sorted, d_sorted = s_park[s_order], d_park[d_order]
    out_s, out_d = [], []
    for p in np.intersect1d(s_park, d_park):
        si = s_order[np.searchsorted(s_sorted, p, "left") : np.searchsorted(s_sorted, p, "right")]
        di = d_order[np.searchsorted(d_sorted, p, "left") : np.searchsorted(d_sorted, p, "right")]
        out_s.append(np.repeat(si, len(di)))
        out_d.append(np.tile(di, len(si)))
    return _cat(out_s), _cat(out_d)


def _rule_sets(
    ctx: _Context,
    check: QualityCheck | None,
    notes: dict[tuple[int, int], list[str]],
) -> list[tuple[int, I64, I64]]:
    """(rule, supplies passing its quality limits that it may come from, demands of its
    material whose receivers are not outside it) per usable rule. Leaving out the pairs a
    rule can never propose before any is measured keeps the search to plausible ones."""
    supplies, demands, rules, book = ctx.supplies, ctx.demands, ctx.rules, ctx.book
    sup_by = _by_material(supplies)
    dem_by = _by_material(demands)
    out = []
    for r_idx, rule in enumerate(rules):
        a = book.index.get(rule.supply_material)
        wanted = [dem_by[b] for b in (book.index.get(m) for m in rule.demands) if b in dem_by]
        if a is None or a not in sup_by or not wanted:
            continue
        S = sup_by[a]
        D = np.sort(np.concatenate(wanted))
        sides = rule.sides
        if sides is not None:
            if sides.checks_supplier:
                fit = fitting.side_fit(
                    ctx.parties,
                    ctx.s_pos[S],
                    ctx.s_words.say(S, sides.supplier_words),
                    sides.suppliers,
                    sides.supplier_words,
                )
                S = S[fit != fitting.OUTSIDE]
            fit = fitting.side_fit(
                ctx.parties,
                ctx.d_pos[D],
                ctx.d_words.say(D, sides.receiver_words) if rule.reads_input else None,
                sides.receivers,
                sides.receiver_words,
                sides.never,
                sides.never_words,
            )
            D = D[fit != fitting.OUTSIDE]
        if not len(S) or not len(D):
            continue
        S = S[_quality_mask(rule, r_idx, supplies, S, check, notes)]
        if not len(S):
            continue
        if ctx.params.screening:
            # Only pairs with an expected side: expected supplies to any demand, declared
            # supplies to expected demands (each supply in one of the two).
            exp_s, exp_d = supplies.expected[S], demands.expected[D]
            for part_s, part_d in ((S[exp_s], D), (S[~exp_s], D[exp_d])):
                if len(part_s) and len(part_d):
                    out.append((r_idx, part_s, part_d))
        else:
            out.append((r_idx, S, D))
    return out


def _transport_per_unit_km(book: FactorBook, material: NDArray[np.int32]) -> F64:
    """Lowest transport cost per unit and km a supply of this material can have."""
    mode = book.mode[material]
    truck = book.truck_rate_vnd_per_tkm * book.tonnes_per_unit[material]
    return np.where(mode == TRUCK, truck, np.where(mode == PIPE, book.pipe_rate[material], 0.0))


def _value_bounds(
    supplies: Side,
    demands: Side,
    book: FactorBook,
    ra: _RuleArrays,
    params: MatchParams,
    r_idx: int,
    S: I64,
    D: I64,
) -> F64:
    """Highest net value per unit of supply any demand of the rule could give, before
    transport: attribution × (fee avoided + ratio × best price, or the haul a service saves)
    − revenue foregone − treatment."""
    share = params.attribution * (1.0 - params.deadweight)
    prices = np.where(np.isnan(demands.price[D]), book.price[demands.material[D]], demands.price[D])
    resource = ~np.isnan(prices) & ~ra.service[r_idx]
    best_price = float(np.max(prices[resource])) if resource.any() else -np.inf
    any_service = bool((~resource).any())
    fee = np.where(supplies.fee[S], supplies.price[S], 0.0)
    fee = np.nan_to_num(fee)
    revenue = np.nan_to_num(np.where(supplies.sold[S], supplies.price[S], 0.0))
    # The least a catalog-filled price can be brought down to by a receiver's own (_revenue).
    same = (demands.price_status[D] == REPORTED) & (demands.material[D] == supplies.material[S][:1])
    bought = demands.price[D][same & ~np.isnan(demands.price[D])]
    if len(bought):
        estimated = supplies.price_status[S] == FILLED
        revenue = np.where(estimated, np.minimum(revenue, float(bought.min())), revenue)
    value = np.full(len(S), -np.inf)
    if best_price > -np.inf:
        value = fee + ra.ratio[r_idx] * max(best_price, 0.0)
    if ra.own_price[r_idx]:
        own = book.price[supplies.material[S]]
        value = np.where(np.isnan(own), value, fee + ra.ratio[r_idx] * np.maximum(own, 0.0))
    mat = supplies.material[S]
    haul = np.where(
        book.mode[mat] == TRUCK,
        book.truck_rate_vnd_per_tkm * book.tonnes_per_unit[mat] * book.baseline_route_km,
        0.0,
    )
    # Outputs sold today save the haul to their buyer whatever the pair; a waste handed
    # to a treater saves the haul to today's site.
    value = value + np.where(supplies.sold[S], haul, 0.0)
    if any_service:
        value = np.maximum(value, np.where(supplies.fee[S] | supplies.sold[S], haul, 0.0))
    return np.asarray(share * value - revenue - ra.treatment[r_idx], dtype=float)


class _TopValues:
    """Each supply's ``top`` best ranking values (net benefit × fit) found so far among
    pairs that fit without confirmation, kept as the search goes.

    Only pairs of counted rules enter (one rule per pair of linked materials, no waste-code
    or name pairs), so no pair is counted twice; leaving some out can only lower the
    threshold, which widens the search and never changes its answer."""

    def __init__(self, n_supplies: int, top: int) -> None:
        self.values = np.full((n_supplies, top), -np.inf)
        self.top = top

    def add(self, ev: Evaluated, counted: NDArray[np.bool_]) -> None:
        keep = (ev.rule >= 0) & counted[np.maximum(ev.rule, 0)] & ~ev.factors.confirm
        if not keep.any():
            return
        s, net = ev.s[keep], ev.key[keep]
        involved = np.unique(s)
        all_s = np.concatenate([np.repeat(involved, self.top), s])
        all_v = np.concatenate([self.values[involved].ravel(), net])
        order = np.lexsort((-all_v, all_s))
        all_s, all_v = all_s[order], all_v[order]
        starts = np.r_[0, np.flatnonzero(np.diff(all_s)) + 1]
        rank = np.arange(len(all_s)) - np.repeat(starts, np.diff(np.r_[starts, len(all_s)]))
        fit = rank < self.top
        self.values[all_s[fit], rank[fit]] = all_v[fit]

    def threshold(self) -> F64:
        """The ``top``-th best so far (0 while a supply has fewer)."""
        best: F64 = np.maximum(self.values[:, -1], 0.0)
        return best


@dataclass
class _Search:
    """The nearest-first search of one rule: which supplies are still open, how many
    neighbours were read, each supply's value and transport cost per unit, and the most
    its fit can be before distance (channel × quality, known before any pair is read)."""

    rule: int
    S: I64
    D: I64
    tree: cKDTree
    chord: float
    value: F64
    cost: F64
    open: I64
    fit: F64
    k: int = 0


def _fit_before_distance(ctx: _Context, r_idx: int, S: I64) -> F64:
    """The most each supply's pairs under a rule can fit whatever the receiver: the channel's
    confidence times the quality factor, which depends on the supply alone."""
    out = np.full(len(S), float(ctx.ra.score[r_idx]))
    seen = ctx.unclear.get(r_idx)
    if seen is not None:
        out *= np.where(np.isin(S, seen), fitting.QUALITY_UNCLEAR, 1.0)
    sides = ctx.rules[r_idx].sides
    if sides is not None and sides.warn:
        out *= np.where(
            fitting.warned(ctx.parties, ctx.s_pos[S], sides.warn), fitting.QUALITY_WARNING, 1.0
        )
    return out


def _bounded(ctx: _Context, sets: list[tuple[int, I64, I64]], found: Evaluated) -> Evaluated:
    """Nearest demands first; widen a supply's search only while it could still matter."""
    supplies, demands, book = ctx.supplies, ctx.demands, ctx.book
    trees: dict[tuple[object, ...], cKDTree] = {}
    searches = []
    for r_idx, S, D in sets:
        # Rules that read the same demands share one tree.
        b = (
            *np.unique(demands.material[D]).tolist(),
            ctx.rules[r_idx].sides,
            len(D),
            bool(demands.expected[D].all()),
        )
        if b not in trees:
            trees[b] = cKDTree(ctx.d_xyz[D])
        searches.append(
            _Search(
                rule=r_idx,
                S=S,
                D=D,
                tree=trees[b],
                chord=chord_for_km(float(ctx.ra.radius[r_idx]) / book.circuity),
                value=_value_bounds(supplies, demands, book, ctx.ra, ctx.params, r_idx, S, D),
                cost=_transport_per_unit_km(book, supplies.material[S]),
                open=np.arange(len(S)),
                fit=_fit_before_distance(ctx, r_idx, S),
            )
        )
    parts = [found]
    best = _TopValues(len(supplies), ctx.params.top)
    best.add(found, ctx.ra.counted)
    while True:
        new_s, new_d, new_r = [], [], []
        reached = []
        for se in searches:
            if not len(se.open):
                continue
            k_old, k_new = se.k, min(len(se.D), max(ctx.params.top + 1, 2 * se.k))
            dist, idx = se.tree.query(
                ctx.s_xyz[se.S[se.open]], k=k_new, distance_upper_bound=se.chord
            )
            dist = np.asarray(dist, dtype=float).reshape(len(se.open), k_new)
            idx = np.asarray(idx).reshape(len(se.open), k_new)
            block = idx[:, k_old:]
            valid = block < len(se.D)
            rows = np.nonzero(valid)[0]
            new_s.append(se.S[se.open[rows]])
            new_d.append(se.D[block[valid]])
            new_r.append(np.full(len(rows), se.rule, dtype=np.int64))
            se.k = k_new
            reached.append((se, dist[:, -1]))
        if not reached:
            break
        s = _cat(new_s)
        ev = evaluate(ctx, s, _cat(new_d), _cat(new_r), np.zeros(len(s)))
        if len(ev):
            parts.append(ev)
            best.add(ev, ctx.ra.counted)
        threshold = best.threshold()
        for se, last in reached:
            exhausted = ~np.isfinite(last) | (se.k >= len(se.D))
            chord = np.where(np.isfinite(last), last, 0.0)
            arc = (
                2.0 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, chord / (2.0 * EARTH_RADIUS_KM)))
            )
            farther = arc * book.circuity  # no unread demand is nearer than this by road
            per_unit = se.value[se.open] - se.cost[se.open] * farther
            # Fit is at most its factors known beforehand times the distance factor there.
            at_most = se.fit[se.open] * fitting.distance_factor(
                farther, np.full(len(farther), ctx.ra.max_km[se.rule])
            )
            bound = supplies.qty[se.S[se.open]] * np.maximum(per_unit, 0.0) * at_most
            could_matter = (per_unit > 0) & (bound >= threshold[se.S[se.open]])
            se.open = se.open[~exhausted & could_matter]
    found = _concat(parts)
    # Only pairs that fit at or above their supply's threshold can make its top list (all
    # may while it has fewer than ``top`` pairs that fit).
    threshold = best.threshold()[found.s]
    if ctx.params.screening:
        # A two-way pair's fit rises once it is known to be one (_to_candidates).
        threshold = threshold * screen.ONE_WAY_FACTOR
    keep = (threshold <= 0) | (~found.factors.confirm & (found.key >= threshold))
    return found.take(np.flatnonzero(keep))


def find_matches(
    supplies: Side,
    demands: Side,
    rules: Sequence[Rule],
    book: FactorBook,
    params: MatchParams,
    check: QualityCheck | None = None,
    parties: Parties | None = None,
) -> Candidates:
    """Top ``params.top`` demands for every supply: those that fit first, then by net
    benefit weighted by fit. ``parties`` says who the organisations are (sector and words);
    without it every rule that names its receivers needs confirmation."""
    ctx = _Context.build(supplies, demands, rules, book, params, parties)
    notes: dict[tuple[int, int], list[str]] = {}
    sets = _rule_sets(ctx, check, notes)
    ctx.note_unclear(notes)
    # Waste codes and names are a declared record's own words: screening has neither.
    side = _side_channels(ctx) if not params.screening else _nothing(ctx)
    if params.same_park:
        out_s, out_d, out_r = [], [], []
        for r_idx, S, D in sets:
            si, di = _same_park_pairs(supplies.park[S], demands.park[D])
            out_s.append(S[si])
            out_d.append(D[di])
            out_r.append(np.full(len(si), r_idx, dtype=np.int64))
        s = _cat(out_s)
        ev = _concat([evaluate(ctx, s, _cat(out_d), _cat(out_r), np.zeros(len(s))), side])
    else:
        ev = _bounded(ctx, sets, side)
    return _to_candidates(ctx, ev, notes)


def find_matches_all_pairs(
    supplies: Side,
    demands: Side,
    rules: Sequence[Rule],
    book: FactorBook,
    params: MatchParams,
    check: QualityCheck | None = None,
    parties: Parties | None = None,
) -> Candidates:
    """Reference method: every supply is measured against every demand (no index).

    Same rules, filters, accounting and ranking as :func:`find_matches`; used to check
    that the index changes nothing but the time taken.
    """
    if params.screening:
        raise ValueError("the reference method does not screen; use find_matches")
    ctx = _Context.build(supplies, demands, rules, book, params, parties)
    notes: dict[tuple[int, int], list[str]] = {}
    sets = _rule_sets(ctx, check, notes)
    ctx.note_unclear(notes)
    by_material: dict[int, list[tuple[int, I64]]] = {}
    allowed: dict[int, set[int]] = {}
    for r_idx, S, D in sets:
        a = int(supplies.material[S[0]])
        by_material.setdefault(a, []).append((r_idx, D))
        allowed[r_idx] = {int(i) for i in S}
    out_s, out_d, out_r = [], [], []
    for i in range(len(supplies)):
        # Every demand is measured for every supply: the cost the index avoids.
        here = np.broadcast_to(ctx.s_xyz[i], ctx.d_xyz.shape)
        km = great_circle_km(here, ctx.d_xyz) * book.circuity
        for r_idx, D in by_material.get(int(supplies.material[i]), []):
            if i not in allowed[r_idx]:
                continue
            mask = km[D] <= ctx.ra.radius[r_idx]
            if params.same_park:
                mask &= demands.park[D] == supplies.park[i]
            js = D[mask]
            out_s.append(np.full(len(js), i, dtype=np.int64))
            out_d.append(js)
            out_r.append(np.full(len(js), r_idx, dtype=np.int64))
    s = _cat(out_s)
    ev = evaluate(ctx, s, _cat(out_d), _cat(out_r), np.zeros(len(s)))
    return _to_candidates(ctx, _concat([ev, _side_channels(ctx)]), notes)


# -- why a pair is not proposed ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Verdict:
    """What became of one (supply, demand) pair under one rule: ``reason`` is empty when the
    pair passes every filter and is worth something, else the first filter it fails."""

    s: int
    d: int
    rule: int
    reason: str
    detail: str = ""


def pair_verdicts(
    supplies: Side,
    demands: Side,
    rules: Sequence[Rule],
    book: FactorBook,
    params: MatchParams,
    pairs: Sequence[tuple[int, int]],
    check: QualityCheck | None = None,
    parties: Parties | None = None,
) -> list[Verdict]:
    """For each (supply, demand) of ``pairs`` and each rule that links their materials,
    the first filter the pair fails, in the order :func:`evaluate` applies them (an empty
    list for a pair no rule links). Used to say why a known exchange was not found."""
    ctx = _Context.build(supplies, demands, rules, book, params, parties)
    out: list[Verdict] = []
    for s_idx, d_idx in pairs:
        a, b = int(supplies.material[s_idx]), int(demands.material[d_idx])
        for r_idx, rule in enumerate(rules):
            if book.index.get(rule.supply_material) != a or b not in {
                book.index.get(m) for m in rule.demands
            }:
                continue
            out.append(Verdict(s_idx, d_idx, r_idx, *_why(ctx, s_idx, d_idx, r_idx, check)))
    return out


def _why(
    ctx: _Context, s_idx: int, d_idx: int, r_idx: int, check: QualityCheck | None
) -> tuple[str, str]:
    supplies, demands, ra, params = ctx.supplies, ctx.demands, ctx.ra, ctx.params
    rule = ctx.rules[r_idx]
    s, d, r = (np.array([x], dtype=np.int64) for x in (s_idx, d_idx, r_idx))
    if rule.quality_limits and check is not None:
        passed, reasons = check(rule.quality_limits, str(supplies.quality[s_idx]))
        if passed is False:
            return "quality", "; ".join(reasons)
    km = float(great_circle_km(ctx.s_xyz[s], ctx.d_xyz[d])[0] * ctx.book.circuity)
    limit = float(min(ra.max_km[r_idx], ra.radius[r_idx], supplies.max_km[s_idx]))
    limit = min(limit, float(demands.max_km[d_idx]))
    checks = (
        ("same-organisation", supplies.org[s_idx] == demands.org[d_idx], ""),
        ("distance", km > limit, f"{km:.1f} km > {limit:g} km"),
        (
            "years",
            abs(int(supplies.year[s_idx]) - int(demands.year[d_idx])) > params.year_window,
            f"{supplies.year[s_idx]} and {demands.year[d_idx]}",
        ),
        (
            "window",
            max(supplies.start_day[s_idx], demands.start_day[d_idx])
            > min(supplies.end_day[s_idx], demands.end_day[d_idx]),
            "",
        ),
        ("other-park", params.same_park and supplies.park[s_idx] != demands.park[d_idx], ""),
        (
            "decided",
            bool(len(params.exclude_pairs))
            and bool(np.isin(pair_keys(supplies.uid[s], demands.uid[d]), params.exclude_pairs)[0]),
            "",
        ),
        (
            "running",
            bool(len(params.existing_links))
            and bool(
                np.isin(
                    link_keys(supplies.org[s], demands.org[d], supplies.material[s]),
                    params.existing_links,
                )[0]
            ),
            "",
        ),
    )
    for reason, failed, detail in checks:
        if failed:
            return reason, detail
    ratio = ra.ratio[r]
    q = np.minimum(supplies.qty[s], demands.qty[d] / ratio)
    if q[0] <= 0:
        return "no-quantity", ""
    _, outside = _factors(
        ctx, s, d, r, np.array([km]), q, np.array([ra.max_km[r_idx]]), ra.score[r]
    )
    if outside[0]:
        sides = rule.sides
        receiver = (
            sides is not None
            and fitting.side_fit(
                ctx.parties,
                ctx.d_pos[d],
                ctx.d_words.say(d, sides.receiver_words) if rule.reads_input else None,
                sides.receivers,
                sides.receiver_words,
                sides.never,
                sides.never_words,
            )[0]
            == fitting.OUTSIDE
        )
        return ("receiver-outside", "") if receiver else ("supplier-outside", "")
    net = net_benefit(
        ctx.book,
        _pair_inputs(ctx, s, d, r, np.array([km]), q, ratio),
        params.attribution,
        params.deadweight,
    )
    if net[0] <= 0:
        return "no-benefit", f"{net[0]:,.0f} VND a year"
    return "", ""


__all__ = [
    "GRID",
    "NAME_RULE",
    "WASTE_CODE_RULE",
    "Candidates",
    "Factors",
    "MatchParams",
    "Verdict",
    "find_matches",
    "find_matches_all_pairs",
    "link_keys",
    "material_limits",
    "pair_verdicts",
]
