"""What parkloop says when it refuses: every message is a template with named fields, said
in the reader's language (the template from the catalogs, numbers and dates through the
one formatter), and in English for logs and ``str(error)``."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from message_templates import SRC, message_templates, message_words

from parkloop.domain.enums import OrgKind
from parkloop.errors import Message, Name, NotAllowed, UserError, Word, msg, said_of
from parkloop.web.access import accepted_language
from parkloop.web.i18n import catalog, said_in

# The errors users see, and the ones the services define on top of them.
FAMILY = {"UserError", "NotAllowed", "NotFound", "SignInRefused", "UnreadableFile"}
FIELD = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def fields(template: str) -> set[str]:
    return set(FIELD.findall(template))


def test_every_message_raised_has_its_vietnamese_with_the_same_fields() -> None:
    vi = catalog("vi")
    found = {**message_templates(), **message_words()}
    assert len(message_templates()) > 200  # the scan finds the services' messages
    missing = sorted(
        f"{where}: {text!r}"
        for text, where in found.items()
        if text not in vi or not vi[text].string
    )
    assert missing == [], "add these to web/locale/vi/LC_MESSAGES/errors.po:\n" + "\n".join(missing)
    unfit = sorted(
        f"{text!r}: {vi[text].string!r}"
        for text in message_templates()
        if fields(text) != fields(str(vi[text].string))
    )
    assert unfit == [], "the Vietnamese must keep the fields of the English:\n" + "\n".join(unfit)


def _raises() -> list[tuple[str, ast.expr]]:
    """The message given to each raise of a user error under src/parkloop."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and getattr(node.exc.func, "id", getattr(node.exc.func, "attr", "")) in FAMILY
                and node.exc.args
            ):
                found.append((f"{path.relative_to(SRC.parent)}:{node.lineno}", node.exc.args[0]))
    return found


def test_no_user_error_is_raised_with_words_no_catalog_can_translate() -> None:
    """A literal or an f-string given to a user error could never be said in Vietnamese:
    write it as ``msg("template {field}", field=value)``."""
    literal = (ast.Constant, ast.JoinedStr, ast.BinOp)
    found = [where for where, arg in _raises() if isinstance(arg, literal)]
    assert len(_raises()) > 200
    assert found == []


def test_every_template_is_a_literal_the_scan_can_read() -> None:
    """``msg(variable)`` would hide its template from the catalog test (a ``Word`` of a
    variable takes one of the words ``web/words.py`` lists)."""
    hidden = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") == "msg"
                and not (
                    isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
                )
            ):
                hidden.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    assert hidden == []


def test_the_english_stays_what_logs_and_scripts_read() -> None:
    error = UserError(msg("the password is too short: use at least {least} characters", least=12))
    assert str(error) == error.message == "the password is too short: use at least 12 characters"
    assert said_in("en", error) == str(error)
    assert said_in("vi", error) == "mật khẩu quá ngắn: hãy dùng ít nhất 12 ký tự"


def test_numbers_are_written_as_the_reader_writes_them() -> None:
    said = msg("{source}: {count} problems found; nothing was written", source="x.xlsx", count=1234)
    assert str(said) == "x.xlsx: 1,234 problems found; nothing was written"
    assert said_in("vi", said) == "x.xlsx: có 1.234 lỗi; chưa có gì được ghi"
    half = msg("{name}: '{text}' is not a number", name=Word("distance"), text="2,5 km")
    assert said_in("vi", half) == "khoảng cách: '2,5 km' không phải là số"
    assert said_in("vi", msg("{n} cannot be negative", n=2.5)).startswith("2,5")
    assert said_in("vi", msg("on {d}", d=dt.date(2026, 1, 31))) == "on 31/01/2026"


def test_names_words_labels_and_nested_messages_are_said_in_the_readers_language() -> None:
    owner = Name("Công ty Nhiệt điện", "Thermal Power Co.")
    refusal = NotAllowed(
        msg(
            "{who} may not change {what} {row_id} (of {owner}); nothing was changed",
            who=Word("enterprise"),
            what=Word("flow"),
            row_id="17",
            owner=owner,
        )
    )
    assert str(refusal) == (
        "enterprise may not change flow 17 (of Thermal Power Co.); nothing was changed"
    )
    assert said_in("vi", refusal) == (
        "doanh nghiệp không được sửa dòng vật chất số 17 (của Công ty Nhiệt điện); "
        "chưa có gì bị thay đổi"
    )
    kind = msg("'{org_code}' is a {kind}, not an enterprise", org_code="x", kind=OrgKind.UTILITY)
    assert said_in("vi", kind) == "'x' là đơn vị tiện ích, không phải doanh nghiệp"
    where = msg("no parks in region '{region}'", region="north")
    nested = msg("{message}; {fix}", message=where, fix="load one")
    assert said_in("vi", nested) == "vùng 'north' không có khu công nghiệp nào; load one"


def test_details_are_said_too_and_a_plain_text_stays_as_written() -> None:
    error = UserError(msg("evidence refused"), details=[msg("the budget cannot be negative")])
    assert str(error) == "evidence refused\n  - the budget cannot be negative"
    assert said_in("vi", error) == ("minh chứng không được chấp nhận\n  - ngân sách không được âm")
    assert said_in("vi", UserError("{not a template}")) == "{not a template}"


def test_a_translation_whose_fields_do_not_fit_falls_back_to_english() -> None:
    said = msg("a {thing}", thing="x")
    assert said.render("vi", lambda _: "một {other}") == "a x"


def test_the_pure_layers_raise_messages_the_services_pass_on() -> None:
    from parkloop.optimize.model import Options

    with pytest.raises(ValueError) as caught:
        Options(budget_vnd=-1)
    said = said_of(caught.value)
    assert isinstance(said, Message) and str(caught.value) == "the budget cannot be negative"
    assert said_of(ValueError("plain")) == "plain"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        ("en-GB,en;q=0.9,vi;q=0.5", "en"),
        ("fr-FR, en;q=0.3, vi;q=0.7", "vi"),
        ("de, fr", None),
        ("", None),
        ("vi;q=0, en", "en"),
    ],
)
def test_the_accept_language_header_chooses_vietnamese_or_english(
    header: str, lang: str | None
) -> None:
    assert accepted_language(header) == lang


def test_the_scan_reads_the_source_tree() -> None:
    assert (SRC / "errors.py").is_file() and Path(__file__).parent.name == "unit"


# The importer's problems: a cell that cannot be read and a row that cannot be taken, and
# where their message and fix go among the arguments.
PROBLEM_MAKERS = {"CellError": 0, "MarkConflict": 0, "Problem": 4, "problem": 4}


def test_the_importers_problems_are_messages_the_scan_reads() -> None:
    """What the importer says of a cell or a row is a ``msg()`` (its Vietnamese checked by
    the scan above), never a literal or an f-string: no argument of a ``CellError``, a
    ``Problem`` or a checker's ``problem(...)`` in the services is words as text."""
    templates = message_templates()
    for where in ("services/cells.py", "services/problems.py", "services/importing/"):
        assert any(where in found for found in templates.values()), where
    literal = (ast.Constant, ast.JoinedStr, ast.BinOp)
    found = []
    for path in sorted((SRC / "services").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name not in PROBLEM_MAKERS:
                continue
            first = PROBLEM_MAKERS[name]
            said = [*node.args[first : first + 2]]
            said += [k.value for k in node.keywords if k.arg in ("message", "fix")]
            if any(isinstance(arg, literal) for arg in said):
                found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    assert found == []


def test_a_cell_problem_is_said_in_vietnamese_and_stays_english_for_logs() -> None:
    from parkloop.services.cells import CellError, parse_date, parse_number

    with pytest.raises(CellError) as caught:
        parse_number("abc", ",")
    error = caught.value
    assert str(error) == error.message == "not a number"
    assert error.fix == "type a number such as 1234,5"
    assert said_in("vi", error.said) == "không phải là số"
    assert said_in("vi", error.said_fix) == "hãy nhập số, ví dụ 1234,5"
    with pytest.raises(CellError) as swapped:
        parse_date("03/25/2024")
    assert said_in("vi", swapped.value.said_fix) == "hãy ghi 25/03/2024 (ngày trước, tháng sau)"


def test_a_problem_is_said_whole_in_the_readers_language_and_kept_for_later() -> None:
    from parkloop.errors import as_json, from_json
    from parkloop.services.problems import ImportProblems, Problem, said_row
    from parkloop.web.i18n import translations

    problems = [
        Problem(
            "Dòng vật chất",
            row,
            "Khối lượng",
            "mười",
            msg("not a number"),
            msg("type a number such as {example}", example="1234,5"),
        )
        for row in (4, 5, 6)
    ]
    error = ImportProblems("so-lieu.xlsx", problems)
    assert str(error.problems[0]) == (
        "sheet 'Dòng vật chất', rows 4-6 (3 rows), column 'Khối lượng', value 'mười': "
        "not a number; fix: type a number such as 1234,5"
    )
    assert said_in("vi", error) == (
        "so-lieu.xlsx: có 1 lỗi; chưa có gì được ghi\n"
        "  - trang tính 'Dòng vật chất', các dòng 4-6 (3 dòng), cột 'Khối lượng', "
        "giá trị 'mười': không phải là số; cách sửa: hãy nhập số, ví dụ 1234,5"
    )
    kept = error.problems[0].kept()
    assert kept["message"] == "not a number"  # the English, for logs and scripts
    vi = said_row(kept, "vi", translations("vi").gettext)
    assert (vi["message"], vi["fix"], vi["rows"]) == (
        "không phải là số",
        "hãy nhập số, ví dụ 1234,5",
        [4, 5, 6],
    )
    nested = msg(
        "{who} may not write this record (of park '{park}')",
        who=Word("enterprise"),
        park="kcn-l",
    )
    again = from_json(as_json(msg("{m}; {n}", m=nested, n=Name("Thép", "Steel"))))
    assert said_in("vi", again) == said_in("vi", msg("{m}; {n}", m=nested, n=Name("Thép", "Steel")))
    assert str(again) == "enterprise may not write this record (of park 'kcn-l'); Steel"
