"""Year-over-year bars of a few indicators for a report, one small panel per indicator
(each in its own unit, so no two units share an axis), with ticks at round numbers and
every number in the reader's format.

    trends(indicators, *, lang="vi", width=900.0, columns=2, title="", words=None) -> str
    trend_indicators(accounts, lang="vi", words=None) -> list[Indicator]

``indicators`` are ``Indicator`` values (a label, a unit as shown, a value per year, None
where the year has no figure). ``trend_indicators`` makes the usual ones from the park's
yearly accounts (``services.accounting.account_park`` for each year): quantity exchanged
by the running exchanges (t), CO2e avoided (t), water reused (m³), energy recovered (MWh)
and net benefit (billion VND).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parkloop.formats import MISSING, number
from parkloop.reports.pictures.svg import GRID, MUTED, Box, Svg, fit, nice_ticks, text_width
from parkloop.reports.pictures.words import lookup

if TYPE_CHECKING:
    from parkloop.services.accounting import ParkAccount

COLOURS = ("#2c5f8a", "#2e8b57", "#1f9bd1", "#d4a017", "#7a3b69", "#8a5a2c")
PANEL_HEIGHT = 190.0
VALUE_SIZE = 9.0
TICK_SIZE = 9.0


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator over the years: ``values`` by year, None where there is no figure."""

    label: str
    unit: str
    values: Mapping[int, float | None]
    colour: str = ""
    digits: int = 0  # decimals written


def trend_indicators(
    accounts: Sequence[ParkAccount],
    lang: str = "vi",
    words: Mapping[str, str] | None = None,
) -> list[Indicator]:
    """The usual indicators of a park from its accounts of several years: the quantity
    the running exchanges carried in tonnes, CO2e avoided, water reused, energy recovered
    and net benefit. An indicator with no figure in any year is left out."""
    said = lookup(lang, words)
    by_year = sorted(accounts, key=lambda a: a.year)
    exchanged: dict[int, float | None] = {}
    for account in by_year:
        running = [r for r in account.exchanges if r.get("status") == "running"]
        if account.exchanges or not account.totals.get("exchanges"):
            exchanged[account.year] = sum(
                float(r["quantity"]) for r in running if r.get("unit") == "t"
            )
        else:  # totals only (a viewer outside the park): the quantity is not published
            exchanged[account.year] = None

    def total(key: str, factor: float = 1.0) -> dict[int, float | None]:
        out: dict[int, float | None] = {}
        for account in by_year:
            value = account.totals.get(key)
            out[account.year] = None if value is None else float(value) * factor
        return out

    found = [
        Indicator(said["exchanged"], "t", exchanged, COLOURS[0]),
        Indicator(said["co2"], "t", total("co2e_t_per_year"), COLOURS[1]),
        Indicator(said["water"], "m³", total("water_m3_per_year"), COLOURS[2]),
        Indicator(said["energy"], "MWh", total("energy_mwh_per_year"), COLOURS[3]),
        Indicator(
            said["money"],
            said["billion-vnd"],
            total("money_vnd_per_year", 1e-9),
            COLOURS[4],
            digits=1,
        ),
    ]
    return [i for i in found if any(v for v in i.values.values())]


def trends(
    indicators: Sequence[Indicator],
    *,
    lang: str = "vi",
    width: float = 900.0,
    columns: int = 2,
    title: str = "",
    words: Mapping[str, str] | None = None,
) -> str:
    """Bars per year of each indicator, in a grid of ``columns`` panels, as SVG text."""
    said = lookup(lang, words)
    columns = max(1, min(columns, len(indicators) or 1))
    rows = math.ceil(len(indicators) / columns) if indicators else 0
    head = 34.0 if title else 8.0
    height = head + max(rows, 1) * (PANEL_HEIGHT + 16) + 8
    svg = Svg(width, height, title=title)
    if title:
        svg.text(width / 2, 22, title, size=14, anchor="middle", weight="bold", role="title")
    if not indicators:
        svg.text(width / 2, head + 20, said["nothing"], size=11, anchor="middle", colour=MUTED)
        return svg.render()
    panel_w = (width - 16 - (columns - 1) * 24) / columns
    for i, indicator in enumerate(indicators):
        x = 8 + (i % columns) * (panel_w + 24)
        y = head + (i // columns) * (PANEL_HEIGHT + 16)
        colour = indicator.colour or COLOURS[i % len(COLOURS)]
        _panel(svg, Box(x, y, panel_w, PANEL_HEIGHT), indicator, colour, lang)
    return svg.render()


def _panel(svg: Svg, box: Box, indicator: Indicator, colour: str, lang: str) -> None:
    heading = f"{indicator.label} ({indicator.unit})" if indicator.unit else indicator.label
    svg.text(box.x, box.y + 8, fit(heading, 11, box.w), size=11, weight="bold", role="heading")
    years = sorted(indicator.values)
    values = [v for v in indicator.values.values() if v is not None]
    low = min(0.0, *values) if values else 0.0
    high = max(0.0, *values) if values else 1.0
    ticks = nice_ticks(low, high if high > low else low + 1, 4)
    tick_digits = _digits(ticks)
    labels = [number(t, lang, tick_digits) for t in ticks]
    axis_w = max(text_width(t, TICK_SIZE) for t in labels) + 6
    plot = Box(box.x + axis_w, box.y + 32, box.w - axis_w - 4, box.h - 32 - 20)
    span = ticks[-1] - ticks[0]

    def y_of(value: float) -> float:
        return plot.bottom - (value - ticks[0]) / span * plot.h

    for tick, label in zip(ticks, labels, strict=True):
        y = y_of(tick)
        svg.element("line", x1=plot.x, y1=y, x2=plot.right, y2=y, stroke=GRID, stroke_width=0.8)
        svg.text(plot.x - 4, y, label, size=TICK_SIZE, anchor="end", colour=MUTED, role="tick")
    slot = plot.w / max(len(years), 1)
    bar_w = min(slot * 0.6, 48.0)
    zero = y_of(0.0)
    for j, year in enumerate(years):
        centre = plot.x + slot * (j + 0.5)
        value = indicator.values[year]
        svg.text(
            centre,
            plot.bottom + 10,
            str(year),
            size=TICK_SIZE,
            anchor="middle",
            colour=MUTED,
            role="tick",
        )
        if value is None:
            svg.text(
                centre,
                zero - 8,
                MISSING,
                size=VALUE_SIZE,
                anchor="middle",
                colour=MUTED,
                role="value",
            )
            continue
        top = min(y_of(value), zero)
        svg.rect(
            Box(centre - bar_w / 2, top, bar_w, abs(zero - y_of(value))),
            fill=colour,
            class_="bar",
            data_value=repr(value),
        )
        shown = number(value, lang, indicator.digits)
        if text_width(shown, VALUE_SIZE) <= slot - 2:
            y = top - 7 if value >= 0 else y_of(value) + 7
            svg.text(centre, y, shown, size=VALUE_SIZE, anchor="middle", role="value")
    svg.element("line", x1=plot.x, y1=zero, x2=plot.right, y2=zero, stroke=MUTED, stroke_width=1.0)


def _digits(ticks: Sequence[float]) -> int:
    """Decimals the ticks need to read apart."""
    step = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    return 0 if step >= 1 else min(3, math.ceil(-math.log10(step)))
