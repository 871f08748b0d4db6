"""parkloop materials review|assign; flows|listings|enterprises|exchanges set|delete"""

from __future__ import annotations

from typing import Annotated

import typer

from parkloop.catalog import catalog
from parkloop.cli.render import console, number, percent, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.services import records

materials_app = typer.Typer(
    help="Materials read from staff's words: review the doubtful, assign a code.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[str, typer.Option("--park", callback=park_option, help="Park code or name.")]
ActorOpt = Annotated[
    str | None, typer.Option("--by", help="Who makes the change (for the change log).")
]


def _material_name(code: str, lang: str) -> str:
    m = catalog().materials.get(code)
    if m is None:
        return code
    return m.name_vi if lang == "vi" else m.name_en


def _print_edit(edit: records.Edit, lang: str) -> None:
    if not edit.changed:
        console.print(t("nothing changed"))
        return
    table(
        f"{t(edit.kind)} {edit.id} {edit.key}",
        [t("column"), t("before"), t("after")],
        [[c, "" if o is None else o, "" if n is None else n] for c, (o, n) in edit.changed.items()],
    )


@materials_app.command("review")
def review(
    ctx: typer.Context,
    park: ParkOpt,
    below: Annotated[
        float | None,
        typer.Option(help="Also list materials read with less confidence than this (0-1)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The review queue: flows and offers/wants whose material staff wrote in words that
    parkloop could not read with confidence, with what it suggests."""
    st = state(ctx)
    items = records.review(st.engine(), park, st.viewer(), below)
    if as_json:
        print_json(items)
        return
    lang = st.lang
    table(
        t("{park}: {n_items} to review", park=park, n_items=len(items)),
        [
            "id",
            t("kind"),
            t("enterprise"),
            t("as written"),
            t("quantity"),
            t("read as"),
            t("suggestions"),
        ],
        [
            [
                i.id,
                t("flow") if i.kind == "flow" else t("offer or want"),
                i.org_name or i.org_code,
                i.text,
                f"{number(i.quantity, lang, 1)} {i.unit}",
                _material_name(i.code, lang)
                + (f" ({percent(i.confidence, lang)})" if i.confidence is not None else ""),
                "; ".join(f"{s} ({_material_name(s, lang)})" for s in i.suggestions[:3]),
            ]
            for i in items
        ],
        numeric=[0],
        caption=t("settle one with: parkloop materials assign ID CODE"),
    )


@materials_app.command("assign")
def assign(
    ctx: typer.Context,
    row_id: Annotated[int, typer.Argument(help="Id of the flow (or offer/want) to settle.")],
    code: Annotated[str, typer.Argument(help="Catalog material code, e.g. textile-scrap.")],
    listing: Annotated[bool, typer.Option("--listing", help="The id is an offer or want.")] = False,
    by: ActorOpt = None,
) -> None:
    """Give a flow the material a person decided; the staff's words stay beside it."""
    st = state(ctx)
    edit = records.assign_material(
        st.engine(), "listing" if listing else "flow", row_id, code, st.viewer(), by
    )
    _print_edit(edit, st.lang)


def flows_set(
    ctx: typer.Context,
    row_id: Annotated[int, typer.Argument(help="Flow id (see `flows list --json`).")],
    quantity: Annotated[str | None, typer.Option(help="Quantity, as typed.")] = None,
    unit: Annotated[str | None, typer.Option(help="Unit, e.g. tấn, m3/ngày.")] = None,
    material: Annotated[str | None, typer.Option(help="Material, in words or as a code.")] = None,
    price: Annotated[str | None, typer.Option(help="Price per unit typed (VND).")] = None,
    destination: Annotated[str | None, typer.Option(help="Where the output goes.")] = None,
    confidentiality: Annotated[str | None, typer.Option(help="private, park or public.")] = None,
    by: ActorOpt = None,
) -> None:
    """Correct one flow; the change log keeps the old and new values."""
    st = state(ctx)
    edit = records.set_flow(
        st.engine(),
        row_id,
        st.viewer(),
        quantity=quantity,
        unit=unit,
        material=material,
        price=price,
        destination=destination,
        confidentiality=confidentiality,
        actor=by,
        lang=st.lang,
    )
    _print_edit(edit, st.lang)


def flows_delete(
    ctx: typer.Context,
    row_id: Annotated[int, typer.Argument(help="Flow id.")],
    by: ActorOpt = None,
) -> None:
    """Delete one flow (the change log keeps what it was)."""
    st = state(ctx)
    records.delete_record(st.engine(), "flow", row_id, st.viewer(), by)
    console.print(t("deleted flow {row_id}", row_id=str(row_id)))


def listings_delete(
    ctx: typer.Context,
    row_id: Annotated[int, typer.Argument(help="Offer or want id.")],
    by: ActorOpt = None,
) -> None:
    """Delete one offer or want."""
    st = state(ctx)
    records.delete_record(st.engine(), "listing", row_id, st.viewer(), by)
    console.print(t("deleted {row_id}", row_id=str(row_id)))


def enterprises_set(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Enterprise or partner code.")],
    park: ParkOpt,
    name: Annotated[str | None, typer.Option(help="Vietnamese name.")] = None,
    sector: Annotated[str | None, typer.Option(help="VSIC code or the activity in words.")] = None,
    employees: Annotated[str | None, typer.Option(help="Number of employees.")] = None,
    by: ActorOpt = None,
) -> None:
    """Correct one enterprise or partner."""
    st = state(ctx)
    edit = records.set_organisation(
        st.engine(),
        park,
        code,
        st.viewer(),
        name=name,
        sector=sector,
        employees=employees,
        actor=by,
    )
    _print_edit(edit, st.lang)


def enterprises_delete(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="Enterprise or partner code.")],
    park: ParkOpt,
    force: Annotated[
        bool, typer.Option(help="Also delete its flows, offers and exchanges.")
    ] = False,
    by: ActorOpt = None,
) -> None:
    """Delete one enterprise or partner."""
    st = state(ctx)
    records.delete_organisation(st.engine(), park, code, st.viewer(), force, by)
    console.print(t("deleted {code}", code=code))


ExchangeArg = Annotated[str, typer.Argument(help="Exchange id, or its code with --park.")]
OptionalPark = Annotated[
    str | None, typer.Option("--park", callback=park_option, help="Park of an exchange code.")
]


def exchanges_set_status(
    ctx: typer.Context,
    exchange: ExchangeArg,
    status: Annotated[str, typer.Argument(help="proposed, negotiating, running, stopped.")],
    park: OptionalPark = None,
    by: ActorOpt = None,
) -> None:
    """Move an exchange to another status."""
    st = state(ctx)
    row_id = records.exchange_id(st.engine(), exchange, park)
    edit = records.set_exchange(st.engine(), row_id, st.viewer(), status=status, actor=by)
    _print_edit(edit, st.lang)


def exchanges_set(
    ctx: typer.Context,
    exchange: ExchangeArg,
    park: OptionalPark = None,
    status: Annotated[str | None, typer.Option(help="New status.")] = None,
    quantity: Annotated[str | None, typer.Option(help="Quantity per year, in its unit.")] = None,
    distance_km: Annotated[str | None, typer.Option(help="Distance in km.")] = None,
    by: ActorOpt = None,
) -> None:
    """Correct one exchange."""
    st = state(ctx)
    row_id = records.exchange_id(st.engine(), exchange, park)
    edit = records.set_exchange(
        st.engine(),
        row_id,
        st.viewer(),
        status=status,
        quantity=quantity,
        distance_km=distance_km,
        actor=by,
        lang=st.lang,
    )
    _print_edit(edit, st.lang)


def exchanges_delete(
    ctx: typer.Context, exchange: ExchangeArg, park: OptionalPark = None, by: ActorOpt = None
) -> None:
    """Delete one exchange."""
    st = state(ctx)
    row_id = records.exchange_id(st.engine(), exchange, park)
    records.delete_record(st.engine(), "exchange", row_id, st.viewer(), by)
    console.print(t("deleted exchange {row_id}", row_id=str(row_id)))


def register(
    flows_app: typer.Typer,
    listings_app: typer.Typer,
    enterprises_app: typer.Typer,
    exchanges_app: typer.Typer,
) -> None:
    flows_app.command("set")(flows_set)
    flows_app.command("delete")(flows_delete)
    listings_app.command("delete")(listings_delete)
    enterprises_app.command("set")(enterprises_set)
    enterprises_app.command("delete")(enterprises_delete)
    exchanges_app.command("set-status")(exchanges_set_status)
    exchanges_app.command("set")(exchanges_set)
    exchanges_app.command("delete")(exchanges_delete)
