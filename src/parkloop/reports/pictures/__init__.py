"""Pictures for the reports: pure functions from what the services return to static SVG
text (vector, offline, no script), with a ``viewBox`` so that a PDF or a page scales them
to its width. Labels are in the language of the data given (the services label in the
viewer's language); numbers are written by ``parkloop.formats`` in ``lang``; colours of
material classes are the palette of the web's map and charts (``services.geo.CLASS_COLOURS``).

    from parkloop.reports import pictures
    from parkloop.services import accounting, diagrams, geo

    svg = pictures.sankey(diagrams.park_sankey(engine, park, viewer, year, lang), lang=lang)
    svg = pictures.network(diagrams.symbiosis_graph(engine, park, viewer, lang), lang=lang)
    svg = pictures.park_map(geo.park_geojson(engine, park, viewer, lang), lang=lang)
    accounts = [accounting.account_park(engine, park, y, viewer=viewer) for y in years]
    svg = pictures.trends(pictures.trend_indicators(accounts, lang), lang=lang)

``sankey_graph`` and ``network_layout`` give what the Sankey and the network draw (nodes
with their totals; boxes, arrows and label places) for a caller that checks or lists it.
Every function takes ``title`` (drawn above the picture and kept as its SVG ``<title>``,
nothing drawn when empty) and ``words`` (a mapping overriding the few words a picture
writes itself, such as legend headings; see ``pictures.words.WORDS``). Each returns one
``<svg>`` element as text, ready to be put inline in HTML or written to a ``.svg`` file.
"""

from __future__ import annotations

from parkloop.reports.pictures.network import network, network_layout
from parkloop.reports.pictures.park_map import park_map
from parkloop.reports.pictures.sankey import sankey, sankey_graph
from parkloop.reports.pictures.trends import Indicator, trend_indicators, trends

__all__ = [
    "Indicator",
    "network",
    "network_layout",
    "park_map",
    "sankey",
    "sankey_graph",
    "trend_indicators",
    "trends",
]
