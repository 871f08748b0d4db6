"""parkloop demo: the main job — one park at a glance, what its exchanges are worth, the
best new matches, and how it stands against its eco-industrial-park criteria."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel

from parkloop import units
from parkloop.catalog import catalog
from parkloop.cli.matching import render_matches, render_routes, totals_in_words
from parkloop.cli.render import console, number, percent, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import State, park_option, state
from parkloop.domain.enums import MaterialClass
from parkloop.domain.permissions import sees_everything_of
from parkloop.services import accounting, matching
from parkloop.services.summary import ParkSummary, park_summary

# The rule set each example is best known against; other parks are shown against the decree.
RULESET = {"nam-cau-kien": "nck-study"}


def demo(
    ctx: typer.Context,
    park: Annotated[
        str, typer.Option("--park", callback=park_option, help="Park code.")
    ] = "nam-cau-kien",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Print a park's summary, the worth of its exchanges, its best new matches and its
    assessment."""
    st = state(ctx)
    viewer = st.viewer()
    summary = park_summary(st.engine(), park, viewer)
    account = accounting.account_park(st.engine(), park, viewer=viewer)
    # The operator's look saves the proposals it finds; anyone else only looks.
    run = matching.run_matching(
        st.engine(),
        park=park,
        viewer=viewer,
        save=sees_everything_of(viewer, summary.park.id or -1),
    )
    best = [matching.match_view(m, viewer) for m in run.best(10)]
    if as_json:
        print_json(
            {
                "summary": summary,
                "totals": account.totals,
                "routes": account.routes,
                "matches": best,
            }
        )
        return
    _print_summary(summary, st.lang)
    _print_account(account, park, st.lang)
    render_matches(
        best,
        st.lang,
        t(
            "New matches: {n_run} proposed for {supplies} supplies; the {n_best} worth most "
            "(accept with `parkloop matches accept ID`)",
            n_run=len(run),
            supplies=run.supplies,
            n_best=len(best),
        ),
    )
    _print_more(st, park)


def _print_summary(s: ParkSummary, lang: str) -> None:
    p = s.park
    name = p.name_en if lang == "en" and p.name_en else p.name_vi
    lines = [
        f"{p.province} · {p.region} · {number(p.total_area_ha, lang)} ha · "
        + t("WWTP ")
        + f"{number(p.wwtp_capacity_m3_per_day, lang)} m³/"
        + t("day"),
        t(
            "{enterprises} enterprises, {partners} partners, {flows} flows",
            enterprises=s.enterprises,
            partners=s.partners,
            flows=s.flows,
        )
        + (t(" (year {year})", year=str(s.year)) if s.year else ""),
    ]
    share = s.land_share_green_traffic_shared
    if share is not None:
        lines.append(t("green space + traffic + shared infrastructure: ") + percent(share, lang, 1))
    console.print(Panel("\n".join(lines), title=f"[bold]{name}[/] ({p.code})", expand=False))
    table(
        t("Enterprises by sector (VSIC 2018 division)"),
        [t("VSIC"), t("sector"), t("enterprises")],
        [[code, en if lang == "en" else vi, n] for code, vi, en, n in s.by_sector],
        numeric=[2],
    )
    rows = []
    for cls in MaterialClass:
        for direction in ("in", "out"):
            for unit, amount in sorted(s.by_class.get(cls.value, {}).get(direction, {}).items()):
                rows.append(
                    [
                        cls.label(lang),
                        t("in") if direction == "in" else t("out"),
                        number(amount, lang),
                        units.display(unit),
                    ]
                )
    table(
        t("Flows by material class, per year ({year})", year=str(s.year)),
        [
            t("class"),
            t("direction"),
            t("amount"),
            t("unit"),
        ],
        rows,
        numeric=[2],
    )
    table(
        t("Exchanges by status"),
        [t("status"), t("exchanges")],
        [[k, v] for k, v in sorted(s.exchanges_by_status.items())],
        numeric=[1],
    )
    cat = catalog()
    totals: dict[str, float] = {}
    rows = []
    for x in s.running:
        totals[x.quantity.unit] = totals.get(x.quantity.unit, 0.0) + x.quantity.value
        m = cat.materials[x.material_code]
        rows.append(
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
        t("Running exchanges (per year)"),
        [
            t("supplier"),
            t("receiver"),
            t("material"),
            t("quantity"),
            t("unit"),
            t("km"),
        ],
        rows,
        numeric=[3, 5],
        caption=t("exchanged per year: ")
        + ", ".join(f"{number(v, lang)} {units.display(u)}" for u, v in sorted(totals.items())),
    )


def _print_account(account: accounting.ParkAccount, park: str, lang: str) -> None:
    tot = account.totals
    console.print(
        Panel(
            t("{exchanges} running exchanges: ", exchanges=tot["exchanges"])
            + totals_in_words(tot)
            + "\n"
            + t(
                "attribution {attribution}, deadweight {deadweight}; method and factors: {command}",
                attribution=account.attribution,
                deadweight=account.deadweight,
                command=f"parkloop account --park {park} --json",
            ),
            title=t("Today's exchanges, per year"),
            expand=False,
        )
    )
    render_routes(account.routes, lang)


def _print_more(st: State, park: str) -> None:
    """The optimised network of the park and its assessment."""
    from parkloop.cli.assess import print_park_assessment
    from parkloop.cli.optimize import print_optimised_network

    print_optimised_network(st, park)
    print_park_assessment(st, park, RULESET.get(park, "decree-82-2018"))
