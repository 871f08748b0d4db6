"""parkloop match | matches accept|reject|list | account"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from parkloop import units
from parkloop.accounting.transport import METHOD as TRANSPORT_METHOD
from parkloop.accounting.transport import transport_cost, vnd
from parkloop.catalog import catalog
from parkloop.cli.render import console, err_console, number, print_json, table
from parkloop.cli.speech import later, t
from parkloop.cli.state import SPOKEN, park_option, state
from parkloop.domain.enums import DataStatus, ExchangeStatus
from parkloop.errors import UserError, msg, said_of
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
    hide_exchanges: Annotated[
        bool,
        typer.Option(
            "--hide-exchanges",
            help="Match as if the running exchanges did not exist (their outputs offered "
            "again); nothing is saved.",
        ),
    ] = False,
    rediscover: Annotated[
        bool,
        typer.Option(
            "--rediscover",
            help="Hide the park's running exchanges and count how many the matcher finds "
            "again among each supplier's best receivers (--top, default 5).",
        ),
    ] = False,
    screen: Annotated[
        bool,
        typer.Option(
            "--screen/--no-screen",
            help="Also screen firms that declare no inputs or outputs by their sector's "
            "typical flows per employee: shown apart, marked expected, ranked below the "
            "declared matches, never saved.",
        ),
    ] = True,
    as_json: JsonOpt = False,
) -> None:
    """Find where one firm's output can become another's input, and what it is worth."""
    st = state(ctx)
    if rediscover:
        if park is None:
            raise UserError(msg("say which park: parkloop match --park CODE --rediscover"))
        render_rediscovery(
            matching.evaluate_rediscovery(st.engine(), park, top=top, viewer=st.viewer()),
            st.lang,
            as_json,
        )
        return
    if hide_exchanges:
        save = False
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
            hide_exchanges=hide_exchanges,
            save=save,
            progress=progress,
            viewer=st.viewer(),
            screen_firms=screen,
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
                "screening": run.screening,
                "screened": [matching.match_view(m, viewer) for m in run.screened_matches()],
                "factors": run.factors,
            }
        )
        return
    best = [matching.match_view(m, viewer) for m in run.best(show)]
    lang = st.lang
    hidden = t(" — running exchanges hidden")
    render_matches(
        best,
        lang,
        t(
            "{n_run} matches for {supplies} supplies and {demands} demands ({year}); the "
            "{n_best} worth most",
            n_run=len(run),
            supplies=run.supplies,
            demands=run.demands,
            year=str(run.year),
            n_best=len(best),
        )
        + (hidden if hide_exchanges else ""),
    )
    render_fit(best, lang)
    if screen:
        render_screened(
            run, [matching.match_view(m, viewer) for m in run.screened_matches(show)], lang
        )
    render_inventory(run.inventory, lang)


def render_screened(run: matching.MatchRun, views: list[dict[str, object]], lang: str) -> None:
    """Proposals screened from sector profiles: apart from the declared ones, each marked
    expected and explained (the profile, the employees used, codes and two-way)."""
    info = run.screening
    if not info.get("firms"):
        return
    firms = int(info["firms"])
    typical = int(info.get("firms_typical_size") or 0)
    n = run.screened_count
    render_matches(
        views,
        lang,
        t(
            "Screened by sector: {n} matches {expected} ({firms} firms with no declared inputs "
            "or outputs); ranked below the declared matches, not saved; the {best} that fit "
            "best",
            n=n,
            expected=matching.EXPECTED_VI if lang == "vi" else matching.EXPECTED_EN,
            firms=firms,
            best=len(views),
        ),
    )
    for k, v in enumerate(views, start=1):
        reasons = v.get("reasons") or []
        assert isinstance(reasons, list)
        lines = [
            str(r.get("text_vi") if lang == "vi" else r.get("text"))
            for r in reasons
            if r.get("kind") in ("expected", "codes", "two_way", "fit")
        ]
        sup, rec = v["supplier"], v["receiver"]
        assert isinstance(sup, dict) and isinstance(rec, dict)
        console.print(
            f"{k}. {sup.get('name') or sup['code']} → {rec.get('name') or rec['code']}: "
            + "; ".join(lines),
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
    if typical:
        err_console.print(
            t(
                "note: {typical} of the {firms} screened firms have no employees in the "
                "registry; their sector's typical size is used "
                "(parkloop enterprises set CODE --park P --employees N)",
                typical=typical,
                firms=firms,
            ),
            highlight=False,
        )


def render_fit(views: list[dict[str, object]], lang: str) -> None:
    """Why each printed match fits: who may take it, what to test, the fit and its factors."""
    if not views:
        return
    console.print(
        t(
            "Why each fits (fit = channel × sector × quality × quantity × distance; pairs that "
            "need confirmation rank below those that fit, then by net benefit × fit):"
        ),
        highlight=False,
    )
    for n, v in enumerate(views, start=1):
        sup, rec = v["supplier"], v["receiver"]
        assert isinstance(sup, dict) and isinstance(rec, dict)
        reasons = v.get("reasons") or []
        assert isinstance(reasons, list)
        lines = [
            str(r.get("text_vi") if lang == "vi" else r.get("text"))
            for r in reasons
            if r.get("kind") in ("sector", "warning", "already_sold", "fit")
        ]
        console.print(
            f"{n}. {sup.get('name') or sup['code']} → {rec.get('name') or rec['code']}: "
            + "; ".join(lines),
            highlight=False,
            markup=False,
        )


def render_rediscovery(result: matching.Rediscovery, lang: str, as_json: bool) -> None:
    """Found/total of the hidden running exchanges, and each one missed with its reason."""
    if as_json:
        print_json(result.as_dict())
        return
    console.print(
        t(
            "[bold]{park}[/]: {found} of {known} running exchanges found again ({v3} %) among "
            "each supplier's {top} best distinct receivers, with the exchanges hidden",
            park=result.park,
            found=result.found,
            known=result.known,
            v3=number(100 * result.rate, lang, 0),
            top=result.top,
        )
    )
    if not result.missed:
        return
    table(
        t("Not found"),
        [
            t("exchange"),
            t("supplier"),
            t("receiver"),
            t("material"),
            t("why"),
            t("proposed instead"),
        ],
        [
            [
                m["exchange"],
                m["supplier"],
                m["receiver"],
                m["material"],
                (m["why_vi"] if lang == "vi" else m["why"])
                + (f" ({m['detail']})" if m.get("detail") else "")
                + (f" ({m['rule']})" if m.get("rule") else ""),
                ", ".join(m.get("best") or []) or "—",
            ]
            for m in result.missed
        ],
    )


def render_inventory(inventory: dict[str, int], lang: str) -> None:
    """What the figures leave out or rest on: flows awaiting a material, filled prices."""
    if inventory.get("unclassified"):
        err_console.print(
            t(
                "note: {unclassified} of {flows} flows have a material not yet settled and take "
                "no part (parkloop materials review)",
                unclassified=inventory["unclassified"],
                flows=inventory["flows"],
            ),
            highlight=False,
        )
    if inventory.get("prices_filled"):
        err_console.print(
            t(
                "note: {prices_filled} prices are catalog estimates, {prices_reported} the "
                "enterprises' own",
                prices_filled=inventory["prices_filled"],
                prices_reported=inventory["prices_reported"],
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
                "—" if v["id"] is None else v["id"],
                sup.get("name") or sup["code"],
                rec.get("name") or rec["code"],
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
    headers = [
        "id",
        t("supplier"),
        t("receiver"),
        t("material"),
        t("quantity/yr"),
        "km",
        t("net M VND/yr"),
        t("t CO2e/yr"),
        t("why"),
    ]
    table(title, headers, rows, numeric=[4, 5, 6, 7], legend=[8])


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
    render_matches(views, st.lang, t("{park}: {count} matches", park=park, count=len(views)))


@matches_app.command("accept")
def accept(ctx: typer.Context, match_id: Annotated[int, typer.Argument(help="Match id.")]) -> None:
    """Accept a match: it becomes an exchange in negotiation."""
    st = state(ctx)
    result = matching.accept_match(st.engine(), match_id, viewer=st.viewer())
    console.print(
        t(
            "match {match_id} accepted: exchange {exchange_id} is now negotiating",
            match_id=match_id,
            exchange_id=result["exchange_id"],
        )
    )


@matches_app.command("reject")
def reject(
    ctx: typer.Context,
    match_id: Annotated[int, typer.Argument(help="Match id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it does not work.")],
) -> None:
    """Reject a match; it is not proposed again unless its data change."""
    st = state(ctx)
    matching.reject_match(st.engine(), match_id, reason, viewer=st.viewer())
    console.print(t("match {match_id} rejected: {reason}", match_id=match_id, reason=reason))


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
            msg(
                "say which park: parkloop account --park CODE (or `parkloop account "
                "transport --help`)"
            )
        )
    st = state(ctx)
    result = accounting.account_park(
        st.engine(), park, year, attribution, deadweight, viewer=st.viewer()
    )
    if as_json:
        print_json(result)
        return
    lang = st.lang
    tot = result.totals
    console.print(accounting.year_said(result.year, result.year_basis, lang))
    console.print(
        t(
            "[bold]{park}[/] {year}: {exchanges} running exchanges — {totals}",
            park=park,
            year=str(result.year),
            exchanges=tot["exchanges"],
            totals=totals_in_words(tot),
        )
    )
    console.print(
        t(
            "attribution {attribution}, deadweight {deadweight}",
            attribution=result.attribution,
            deadweight=result.deadweight,
        )
    )
    table(
        t("Exchanges (per year)"),
        [
            t("exchange"),
            t("status"),
            t("quantity"),
            t("km"),
            t("net M VND"),
            t("transport M VND"),
            t("t CO2e"),
        ],
        [
            [
                r["key"],
                _exchange_status(r["status"], lang),
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
    render_recp(result.recp, lang)
    render_inventory(result.inventory, lang)


def totals_in_words(tot: dict[str, Any]) -> str:
    """A park's yearly totals in one line, in the reader's language."""
    lang = SPOKEN.get()
    return t(
        "{money} billion VND/yr saved, {co2e} t CO2e, {water} m³ water, {energy} MWh, "
        "{materials} t materials",
        money=number(tot["money_vnd_per_year"] / 1e9, lang, 1),
        co2e=number(tot["co2e_t_per_year"], lang),
        water=number(tot["water_m3_per_year"], lang),
        energy=number(tot["energy_mwh_per_year"], lang),
        materials=number(tot["materials_t_per_year"], lang),
    )


def _exchange_status(status: str, lang: str) -> str:
    return ExchangeStatus(status).label(lang) if status in ExchangeStatus.values() else status


def _firm(e: dict[str, Any]) -> str:
    """An enterprise of the RECP totals by its name (its code where none was kept)."""
    return str(e.get("enterprise_name") or e["enterprise"])


def _recp_row(
    name: str, r: dict[str, Any], lang: str, fuel_names: dict[str, str] | None = None
) -> list[str]:
    names = fuel_names or {}
    fuels = ", ".join(
        f"{number(tj, lang, 1)} {names.get(code, code)}"
        for code, tj in r.get("fuel_by_type_tj", {}).items()
    )
    if r.get("fuel_without_type_tj"):
        fuels = ", ".join(
            x
            for x in (
                fuels,
                f"{number(r['fuel_without_type_tj'], lang, 1)} " + t("no type"),
            )
            if x
        )
    return [
        name,
        number(r["measures"], lang),
        number(r["electricity_saved_mwh"], lang),
        number(r["fuel_saved_tj"], lang, 2) + (f" ({fuels})" if fuels else ""),
        number(r["water_saved_m3"], lang),
        number(r["chemicals_saved_t"], lang, 1),
        number(r["materials_saved_t"], lang),
        number(r["co2e_t"], lang, 1),
        number(r["cost_saved_vnd"] / 1e6, lang, 1),
        "—" if r["payback_years"] is None else number(r["payback_years"], lang, 1),
    ]


def _status(status: str, lang: str) -> str:
    return DataStatus(status).label(lang) if status in DataStatus.values() else status


RECP_COLUMNS = (
    "",
    later("measures"),
    later("MWh electricity"),
    later("TJ fuel"),
    later("m³ water"),
    later("t chemicals"),
    later("t materials"),
    later("t CO2e"),
    later("M VND/yr"),
    later("payback, yr"),
)


def render_recp(recp: dict[str, Any], lang: str, title: str | None = None) -> None:
    """RECP measures inside firms: per enterprise (or per park), the total in the seeds'
    form, the CO2e arithmetic and the factors with their status."""
    if recp.get("note") and not recp.get("programme"):
        console.print(t("RECP: ") + str(recp["note"]))
        return
    programme = recp.get("programme")
    if not programme or not programme.get("measures"):
        note = recp.get("year_note")
        console.print(
            note[lang]
            if note
            else t("RECP: no implemented measure recorded for {year}.", year=str(recp.get("year")))
        )
        return
    heading = title or t("RECP measures implemented in {year} (per year)", year=str(recp["year"]))
    parks = recp.get("parks", [])
    names = {c: f["name"][lang] for c, f in recp.get("factors", {}).get("fuels", {}).items()}
    total_row = _recp_row(t("total"), programme, lang, names)
    if recp.get("enterprises"):
        several = len(parks) > 1
        rows = [
            _recp_row(f"{e['park']}: {_firm(e)}" if several else _firm(e), e, lang, names)
            for e in recp["enterprises"]
        ]
        columns = [t("enterprise"), *(t(c) for c in RECP_COLUMNS[1:])]
        table(heading, columns, [*rows, total_row], numeric=list(range(1, 10)))
        heading = t("Per park")
    if len(parks) > 1 or not recp.get("enterprises"):
        columns = [t("park"), *(t(c) for c in RECP_COLUMNS[1:])]
        rows = [_recp_row(p["park"], p, lang, names) for p in parks]
        table(heading, columns, [*rows, total_row], numeric=list(range(1, 10)))
    console.print(programme["in_words"][lang])
    console.print(t("CO2e: ") + programme["arithmetic"][lang])
    console.print(recp["method"][lang])
    for grid in recp["factors"]["grid"]:
        console.print(
            f"  {grid['id']} = {number(grid['value'], lang, 4)} {grid['unit']} "
            f"({_status(grid['status'], lang)}) {grid['source']}",
            markup=False,
        )
    for fuel in recp["factors"]["fuels"].values():
        cited = "; ".join(
            f"{f['id']} = {number(f['value'], lang, 4, fixed=False)} {f['unit']} "
            f"({_status(f['status'], lang)})"
            for f in fuel["factors"]
        )
        flag = t(" (unverified)") if fuel["unverified"] else ""
        console.print(
            f"  {fuel['name'][lang]}: {number(fuel['t_co2e_per_tj'], lang, 4)} t CO2e/TJ{flag}"
            f" — {cited}",
            markup=False,
        )
    if programme.get("fuel_without_type_tj"):
        console.print(
            t(
                "{v0} TJ of fuel saved have no fuel type: their CO2e is not counted (fill in the "
                "fuel type column)",
                v0=number(programme["fuel_without_type_tj"], lang, 2),
            )
        )
    if programme.get("co2_biogenic_t"):
        console.print(
            t(
                "biogenic CO2, reported apart: {v0} t",
                v0=number(programme["co2_biogenic_t"], lang, 1),
            )
        )


@account_app.command("recp")
def account_recp(
    ctx: typer.Context,
    park: Annotated[
        list[str] | None,
        typer.Option("--park", callback=park_option, help="A park of the programme (repeatable)."),
    ] = None,
    region: Annotated[str | None, typer.Option("--region", help="Every park of a region.")] = None,
    all_parks: Annotated[bool, typer.Option("--all", help="Every park.")] = False,
    year: Annotated[
        int | None, typer.Option(help="Year (default: the latest with RECP measures).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """RECP measures of a programme of parks: per enterprise, per park and in total."""
    st = state(ctx)
    result = accounting.recp_programme(
        st.engine(),
        parks=park or [],
        region=region,
        all_parks=all_parks,
        year=year,
        viewer=st.viewer(),
    )
    if as_json:
        print_json(result)
        return
    lang = st.lang
    console.print(accounting.year_said(result["year"], result["year_basis"], lang))
    render_recp(
        result,
        lang,
        title=t(
            "RECP programme, {n_parks_in_scope} parks, {year} (per year)",
            n_parks_in_scope=len(result["parks_in_scope"]),
            year=str(result["year"]),
        ),
    )
    for w in result["withheld"]:
        console.print(f"{w['park']}: {w['note']}")


def render_routes(routes: list[dict[str, object]], lang: str) -> None:
    """The seeds' route tables: one row per distance, cost per day by the truck."""
    for route in routes:
        variants = route["variants"]
        assert isinstance(variants, list)
        table(
            t("Route {route}", route=route["route"]) + f" ({t(str(route['method']))})",
            [
                t("km"),
                t("VND per t·km"),
                t("t per trip"),
                t("trips a day"),
                t("VND a day"),
                t("status"),
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
        raise UserError(said_of(exc)) from None
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
        t(
            "{per_day} VND a day, {per_year} VND a year ({method})",
            per_day=number(data["cost_vnd_per_day"], SPOKEN.get()),
            per_year=number(data["cost_vnd_per_year"], SPOKEN.get()),
            method=t(TRANSPORT_METHOD),
        )
    )
