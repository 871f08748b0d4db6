"""The pictures of a park's documents, drawn by ``parkloop.reports.pictures`` from the same
services the web pages draw from, for the same viewer: the Sankey of the flows by material
class, the symbiosis network, the map and the trends over the years."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any

from sqlalchemy import Engine

from parkloop.domain.permissions import Viewer
from parkloop.reports.model import Figure
from parkloop.reports.words import say

SLOTS = ("sankey", "network", "map", "trends")
# False while building a document only a workbook is made of (it has no pictures).
DRAWN: ContextVar[bool] = ContextVar("parkloop_report_pictures", default=True)


def _draw(draw: Callable[[], str]) -> str:
    """The picture's SVG; empty when the picture cannot be drawn yet (the renderer then
    prints the figure's caption in a framed slot) or is not wanted (a workbook)."""
    if not DRAWN.get():
        return ""
    try:
        return draw()
    except NotImplementedError:
        return ""


def sankey(engine: Engine, park: str, viewer: Viewer, year: int, lang: str) -> Figure:
    from parkloop.reports import pictures
    from parkloop.services import diagrams

    return Figure(
        title=say(lang, "Flows of the park by material class ({year})", year=year),
        caption=say(
            lang,
            "From the enterprises that put a material out, through its class, to the "
            "enterprise that takes it in an exchange or to where it goes today; widths in "
            "tonnes a year.",
        ),
        svg=_draw(
            lambda: pictures.sankey(
                diagrams.park_sankey(engine, park, viewer, year, lang), lang=lang
            )
        ),
        slot="sankey",
    )


def network(engine: Engine, park: str, viewer: Viewer, lang: str) -> Figure:
    from parkloop.reports import pictures
    from parkloop.services import diagrams

    return Figure(
        title=say(lang, "The industrial symbiosis network"),
        caption=say(
            lang,
            "Enterprises as boxes, exchanges as arrows from supplier to receiver, coloured "
            "by material class; a dashed arrow is an exchange proposed or negotiated.",
        ),
        svg=_draw(
            lambda: pictures.network(
                diagrams.symbiosis_graph(engine, park, viewer, lang), lang=lang
            )
        ),
        slot="network",
    )


def park_map(engine: Engine, park: str, viewer: Viewer, lang: str) -> Figure:
    from parkloop.reports import pictures
    from parkloop.services import geo

    return Figure(
        title=say(lang, "Map of the park, its enterprises and exchanges"),
        caption=say(
            lang,
            "Base map: the administrative boundaries shipped with parkloop; positions of "
            "enterprises as recorded (some are approximate).",
        ),
        svg=_draw(
            lambda: pictures.park_map(geo.park_geojson(engine, park, viewer, lang), lang=lang)
        ),
        slot="map",
    )


def trends(
    engine: Engine,
    park: str,
    viewer: Viewer,
    year: int,
    lang: str,
    known: Mapping[int, Any] | None = None,
    years: Iterable[int] | None = None,
) -> Figure:
    """The trends of the five years up to ``year``: ``known`` accounts are reused, and
    with ``years`` (those with data) the others are drawn empty without accounting them."""
    from parkloop.reports import pictures
    from parkloop.services import accounting

    span = range(year - 4, year + 1)
    if years is None:
        years = accounting.data_years(engine, park)
    wanted = set(span) if years is None else (set(years) | {year}) & set(span)

    def draw() -> str:
        accounts = []
        for y in span:
            if y in wanted:
                found = (known or {}).get(y)
                accounts.append(found or accounting.account_park(engine, park, y, viewer=viewer))
        return pictures.trends(pictures.trend_indicators(accounts, lang), lang=lang)

    return Figure(
        title=say(lang, "Year over year ({first}-{last})", first=year - 4, last=year),
        caption=say(
            lang,
            "Quantity exchanged, CO2e avoided, water reused, energy recovered and net "
            "benefit of the running exchanges, per year.",
        ),
        svg=_draw(draw),
        slot="trends",
    )


def park_figures(engine: Engine, park: str, viewer: Viewer, year: int, lang: str) -> list[Figure]:
    """Every picture of a park's document, in the order documents show them."""
    return [
        park_map(engine, park, viewer, lang),
        network(engine, park, viewer, lang),
        sankey(engine, park, viewer, year, lang),
        trends(engine, park, viewer, year, lang),
    ]
