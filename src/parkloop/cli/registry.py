"""parkloop parks|enterprises|flows|listings|exchanges list"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from parkloop import units
from parkloop.catalog import catalog
from parkloop.cli.render import number, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.domain.enums import OrgKind
from parkloop.domain.models import Enterprise
from parkloop.services import registry

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[
    str, typer.Option("--park", callback=park_option, help="Park code, e.g. nam-cau-kien.")
]

parks_app = typer.Typer(help="Industrial parks.", no_args_is_help=True)
enterprises_app = typer.Typer(help="Enterprises and partners of a park.", no_args_is_help=True)
flows_app = typer.Typer(help="The flow inventory: inputs and outputs.", no_args_is_help=True)
listings_app = typer.Typer(help="Offers and wants.", no_args_is_help=True)
exchanges_app = typer.Typer(help="Exchanges between organisations.", no_args_is_help=True)


def _names(engine: Any, keys: list[tuple[str, str]], lang: str) -> dict[tuple[str, str], str]:
    """The names of the organisations a table shows, in the reader's language."""
    found = registry.organisations_named(engine, keys)
    return {key: org.display_name(lang) for key, org in found.items()}


def _material(code: str, lang: str) -> str:
    found = catalog().materials.get(code)
    if found is None:
        return code
    return found.name_en if lang == "en" else found.name_vi


@parks_app.command("list")
def list_parks(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option(help="Only parks of this region.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the parks in the database."""
    st = state(ctx)
    parks = registry.parks(st.engine(), region)
    if as_json:
        print_json(parks)
        return
    table(
        t("Parks"),
        [t("code"), t("name"), t("province"), t("region"), t("area (ha)"), t("WWTP (m³/day)")],
        [
            [
                p.code,
                p.name_en if st.lang == "en" and p.name_en else p.name_vi,
                p.province,
                p.region,
                number(p.total_area_ha, st.lang),
                number(p.wwtp_capacity_m3_per_day, st.lang),
            ]
            for p in parks
        ],
        numeric=[4, 5],
    )


@enterprises_app.command("list")
def list_enterprises(
    ctx: typer.Context,
    park: ParkOpt,
    partners: Annotated[bool, typer.Option(help="Include partners.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """List the enterprises (and partners) of a park."""
    st = state(ctx)
    kinds = None if partners else [OrgKind.ENTERPRISE]
    orgs = registry.organisations(st.engine(), park, kinds)
    if as_json:
        print_json(orgs)
        return
    cat = catalog()
    rows = []
    for o in orgs:
        sector = ""
        if isinstance(o, Enterprise) and o.vsic:
            division = cat.vsic_division(o.vsic)
            sector = (
                f"{o.vsic} {division.name_en if st.lang == 'en' else division.name_vi}"
                if division
                else o.vsic
            )
        rows.append(
            [
                o.code,
                o.display_name(st.lang),
                o.kind.label(st.lang),
                sector,
                o.recp_status.label(st.lang) if isinstance(o, Enterprise) else "",
                number(o.employees, st.lang) if isinstance(o, Enterprise) and o.employees else "",
            ]
        )
    table(
        f"{park}: {number(len(orgs), st.lang)}",
        [t("code"), t("name"), t("kind"), t("VSIC sector"), t("RECP"), t("employees")],
        rows,
        numeric=[5],
    )


@flows_app.command("list")
def list_flows(
    ctx: typer.Context,
    park: ParkOpt,
    year: Annotated[int | None, typer.Option(help="Only this year.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List the inputs and outputs recorded for a park (what you may see)."""
    st = state(ctx)
    flows = registry.flows(st.engine(), park, st.viewer(), year)
    if as_json:
        print_json(flows)
        return
    cat = catalog()
    named = _names(st.engine(), [(park, f.org_code) for f in flows], st.lang)
    table(
        t("{park}: {n_flows} flows", park=park, n_flows=len(flows)),
        [
            t("enterprise"),
            t("period"),
            t("dir"),
            t("material"),
            t("quantity"),
            t("unit"),
            t("destination"),
            t("status"),
        ],
        [
            [
                named.get((park, f.org_code), f.org_code),
                f.period.label,
                f.direction.label(st.lang),
                cat.materials[f.material_code].name_en
                if st.lang == "en"
                else cat.materials[f.material_code].name_vi,
                number(f.quantity.value, st.lang, 1),
                units.display(f.quantity.unit),
                f.destination.label(st.lang) if f.destination else "",
                f.data_status.label(st.lang),
            ]
            for f in flows
        ],
        numeric=[4],
    )


@listings_app.command("list")
def list_listings(ctx: typer.Context, park: ParkOpt, as_json: JsonOpt = False) -> None:
    """List the open offers and wants of a park."""
    st = state(ctx)
    items = registry.listings(st.engine(), park, st.viewer())
    if as_json:
        print_json(items)
        return
    named = _names(st.engine(), [(park, i.org_code) for i in items], st.lang)
    table(
        t("{park}: {n_items} offers and wants", park=park, n_items=len(items)),
        [
            t("key"),
            t("enterprise"),
            t("kind"),
            t("material"),
            t("quantity/yr"),
            t("unit"),
            t("status"),
        ],
        [
            [
                i.key,
                named.get((park, i.org_code), i.org_code),
                i.kind.label(st.lang),
                _material(i.material_code, st.lang),
                number(i.quantity.value, st.lang, 1),
                units.display(i.quantity.unit),
                i.status.label(st.lang),
            ]
            for i in items
        ],
        numeric=[4],
    )


@exchanges_app.command("list")
def list_exchanges(ctx: typer.Context, park: ParkOpt, as_json: JsonOpt = False) -> None:
    """List the exchanges of a park: recorded, accepted from matches, or planned."""
    st = state(ctx)
    items = registry.exchanges(st.engine(), park, viewer=st.viewer())
    if as_json:
        print_json(items)
        return
    named = _names(
        st.engine(),
        [(x.supplier_park_code, x.supplier_code) for x in items]
        + [(x.receiver_park_code, x.receiver_code) for x in items],
        st.lang,
    )

    def side(park_code: str, code: str) -> str:
        name = named.get((park_code, code), code)
        return name if park_code == park else f"{park_code}: {name}"

    table(
        t("{park}: {n_items} exchanges", park=park, n_items=len(items)),
        [
            t("key"),
            t("supplier"),
            t("receiver"),
            t("material"),
            t("quantity/yr"),
            t("unit"),
            t("km"),
            t("status"),
        ],
        [
            [
                x.key,
                side(x.supplier_park_code, x.supplier_code),
                side(x.receiver_park_code, x.receiver_code),
                _material(x.material_code, st.lang),
                number(x.quantity.value, st.lang, 0),
                units.display(x.quantity.unit),
                number(x.distance_km, st.lang, 1),
                x.status.label(st.lang),
            ]
            for x in items
        ],
        numeric=[4, 6],
    )
