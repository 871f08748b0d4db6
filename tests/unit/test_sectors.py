"""Sectors as park staff write them, turned into VSIC 2018 codes."""

import csv
import re
from collections import defaultdict
from importlib import resources

import pytest

from parkloop.catalog import catalog, fold
from parkloop.catalog.loader import STATUSES
from parkloop.catalog.sectors import SectorMatch, normalise, recognise_sector, vsic_name

DATA = resources.files("parkloop.catalog") / "data"

# (as typed, expected code): with and without diacritics, abbreviations, typos, swapped word
# order, company-name noise and English.
CASES = [
    ("Dệt nhuộm vải", "1313"),
    ("Sản xuất thuốc viên nang, thuốc tiêm truyền", "2100"),
    ("Thu gom, xử lý chất thải rắn và chất thải nguy hại", "3822"),
    ("Sản xuất bao dệt PP, bao jumbo", "2220"),
    ("Nhà máy cồn thực phẩm", "1101"),
    ("Sản xuất bia", "1103"),
    ("SX bao bì nhựa", "2220"),
    ("Luyện thép", "2410"),
    ("Chế biến thủy sản", "1020"),
    ("Cơ khí chế tạo", "25"),
    ("nhiệt điện than", "3511"),
    ("xi măng", "2394"),
    ("giày da", "1520"),
    ("Công ty TNHH Dệt nhuộm ABC", "1313"),
    ("det nhuom vai", "1313"),
    ("vải dệt nhuộm", "1313"),
    ("Det nhuon vai", "1313"),
    ("CB thuy san dong lanh", "1020"),
    ("thủy sản chế biến", "1020"),
    ("Nhà máy bia Sài Gòn - Củ Chi", "1103"),
    ("XLNT tập trung KCN", "3700"),
    ("Xu ly nuoc thai tap trung", "3700"),
    ("Thu gom, xử lý chất thải nguy hại", "3822"),
    ("Lò đốt chất thải nguy hại", "3822"),
    ("Thu gom rác", "3811"),
    ("Xử lý rác thải sinh hoạt", "3821"),
    ("Tái chế phế liệu nhựa", "3830"),
    ("Hạt nhựa tái chế", "3830"),
    ("Thu mua phế liệu sắt thép", "4669"),
    ("Kinh doanh phế liệu", "4669"),
    ("Sản xuất gạch không nung", "2395"),
    ("Bê tông thương phẩm", "2395"),
    ("Gạch ốp lát ceramic", "2392"),
    ("Công ty cổ phần Xi măng Hà Tiên", "2394"),
    ("Xi mamg", "2394"),
    ("Đúc gang", "2431"),
    ("Cán thép xây dựng", "2410"),
    ("Thep xay dung", "2410"),
    ("thép cán", "2410"),
    ("Luyen tep", "2410"),
    ("mạ kẽm nhúng nóng", "2592"),
    ("gia cong co khi chinh xac", "2592"),
    ("Nhôm định hình", "2420"),
    ("Sản xuất linh kiện điện tử", "2610"),
    ("Bảng mạch in (PCB)", "2610"),
    ("Sản xuất pin mặt trời", "2610"),
    ("Ắc quy", "2720"),
    ("Lắp ráp ô tô", "2910"),
    ("Săm lốp ô tô", "2211"),
    ("Đóng tàu", "3011"),
    ("May mặc xuất khẩu", "1410"),
    ("Cong ty TNHH May mac Hoa Tho", "1410"),
    ("Sợi polyester", "1311"),
    ("Thuộc da", "1511"),
    ("Giầy dép", "1520"),
    ("Sản xuất, gia công giày thể thao", "1520"),
    ("Chế biến gỗ xuất khẩu", "16"),
    ("Sản xuất đồ gỗ nội thất", "3100"),
    ("Sx thùng carton", "1702"),
    ("In ấn bao bì", "1811"),
    ("Hóa chất", "20"),
    ("Phân bón NPK", "2012"),
    ("Sản xuất sơn nước", "2022"),
    ("Dược phẩm", "2100"),
    ("Kính xây dựng", "2310"),
    ("Điện mặt trời áp mái", "3511"),
    ("Nhiet dien khi", "3511"),
    ("Sản xuất điện", "3511"),  # found only at division level: 'điện' alone is kept at 35
    ("Điện lực", "3512"),
    ("Biogas", "3520"),
    ("Cung cấp hơi nước cho KCN", "3530"),
    ("Nhà máy nước sạch", "3600"),
    ("Giết mổ gia súc", "1010"),
    ("Chế biến hạt điều xuất khẩu", "1030"),
    ("Tinh bột sắn", "1062"),
    ("Đường mía", "1072"),
    ("Sữa", "1050"),
    ("Mì ăn liền", "1074"),
    ("Thức ăn chăn nuôi", "1080"),
    ("TĂCN", "1080"),
    ("Nước giải khát có ga", "1104"),
    ("Trại heo", "0145"),
    ("Nuôi cá tra", "0322"),
    ("Trồng cao su", "0125"),
    ("Steel mill", "2410"),
    ("Textile dyeing and finishing", "1313"),
    ("Wastewater treatment plant", "3700"),
    ("Animal feed mill", "1080"),
    ("Rice milling", "1061"),
    ("Tái chế chai PET thành hạt rPET cấp thực phẩm", "3830"),  # food grade, not food
    ("SX than hoạt tính từ gáo dừa", "2029"),
]


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_staff_sectors_are_recognised() -> None:
    assert len(CASES) >= 40
    found = {}
    for text, _ in CASES:
        match = recognise_sector(text)
        found[text] = match.code if match else "none"
    wrong_division = [(t, c, found[t]) for t, c in CASES if found[t][:2] != c[:2]]
    assert not wrong_division
    wrong = [(t, c, found[t]) for t, c in CASES if found[t] != c]
    accuracy = 1 - len(wrong) / len(CASES)
    assert accuracy >= 0.9, wrong


def test_a_match_names_its_code_and_its_evidence() -> None:
    match = recognise_sector("Công ty TNHH Dệt nhuộm ABC")
    assert isinstance(match, SectorMatch)
    assert match.code == "1313"
    assert match.name_vi == vsic_name("1313", "vi") == "Hoàn thiện sản phẩm dệt"
    assert match.name_en == vsic_name("1313", "en")
    assert "dệt nhuộm" in match.basis
    assert match.typed == "Công ty TNHH Dệt nhuộm ABC"
    assert 0.0 < match.confidence <= 1.0
    assert recognise_sector("Sản xuất bia").confidence == 1.0  # type: ignore[union-attr]
    typo = recognise_sector("Luyen tep")
    assert typo is not None and typo.confidence < 0.9 and "correction" in typo.basis


def test_two_sectors_of_equal_weight_lower_the_confidence() -> None:
    match = recognise_sector("thép Thái Sơn")
    assert match is not None and match.code == "2410"
    assert match.confidence < 0.9 and "2022" in match.suggestions


def test_fuzzy_matches_offer_other_codes() -> None:
    match = recognise_sector("Xi mamg")
    assert match is not None and "fuzzy" in match.basis and match.confidence < 0.9
    assert all(isinstance(code, str) for code in match.suggestions)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("2410", "2410"), ("24.10", "2410"), ("24 10", "2410"), ("24", "24"), ("24100", "24100"),
     ("3830 - Tái chế phế liệu", "3830"), ("Mã ngành: 1313", "1313")],
)  # fmt: skip
def test_typed_codes_are_taken_as_they_are(typed: str, code: str) -> None:
    match = recognise_sector(typed)
    assert match is not None and match.code == code and match.confidence == 1.0
    assert match.name_vi == vsic_name(code[:4] if len(code) > 2 else code, "vi")


@pytest.mark.parametrize(
    "typed", ["00", "4", "123456", "", "   ", "???", "asdfgh qwerty", "Công ty TNHH"]
)
def test_empty_garbage_and_unknown_codes_give_nothing(typed: str) -> None:
    assert recognise_sector(typed) is None


def test_answers_are_cached_per_text() -> None:
    assert recognise_sector("Luyện thép") is recognise_sector("Luyện thép")


def test_noise_words_are_dropped_unless_nothing_is_left() -> None:
    assert normalise("Công ty TNHH SX Thép Việt Nam") == ("thep",)
    assert normalise("Công ty TNHH") == ("cong", "ty", "tnhh")
    assert normalise("CB thủy sản") == ("che", "bien", "thuy", "san")


def test_vsic_names() -> None:
    assert vsic_name("2410", "vi") == "Sản xuất sắt, thép, gang"
    assert vsic_name("24", "en") == catalog().vsic["24"].name_en
    with pytest.raises(KeyError):
        vsic_name("2499", "vi")
    with pytest.raises(ValueError):
        vsic_name("2410", "fr")


def test_classes_are_well_formed_and_cover_the_park_divisions() -> None:
    divisions = {c for c, e in catalog().vsic.items() if e.level == 2}
    rows = _rows("vsic2018_classes.csv")
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    for r in rows:
        assert re.fullmatch(r"\d{4}", r["code"]) and r["division"] == r["code"][:2]
        assert r["division"] in divisions
        assert r["name_vi"] and r["name_en"] and r["name_en_source"] and r["source"]
        assert r["status"] in STATUSES
    needed = {f"{d:02d}" for d in [1, 2, 3, *range(10, 34), *range(35, 40), 46]} - {"34"}
    assert needed <= {r["division"] for r in rows}
    assert {"4669", "3830", "2410", "1313"} <= set(codes)


def test_every_lexicon_code_exists() -> None:
    known = {c for c, e in catalog().vsic.items() if e.level == 2}
    known |= {r["code"] for r in _rows("vsic2018_classes.csv")}
    rows = _rows("sector_lexicon.csv")
    assert len(rows) >= 300
    assert {r["lang"] for r in rows} == {"vi", "en"}
    assert not [r["term"] for r in rows if r["vsic"] not in known]
    assert all(r["status"] in STATUSES and r["source"] for r in rows)


def test_no_folded_term_maps_to_two_codes() -> None:
    by_fold: dict[str, set[str]] = defaultdict(set)
    by_words: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for r in _rows("sector_lexicon.csv"):
        by_fold[fold(r["term"])].add(r["vsic"])
        by_words[normalise(r["term"])].add(r["vsic"])
    assert not {t: c for t, c in by_fold.items() if len(c) > 1}
    assert not {t: c for t, c in by_words.items() if len(c) > 1}


def test_sources_cite_documents_not_search_index_ids() -> None:
    index_id = re.compile(r"(?i)\bid\s*\d{10,}")
    for name in ("vsic2018_classes.csv", "sector_lexicon.csv"):
        for r in _rows(name):
            assert not index_id.search(r["source"]), (name, r)
            assert not index_id.search(r.get("name_en_source", ""))


def test_two_classes_of_one_group_read_as_the_first_named() -> None:
    # An integrated paper mill: paper (1701) and cartons (1702), not a doubt between them.
    found = recognise_sector("SX giấy kraft, thùng carton")
    assert found is not None and found.code == "1701" and found.confidence >= 0.8
    doubtful = recognise_sector("Đúc gang, thép và nhôm")  # iron (2431) and aluminium (2420)
    assert doubtful is not None and doubtful.confidence < 0.8


def test_a_term_inside_a_longer_one_and_words_after_a_negation_are_no_rivals() -> None:
    board = recognise_sector("SX giấy bìa tái chế, thùng carton; in và thổi túi PE")
    assert board is not None and "1103" not in board.suggestions  # 'bìa' is no 'bia', beer
    dealer = recognise_sector("Thu gom, mua bán phế liệu kim loại (không có giấy phép CTNH)")
    assert dealer is not None and (dealer.code, dealer.confidence) == ("4669", 0.9)
    blocks = recognise_sector("SX gạch không nung, bê tông thương phẩm")
    assert blocks is not None and blocks.code == "2395"  # a negation inside a term
