"""Changing one record at a time, and settling materials read from words with too little
confidence. Every change checks who is writing and goes to the change log with the old and
new values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from parkloop.catalog import catalog
from parkloop.catalog.prices import fill_price
from parkloop.catalog.recognise import UNCLASSIFIED, recognise_destination, recognise_material
from parkloop.catalog.sectors import recognise_sector
from parkloop.domain.enums import Confidentiality, ExchangeStatus, ListingStatus
from parkloop.domain.permissions import Viewer, can_write
from parkloop.errors import Name, NotAllowed, NotFound, UserError, Word, msg
from parkloop.services.cells import CellError, parse_enum, parse_number
from parkloop.services.quantities import amount_factor, parse_entered_unit
from parkloop.services.registry import require_park
from parkloop.store import changes, edits

KINDS = {"flow": "flows", "listing": "listings"}


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """A flow or an offer/want whose material awaits a person's decision."""

    kind: str
    id: int
    key: str
    org_code: str
    org_name: str
    text: str
    code: str
    confidence: float | None
    basis: str
    suggestions: tuple[str, ...]
    quantity: float | None
    unit: str


@dataclass(slots=True)
class Edit:
    """What one command changed: column -> (old, new)."""

    kind: str
    id: int
    key: str
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def review(
    engine: Engine, park: str, viewer: Viewer, below: float | None = None
) -> list[ReviewItem]:
    """The review queue of a park: unclassified materials (and, with ``below``, readings
    less sure than that), what staff wrote and what parkloop suggests."""
    require_park(engine, park)
    with engine.connect() as conn:
        rows = edits.unclassified(conn, park, viewer, below)
    return [
        ReviewItem(
            kind=r["kind"],
            id=r["id"],
            key=r["key"],
            org_code=r["org_code"],
            org_name=r["org_name"],
            text=r["material_text"],
            code=r["material_code"],
            confidence=r["material_confidence"],
            basis=r["material_basis"],
            suggestions=tuple(r["material_suggestions"] or ()),
            quantity=r["entered_quantity"] if r["entered_quantity"] is not None else r["quantity"],
            unit=r["entered_unit"] or r["unit"],
        )
        for r in rows
    ]


def _row(conn: Connection, kind: str, row_id: int, viewer: Viewer) -> dict[str, Any]:
    row = edits.owned_row(conn, kind, row_id)
    what = {"flow": "flow", "listing": "offer or want", "exchange": "exchange"}.get(kind, kind)
    if row is None:
        raise NotFound(
            msg(
                "no {what} {row_id}; `parkloop {command} list` shows ids",
                what=Word(what),
                row_id=str(row_id),
                command=KINDS.get(kind, kind + "s"),
            )
        )
    if "confidentiality" in row and row["confidentiality"] == Confidentiality.PRIVATE.value:
        # Whoever may not see a private record is told nothing about it.
        from parkloop.domain.permissions import can_see

        if not can_see(viewer, row["org_id"], row["park_id"], Confidentiality.PRIVATE):
            raise NotFound(
                msg(
                    "no {what} {row_id}; `parkloop {command} list` shows ids",
                    what=Word(what),
                    row_id=str(row_id),
                    command=KINDS.get(kind, kind + "s"),
                )
            )
    if kind == "exchange":
        # Either party of an exchange may change it (an exchange has two owners).
        owners = [row.get("supplier_id"), row.get("receiver_id")]
        allowed = any(can_write(viewer, row["park_id"], o) for o in owners if o is not None)
    else:
        allowed = can_write(viewer, row["park_id"], row.get("org_id"))
    if not allowed:
        raise NotAllowed(
            msg(
                "{who} may not change {what} {row_id} (of {owner}); nothing was changed",
                who=viewer.name or Word(viewer.role.value),
                what=Word(what),
                row_id=str(row_id),
                owner=_owner(row),
            )
        )
    return row


def _owner(row: dict[str, Any]) -> Name:
    """Whose a record is, by name: its enterprise's, else its park's."""
    if row.get("org_code"):
        return Name(row.get("org_name_vi") or row["org_code"], row.get("org_name_en") or "")
    return Name(row.get("park_name_vi") or row["park_code"], row.get("park_name_en") or "")


def _quantity_in(material: str, row: dict[str, Any]) -> tuple[float, str]:
    """The row's quantity as typed, in ``material``'s canonical unit."""
    unit_text = row["entered_unit"] or row["unit"]
    entered = row["entered_quantity"] if row["entered_quantity"] is not None else row["quantity"]
    try:
        _, parsed = parse_entered_unit(unit_text)
        factor = amount_factor(material, parsed)
    except CellError as exc:
        raise UserError(msg("{message}; {fix}", message=exc.said, fix=exc.said_fix)) from None
    per_period = 1.0
    if parsed.per_days:
        months = row.get("period_months") or 12
        per_period = 365.0 * months / 12.0 / parsed.per_days
    return entered * factor * per_period, catalog().materials[material].canonical_unit


def assign_material(
    engine: Engine, kind: str, row_id: int, code: str, viewer: Viewer, actor: str | None = None
) -> Edit:
    """Settle the material of a flow or an offer/want: the staff's words stay, the code is
    the one a person chose, the quantity is converted to that material's unit."""
    if kind not in KINDS:
        raise UserError(msg("assign the material of a flow or of an offer or want"))
    cat = catalog()
    code = code.strip().lower()
    if code not in cat.materials or code == UNCLASSIFIED:
        near = cat.suggest_materials(code)
        raise UserError(
            msg("no material '{code}' in the catalog; did you mean {near}?", code=code, near=near)
        )
    with engine.begin() as conn:
        row = _row(conn, kind, row_id, viewer)
        quantity, unit = _quantity_in(code, row)
        values: dict[str, Any] = {
            "material_code": code,
            "material_confidence": 1.0,
            "material_basis": "assigned",
            "material_suggestions": [],
            "quantity": quantity,
            "unit": unit,
        }
        values.update(_refilled_price(row, code))
        return _apply(conn, kind, row, values, actor, viewer)


def _refilled_price(row: dict[str, Any], code: str) -> dict[str, Any]:
    """A filled price follows the material; the staff's own price stays theirs."""
    if row.get("price_status") == "reported":
        return {}
    direction = row.get("direction") or ("out" if row.get("kind") == "offer" else "in")
    filled = fill_price(catalog(), code, direction, row.get("destination"), row.get("year"))
    if filled is None:
        return {"price_vnd_per_unit": None, "price_status": "", "price_source": ""}
    return {
        "price_vnd_per_unit": filled.value,
        "price_status": filled.status,
        "price_source": filled.source,
    }


def set_flow(
    engine: Engine,
    row_id: int,
    viewer: Viewer,
    *,
    quantity: str | None = None,
    unit: str | None = None,
    material: str | None = None,
    price: str | None = None,
    destination: str | None = None,
    confidentiality: str | None = None,
    actor: str | None = None,
    lang: str = "vi",
) -> Edit:
    """Change one flow the way its row would be typed: a quantity and unit, a material in
    words or as a code, a price per unit typed, a destination phrase."""
    with engine.begin() as conn:
        row = _row(conn, "flow", row_id, viewer)
        values: dict[str, Any] = {}
        code = row["material_code"]
        if material is not None:
            division = (row.get("org_vsic") or "")[:2] or None
            found = recognise_material(material, row["direction"], division)
            code = found.code
            values.update(
                material_text=material,
                material_code=found.code,
                material_confidence=round(found.confidence, 3),
                material_basis=found.basis,
                material_suggestions=list(found.suggestions),
            )
        if destination is not None:
            if row["direction"] != "out":
                raise UserError(msg("only outputs have a destination"))
            read = recognise_destination(destination)
            values.update(
                destination=read.code, destination_text="" if read.method == "code" else destination
            )
        if confidentiality is not None:
            values["confidentiality"] = _choice(Confidentiality, confidentiality, "confidentiality")
        typed = dict(row)
        if quantity is not None:
            typed["entered_quantity"] = _number(quantity, "quantity", lang)
        if unit is not None:
            typed["entered_unit"] = unit
        if quantity is not None or unit is not None or material is not None:
            if code == UNCLASSIFIED:
                _, parsed = _unit(typed["entered_unit"] or typed["unit"])
                months = row["period_months"] or 12
                per = 365.0 * months / 12.0 / parsed.per_days if parsed.per_days else 1.0
                values["quantity"] = typed["entered_quantity"] * parsed.factor * per
                values["unit"] = parsed.canonical
            else:
                values["quantity"], values["unit"] = _quantity_in(code, typed)
            values["entered_quantity"] = typed["entered_quantity"]
            values["entered_unit"] = typed["entered_unit"]
        if price is not None:
            _, parsed = _unit(typed["entered_unit"] or typed["unit"])
            factor = parsed.factor if code == UNCLASSIFIED else amount_factor(code, parsed)
            values.update(
                price_vnd_per_unit=_number(price, "price", lang) / factor,
                price_status="reported",
                price_source="",
            )
        elif material is not None or destination is not None:
            merged = {**row, **values}
            values.update(_refilled_price(merged, code))
        if not values:
            raise UserError(
                msg(
                    "say what to change: --quantity, --unit, --material, --price, "
                    "--destination or --confidentiality"
                )
            )
        return _apply(conn, "flow", row, values, actor, viewer)


def delete_record(
    engine: Engine, kind: str, row_id: int, viewer: Viewer, actor: str | None = None
) -> Edit:
    with engine.begin() as conn:
        row = _row(conn, kind, row_id, viewer)
        edits.remove(conn, kind, row_id)
        edit = Edit(kind, row_id, row.get("key", ""), {"deleted": (row.get("key"), None)})
        changes.record(
            conn,
            "delete",
            kind,
            object_key=str(row.get("key") or row_id),
            park_code=row["park_code"],
            detail={"id": row_id, "old": _plain(row)},
            who=actor or viewer.name or None,
        )
        return edit


def set_exchange(
    engine: Engine,
    row_id: int,
    viewer: Viewer,
    *,
    status: str | None = None,
    quantity: str | None = None,
    distance_km: str | None = None,
    actor: str | None = None,
    lang: str = "vi",
) -> Edit:
    with engine.begin() as conn:
        row = _row(conn, "exchange", row_id, viewer)
        if not can_write(viewer, row["park_id"], row["supplier_id"]) and not can_write(
            viewer, row["park_id"], row["receiver_id"]
        ):
            raise NotAllowed(
                msg(
                    "{who} may not change exchange {row_id}",
                    who=viewer.name or Word(viewer.role.value),
                    row_id=str(row_id),
                )
            )
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = _choice(ExchangeStatus, status, "status")
        if quantity is not None:
            typed = {
                **row,
                "entered_quantity": _number(quantity, "quantity", lang),
                "period_months": 12,
            }
            values["quantity"], values["unit"] = _quantity_in(row["material_code"], typed)
            values["entered_quantity"] = typed["entered_quantity"]
        if distance_km is not None:
            values["distance_km"] = _number(distance_km, "distance", lang)
        if not values:
            raise UserError(msg("say what to change: a status, --quantity or --distance-km"))
        return _apply(conn, "exchange", row, values, actor, viewer)


def exchange_id(engine: Engine, reference: str, park: str | None) -> int:
    """An exchange by id, or by its code within ``park``."""
    if reference.isdigit():
        return int(reference)
    if park is None:
        raise UserError(
            msg("exchange '{reference}': give its id, or its code with --park", reference=reference)
        )
    with engine.connect() as conn:
        found = edits.exchange_by_key(conn, park, reference)
    if found is None:
        raise UserError(
            msg("park '{park}' has no exchange '{reference}'", park=park, reference=reference)
        )
    return found


def set_listing_status(
    engine: Engine,
    row_id: int,
    viewer: Viewer,
    status: str,
    *,
    park: str | None = None,
    actor: str | None = None,
) -> Edit:
    """Close an offer or want (or open it again); the change log keeps the old status.
    With ``park``, an offer or want of another park is not found."""
    with engine.begin() as conn:
        row = _row(conn, "listing", row_id, viewer)
        if park is not None and row["park_code"] != park:
            raise NotFound(
                msg("park '{park}' has no offer or want {row_id}", park=park, row_id=str(row_id))
            )
        values = {"status": _choice(ListingStatus, status, "status")}
        return _apply(conn, "listing", row, values, actor, viewer)


def may_change(engine: Engine, kind: str, row_id: int, viewer: Viewer) -> bool:
    """Whether ``viewer`` may change one record: the check every change above makes."""
    with engine.connect() as conn:
        try:
            _row(conn, kind, row_id, viewer)
        except (NotAllowed, NotFound):
            return False
    return True


def set_organisation(
    engine: Engine,
    park: str,
    code: str,
    viewer: Viewer,
    *,
    name: str | None = None,
    sector: str | None = None,
    employees: str | None = None,
    actor: str | None = None,
    lang: str = "vi",
) -> Edit:
    with engine.begin() as conn:
        row = edits.organisation(conn, park, code)
        if row is None:
            raise NotFound(
                msg("park '{park}' has no enterprise or partner '{code}'", park=park, code=code)
            )
        if not can_write(viewer, row["park_id"], row["id"]):
            raise NotAllowed(
                msg(
                    "{who} may not change '{code}'; nothing was changed",
                    who=viewer.name or Word(viewer.role.value),
                    code=code,
                )
            )
        values: dict[str, Any] = {}
        if name is not None:
            values["name_vi"] = name.strip()
        if sector is not None:
            found = recognise_sector(sector)
            if found is None or found.confidence < catalog().parameter(
                "material_confidence_threshold"
            ):
                if found is None:
                    raise UserError(
                        msg(
                            "'{sector}' is not a sector parkloop can read with confidence; "
                            "type a VSIC code",
                            sector=sector,
                        )
                    )
                raise UserError(
                    msg(
                        "'{sector}' is not a sector parkloop can read with confidence; "
                        "type a VSIC code (perhaps {code}: {name})",
                        sector=sector,
                        code=found.code,
                        name=found.name_vi,
                    )
                )
            values.update(
                vsic=found.code,
                sector_text=sector,
                sector_confidence=round(found.confidence, 3),
                sector_basis=found.basis,
            )
        if employees is not None:
            values["employees"] = int(_number(employees, "employees", lang))
        if not values:
            raise UserError(msg("say what to change: --name, --sector or --employees"))
        return _apply(conn, "organisation", row, values, actor, viewer)


def delete_organisation(
    engine: Engine,
    park: str,
    code: str,
    viewer: Viewer,
    force: bool = False,
    actor: str | None = None,
) -> Edit:
    with engine.connect() as conn:
        row = edits.organisation(conn, park, code)
        if row is None:
            raise UserError(
                msg("park '{park}' has no enterprise or partner '{code}'", park=park, code=code)
            )
        held = edits.counts_of(conn, row["id"])
    if any(held.values()) and not force:
        raise UserError(
            msg(
                "'{code}' has {flows} flows, {listings} offers and wants and {exchanges} "
                "exchanges, which would go with it; add --force to delete all",
                code=code,
                flows=held["flows"],
                listings=held["listings"],
                exchanges=held["exchanges"],
            )
        )
    return delete_record(engine, "organisation", row["id"], viewer, actor)


# -- helpers --------------------------------------------------------------------------------


def _apply(
    conn: Connection,
    kind: str,
    row: dict[str, Any],
    values: dict[str, Any],
    actor: str | None,
    viewer: Viewer,
) -> Edit:
    edit = Edit(kind, row["id"], row.get("key") or row.get("code") or "")
    for column, new in values.items():
        old = row.get(column)
        if old != new:
            edit.changed[column] = (old, new)
    if edit.changed:
        edits.change(conn, kind, row["id"], values)
        changes.record(
            conn,
            "update",
            kind,
            object_key=str(edit.key or row["id"]),
            park_code=row["park_code"],
            detail={
                "id": row["id"],
                "changed": {c: [_plain1(o), _plain1(n)] for c, (o, n) in edit.changed.items()},
            },
            who=actor or viewer.name or None,
        )
    return edit


def _plain1(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool, type(None), list)):
        return value
    return str(value)


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain1(v) for k, v in row.items() if k not in ("org_vsic",)}


def _unreadable(what: str, text: str, exc: CellError) -> UserError:
    """``text`` typed for ``what`` cannot be read: what is wrong with it and the fix."""
    return UserError(
        msg(
            "{what} '{text}': {message}; {fix}",
            what=Word(what),
            text=text,
            message=exc.said,
            fix=exc.said_fix,
        )
    )


def _number(text: str, what: str, lang: str = "vi") -> float:
    """A number typed on the command line, read the way the user's language writes it
    ('1.300' is one thousand three hundred in Vietnamese); a number with one reading only
    ('1,5', '1.5') is read that way."""
    try:
        return parse_number(text.strip(), "," if lang == "vi" else ".")
    except CellError as exc:
        raise _unreadable(what, text, exc) from None


def _unit(text: str) -> tuple[str, Any]:
    try:
        return parse_entered_unit(text)
    except CellError as exc:
        raise UserError(
            msg("unit '{text}': {message}; {fix}", text=text, message=exc.said, fix=exc.said_fix)
        ) from None


def _choice(enum: Any, text: str, what: str) -> str:
    try:
        return str(parse_enum(enum, text).value)
    except CellError as exc:
        raise _unreadable(what, text, exc) from None
