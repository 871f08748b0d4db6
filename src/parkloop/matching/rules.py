"""Pairing rules: which supply material may meet which demand material, and why.

Three channels come from the catalog: the same material (identity), a material that is a
kind of the demanded one (hierarchy: recovered iron for steel scrap, rooftop solar for
grid electricity), and the substitution knowledge base. Waste codes and name similarity
are handled by the engine directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from parkloop.catalog import Catalog
from parkloop.catalog.recognise import GRADED_CLASSES
from parkloop.matching.fit import ANY, FOOD_CHAIN, Sides

UNSETTLED = "unclassified"
CHANNEL_SCORE = {
    "identity": 1.0,
    "hierarchy": 0.9,
    "knowledge": 0.85,
    "waste_code": 0.8,
    "name": 0.7,
}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    channel: str
    supply_material: str
    demand_material: str
    ratio: float
    max_distance_km: float
    treatment: str = ""
    treatment_cost_vnd_per_unit: float = 0.0
    quality_limits: str = ""
    example: str = ""
    status: str = ""
    source: str = ""
    service: bool = False  # a licensed treater taking a waste: nothing is bought instead
    treatment_mwh: float = 0.0  # electricity the treatment uses per unit of supply
    sides: Sides | None = None  # who may take it and give it (knowledge rules); None: anyone
    # Demand materials it serves: its own and, for a substitution, the kinds of it (a
    # cooling tower's make-up declared as process water is fresh water too).
    demand_kinds: tuple[str, ...] = ()
    # The receiver pays the supply's own price, not the price of what it declared: a buyer
    # of mixed metal scrap pays for aluminium chips as aluminium, for turnings as steel.
    own_price: bool = False
    # The receiver's own input row may name its process: a fuel bought says what it fires
    # ('Than cám đốt lò hơi': a boiler), so the words of that row count among its words.
    reads_input: bool = False
    # ... and a receiver named only there needs confirming: steam offered to a firm whose
    # fuel fires a boiler replaces that fuel only where its processes take steam.
    input_confirms: bool = False

    @property
    def demands(self) -> tuple[str, ...]:
        return self.demand_kinds or (self.demand_material,)

    @property
    def score(self) -> float:
        return CHANNEL_SCORE[self.channel]


def build_rules(cat: Catalog) -> list[Rule]:
    """Every rule the engine may use, in a fixed order (identity, hierarchy, knowledge)."""
    from parkloop.catalog import knowledge

    # Sectors that none of a material's own rules serves (treated effluent and sludge never
    # reach crops, livestock, aquaculture, food, drink or medicine makers): a receiver there
    # is not offered the material even where it already buys it.
    never_of: dict[str, set[str]] = {}
    for r in knowledge.rules(cat):
        never = set(r.never_vsic)
        never_of[r.supply_material] = never_of.get(r.supply_material, never) & never

    def guarded(code: str) -> Sides | None:
        # Only the food chain: a firm that buys the very material is otherwise its receiver
        # (a biomass power plant buying husk, though husk to a coal boiler skips power plants).
        # A kind with no rule of its own is kept where its material is (PET flakes, a kind
        # of plastic scrap, never reach a bottler's preforms).
        own = next((c for c in (code, *_ancestors(code, cat)) if c in never_of), code)
        never = sorted(c for c in never_of.get(own, ()) if c.startswith(FOOD_CHAIN))
        return Sides.of(receivers=(ANY,), never=never) if never else None

    rules: list[Rule] = []
    for code in cat.materials:
        if code == UNSETTLED:
            continue  # a material not yet read is no material: it pairs with nothing
        rules.append(
            Rule(
                id=f"same:{code}",
                channel="identity",
                supply_material=code,
                demand_material=code,
                ratio=1.0,
                max_distance_km=knowledge.distance_limit_km(cat, code),
                sides=guarded(code),
            )
        )
        # A kind of a kind is a kind: aluminium scrap serves whoever buys non-ferrous scrap
        # and whoever buys metal scrap of every grade.
        for parent in _ancestors(code, cat):
            rules.append(
                Rule(
                    id=f"kind-of:{code}>{parent}",
                    channel="hierarchy",
                    supply_material=code,
                    demand_material=parent,
                    ratio=1.0,
                    max_distance_km=knowledge.distance_limit_km(cat, code),
                    sides=guarded(code),
                    own_price=cat.materials[parent].material_class.value in GRADED_CLASSES,
                )
            )
    children: dict[str, list[str]] = {}
    for code, material in cat.materials.items():
        if material.parent:
            children.setdefault(material.parent, []).append(code)

    def kinds(code: str) -> tuple[str, ...]:
        out, todo = [code], [code]
        while todo:
            for child in children.get(todo.pop(), []):
                if child not in out:
                    out.append(child)
                    todo.append(child)
        return tuple(out)

    def excluded(codes: tuple[str, ...]) -> set[str]:
        return {k for code in codes for k in kinds(code)}

    for r in knowledge.rules(cat):
        rules.append(
            Rule(
                id=r.id,
                channel="knowledge",
                supply_material=r.supply_material,
                demand_material=r.demand_material,
                ratio=r.ratio,
                max_distance_km=knowledge.rule_distance_limit_km(cat, r),
                treatment=r.treatment_en,
                treatment_cost_vnd_per_unit=r.treatment_cost_vnd_per_unit or 0.0,
                quality_limits=r.quality_limits_text,
                example=r.example,
                status=r.status,
                source=r.source,
                service=r.is_treatment,
                treatment_mwh=r.treatment_electricity_mwh_per_unit or 0.0,
                sides=Sides.of(
                    receivers=r.receiver_vsic,
                    receiver_words=r.receiver_words,
                    never=r.never_vsic,
                    suppliers=r.supplier_vsic,
                    supplier_words=r.supplier_words,
                    warn=r.warn_vsic,
                    never_words=r.never_words,
                ),
                # A treater of one hazardous waste is not a treater of every other; and
                # a substitution serves the kinds of its demand it can stand for (reclaimed
                # water is not the softened water of a boiler).
                reads_input=cat.materials[r.demand_material].material_class.value == "fuel",
                input_confirms=cat.materials[r.supply_material].material_class.value == "steam",
                demand_kinds=(r.demand_material,)
                if r.is_treatment
                else tuple(
                    k for k in kinds(r.demand_material) if k not in excluded(r.never_demand)
                ),
            )
        )
    return rules


def _ancestors(code: str, cat: Catalog) -> list[str]:
    """The material's parent, the parent's parent and so on, nearest first."""
    out: list[str] = []
    parent = cat.materials[code].parent
    while parent and parent not in out and parent in cat.materials:
        out.append(parent)
        parent = cat.materials[parent].parent
    return out
