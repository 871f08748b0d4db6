"""The marketplace of a park: the offers and wants a viewer may see, with who lists them
and what they are, and the viewer's own listings added or closed.

What a viewer sees comes from the permission filter of the store (``registry.listings``);
what it may change from the same rule every change checks (``can_write``). An offer or
want is added as one row of the workbook's Offers and wants sheet would be: the same
reading of words, units and numbers, the same checks and change log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from parkloop.catalog import catalog
from parkloop.domain.enums import ListingKind, ListingStatus, MaterialClass
from parkloop.domain.models import Listing, Material, Organisation, Park
from parkloop.domain.permissions import Viewer, can_write
from parkloop.services import records, registry
from parkloop.services.importing import import_rows
from parkloop.services.records import Edit

STATUSES = ("open", "closed", "all")


@dataclass(frozen=True, slots=True)
class Offered:
    """One offer or want as the marketplace shows it."""

    listing: Listing
    enterprise: Organisation | None
    material: Material | None
    may_change: bool

    @property
    def price_given(self) -> float | None:
        """The price the enterprise typed (per unit of its quantity); a price filled from
        the catalog is an estimate of parkloop's, not the enterprise's asking price."""
        if self.listing.price_origin.status == "reported":
            return self.listing.price_vnd_per_unit
        return None


@dataclass(frozen=True, slots=True)
class Marketplace:
    park: Park
    items: list[Offered]
    total: int  # offers and wants the viewer may see, before the filters
    classes: list[MaterialClass]  # material classes among them
    writable: list[Organisation]  # enterprises whose offers and wants the viewer may add


def marketplace(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    *,
    kind: str = "",
    material_class: str = "",
    text: str = "",
    status: str = "open",
) -> Marketplace:
    """The park's offers and wants ``viewer`` may see, filtered by kind (offer, want),
    material class, words (material, enterprise, description, quality) and status."""
    park = registry.require_park(engine, park_code)
    cat = catalog()
    orgs = {o.code: o for o in registry.organisations(engine, park_code)}
    seen = registry.listings(engine, park_code, viewer)
    wanted = " ".join(text.split()).casefold()
    items: list[Offered] = []
    for x in seen:
        material = cat.materials.get(x.material_code)
        org = orgs.get(x.org_code)
        if kind and x.kind.value != kind:
            continue
        if status in ("open", "closed") and x.status.value != status:
            continue
        if material_class and (material is None or material.material_class.value != material_class):
            continue
        if wanted and wanted not in _words(x, org, material):
            continue
        may = org is not None and org.id is not None and can_write(viewer, org.park_id, org.id)
        items.append(Offered(x, org, material, may))
    items.sort(key=lambda o: (o.listing.kind.value, o.listing.material_code, o.listing.org_code))
    classes = sorted(
        {m.material_class for x in seen if (m := cat.materials.get(x.material_code))},
        key=lambda c: list(MaterialClass).index(c),
    )
    writable = [
        o
        for o in orgs.values()
        if o.id is not None and o.park_id is not None and can_write(viewer, o.park_id, o.id)
    ]
    writable.sort(key=lambda o: o.name_vi)
    return Marketplace(park, items, len(seen), classes, writable)


def _words(x: Listing, org: Organisation | None, material: Material | None) -> str:
    return " ".join(
        [
            x.material_code,
            x.material_words.text,
            material.name_vi if material else "",
            material.name_en if material else "",
            org.code if org else x.org_code,
            org.name_vi if org else "",
            org.name_en if org else "",
            x.description,
            x.quality,
        ]
    ).casefold()


def add_listing(
    engine: Engine,
    park_code: str,
    viewer: Viewer,
    form: dict[str, str],
    actor: str | None = None,
    lang: str = "vi",
) -> None:
    """Add (or, for the same enterprise, kind and material, update) an offer or want,
    typed as a row of the Offers and wants sheet. Numbers are read the way the writer's
    language writes them ('1.200' is one thousand two hundred in Vietnamese). Raises
    ``ImportProblems`` naming each problem, and refuses an enterprise another's listing
    as the importer does."""
    registry.require_park(engine, park_code)
    row: dict[str, Any] = {
        "park": park_code,
        "enterprise": form.get("enterprise", ""),
        "kind": form.get("kind", ""),
        "material": form.get("material", ""),
        "quantity": form.get("quantity", ""),
        "unit": form.get("unit", ""),
        "confidentiality": form.get("confidentiality") or "park",
        "status": ListingStatus.OPEN.value,
    }
    if form.get("price", "").strip():
        row["price_vnd_per_unit"] = form["price"]
    for field in ("quality", "description"):
        if form.get(field, "").strip():
            row[field] = form[field]
    decimal = "," if lang == "vi" else "."
    import_rows(
        engine, {"listings": [row]}, name="form", viewer=viewer, actor=actor, decimal=decimal
    )


def close_listing(
    engine: Engine, park_code: str, listing_id: int, viewer: Viewer, actor: str | None = None
) -> Edit:
    """Close one offer or want of the park; only who may change it may close it."""
    return records.set_listing_status(
        engine, listing_id, viewer, ListingStatus.CLOSED.value, park=park_code, actor=actor
    )


KINDS = tuple(k.value for k in ListingKind)
