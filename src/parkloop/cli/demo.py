"""parkloop demo: the main job — one park at a glance, what its exchanges are worth, the
best new matches, and how it stands against its eco-industrial-park criteria."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.panel import Panel

from parkloop import units
from parkloop.catalog import catalog
from parkloop.cli.matching import render_matches, render_routes
from parkloop.cli.render import console, number, print_json, say, table
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
        say(
            st.lang,
            f"New matches: {len(run)} proposed for {run.supplies} supplies; the {len(best)} worth "
            "most (accept with `parkloop matches accept ID`)",
            f"Ghép nối mới: {len(run)} đề xuất cho {run.supplies} nguồn cung; {len(best)} đề xuất "
            "giá trị nhất (chấp nhận bằng `parkloop matches accept ID`)",
        ),
    )
    _print_more(st, park)


def _print_summary(s: ParkSummary, lang: str) -> None:
    p = s.park
    name = p.name_en if lang == "en" and p.name_en else p.name_vi
    lines = [
        f"{p.province} · {p.region} · {number(p.total_area_ha, lang)} ha · "
        + say(lang, "WWTP ", "trạm XLNT ")
        + f"{number(p.wwtp_capacity_m3_per_day, lang)} m³/"
        + say(lang, "day", "ngày"),
        say(
            lang,
            f"{s.enterprises} enterprises, {s.partners} partners, {s.flows} flows",
            f"{s.enterprises} doanh nghiệp, {s.partners} đối tác, {s.flows} dòng vật chất",
        )
        + (say(lang, f" (year {s.year})", f" (năm {s.year})") if s.year else ""),
    ]
    share = s.land_share_green_traffic_shared
    if share is not None:
        lines.append(
            say(
                lang,
                "green space + traffic + shared infrastructure: ",
                "cây xanh + giao thông + hạ tầng dùng chung: ",
            )
            + f"{number(100 * share, lang, 1)} %"
        )
    console.print(Panel("\n".join(lines), title=f"[bold]{name}[/] ({p.code})", expand=False))
    table(
        say(
            lang,
            "Enterprises by sector (VSIC 2018 division)",
            "Doanh nghiệp theo ngành (VSIC 2018 cấp 2)",
        ),
        ["VSIC", say(lang, "sector", "ngành"), say(lang, "enterprises", "doanh nghiệp")],
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
                        say(lang, direction, "vào" if direction == "in" else "ra"),
                        number(amount, lang),
                        units.display(unit),
                    ]
                )
    table(
        say(
            lang,
            f"Flows by material class, per year ({s.year})",
            f"Dòng vật chất theo nhóm, mỗi năm ({s.year})",
        ),
        [
            say(lang, "class", "nhóm"),
            say(lang, "direction", "chiều"),
            say(lang, "amount", "lượng"),
            say(lang, "unit", "đơn vị"),
        ],
        rows,
        numeric=[2],
    )
    table(
        say(lang, "Exchanges by status", "Trao đổi theo trạng thái"),
        [say(lang, "status", "trạng thái"), say(lang, "exchanges", "số trao đổi")],
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
        say(lang, "Running exchanges (per year)", "Trao đổi đang vận hành (mỗi năm)"),
        [
            say(lang, "supplier", "bên cung cấp"),
            say(lang, "receiver", "bên nhận"),
            say(lang, "material", "vật liệu"),
            say(lang, "quantity", "khối lượng"),
            say(lang, "unit", "đơn vị"),
            "km",
        ],
        rows,
        numeric=[3, 5],
        caption=say(lang, "exchanged per year: ", "trao đổi mỗi năm: ")
        + ", ".join(f"{number(v, lang)} {units.display(u)}" for u, v in sorted(totals.items())),
    )


def _print_account(account: accounting.ParkAccount, park: str, lang: str) -> None:
    t = account.totals
    console.print(
        Panel(
            say(
                lang,
                f"{t['exchanges']} running exchanges: ",
                f"{t['exchanges']} trao đổi đang vận hành: ",
            )
            + t["in_words"]
            + "\n"
            + say(lang, "attribution", "tỷ lệ ghi nhận")
            + f" {account.attribution:g}, "
            + say(lang, "deadweight", "phần tự xảy ra")
            + f" {account.deadweight:g}; "
            + say(lang, "method and factors: ", "phương pháp và hệ số: ")
            + f"parkloop account --park {park} --json",
            title=say(lang, "Today's exchanges, per year", "Các trao đổi hiện nay, mỗi năm"),
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
