"""parkloop demo: the main job, a readable picture of one park."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel

from parkloop import units
from parkloop.catalog import catalog
from parkloop.cli.render import console, number, print_json, table
from parkloop.cli.state import state
from parkloop.domain.enums import MaterialClass
from parkloop.services.summary import park_summary


def demo(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", help="Park code.")] = "nam-cau-kien",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Print a readable summary of a park: sectors, flows, exchanges and totals."""
    st = state(ctx)
    lang = st.lang
    s = park_summary(st.engine(), park, st.viewer())
    if as_json:
        print_json(s)
        return
    p = s.park
    name = p.name_en if lang == "en" and p.name_en else p.name_vi
    share = s.land_share_green_traffic_shared
    lines = [
        f"{p.province} · {p.region} · {number(p.total_area_ha, lang)} ha · "
        f"WWTP {number(p.wwtp_capacity_m3_per_day, lang)} m³/day",
        f"{s.enterprises} enterprises, {s.partners} partners, {s.flows} flows"
        + (f" (year {s.year})" if s.year else ""),
    ]
    if share is not None:
        lines.append(
            f"green space + traffic + shared infrastructure: {number(100 * share, lang, 1)} % of the land"
        )
    console.print(Panel("\n".join(lines), title=f"[bold]{name}[/] ({p.code})", expand=False))

    table(
        "Enterprises by sector (VSIC 2018 division)",
        ["VSIC", "sector", "enterprises"],
        [[code, en if lang == "en" else vi, n] for code, vi, en, n in s.by_sector],
        numeric=[2],
    )
    rows = []
    for cls in MaterialClass:
        if cls.value not in s.by_class:
            continue
        for direction in ("in", "out"):
            for unit, amount in sorted(s.by_class[cls.value].get(direction, {}).items()):
                rows.append(
                    [
                        cls.label(lang),
                        "in" if direction == "in" else "out",
                        number(amount, lang),
                        units.display(unit),
                    ]
                )
    table(
        f"Flows by material class, per year ({s.year})",
        ["class", "direction", "amount", "unit"],
        rows,
        numeric=[2],
    )

    cat = catalog()
    table(
        "Exchanges by status",
        ["status", "exchanges"],
        [[k, v] for k, v in sorted(s.exchanges_by_status.items())],
        numeric=[1],
    )
    totals: dict[str, float] = {}
    running_rows = []
    for x in s.running:
        totals[x.quantity.unit] = totals.get(x.quantity.unit, 0.0) + x.quantity.value
        m = cat.materials[x.material_code]
        running_rows.append(
            [
                x.supplier_code,
                x.receiver_code,
                m.name_en if lang == "en" else m.name_vi,
                number(x.quantity.value, lang),
                units.display(x.quantity.unit),
                number(x.distance_km, lang, 1),
            ]
        )
    table(
        "Running exchanges (per year)",
        ["supplier", "receiver", "material", "quantity", "unit", "km"],
        running_rows,
        numeric=[3, 5],
        caption="exchanged per year: "
        + ", ".join(f"{number(v, lang)} {units.display(u)}" for u, v in sorted(totals.items())),
    )
