"""parkloop optimize [pareto] | resilience | shares"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel

from parkloop import units
from parkloop.catalog import catalog
from parkloop.cli.render import console, err_console, number, percent, print_json, table
from parkloop.cli.speech import later, speaking, t
from parkloop.cli.state import State, park_option, state
from parkloop.domain.enums import ExchangeStatus
from parkloop.errors import UserError, msg
from parkloop.jsonable import jsonable
from parkloop.services import optimize as service
from parkloop.services import resilience as resilience_service
from parkloop.services import shares as shares_service

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[
    str | None, typer.Option("--park", callback=park_option, help="Optimise inside this park.")
]
RegionOpt = Annotated[
    str | None, typer.Option("--region", help="Optimise across the parks of a region.")
]
AllOpt = Annotated[bool, typer.Option("--all", help="Optimise across every park.")]
BudgetOpt = Annotated[
    float | None,
    typer.Option("--budget", help="Most that may be invested in pipes and shared units, VND."),
]
Co2CapOpt = Annotated[
    float | None,
    typer.Option(
        "--co2-cap",
        help="Most the scope may emit for its wastes' disposal and its virgin inputs, t CO2e/yr.",
    ),
]
TreatmentOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--treatment-capacity",
        help="RULE=QUANTITY: most a substitution rule may treat a year (repeatable).",
    ),
]
TimeOpt = Annotated[
    float, typer.Option("--time-limit", help="Seconds a mixed-integer piece may take.", min=0.1)
]
GapOpt = Annotated[
    float, typer.Option("--gap", help="Relative gap at which a mixed-integer piece stops.", min=0)
]
TopOpt = Annotated[int, typer.Option(help="Candidate partners kept per supply.", min=1, max=50)]
YearOpt = Annotated[int | None, typer.Option(help="Inventory year (default: the latest).")]

optimize_app = typer.Typer(
    help="Choose the exchange network worth most (or avoiding most CO2e).",
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    app.add_typer(optimize_app, name="optimize")
    app.command("resilience")(resilience)
    app.command("shares")(shares)


def _capacities(values: list[str] | None) -> dict[str, float]:
    out: dict[str, float] = {}
    for text in values or []:
        rule, _, amount = text.partition("=")
        try:
            out[rule.strip()] = float(amount)
        except ValueError:
            raise UserError(
                msg(
                    "--treatment-capacity '{text}': write RULE=QUANTITY, e.g. "
                    "plastic-scrap-to-pellets=500",
                    text=text,
                )
            ) from None
    return out


def _vnd(value: float | None, lang: str) -> str:
    return "—" if value is None else f"{number(value / 1e9, lang, 2)} bn"


@optimize_app.callback()
def optimize(
    ctx: typer.Context,
    park: ParkOpt = None,
    region: RegionOpt = None,
    all_parks: AllOpt = False,
    objective: Annotated[
        str, typer.Option("--objective", help="net-benefit (VND/yr) or co2 (t CO2e/yr avoided).")
    ] = "net-benefit",
    budget: BudgetOpt = None,
    co2_cap: Co2CapOpt = None,
    treatment_capacity: TreatmentOpt = None,
    time_limit: TimeOpt = 60.0,
    gap: GapOpt = 0.01,
    top: TopOpt = 10,
    year: YearOpt = None,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Write the planned exchanges back.")
    ] = True,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Also write the result: FILE.json, or FILE.csv (exchanges)."
        ),
    ] = None,
    show: Annotated[int, typer.Option(help="How many planned exchanges to print.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Optimise the exchange network of a park, a region or every park (see also `pareto`)."""
    if ctx.invoked_subcommand is not None:
        return
    st = state(ctx)
    with console.status(t("optimising"), spinner="dots"):
        run = service.optimise_network(
            st.engine(),
            viewer=st.viewer(),
            park=park,
            region=region,
            all_parks=all_parks,
            objective=objective,
            budget_vnd=budget,
            co2_cap_t=co2_cap,
            treatment_capacity=_capacities(treatment_capacity),
            time_limit_s=time_limit,
            mip_gap=gap,
            top=top,
            year=year,
            save=save,
        )
    viewer = st.viewer()
    if output is not None:
        _write(output, run.view(viewer))
    if as_json:
        print_json(run.view(viewer))
        return
    render_run(run.view(viewer, limit=show), st.lang)


def _write(path: Path, view: dict[str, Any]) -> None:
    if path.suffix.lower() == ".csv":
        fields = [
            "key",
            "supplier_park",
            "supplier",
            "receiver_park",
            "receiver",
            "material",
            "receiver_material",
            "rule",
            "quantity",
            "unit",
            "distance_km",
            "transport_mode",
            "net_benefit_vnd",
            "co2e_t",
            "water_reused_m3",
            "energy_recovered_mwh",
            "virgin_material_avoided_t",
            "landfill_avoided_t",
        ]
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(fields)
            for x in view["exchanges"]:
                row = {
                    **x,
                    "supplier_park": x["supplier"]["park"],
                    "supplier": x["supplier"]["code"],
                    "receiver_park": x["receiver"]["park"],
                    "receiver": x["receiver"]["code"],
                }
                out.writerow([row[f] for f in fields])
    elif path.suffix.lower() == ".json":
        path.write_text(json.dumps(jsonable(view), ensure_ascii=False, indent=2), encoding="utf-8")
    else:
        raise UserError(msg("--output {path}: name a .json or .csv file", path=path))
    err_console.print(t("written to {path}", path=str(path)))


# The objectives and the solver's statuses, said as words (ids stay in --json).
OBJECTIVES = {"net-benefit": later("net benefit"), "co2": later("CO2e avoided")}
SOLVER_STATUSES = {
    "optimal": later("optimal"),
    "feasible": later("feasible"),
    "infeasible": later("infeasible"),
    "no_solution": later("no solution"),
}


def objective_name(objective: str) -> str:
    return t(OBJECTIVES[objective]) if objective in OBJECTIVES else objective


def solver_status(status: str) -> str:
    return t(SOLVER_STATUSES[status]) if status in SOLVER_STATUSES else status


def _exchange_status(status: str, lang: str) -> str:
    return ExchangeStatus(status).label(lang) if status in ExchangeStatus.values() else status


def _totals_lines(totals: dict[str, Any], lang: str) -> list[list[str]]:
    b, a, g = totals["before"], totals["after"], totals["gain"]
    c = totals.get("committed") or {}
    agreed = bool(c.get("exchanges"))
    rows = [
        (later("money, billion VND/yr"), "money_vnd_per_year", 1e9, 2),
        (later("CO2e avoided, t/yr"), "co2e_t_per_year", 1.0, 0),
        (later("water reused, m³/yr"), "water_m3_per_year", 1.0, 0),
        (later("energy recovered, MWh/yr"), "energy_mwh_per_year", 1.0, 0),
        (later("virgin material avoided, t/yr"), "materials_t_per_year", 1.0, 0),
        (later("kept from landfill, t/yr"), "landfill_avoided_t_per_year", 1.0, 0),
        (later("exchanges"), "exchanges", 1.0, 0),
    ]
    return [
        [
            t(figure),
            number(b[k] / div, lang, dp),
            *([number(c[k] / div, lang, dp)] if agreed else []),
            number(a[k] / div, lang, dp),
            number(g[k] / div, lang, dp),
        ]
        for figure, k, div, dp in rows
    ]


def render_run(view: dict[str, Any], lang: str, title: str | None = None) -> None:
    """An optimisation result for people: the objective, totals, exchanges, builds, pieces."""
    cat = catalog()
    value = view["objective_value"]
    shown = (
        f"{number(value / 1e9, lang, 2)} {t('billion VND/yr')}"
        if view["objective"] == "net-benefit"
        else f"{number(value, lang, 0)} {t('t CO2e/yr')}"
    )
    gap = view["gap"]
    saved = (
        t("; run {run_id} saved", run_id=str(view["run_id"]))
        if view["run_id"]
        else t(" (not saved)")
    )
    lines = [
        t(
            "objective {objective}: {value}; status {status}",
            objective=objective_name(view["objective"]),
            value=shown,
            status=solver_status(view["status"]),
        )
        + (t(", gap {gap}", gap=percent(gap, lang, 2)) if gap == gap and gap > 0 else ""),
        t(
            "{links} candidate links, {planned} chosen",
            links=view["candidates"]["links"],
            planned=view["planned"],
        )
        + saved,
    ]
    if view["message"]:
        lines.append(view["message"])
    if view["options"]["budget_vnd"] is not None:
        lines.append(
            t("investment budget {budget} VND", budget=_vnd(view["options"]["budget_vnd"], lang))
        )
    if view["options"]["co2_cap_t"] is not None:
        e = view["emissions"]
        lines.append(
            t(
                "CO2 cap {cap} t: emissions before {before} t, after {after} t",
                cap=number(view["options"]["co2_cap_t"], lang),
                before=number(e["baseline_co2e_t"], lang),
                after=number(e["after_co2e_t"], lang),
            )
        )
    scope = view["scope"]["label"]
    console.print(
        Panel(
            "\n".join(lines),
            title=title or t("Optimised network: {scope}", scope=scope),
            expand=False,
        )
    )
    agreed = view.get("committed") or []
    table(
        t("Today and optimised, per year"),
        [
            t("figure"),
            t("today"),
            *([t("agreed, not running yet")] if agreed else []),
            t("optimised"),
            t("gain"),
        ],
        _totals_lines(view["totals"], lang),
        numeric=[1, 2, 3, 4],
    )
    for x in agreed:
        console.print(
            t(
                "fixed in the plan ({status}): {key} {supplier} → {receiver}, {quantity} {v5}; "
                "taken from the supply {supply_taken}, from the demand {demand_taken}",
                status=_exchange_status(x["status"], lang),
                key=x["key"],
                supplier=x["supplier"],
                receiver=x["receiver"],
                quantity=number(x["quantity"], lang),
                v5=units.display(x["unit"]),
                supply_taken=number(x["supply_taken"], lang),
                demand_taken=number(x["demand_taken"], lang),
            )
        )
    rows = []
    for x in view["exchanges"]:
        mat = cat.materials[x["material"]]
        qty = x["quantity"]
        rows.append(
            [
                x["supplier"].get("name") or x["supplier"]["code"],
                x["receiver"].get("name") or x["receiver"]["code"],
                mat.name_en if lang == "en" else mat.name_vi,
                "—" if qty is None else f"{number(qty, lang)} {units.display(x['unit'])}",
                number(x["distance_km"], lang, 1),
                "—"
                if x["net_benefit_vnd"] is None
                else number(x["net_benefit_vnd"] / 1e6, lang, 1),
                "—" if x["co2e_t"] is None else number(x["co2e_t"], lang, 0),
                x["rule"],
            ]
        )
    table(
        t(
            "Planned exchanges: the {n_rows} worth most of {planned}",
            n_rows=len(rows),
            planned=view["planned"],
        ),
        [
            t("supplier"),
            t("receiver"),
            t("material"),
            t("quantity/yr"),
            t("km"),
            t("net M VND/yr"),
            t("t CO2e/yr"),
            t("why"),
        ],
        rows,
        numeric=[3, 4, 5, 6],
        legend=[7],
    )
    if view["investments"]:
        table(
            t("Built"),
            [
                t("kind"),
                t("for"),
                t("units"),
                t("investment bn VND"),
                t("bn VND/yr"),
            ],
            [
                [
                    t("pipe") if i["kind"] == "pipe" else t("shared unit"),
                    i["name"][lang],
                    i["units"],
                    number(i["investment_vnd"] / 1e9, lang, 2),
                    number(i["annualised_vnd_per_year"] / 1e9, lang, 3),
                ]
                for i in view["investments"]
            ],
            numeric=[2, 3, 4],
        )
    _render_pieces(view["pieces"], lang)


def _render_pieces(pieces: list[dict[str, Any]], lang: str) -> None:
    if len(pieces) > 20:
        solved: dict[str, int] = {}
        for p in pieces:
            solved[p["solver"]] = solved.get(p["solver"], 0) + 1
        console.print(
            t("{n_pieces} pieces: ", n_pieces=len(pieces))
            + ", ".join(f"{n} × {name}" for name, n in sorted(solved.items()))
        )
        return
    table(
        t("Pieces solved"),
        [t("piece"), t("solver"), t("status"), t("links"), t("gap"), t("seconds")],
        [
            [
                p["key"],
                p["solver"],
                solver_status(p["status"]),
                p["links"],
                percent(p["gap"], lang, 2) if p["gap"] == p["gap"] else "—",
                number(p["seconds"], lang, 3),
            ]
            for p in pieces
        ],
        numeric=[3, 4, 5],
    )


@optimize_app.command("pareto")
def pareto(
    ctx: typer.Context,
    park: ParkOpt = None,
    region: RegionOpt = None,
    points: Annotated[
        int, typer.Option("--points", help="Networks on the curve (at least 5).")
    ] = 5,
    budget: BudgetOpt = None,
    co2_cap: Co2CapOpt = None,
    time_limit: TimeOpt = 60.0,
    gap: GapOpt = 0.01,
    top: TopOpt = 10,
    year: YearOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The trade-off between money and CO2e: each point a feasible network."""
    st = state(ctx)
    with console.status(t("tracing the trade-off"), spinner="dots"):
        curve = service.pareto_curve(
            st.engine(),
            viewer=st.viewer(),
            park=park,
            region=region,
            points=points,
            budget_vnd=budget,
            co2_cap_t=co2_cap,
            time_limit_s=time_limit,
            mip_gap=gap,
            top=top,
            year=year,
        )
    if as_json:
        print_json(curve)
        return
    lang = st.lang
    table(
        t(
            "Money against CO2e: {label} ({year})",
            label=curve["scope"]["label"],
            year=curve["year"],
        ),
        [
            t("point"),
            t("CO2e floor t/yr"),
            t("net benefit bn VND/yr"),
            t("CO2e avoided t/yr"),
            t("exchanges"),
            t("status"),
        ],
        [
            [
                p["point"],
                "—" if p["min_co2e_t"] is None else number(p["min_co2e_t"], lang, 1),
                number(p["net_benefit_vnd"] / 1e9, lang, 3),
                number(p["co2e_t"], lang, 1),
                p["exchanges"],
                solver_status(p["status"]),
            ]
            for p in curve["points"]
        ],
        numeric=[1, 2, 3, 4],
        caption=t(curve["note"] or curve["method"]),
    )


def resilience(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")],
    enterprise: Annotated[
        str | None,
        typer.Option("--enterprise", help="Enterprise code or id (default: each in turn)."),
    ] = None,
    budget: BudgetOpt = None,
    time_limit: TimeOpt = 60.0,
    top: TopOpt = 10,
    year: YearOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What breaks if an enterprise leaves: exchanges, benefit lost, partners found instead."""
    st = state(ctx)
    with console.status(t("removing enterprises one by one"), spinner="dots"):
        report = resilience_service.resilience_report(
            st.engine(),
            park=park,
            enterprise=enterprise,
            budget_vnd=budget,
            time_limit_s=time_limit,
            top=top,
            year=year,
            viewer=st.viewer(),
        )
    if as_json:
        print_json(report)
        return
    lang = st.lang
    n = report["network"]
    console.print(
        t(
            "[bold]{park}[/] {year}: {running} running and {planned} planned exchanges worth "
            "{benefit} VND/yr",
            park=park,
            year=str(report["year"]),
            running=n["running"],
            planned=n["planned"],
            benefit=_vnd(n["benefit_vnd"], lang),
        )
    )
    table(
        t("If it left (per year)"),
        [
            t("enterprise"),
            t("running broken"),
            t("planned broken"),
            t("lost bn VND"),
            t("t CO2e lost"),
            t("found instead"),
        ],
        [
            [
                e["enterprise"].get("name") or e["enterprise"]["code"],
                len(e["broken_running"]),
                len(e["broken_planned"]),
                number(e["benefit_lost_vnd"] / 1e9, lang, 2),
                number(e["co2e_lost_t"], lang, 0),
                ", ".join(
                    f"{_name(a['supplier'])} → {_name(a['receiver'])}" for a in e["alternatives"]
                )
                or "—",
            ]
            for e in report["enterprises"]
        ],
        numeric=[1, 2, 3, 4],
        caption=t(report["method"]),
    )


def shares(
    ctx: typer.Context,
    exchange: Annotated[
        int | None, typer.Option("--exchange", help="Exchange id (`parkloop exchanges list`).")
    ] = None,
    enterprises: Annotated[
        str | None,
        typer.Option("--enterprises", help="A,B,C: enterprise codes (PARK:CODE across parks)."),
    ] = None,
    park: Annotated[
        str | None, typer.Option("--park", callback=park_option, help="Park of the enterprises.")
    ] = None,
    top: TopOpt = 10,
    as_json: JsonOpt = False,
) -> None:
    """Split the gain of an exchange or a small coalition: Shapley, proportional, equal."""
    if (exchange is None) == (enterprises is None):
        raise UserError(msg("say what to share: --exchange ID or --enterprises A,B,C"))
    st = state(ctx)
    if exchange is not None:
        result = shares_service.shares_of_exchange(st.engine(), exchange, st.viewer())
    else:
        assert enterprises is not None
        with console.status(t("solving every coalition"), spinner="dots"):
            result = shares_service.shares_of_coalition(
                st.engine(), enterprises.split(","), park=park, top=top, viewer=st.viewer()
            )
    if as_json:
        print_json(result)
        return
    lang = st.lang
    table(
        t(
            "Shares of {v0} million VND/yr ({coalitions_solved} coalitions solved)",
            v0=number(result["total_vnd"] / 1e6, lang, 1),
            coalitions_solved=result["coalitions_solved"],
        ),
        [
            t("enterprise"),
            t("Shapley M VND"),
            t("proportional M VND"),
            t("equal M VND"),
            t("own side M VND"),
        ],
        [
            [
                f"{p['park']}:{p['enterprise']}" + (f" ({t(p['role'])})" if "role" in p else ""),
                number(p["shapley_vnd"] / 1e6, lang, 1),
                number(p["proportional_vnd"] / 1e6, lang, 1),
                number(p["equal_vnd"] / 1e6, lang, 1),
                number(p["own_side_vnd"] / 1e6, lang, 1),
            ]
            for p in result["players"]
        ],
        numeric=[1, 2, 3, 4],
    )
    for name, text in result["methods"].items():
        console.print(f"[bold]{t(name)}[/]: {t(text)}", highlight=False)
    console.print(
        t("proportional basis: {basis}", basis=t(result["proportional_basis"])), highlight=False
    )


def _name(side: dict[str, Any]) -> str:
    """An enterprise by its name (its code when the name is not known)."""
    return str(side.get("name") or side.get("code") or "—")


def print_optimised_network(st: State, park: str) -> None:
    """The optimised network of a park and its gain over today's (for ``parkloop demo``)."""
    run = service.optimise_network(st.engine(), park=park, save=False, viewer=st.viewer())
    with speaking(st.lang):
        _render_optimised(run, st, park)


def _render_optimised(run: Any, st: State, park: str) -> None:
    render_run(
        run.view(st.viewer(), limit=10),
        st.lang,
        title=t(
            "Optimised network of {park} (write it with `parkloop optimize --park {park}`)",
            park=park,
        ),
    )
