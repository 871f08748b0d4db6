"""The fill-in workbook: sheets, headers, drop-downs and instructions, in both languages."""

from pathlib import Path

import openpyxl
import pytest

from parkloop.catalog import catalog
from parkloop.catalog.sheets import sheet_spec, sheet_specs
from parkloop.services.template import INSTRUCTIONS, LISTS, write_template


@pytest.fixture(scope="module", params=["vi", "en"])
def template(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, openpyxl.Workbook]:
    lang = request.param
    path = write_template(tmp_path_factory.mktemp("tpl") / f"template-{lang}.xlsx", lang)
    return lang, openpyxl.load_workbook(path)


def test_every_sheet_is_there_named_in_the_language(
    template: tuple[str, openpyxl.Workbook],
) -> None:
    lang, wb = template
    expected = [INSTRUCTIONS[lang], *(s.label(lang) for s in sheet_specs()), LISTS[lang]]
    assert wb.sheetnames == expected


def test_headers_are_the_column_labels(template: tuple[str, openpyxl.Workbook]) -> None:
    lang, wb = template
    for spec in sheet_specs():
        ws = wb[spec.label(lang)]
        headers = [c.value for c in ws[1]]
        assert headers == [col.label(lang) for col in spec.columns]
        assert ws.max_row == 1  # nothing but the header
        # Each header's note gives the other language and the column key.
        for cell, col in zip(ws[1], spec.columns, strict=True):
            assert f"[{col.key}]" in cell.comment.text


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, object]:
    """Column letter -> data validation."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord.split(":")[0].rstrip("0123456789")] = dv
    return found


def test_codes_and_units_have_drop_downs(template: tuple[str, openpyxl.Workbook]) -> None:
    lang, wb = template
    spec = sheet_spec("flows")
    ws = wb[spec.label(lang)]
    validations = _validations(ws)
    letters = {
        col.key: openpyxl.utils.get_column_letter(i + 1) for i, col in enumerate(spec.columns)
    }
    for key in (
        "park",
        "enterprise",
        "direction",
        "material",
        "unit",
        "frequency",
        "destination",
        "confidentiality",
    ):
        dv = validations[letters[key]]
        assert dv.type == "list", key
        assert dv.formula1.startswith(("'", "=")) or "!" in dv.formula1, key
    assert validations[letters["quantity"]].type == "decimal"
    # The material drop-down lists every catalog material on the Lists sheet.
    lists = wb[LISTS[lang]]
    materials = [c.value for c in lists["A"][1:] if c.value]
    assert materials == list(catalog().materials)
    assert LISTS[lang] in validations[letters["material"]].formula1
    # Enumerations are offered with labels in the workbook's language.
    direction = validations[letters["direction"]].formula1
    column = direction.split("!")[1].split(":")[0].replace("$", "").rstrip("0123456789")
    offered = [c.value for c in lists[column][1:] if c.value]
    assert offered == (["đầu vào", "đầu ra"] if lang == "vi" else ["input", "output"])


def test_the_instructions_sheet_explains_every_column(
    template: tuple[str, openpyxl.Workbook],
) -> None:
    lang, wb = template
    ws = wb[INSTRUCTIONS[lang]]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert ("dd/mm/yyyy" in text) and ("--dry-run" in text)
    assert ("Mẫu nhập liệu" in text) if lang == "vi" else ("fill-in workbook" in text)
    for spec in sheet_specs():
        assert spec.label(lang) in text
        for col in spec.columns:
            assert col.key in text


def test_a_workbook_needs_the_xlsx_suffix(tmp_path: Path) -> None:
    from parkloop.errors import UserError

    with pytest.raises(UserError):
        write_template(tmp_path / "template.xls", "en")
    with pytest.raises(UserError):
        write_template(tmp_path / "template.xlsx", "fr")
