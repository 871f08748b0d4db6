"""Renderers of a report document: HTML (Jinja2), PDF (WeasyPrint, from the HTML with a
print stylesheet and the fonts bundled in the package) and XLSX (xlsxwriter, one sheet per
table, numbers kept as numbers)."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from parkloop.reports.model import Cell, Document, Note, Paragraph, Table, sheet_names
from parkloop.reports.words import say

FORMATS = ("pdf", "html", "xlsx")
MEDIA = {
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FONTS = {
    "PL Sans": {"normal": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"},
    "PL Serif": {"normal": "DejaVuSerif.ttf", "bold": "DejaVuSerif-Bold.ttf"},
}
ITALIC = {"PL Sans": "DejaVuSans-Oblique.ttf"}


def font_dir() -> Path:
    """The folder of the fonts shipped inside the package (DejaVu, with its licence)."""
    return Path(str(resources.files("parkloop.reports") / "fonts"))


def _font_faces(embed: bool) -> str:
    """@font-face rules: the bundled files by file URL for print (nothing is downloaded),
    the installed DejaVu by name for a page opened elsewhere."""
    rules = []
    folder = font_dir()
    for family, weights in FONTS.items():
        for weight, name in weights.items():
            local = "DejaVu Sans" if family == "PL Sans" else "DejaVu Serif"
            src = (
                f'url("{(folder / name).as_uri()}") format("truetype")'
                if embed
                else f'local("{local}{" Bold" if weight == "bold" else ""}")'
            )
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f"font-style: normal; src: {src}; }}"
            )
        if family in ITALIC and embed:
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-style: italic; '
                f'src: url("{(folder / ITALIC[family]).as_uri()}") format("truetype"); }}'
            )
    return "\n".join(rules)


@cache
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("parkloop.reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def annex(doc: Document) -> list[Note]:
    """The notes of the annex, the documents the figures come from last."""
    notes = list(doc.notes)
    if doc.sources:
        label = say(doc.lang, "Documents the figures come from")
        notes.append(Note(label, "; ".join(doc.sources)))
    return notes


def html(doc: Document, embed_fonts: bool = False) -> str:
    """The document as one HTML page (its stylesheet inside, prints as the PDF does)."""
    env = _environment()
    css = env.get_template("report.css").render(fonts=_font_faces(embed_fonts))
    lang = doc.lang
    return str(
        env.get_template("report.html.j2").render(
            doc=doc,
            notes=annex(doc),
            css=css,
            numeric=("number", "money", "percent"),
            nation="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            motto="Độc lập - Tự do - Hạnh phúc",
            to_word=say(lang, "To:"),
            recipients_word=say(lang, "Recipients:"),
            attachments_word=say(lang, "Attached documents"),
            annex_word=say(lang, "Annex: where the figures come from"),
            note_label_word=say(lang, "Figures"),
            note_text_word=say(lang, "Source and how sure they are"),
            empty_word=say(lang, "Nothing recorded."),
        )
    )


def pdf(doc: Document) -> bytes:
    """The document as a PDF (A4), drawn by WeasyPrint from the HTML with the bundled
    fonts; pictures stay vector graphics."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    out = HTML(string=html(doc, embed_fonts=True), base_url=font_dir().as_uri() + "/")
    return bytes(out.write_pdf())


def _cell_format(cell: Cell, lang: str) -> str:
    """The Excel number format of a cell (Vietnamese or English locale code)."""
    prefix = "[$-42A]" if lang == "vi" else "[$-809]"
    if cell.kind == "date":
        return "dd/mm/yyyy" if lang == "vi" else "yyyy-mm-dd"
    decimals = ("." + "0" * cell.digits) if cell.digits else ""
    if cell.kind == "percent":
        return f"{prefix}0{decimals}%"
    return f"{prefix}#,##0{decimals}"


def _excel_value(cell: Cell) -> Any:
    v = cell.value
    if cell.kind == "percent" and isinstance(v, (int, float)):
        return float(v) / 100
    return v


def _column_letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def xlsx(doc: Document) -> bytes:
    """The document as a workbook: a first sheet with the title, the text and the notes,
    then one sheet per table, numbers as numbers with the reader's number format and a
    total row that sums its column."""
    import xlsxwriter

    lang = doc.lang
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties({"title": doc.title, "subject": doc.subtitle, "author": "parkloop"})
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 14})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format(
        {"bold": True, "bg_color": "#E8EEF2", "border": 1, "text_wrap": True, "valign": "bottom"}
    )
    formats: dict[tuple[str, bool], Any] = {}

    def fmt(cell: Cell, total: bool = False) -> Any:
        code = "@" if cell.kind == "text" else _cell_format(cell, lang)
        key = (code, total or cell.bold)
        if key not in formats:
            spec: dict[str, Any] = {"num_format": code, "valign": "top"}
            if cell.kind == "text":
                spec["text_wrap"] = True
            if key[1]:
                spec["bold"] = True
            formats[key] = book.add_format(spec)
        return formats[key]

    tables = doc.tables()
    names = sheet_names(tables)
    cover = book.add_worksheet(say(lang, "About")[:31])
    cover.set_column(0, 0, 110)
    row = 0
    cover.write(row, 0, doc.title, title)
    row += 1
    if doc.subtitle:
        cover.write(row, 0, doc.subtitle)
        row += 1
    if doc.letterhead:
        for line in (doc.letterhead.organisation, doc.letterhead.number, doc.letterhead.place_date):
            if line:
                cover.write(row, 0, line)
                row += 1
    row += 1
    for s in doc.sections:
        paragraphs = [b for b in s.blocks if isinstance(b, Paragraph)]
        if not paragraphs:
            continue
        cover.write(row, 0, f"{s.number}. {s.title}" if s.number else s.title, bold)
        row += 1
        for p in paragraphs:
            cover.write(row, 0, p.text, wrap)
            row += 1
    cover.write(row + 1, 0, say(lang, "Sheets"), bold)
    row += 2
    for name, t in zip(names, tables, strict=True):
        cover.write_url(row, 0, f"internal:'{name}'!A1", string=f"{name}: {t.title}")
        row += 1
    if annex(doc):
        row += 1
        cover.write(row, 0, say(lang, "Annex: where the figures come from"), bold)
        row += 1
        for n in annex(doc):
            cover.write(row, 0, f"{n.label}: {n.text}", wrap)
            row += 1

    for name, t in zip(names, tables, strict=True):
        _sheet(book, name, t, lang, head, title, wrap, fmt)
    book.close()
    return buffer.getvalue()


def _sheet(
    book: Any, name: str, t: Table, lang: str, head: Any, title: Any, wrap: Any, fmt: Any
) -> None:
    sheet = book.add_worksheet(name)
    sheet.write(0, 0, t.title, title)
    first = 2
    for j, c in enumerate(t.columns):
        sheet.write(first, j, c.label + (f" ({c.unit})" if c.unit else ""), head)
    widths = [max(10, min(60, len(c.label) + 2)) for c in t.columns]
    for i, r in enumerate(t.rows, start=first + 1):
        for j, cell in enumerate(r):
            value = _excel_value(cell)
            if value is None:
                sheet.write_blank(i, j, None, fmt(cell))
            elif cell.kind == "date" and isinstance(value, dt.date):
                sheet.write_datetime(i, j, dt.datetime.combine(value, dt.time()), fmt(cell))
            elif cell.numeric and isinstance(value, (int, float)):
                sheet.write_number(i, j, value, fmt(cell))
            else:
                sheet.write_string(i, j, str(value), fmt(cell))
            if cell.kind == "text":
                widths[j] = max(widths[j], min(60, len(str(value)) + 2))
            else:
                widths[j] = max(widths[j], 14)
    last = first + len(t.rows)
    if t.total is not None:
        i = last + 1
        for j, cell in enumerate(t.total):
            if cell.numeric and isinstance(cell.value, (int, float)) and t.rows:
                col = _column_letter(j)
                sheet.write_formula(
                    i,
                    j,
                    f"=SUM({col}{first + 2}:{col}{last + 1})",
                    fmt(cell, total=True),
                    _excel_value(cell),
                )
            elif cell.numeric and isinstance(cell.value, (int, float)):
                sheet.write_number(i, j, _excel_value(cell), fmt(cell, total=True))
            else:
                sheet.write(i, j, cell.text(lang) if cell.value else "", fmt(cell, total=True))
        last = i
    for j, w in enumerate(widths):
        sheet.set_column(j, j, w)
    sheet.freeze_panes(first + 1, 0)
    if t.rows:
        sheet.autofilter(first, 0, first + len(t.rows), len(t.columns) - 1)
    if t.note:
        sheet.write(last + 2, 0, t.note, wrap)


def render(doc: Document, fmt: str) -> bytes:
    """The document in ``fmt`` (pdf, html or xlsx) as the bytes of a file."""
    if fmt == "pdf":
        return pdf(doc)
    if fmt == "html":
        return html(doc).encode("utf-8")
    if fmt == "xlsx":
        return xlsx(doc)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}")
