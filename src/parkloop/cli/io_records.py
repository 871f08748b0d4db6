"""parkloop io-records add | import | list | completeness: monthly input/output records
of enterprises (criterion 7)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from parkloop.cli.render import console, print_json, table
from parkloop.cli.speech import t
from parkloop.cli.state import park_option, state
from parkloop.formats import number, percent
from parkloop.services import io_records as service
from parkloop.units import display

app = typer.Typer(
    help="Monthly input/output records of enterprises: energy, water, materials, chemicals.",
    no_args_is_help=True,
)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
ParkOpt = Annotated[str, typer.Option("--park", callback=park_option, help="Park code or name.")]
YearOpt = Annotated[int, typer.Option("--year", help="The year.")]
OrgOpt = Annotated[str | None, typer.Option("--org", help="Only this enterprise (code or name).")]


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="io-records")


@app.command("add")
def add(
    ctx: typer.Context,
    park: ParkOpt,
    org: Annotated[str, typer.Option("--org", help="The enterprise (code or name).")],
    month: Annotated[str, typer.Option("--month", help="1-12 with --year, or 03/2025.")],
    stream: Annotated[
        str,
        typer.Option(
            "--stream",
            help="electricity (điện), fuel (nhiên liệu), water-in (nước cấp), wastewater-out "
            "(nước thải), material (nguyên vật liệu), chemical (hóa chất nguy hại).",
        ),
    ],
    quantity: Annotated[str, typer.Option("--quantity", help="The month's total, e.g. 12.500,5.")],
    unit: Annotated[str, typer.Option("--unit", help="kWh, lít, tấn, kg, m3, khối …")],
    item: Annotated[
        str, typer.Option("--item", help="Which fuel, material or chemical, in staff's words.")
    ] = "",
    year: Annotated[int | None, typer.Option("--year", help="The year.")] = None,
    note: Annotated[str, typer.Option("--note", help="A note.")] = "",
    data_status: Annotated[
        str, typer.Option("--data-status", help="reported, measured or estimated.")
    ] = "reported",
    source: Annotated[str, typer.Option("--source", help="Where the figure comes from.")] = "",
) -> None:
    """Record one month of one stream (or change that record): the enterprise itself
    (--as enterprise:PARK:ORG) or the park's operator."""
    st = state(ctx)
    record = service.add(
        st.engine(),
        park,
        st.viewer(),
        org=org,
        month=month,
        stream=stream,
        quantity=quantity,
        unit=unit,
        item=item,
        year=year,
        note=note,
        data_status=data_status,
        source=source,
    )
    lang = st.lang
    console.print(
        t("recorded")
        + f": {record.org_code} {record.month:02d}/{record.year} {record.stream.label(lang)} "
        f"{_item(record)} {number(record.quantity, lang, 3, fixed=False)} "
        f"{display(record.unit)}",
        highlight=False,
    )


@app.command("import")
def import_(
    ctx: typer.Context,
    park: ParkOpt,
    path: Annotated[Path, typer.Argument(help="An .xlsx workbook or a .csv file.")],
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="The sheet (default: 'Đầu vào đầu ra', else the first)."),
    ] = None,
    decimal: Annotated[
        str | None, typer.Option("--decimal", help="The decimal mark of the quantities: . or ,")
    ] = None,
) -> None:
    """Import a sheet of monthly records (headings Doanh nghiệp, Năm, Tháng, Loại,
    Hạng mục, Số lượng, Đơn vị, Ghi chú; or in English): all rows, or none."""
    st = state(ctx)
    done = service.import_sheet(st.engine(), park, st.viewer(), path, sheet=sheet, decimal=decimal)
    console.print(
        t(
            "sheet '{sheet}': {rows} rows; {added} added, {changed} changed, {unchanged} unchanged",
            sheet=done.sheet,
            rows=done.rows,
            added=done.added,
            changed=done.changed,
            unchanged=done.unchanged,
        ),
        highlight=False,
    )


@app.command("list")
def list_records(
    ctx: typer.Context,
    park: ParkOpt,
    year: Annotated[int | None, typer.Option("--year", help="The year.")] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The records you may see: an enterprise its own, the operator all of the park's."""
    st = state(ctx)
    found = service.records(st.engine(), park, st.viewer(), year, org)
    if as_json:
        print_json(found)
        return
    lang = st.lang
    table(
        t("Input/output records of {park}", park=park),
        [
            t("enterprise"),
            t("month"),
            t("stream"),
            t("item"),
            t("quantity"),
            t("unit"),
            t("as typed"),
            t("status"),
        ],
        [
            [
                r.org_code,
                f"{r.month:02d}/{r.year}",
                r.stream.label(lang),
                _item(r),
                number(r.quantity, lang, 3, fixed=False),
                display(r.unit),
                f"{number(r.entered_quantity, lang, 3, fixed=False)} {r.entered_unit}"
                if r.entered_quantity is not None
                else "",
                r.data_status,
            ]
            for r in found
        ],
        numeric=[4],
    )


@app.command("completeness")
def completeness(
    ctx: typer.Context, park: ParkOpt, year: YearOpt, org: OrgOpt = None, as_json: JsonOpt = False
) -> None:
    """Per enterprise, which months of the year are complete and what the others lack
    (energy, water in, wastewater, materials; hazardous chemicals once recorded)."""
    st = state(ctx)
    found = service.year_completeness(st.engine(), park, st.viewer(), year, org)
    if as_json:
        print_json(
            [
                {
                    "org": e.org_code,
                    "year": year,
                    "complete_months": list(e.completeness.complete),
                    "missing": {
                        str(m): [g.value for g in gs] for m, gs in e.completeness.missing.items()
                    },
                    "monitored": e.completeness.monitored,
                    "records": e.completeness.records,
                }
                for e in found
            ]
        )
        return
    lang = st.lang
    table(
        t("Monthly input/output records of {park}, {year}", park=park, year=year),
        [
            t("enterprise"),
            t("months complete"),
            t("share"),
            t("monitored"),
            t("missing"),
        ],
        [
            [
                e.org_name.display_name(lang),
                f"{len(e.completeness.complete)}/12",
                percent(e.completeness.share, lang),
                t("yes") if e.completeness.monitored else t("no"),
                _missing(e, lang),
            ]
            for e in found
        ],
        numeric=[1, 2],
    )


def _item(r: service.IoRecord) -> str:
    """The item in staff's words; nothing for electricity and water (the stream says)."""
    return r.item_text or ("" if r.item == r.stream.value else r.item)


def _missing(e: service.EnterpriseYear, lang: str) -> str:
    """Months lacking something, grouped by what they lack: 'T4–T6: nước thải'."""
    by_lack: dict[tuple[str, ...], list[int]] = {}
    for month, groups in e.completeness.missing.items():
        by_lack.setdefault(tuple(g.label(lang) for g in groups), []).append(month)
    prefix = "T" if lang == "vi" else "M"
    return "; ".join(
        f"{', '.join(_runs(months, prefix))}: {', '.join(lack)}"
        for lack, months in sorted(by_lack.items(), key=lambda kv: kv[1][0])
    )


def _runs(months: list[int], prefix: str) -> list[str]:
    runs: list[list[int]] = []
    for m in sorted(months):
        if runs and m == runs[-1][-1] + 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return [f"{prefix}{r[0]}" if len(r) == 1 else f"{prefix}{r[0]}–{prefix}{r[-1]}" for r in runs]
