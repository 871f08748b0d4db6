"""The fill-in workbook: one sheet per kind of record, drop-downs, and instructions.

The same writer produces the empty template and the Excel export, so an exported file
has the template's layout and imports back as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from parkloop import formats
from parkloop.catalog import catalog
from parkloop.catalog.fuels import fuels
from parkloop.catalog.places import current_provinces
from parkloop.catalog.sheets import ColumnSpec, SheetSpec, sheet_spec, sheet_specs
from parkloop.domain.enums import Destination, LabelledEnum
from parkloop.errors import UserError, msg
from parkloop.services.cells import bool_label

LANGS = ("vi", "en")
INSTRUCTIONS = {"vi": "Hướng dẫn", "en": "Instructions"}
LISTS = {"vi": "Danh mục", "en": "Lists"}
TEMPLATE_ROWS = 2000  # rows the drop-downs reach down to in an empty template
EXCEL_ROWS = 1_048_576
EXCEL_CELL_CHARS = 32_767
CONSTANT_MEMORY_ROWS = 250_000
COMMON_UNITS = (
    "t",
    "kg",
    "tấn",
    "tạ",
    "m3",
    "khối",
    "lít",
    "Nm3",
    "MWh",
    "kWh",
    "GJ",
    "TJ",
    "toe",
    "t hơi",
    "t/ngày",
    "t/tháng",
    "t/năm",
    "m3/ngày",
    "m3/tháng",
    "kWh/tháng",
    "MWh/năm",
    "Nm3/ngày",
    "t hơi/giờ",
)
TEXT_TYPES = frozenset(
    {
        "text",
        "code",
        "list",
        "period",
        "unit",
        "vsic",
        "waste_code",
        "org",
        "org_ref",
        "material",
        "region",
    }
)

STEPS = {
    "en": [
        "Fill in the sheets you need, one row per record; parkloop reads them in this order: "
        "{order}. A sheet you do not need can stay empty.",
        "Keep the first row of each sheet: it names the columns. Column names may be in "
        "Vietnamese or English, or the column key shown in the note on each header.",
        "Shaded column names are required. Selecting a cell shows what to type; drop-down "
        "lists offer the codes and units parkloop knows (sheet '{lists}'). Values typed in "
        "either language are accepted.",
        "Dates: dd/mm/yyyy. Periods: a year (2024), a quarter (2024-Q1) or a month (2024-03). "
        "Yes/no: yes or no (có or không). Lists: items separated by ';'.",
        "Quantities keep the unit you type (tấn, kg, m3, khối, MWh, kWh, m3/ngày...). Prices "
        "and costs are per unit you typed.",
        "Row keys may stay blank: parkloop makes them from the row, so importing the same file "
        "again updates the rows instead of adding them twice.",
        "Check the file first: parkloop import FILE.xlsx --dry-run. Every problem is listed "
        "with its sheet, row, column, value and the fix; nothing is written until none is left.",
    ],
    "vi": [
        "Điền các trang cần thiết, mỗi dòng một bản ghi; parkloop đọc theo thứ tự: {order}. "
        "Trang không cần có thể để trống.",
        "Giữ nguyên dòng đầu tiên của mỗi trang: đó là tên cột. Tên cột có thể bằng tiếng Việt, "
        "tiếng Anh hoặc mã cột ghi trong chú thích của tiêu đề.",
        "Cột có tiêu đề tô đậm là bắt buộc. Khi chọn một ô sẽ hiện hướng dẫn cần nhập gì; danh "
        "sách thả xuống gồm các mã và đơn vị parkloop hiểu (trang '{lists}'). Giá trị bằng "
        "tiếng Việt hay tiếng Anh đều được chấp nhận.",
        "Ngày: dd/mm/yyyy. Kỳ: năm (2024), quý (2024-Q1) hoặc tháng (2024-03). Có/không: có "
        "hoặc không (yes/no). Danh sách: các mục cách nhau bởi ';'.",
        "Khối lượng giữ nguyên đơn vị bạn nhập (tấn, kg, m3, khối, MWh, kWh, m3/ngày...). Đơn "
        "giá và chi phí tính theo đơn vị đã nhập.",
        "Có thể để trống cột mã dòng: parkloop tự tạo từ nội dung dòng, nên nhập lại cùng tệp "
        "sẽ cập nhật chứ không nhân đôi.",
        "Kiểm tra tệp trước: parkloop import TỆP.xlsx --dry-run. Mọi lỗi được liệt kê kèm "
        "trang, dòng, cột, giá trị và cách sửa; không có gì được ghi cho đến khi hết lỗi.",
    ],
}
TITLE = {"en": "parkloop fill-in workbook", "vi": "Mẫu nhập liệu parkloop"}
TABLE_HEAD = {
    "en": ("Sheet", "Column", "Column key", "Required", "What to type"),
    "vi": ("Trang", "Cột", "Mã cột", "Bắt buộc", "Cần nhập gì"),
}
TYPE_HELP = {
    "text": ("text", "chữ"),
    "code": ("a code without spaces", "mã, không có dấu cách"),
    "number": ("a number", "số"),
    "integer": ("a whole number", "số nguyên"),
    "bool": ("yes or no", "có hoặc không"),
    "date": ("a date, dd/mm/yyyy", "ngày, dd/mm/yyyy"),
    "period": ("2024, 2024-Q1 or 2024-03", "2024, 2024-Q1 hoặc 2024-03"),
    "list": ("items separated by ';'", "các mục cách nhau bởi ';'"),
    "region": ("a region (see Lists)", "vùng (xem Danh mục)"),
    "material": (
        "a material code or name (see Lists), or the material in your own words",
        "mã hoặc tên vật liệu (xem Danh mục), hoặc tên vật liệu theo cách anh/chị vẫn ghi",
    ),
    "unit": ("a unit (see Lists)", "đơn vị (xem Danh mục)"),
    "vsic": (
        "a VSIC 2018 code, or the activity in words (e.g. Dệt nhuộm vải)",
        "mã ngành VSIC 2018, hoặc ngành nghề bằng chữ (ví dụ Dệt nhuộm vải)",
    ),
    "material_code": (
        "a material code from the Lists sheet (filled on export)",
        "mã vật liệu trong trang Danh mục (điền khi xuất dữ liệu)",
    ),
    "province": (
        "a province or city, current or pre-2025 name (see Lists)",
        "tỉnh/thành phố, tên hiện nay hoặc tên trước 2025 (xem Danh mục)",
    ),
    "destination": (
        "where the output goes today, as a choice (see Lists) or in words",
        "đầu ra hiện đi đâu, chọn trong danh sách (xem Danh mục) hoặc ghi bằng chữ",
    ),
    "fuel": (
        "a fuel, as a choice (see Lists) or in words (than, dầu DO, khí tự nhiên...)",
        "nhiên liệu, chọn trong danh sách (xem Danh mục) hoặc ghi bằng chữ (than, dầu DO...)",
    ),
    "waste_code": ("a waste code, NN NN NN", "mã chất thải, NN NN NN"),
    "org": ("an enterprise or partner code", "mã doanh nghiệp hoặc đối tác"),
    "org_ref": ("a code, or park-code:code", "mã, hoặc mã-khu:mã"),
}
REQUIRED = {"en": ("yes", ""), "vi": ("có", "")}


def write_template(path: Path, lang: str) -> Path:
    """An empty workbook to fill in, in Vietnamese or English."""
    return write_workbook(path, lang, {})


def write_workbook(path: Path, lang: str, data: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write the template layout with ``data`` (sheet key -> rows of cells in column order).

    Cells are written as their Python type says: text as text (never as a formula),
    numbers as numbers, dates as date cells.
    """
    if lang not in LANGS:
        raise UserError(msg("language '{lang}': use vi or en", lang=lang))
    path = Path(path)
    check_output_file(path)
    if path.suffix.lower() != ".xlsx":
        raise UserError(msg("{name}: a workbook's name ends in .xlsx", name=path.name))
    _check_fits(data)
    # Shared strings make the file quick to read back; past a size, memory matters more.
    large = sum(len(rows) for rows in data.values()) > CONSTANT_MEMORY_ROWS
    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": large, "strings_to_formulas": False, "strings_to_urls": False},
    )
    writer = _Writer(workbook, lang)
    writer.instructions()
    for spec in sheet_specs():
        writer.sheet(spec, data.get(spec.key, ()))
    writer.lists()
    workbook.close()
    return path


def check_output_file(path: Path) -> None:
    """Refuse to write a file over a folder, or into a folder that does not exist: a
    mistyped path should not leave a new folder tree behind."""
    if path.is_dir():
        raise UserError(
            msg("{path} is a folder; give the name of the file to write in it", path=path)
        )
    check_output_folder(path)


def check_output_folder(path: Path) -> None:
    """Refuse an output whose folder does not exist (or is a file)."""
    folder = path.absolute().parent
    if not folder.exists():
        raise UserError(msg("folder {folder} does not exist; create it first", folder=folder))
    if not folder.is_dir():
        raise UserError(
            msg("{folder} is a file, not a folder; choose where to write again", folder=folder)
        )


def _check_fits(data: Mapping[str, Sequence[Sequence[Any]]]) -> None:
    """Refuse, before writing anything, what an Excel workbook cannot hold."""
    for key, rows in data.items():
        if len(rows) >= EXCEL_ROWS:
            raise UserError(
                msg(
                    "sheet {key} has {rows} rows, more than an Excel sheet holds; export as "
                    "csv or json instead",
                    key=key,
                    rows=len(rows),
                )
            )
        columns = sheet_spec(key).columns
        for r, cells in enumerate(rows, start=2):
            for c, value in enumerate(cells):
                if isinstance(value, str) and len(value) > EXCEL_CELL_CHARS:
                    raise UserError(
                        msg(
                            "sheet {key}, row {row}, column {column}: the text is {length} "
                            "characters, more than an Excel cell holds; export as csv or json "
                            "instead",
                            key=key,
                            row=str(r),
                            column=columns[c].key,
                            length=len(value),
                        )
                    )


class _Writer:
    def __init__(self, workbook: Workbook, lang: str) -> None:
        self.wb = workbook
        self.lang = lang
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.required = workbook.add_format(
            {"bold": True, "bg_color": "#F8CBAD", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = workbook.add_format({"num_format": "@"})
        self.date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.bold = workbook.add_format({"bold": True})
        self.list_columns: dict[str, tuple[int, int]] = {}
        self._lists = self._list_contents()
        self.sheet_names = {spec.key: spec.label(lang) for spec in sheet_specs()}

    # -- the Lists sheet (written last, but its ranges are known from the start) ----------
    def _list_contents(self) -> list[tuple[str, str, list[str]]]:
        """(list id, heading, values), one column each on the Lists sheet."""
        cat = catalog()
        lang = self.lang
        lists: list[tuple[str, str, list[str]]] = [
            ("material", "material", list(cat.materials)),
            (
                "material_name",
                "tên vật liệu" if lang == "vi" else "material name",
                [m.name_vi if lang == "vi" else m.name_en for m in cat.materials.values()],
            ),
            (
                "material_unit",
                "đơn vị chuẩn" if lang == "vi" else "canonical unit",
                [m.canonical_unit for m in cat.materials.values()],
            ),
            ("unit", "đơn vị" if lang == "vi" else "unit", list(COMMON_UNITS)),
            (
                "region",
                "vùng" if lang == "vi" else "region",
                [r.name_vi if lang == "vi" else r.name_en for r in cat.regions.values()],
            ),
            (
                "bool",
                "có/không" if lang == "vi" else "yes/no",
                [bool_label(True, lang), bool_label(False, lang)],
            ),
        ]
        lists.append(
            (
                "province",
                "tỉnh/thành phố" if lang == "vi" else "province",
                [p.name_vi for p in current_provinces().values()],
            )
        )
        lists.append(("destination", "Destination", [d.label(lang) for d in Destination]))
        lists.append(("fuel", "Fuel", [f.name(lang) for f in fuels(catalog()).values()]))
        seen: set[str] = set()
        for spec in sheet_specs():
            for col in spec.columns:
                enum = col.enum
                if enum is not None and enum.__name__ not in seen:
                    seen.add(enum.__name__)
                    lists.append((enum.__name__, enum.__name__, [m.label(lang) for m in enum]))
        for i, (name, _, values) in enumerate(lists):
            self.list_columns[name] = (i, len(values))
        return lists

    def _list_range(self, name: str) -> str:
        column, count = self.list_columns[name]
        letter = xlsxwriter.utility.xl_col_to_name(column)
        return f"='{LISTS[self.lang]}'!${letter}$2:${letter}${count + 1}"

    def lists(self) -> None:
        ws = self.wb.add_worksheet(LISTS[self.lang])
        for i, (_, _, values) in enumerate(self._lists):
            ws.set_column(
                i, i, max(14, min(40, max((len(v) for v in values), default=10) + 2)), self.text
            )
        ws.write_row(0, 0, [heading for _, heading, _ in self._lists], self.header)
        depth = max(len(values) for _, _, values in self._lists)
        for r in range(depth):
            for c, (_, _, values) in enumerate(self._lists):
                if r < len(values):
                    ws.write_string(r + 1, c, values[r])

    # -- instructions -----------------------------------------------------------------
    def instructions(self) -> None:
        lang = self.lang
        ws = self.wb.add_worksheet(INSTRUCTIONS[lang])
        ws.set_column(0, 0, 22, self.wrap)
        ws.set_column(1, 1, 30, self.wrap)
        ws.set_column(2, 2, 24, self.wrap)
        ws.set_column(3, 3, 10, self.wrap)
        ws.set_column(4, 4, 90, self.wrap)
        ws.write_string(0, 0, TITLE[lang], self.title)
        order = ", ".join(spec.label(lang) for spec in sheet_specs())
        row = 2
        for n, step in enumerate(STEPS[lang], start=1):
            ws.merge_range(
                row, 0, row, 4, f"{n}. " + step.format(order=order, lists=LISTS[lang]), self.wrap
            )
            ws.set_row(row, 45)
            row += 1
        row += 1
        ws.write_row(row, 0, TABLE_HEAD[lang], self.header)
        row += 1
        for spec in sheet_specs():
            ws.write_string(row, 0, spec.label(lang), self.bold)
            ws.write_string(row, 4, spec.help_vi if lang == "vi" else spec.help_en, self.bold)
            row += 1
            for col in spec.columns:
                ws.write_string(row, 1, col.label(lang))
                ws.write_string(row, 2, col.key)
                ws.write_string(row, 3, REQUIRED[lang][0] if col.required else "")
                ws.write_string(row, 4, self._what_to_type(col))
                row += 1

    def _what_to_type(self, col: ColumnSpec) -> str:
        lang = self.lang
        enum = col.enum
        if enum is not None:
            kind = ("một trong: " if lang == "vi" else "one of: ") + ", ".join(
                m.label(lang) for m in enum
            )
        else:
            en, vi = TYPE_HELP[col.type]
            kind = vi if lang == "vi" else en
        bounds = []
        if col.min is not None:
            bounds.append(f"≥ {formats.number(col.min, lang, 6, fixed=False)}")
        if col.max is not None:
            bounds.append(f"≤ {formats.number(col.max, lang, 6, fixed=False)}")
        text = kind + (f" ({', '.join(bounds)})" if bounds else "")
        help_text = col.help(lang)
        return f"{text}. {help_text}" if help_text else text

    # -- data sheets ------------------------------------------------------------------
    def sheet(self, spec: SheetSpec, rows: Sequence[Sequence[Any]]) -> None:
        lang = self.lang
        ws = self.wb.add_worksheet(self.sheet_names[spec.key])
        last = max(TEMPLATE_ROWS, len(rows) + 1000)
        for c, col in enumerate(spec.columns):
            width = max(12, min(40, len(col.label(lang)) + 2))
            fmt = self.text if col.type in TEXT_TYPES else self.date if col.type == "date" else None
            ws.set_column(c, c, width, fmt)
        ws.freeze_panes(1, 0)
        ws.set_row(0, 45)
        for c, col in enumerate(spec.columns):
            ws.write_string(0, c, col.label(lang), self.required if col.required else self.header)
            other = col.label("en" if lang == "vi" else "vi")
            note = f"{other}\n[{col.key}]\n{self._what_to_type(col)}"
            ws.write_comment(0, c, note, {"x_scale": 2.5, "y_scale": 2})
            ws.data_validation(1, c, last, c, self._validation(spec, col, last))
        for r, cells in enumerate(rows, start=1):
            for c, value in enumerate(cells):
                self._cell(ws, spec, r, c, value)

    def _cell(self, ws: Worksheet, spec: SheetSpec, r: int, c: int, value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool):
            ws.write_string(r, c, bool_label(value, self.lang))
        elif isinstance(value, (int, float)):
            ws.write_number(r, c, value)
        elif isinstance(value, datetime | date):
            ws.write_datetime(r, c, value, self.date)
        else:
            ws.write_string(r, c, str(value))

    def _code_range(self, sheet: str, last: int) -> str:
        """The code column of another sheet, as a drop-down source."""
        index = [c.key for c in sheet_spec(sheet).columns].index("code")
        letter = xlsxwriter.utility.xl_col_to_name(index)
        return f"='{self.sheet_names[sheet]}'!${letter}$2:${letter}${last}"

    def _validation(self, spec: SheetSpec, col: ColumnSpec, last: int) -> dict[str, Any]:
        lang = self.lang
        message = self._what_to_type(col)
        base: dict[str, Any] = {
            "input_title": col.label(lang)[:32],
            "input_message": message if len(message) <= 255 else message[:254] + "…",
            "error_type": "warning",
            "error_title": "parkloop",
            "error_message": (
                "Giá trị này không có trong danh sách. Vẫn giữ?"
                if lang == "vi"
                else "This value is not in the list. Keep it anyway?"
            ),
        }
        enum: type[LabelledEnum] | None = col.enum
        source = None
        if enum is not None:
            source = self._list_range(enum.__name__)
        elif col.type in ("material", "unit", "region", "bool", "province", "destination", "fuel"):
            source = self._list_range(col.type)
        elif col.type == "material_code":
            source = self._list_range("material")
        elif col.key == "park" or col.references == "parks":
            source = self._code_range("parks", last)
        elif col.type in ("org", "org_ref"):
            source = self._code_range("enterprises", last)
        if source is not None:
            return {**base, "validate": "list", "source": source}
        if col.type in ("number", "integer"):
            kind = "decimal" if col.type == "number" else "integer"
            widest = 1e300 if col.type == "number" else 2**31 - 1
            low = -widest if col.min is None else col.min
            high = widest if col.max is None else col.max
            return {
                **base,
                "validate": kind,
                "criteria": "between",
                "minimum": low,
                "maximum": high,
                "error_message": (
                    "Cần nhập một số trong khoảng cho phép."
                    if lang == "vi"
                    else "A number in the allowed range is expected here."
                ),
            }
        return {**base, "validate": "any"}
