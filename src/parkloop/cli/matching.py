"""parkloop match | matches accept|reject|list | account"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from parkloop import units
from parkloop.accounting.transport import METHOD as TRANSPORT_METHOD
from parkloop.accounting.transport import transport_cost, vnd
from parkloop.catalog import catalog
from parkloop.cli.render import console, err_console, number, print_json, say, table
from parkloop.cli.state import park_option, state
from parkloop.errors import UserError
from parkloop.services import accounting, matching

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]

matches_app = typer.Typer(help="Decide on proposed matches.", no_args_is_help=True)
account_app = typer.Typer(
    help="Money and environment of exchanges, routes and park totals.", invoke_without_command=True
)


def match(
    ctx: typer.Context,
    park: Annotated[
        str | None, typer.Option("--park", callback=park_option, help="Match inside this park.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Match across the parks of a region.")
    ] = None,
    all_parks: Annotated[bool, typer.Option("--all", help="Match across every park.")] = False,
    radius_km: Annotated[
        float | None,
        typer.Option(
            "--radius-km", help="Also pair with firms of other parks within this distance."
        ),
    ] = None,
    top: Annotated[int, typer.Option(help="Suggestions kept per supply.", min=1, max=50)] = 5,
    year: Annotated[int | None, typer.Option(help="Inventory year (default: the latest).")] = None,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Save the proposals.")] = True,
    show: Annotated[int, typer.Option(help="How many of the best matches to print.")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Find where one firm's output can become another's input, and what it is worth."""
    st = state(ctx)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("matching", total=None)

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage)

        run = matching.run_matching(
            st.engine(),
            park=park,
            region=region,
            all_parks=all_parks,
            radius_km=radius_km,
            top=top,
            year=year,
            save=save,
            progress=progress,
            viewer=st.viewer(),
        )
    viewer = st.viewer()
    if as_json:
        print_json(
            {
                "scope": run.scope,
                "year": run.year,
                "parameters": run.parameters,
                "supplies": run.supplies,
                "demands": run.demands,
                "seconds": run.seconds,
                "inventory": run.inventory,
                "matches": [matching.match_view(m, viewer) for m in run.matches],
                "factors": run.factors,
            }
        )
        return
    best = [matching.match_view(m, viewer) for m in run.best(show)]
    render_matches(
        best,
        st.lang,
        f"{len(run)} matches for {run.supplies} supplies and {run.demands} demands "
        f"({run.year}); the {len(best)} worth most",
    )
    render_inventory(run.inventory, st.lang)


def render_inventory(inventory: dict[str, int], lang: str) -> None:
    """What the figures leave out or rest on: flows awaiting a material, filled prices."""
    if inventory.get("unclassified"):
        err_console.print(
            say(
                lang,
                f"note: {inventory['unclassified']} of {inventory['flows']} flows have a material "
                "not yet settled and take no part (parkloop materials review)",
                f"lưu ý: {inventory['unclassified']}/{inventory['flows']} dòng chưa xác định vật "
                "liệu nên chưa được tính (parkloop materials review)",
            ),
            highlight=False,
        )
    if inventory.get("prices_filled"):
        err_console.print(
            say(
                lang,
                f"note: {inventory['prices_filled']} prices are catalog estimates, "
                f"{inventory['prices_reported']} the enterprises' own",
                f"lưu ý: {inventory['prices_filled']} đơn giá là ước tính theo danh mục, "
                f"{inventory['prices_reported']} do doanh nghiệp cung cấp",
            ),
            highlight=False,
        )


def render_matches(views: list[dict[str, object]], lang: str, title: str) -> None:
    cat = catalog()
    rows = []
    for v in views:
        sup, rec = v["supplier"], v["receiver"]
        assert isinstance(sup, dict) and isinstance(rec, dict)
        mat = cat.materials[str(v["material"])]
        qty = v["quantity"]
        rows.append(
            [
                v["id"],
                sup["code"],
                rec["code"],
                mat.name_en if lang == "en" else mat.name_vi,
                "—"
                if qty is None
                else f"{number(float(qty), lang)} {units.display(str(v['unit']))}",
                number(float(v["distance_km"]), lang, 1),  # type: ignore[arg-type]
                "—"
                if v["net_benefit_vnd_per_year"] is None
                else number(float(v["net_benefit_vnd_per_year"]) / 1e6, lang, 1),  # type: ignore[arg-type]
                "—"
                if v["co2e_t_per_year"] is None
                else number(float(v["co2e_t_per_year"]), lang, 0),  # type: ignore[arg-type]
                v["rule"],
            ]
        )
    headers = {
        "en": [
            "id",
            "supplier",
            "receiver",
            "material",
            "quantity/yr",
            "km",
            "net M VND/yr",
            "t CO2e/yr",
            "why",
        ],
        "vi": [
            "id",
            "bên cung cấp",
            "bên nhận",
            "vật liệu",
            "khối lượng/năm",
            "km",
            "lợi ích ròng tr. VNĐ/năm",
            "t CO2e/năm",
            "căn cứ",
        ],
    }
    table(title, headers.get(lang, headers["en"]), rows, numeric=[4, 5, 6, 7])


@matches_app.command("list")
def list_matches(
    ctx: typer.Context,
    park: Annotated[str, typer.Option("--park", callback=park_option, help="Park code.")],
    status: Annotated[list[str] | None, typer.Option(help="proposed, accepted, rejected.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """List saved matches of a park."""
    st = state(ctx)
    views = matching.matches_for(st.engine(), park, st.viewer(), status)
    if as_json:
        print_json(views)
        return
    render_matches(views, st.lang, f"{park}: {len(views)} matches")


@matches_app.command("accept")
def accept(ctx: typer.Context, match_id: Annotated[int, typer.Argument(help="Match id.")]) -> None:
    """Accept a match: it becomes an exchange in negotiation."""
    st = state(ctx)
    result = matching.accept_match(st.engine(), match_id, viewer=st.viewer())
    console.print(f"match {match_id} accepted: exchange {result['exchange_id']} is now negotiating")


@matches_app.command("reject")
def reject(
    ctx: typer.Context,
    match_id: Annotated[int, typer.Argument(help="Match id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it does not work.")],
) -> None:
    """Reject a match; it is not proposed again unless its data change."""
    st = state(ctx)
    matching.reject_match(st.engine(), match_id, reason, viewer=st.viewer())
    console.print(f"match {match_id} rejected: {reason}")


@account_app.callback()
def account(
    ctx: typer.Context,
    park: Annotated[
        str | None, typer.Option("--park", callback=park_option, help="Park code.")
    ] = None,
    year: Annotated[int | None, typer.Option(help="Year (default: the latest with flows).")] = None,
    attribution: Annotated[
        float | None, typer.Option(help="Share of benefits credited to the exchanges (default 1).")
    ] = None,
    deadweight: Annotated[
        float | None, typer.Option(help="Share that would have happened anyway (default 0).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Account every exchange of a park, its routes and its totals (or see `account transport`)."""
    if ctx.invoked_subcommand is not None:
        return
    if park is None:
        raise UserError(
            "say which park: parkloop account --park CODE (or `parkloop account transport --help`)"
        )
    st = state(ctx)
    result = accounting.account_park(
        st.engine(), park, year, attribution, deadweight, viewer=st.viewer()
    )
    if as_json:
        print_json(result)
        return
    lang = st.lang
    t = result.totals
    console.print(
        f"[bold]{park}[/] {result.year}: {t['exchanges']} running exchanges — {t['in_words']}"
    )
    console.print(f"attribution {result.attribution:g}, deadweight {result.deadweight:g}")
    table(
        "Exchanges (per year)",
        ["exchange", "status", "quantity", "km", "net M VND", "transport M VND", "t CO2e"],
        [
            [
                r["key"],
                r["status"],
                f"{number(r['quantity'], lang)} {units.display(r['unit'])}",
                number(r["distance_km"], lang, 1),
                number(r["net_benefit_vnd"] / 1e6, lang, 1),
                number(r["transport_cost_vnd"] / 1e6, lang, 1),
                number(r["co2e_t"], lang),
            ]
            for r in result.exchanges
        ],
        numeric=[2, 3, 4, 5, 6],
    )
    render_routes(result.routes, lang)
    render_inventory(result.inventory, lang)


def render_routes(routes: list[dict[str, object]], lang: str) -> None:
    """The seeds' route tables: one row per distance, cost per day by the truck."""
    for route in routes:
        variants = route["variants"]
        assert isinstance(variants, list)
        table(
            say(lang, f"Route {route['route']}", f"Tuyến {route['route']}")
            + f" ({route['method']})",
            [
                "km",
                say(lang, "VND per t·km", "VNĐ/tấn/km"),
                say(lang, "t per trip", "tấn/lượt"),
                say(lang, "trips a day", "lượt/ngày"),
                say(lang, "VND a day", "VNĐ/ngày"),
                say(lang, "status", "trạng thái"),
            ],
            [
                [
                    number(v["distance_km"], lang, 1),
                    number(v["rate_vnd_per_tkm"], lang),
                    number(v["tonnes_per_trip"], lang),
                    number(v["trips_per_day"], lang),
                    number(v["cost_vnd_per_day"], lang),
                    v["status"],
                ]
                for v in variants
            ],
            numeric=[0, 1, 2, 3, 4],
        )


@account_app.command("transport")
def account_transport(
    rate_vnd_per_tkm: Annotated[
        float, typer.Option("--rate-vnd-per-tkm", help="Rate, VND per t·km.")
    ],
    tonnes_per_trip: Annotated[float, typer.Option("--tonnes-per-trip", help="Truck load, t.")],
    trips_per_day: Annotated[float, typer.Option("--trips-per-day", help="Trips a day.")],
    km: Annotated[float, typer.Option("--km", help="Distance, km.")],
    operating_days: Annotated[
        float, typer.Option("--operating-days", help="Operating days a year.")
    ] = 300.0,
    as_json: JsonOpt = False,
) -> None:
    """Transport cost of a by-product route as the seeds count it."""
    try:
        cost = transport_cost(rate_vnd_per_tkm, tonnes_per_trip, trips_per_day, km, operating_days)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    data = {
        "rate_vnd_per_tkm": rate_vnd_per_tkm,
        "tonnes_per_trip": tonnes_per_trip,
        "trips_per_day": trips_per_day,
        "km": km,
        "tonnes_per_day": cost.tonnes_per_day,
        "tkm_per_day": cost.tkm_per_day,
        "cost_vnd_per_day": vnd(cost.cost_vnd_per_day),
        "operating_days_per_year": operating_days,
        "cost_vnd_per_year": vnd(cost.cost_vnd_per_year),
        "method": TRANSPORT_METHOD,
    }
    if as_json:
        print_json(data)
        return
    console.print(
        f"{number(data['cost_vnd_per_day'])} VND a day, "
        f"{number(data['cost_vnd_per_year'])} VND a year ({TRANSPORT_METHOD})"
    )
