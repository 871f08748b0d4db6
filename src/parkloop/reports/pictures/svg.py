"""What every picture of a report is drawn with: an SVG document built as text, labels
escaped, fonts named by family so that Vietnamese renders wherever the document is opened,
text measured from a table of glyph widths so that labels can be placed without overlap
before anything is drawn, and axis ticks at round numbers.

The pictures are static SVG (no script, no external reference) with a ``viewBox`` and no
fixed size, so WeasyPrint and browsers scale them to the width they are given.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

FONT_FAMILY = "'Noto Sans', 'DejaVu Sans', sans-serif"
TEXT = "#1f2a33"
MUTED = "#5a6570"
GRID = "#d9dee3"
BACKGROUND = "#ffffff"
LINE_HEIGHT = 1.25  # of the font size

# Advance widths in em of DejaVu Sans (the wider of the two fonts named; Noto Sans is
# narrower), rounded up, so a label is never measured shorter than it is drawn. Letters
# with Vietnamese tone marks measure as their base letter (the marks sit above or below).
_GROUPS = {
    0.28: "ijl'",
    0.30: "IJ",
    0.32: ",. ·",
    0.34: "/:;\\|",
    0.36: "f",
    0.37: "-",
    0.40: "t()[]",
    0.41: "!²³",
    0.42: "r",
    0.46: '"',
    0.50: "*_`–°",
    0.53: "sz",
    0.54: "?",
    0.55: "c",
    0.56: "L",
    0.58: "kF",
    0.60: "vxy",
    0.61: "P",
    0.62: "aeoTYơ",
    0.64: "0123456789bdghnpquES${}đư",
    0.66: "K",
    0.69: "ABVXZ",
    0.70: "CR",
    0.74: "U",
    0.75: "N",
    0.76: "H",
    0.78: "DG&Đ",
    0.79: "OQ",
    0.82: "w",
    0.84: "#+<=>^~→×",
    0.86: "Ư",
    0.87: "M",
    0.92: "Ơ",
    0.96: "%",
    0.98: "m",
    0.99: "W",
    1.00: "@—…",
}
_WIDTHS: dict[str, float] = {char: width for width, chars in _GROUPS.items() for char in chars}
_DEFAULT_WIDTH = 0.8


def text_width(text: str, size: float) -> float:
    """The width ``text`` takes at font ``size`` (an upper estimate)."""
    total = 0.0
    for char in text:
        width = _WIDTHS.get(char)
        if width is None:
            # ơ ư Ơ Ư keep their horn (a combining mark that widens them) in the table.
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", decomposed[:2])
            if base not in _WIDTHS:
                base = decomposed[:1]
            width = _WIDTHS.get(base, _DEFAULT_WIDTH)
        total += width
    return total * size


def fit(text: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` (whole when it fits)."""
    if text_width(text, size) <= width:
        return text
    out = text
    while out and text_width(out + "…", size) > width:
        out = out[:-1]
    return out.rstrip() + "…"


def wrap(text: str, size: float, width: float, lines: int = 3) -> list[str]:
    """``text`` broken at spaces into at most ``lines`` lines of at most ``width``; the
    last line is cut with an ellipsis when the text does not fit."""
    words = text.split()
    out: list[str] = []
    current = ""
    for i, word in enumerate(words):
        trial = f"{current} {word}".strip()
        if text_width(trial, size) <= width or not current:
            current = trial
            continue
        out.append(current)
        current = word
        if len(out) == lines - 1:
            current = " ".join(words[i:])
            break
    if current:
        out.append(current)
    return [fit(line, size, width) for line in out[:lines]]


@dataclass(frozen=True, slots=True)
class Box:
    """An axis-aligned rectangle (``x``, ``y`` its top left corner)."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box, gap: float = 0.0) -> bool:
        return not (
            self.right + gap <= other.x
            or other.right + gap <= self.x
            or self.bottom + gap <= other.y
            or other.bottom + gap <= self.y
        )

    def grow(self, pad: float) -> Box:
        return Box(self.x - pad, self.y - pad, self.w + 2 * pad, self.h + 2 * pad)


def label_box(x: float, y: float, lines: Sequence[str], size: float, anchor: str) -> Box:
    """The box of a text drawn by ``Svg.text`` at (``x``, ``y``): ``y`` is the middle
    of its lines, ``anchor`` start, middle or end."""
    w = max((text_width(line, size) for line in lines), default=0.0)
    h = len(lines) * size * LINE_HEIGHT
    left = x if anchor == "start" else x - w / 2 if anchor == "middle" else x - w
    return Box(left, y - h / 2, w, h)


def num(value: float) -> str:
    """A coordinate as SVG text: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def attrs(values: dict[str, object]) -> str:
    out = []
    for key, value in values.items():
        if value is None:
            continue
        shown = num(value) if isinstance(value, float) else str(value)
        name = key.rstrip("_").replace("_", "-")
        out.append(f"{name}={quoteattr(shown)}")
    return " ".join(out)


class Svg:
    """An SVG document drawn element by element, in a ``width`` × ``height`` viewBox."""

    def __init__(
        self,
        width: float,
        height: float,
        title: str = "",
        desc: str = "",
        x0: float = 0.0,
        y0: float = 0.0,
    ) -> None:
        self.width = width
        self.height = height
        self.x0 = x0
        self.y0 = y0
        self.title = title
        self.desc = desc
        self.parts: list[str] = []
        self.labels: list[Box] = []  # every text drawn, for the overlap checks

    def add(self, element: str) -> None:
        self.parts.append(element)

    def open(self, tag: str, **values: object) -> None:
        self.parts.append(f"<{tag} {attrs(values)}>" if values else f"<{tag}>")

    def close(self, tag: str) -> None:
        self.parts.append(f"</{tag}>")

    def element(self, tag: str, **values: object) -> None:
        self.parts.append(f"<{tag} {attrs(values)}/>")

    def rect(self, box: Box, **values: object) -> None:
        self.element(
            "rect",
            x=float(box.x),
            y=float(box.y),
            width=float(box.w),
            height=float(box.h),
            **values,
        )

    def path(self, d: str, **values: object) -> None:
        self.element("path", d=d, **values)

    def text(
        self,
        x: float,
        y: float,
        lines: Sequence[str] | str,
        size: float = 11.0,
        anchor: str = "start",
        colour: str = TEXT,
        weight: str | None = None,
        halo: bool = False,
        role: str = "label",
    ) -> Box:
        """Lines of text centred vertically on ``y``; returns the box they take. A halo
        (a pale box under the text; WeasyPrint does not draw ``paint-order``) keeps a
        label readable over lines."""
        lines = [lines] if isinstance(lines, str) else list(lines)
        box = label_box(x, y, lines, size, anchor)
        first = y - (len(lines) - 1) * size * LINE_HEIGHT / 2 + size * 0.35
        values: dict[str, object] = {
            "x": float(x),
            "y": float(first),
            "font-size": float(size),
            "text-anchor": anchor,
            "fill": colour,
            "font-weight": weight,
            "class": role,
        }
        if halo:
            self.rect(box.grow(1.5), fill=BACKGROUND, fill_opacity=0.8, rx=2.0, class_="halo")
        spans = "".join(
            f'<tspan x="{num(x)}" dy="{num(0 if i == 0 else size * LINE_HEIGHT)}">'
            f"{escape(line)}</tspan>"
            for i, line in enumerate(lines)
        )
        self.parts.append(f"<text {attrs(values)}>{spans}</text>")
        self.labels.append(box)
        return box

    def render(self) -> str:
        box = f"{num(self.x0)} {num(self.y0)} {num(self.width)} {num(self.height)}"
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" '
            f'font-family="{FONT_FAMILY}" role="img">'
        )
        meta = ""
        if self.title:
            meta += f"<title>{escape(self.title)}</title>"
        if self.desc:
            meta += f"<desc>{escape(self.desc)}</desc>"
        background = (
            f'<rect x="{num(self.x0)}" y="{num(self.y0)}" width="{num(self.width)}" '
            f'height="{num(self.height)}" '
            f'fill="{BACKGROUND}"/>'
        )
        return head + meta + background + "".join(self.parts) + "</svg>\n"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round numbers from at most ``low`` to at least ``high``, about ``count`` steps."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [math.floor(low / step) * step]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 10) for t in ticks]


def unoverlapped(boxes: Iterable[Box], gap: float = 0.0) -> bool:
    """Whether no two of ``boxes`` overlap."""
    seen: list[Box] = []
    for box in boxes:
        if any(box.overlaps(other, gap) for other in seen):
            return False
        seen.append(box)
    return True


def text_boxes(document: str) -> list[tuple[str, str, Box]]:
    """Every text of a picture as (its class, its words, the box it takes), read back
    from the SVG text: what a check that no two labels overlap compares."""
    root = ElementTree.fromstring(document)
    out = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        lines = [span.text or "" for span in element]
        size = float(element.get("font-size", "11"))
        first = float(element.get("y", "0"))
        middle = first - size * 0.35 + (len(lines) - 1) * size * LINE_HEIGHT / 2
        x = float(element.get("x", "0"))
        box = label_box(x, middle, lines, size, element.get("text-anchor", "start"))
        out.append((element.get("class", ""), " ".join(lines), box))
    return out
