"""Codes people can type: one normal form, and a code found from a code, a name or a prefix."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from parkloop.domain.codes import Lookup, Named, code_from_name, normalise_code, short_name


def test_a_code_typed_with_capitals_accents_and_spaces_has_one_form() -> None:
    assert normalise_code("Quế Võ 4") == "que-vo-4"
    assert normalise_code("  KCN  Đình Vũ  ") == "kcn-dinh-vu"
    assert normalise_code("New-A") == normalise_code("new-a") == "new-a"
    assert normalise_code("HD-LKĐ") == "hd-lkd"
    assert normalise_code("---") == ""


def test_a_code_made_from_a_firm_name_leaves_out_the_legal_form() -> None:
    assert code_from_name("Công ty TNHH Thép Việt Nhật") == "thep-viet-nhat"
    assert code_from_name("CÔNG TY CỔ PHẦN GIẤY VIỆT HƯNG") == "giay-viet-hung"
    assert code_from_name("Cty TNHH MTV Môi trường Xanh") == "moi-truong-xanh"
    assert code_from_name("Công ty TNHH") == "cong-ty-tnhh"  # nothing else to go by
    assert short_name("Nhà máy nhiệt điện Sông Cầu") == "nhiet dien song cau"


@given(st.text(max_size=40))
def test_normal_codes_are_lowercase_ascii_words_joined_by_hyphens(text: str) -> None:
    code = normalise_code(text)
    assert code == normalise_code(code)
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in code)
    assert code == code.lower() and not code.startswith("-") and not code.endswith("-")
    assert "--" not in code and len(code) <= 64


PARKS = Lookup.of(
    [
        Named("nam-cau-kien", ("Khu công nghiệp Nam Cầu Kiền", "Nam Cau Kien Industrial Park")),
        Named("que-vo-4", ("KCN Quế Võ 4",)),
        Named("que-vo-2", ("KCN Quế Võ 2",)),
        Named("E094897", ()),
    ]
)


def test_a_park_is_found_by_code_name_or_unique_prefix() -> None:
    assert PARKS.find("nam-cau-kien") == "nam-cau-kien"
    assert PARKS.find("Nam Cầu Kiền") == "nam-cau-kien"
    assert PARKS.find("KCN Nam Cầu Kiền") == "nam-cau-kien"
    assert PARKS.find("Quế Võ 4") == "que-vo-4"
    assert PARKS.find("nam-c") == "nam-cau-kien"
    assert PARKS.find("E094897") == "E094897"  # a stored code keeps its own spelling
    assert PARKS.find("e094897") == "E094897"


def test_an_ambiguous_prefix_or_unknown_park_finds_nothing_but_names_the_nearest() -> None:
    assert PARKS.find("que-vo") is None
    assert PARKS.find("Đình Vũ") is None
    assert PARKS.nearest("Que Vo 3")[:2] == ["que-vo-2", "que-vo-4"] or set(
        PARKS.nearest("Que Vo 3")[:2]
    ) == {"que-vo-2", "que-vo-4"}


FIRMS = Lookup.of(
    [
        Named("che-bien-go-truong-thanh", ("Công ty TNHH Chế biến gỗ Trường Thành",)),
        Named("giay-quang-vinh", ("Công ty CP Giày Quang Vinh",)),
        Named("thep-song-cau", ("Công ty TNHH Thép Sông Cầu",)),
        Named("nhiet-dien-song-cau", ("Nhà máy nhiệt điện sinh khối Sông Cầu",)),
        Named("ha-tang", ("Công ty Hạ tầng KCN Lai Khê",)),
    ]
)


def test_a_firm_is_found_by_a_shortened_or_slightly_different_name() -> None:
    assert FIRMS.find("Gỗ Trường Thành", prefix=False) == "che-bien-go-truong-thanh"
    assert FIRMS.find("Giày da Quang Vinh", prefix=False) == "giay-quang-vinh"
    assert FIRMS.find("Thép Sông Cầu", prefix=False) == "thep-song-cau"
    assert FIRMS.find("Hạ tầng KCN Lai Khê (trạm XLNT)", prefix=False) == "ha-tang"


def test_words_shared_by_several_firms_name_none_of_them() -> None:
    assert FIRMS.find("Sông Cầu", prefix=False) is None


def test_a_firm_typed_with_the_abbreviations_of_firm_names_is_found() -> None:
    firms = [
        Named("vat-lieu-xay-dung-hoa-cam", ("Công ty CP Vật liệu xây dựng Hòa Cầm",)),
        Named("thuc-an-chan-nuoi-quang-da", ("Công ty TNHH Thức ăn chăn nuôi Quảng Đà",)),
        Named("nang-luong-hoa-cam", ("Công ty CP Năng lượng Hòa Cầm",)),
    ]
    spelled = {"vlxd": "vat lieu xay dung", "tacn": "thuc an chan nuoi"}
    lookup = Lookup.of(firms, spelled)
    assert lookup.find("VLXD Hòa Cầm", prefix=False) == "vat-lieu-xay-dung-hoa-cam"
    assert lookup.find("TĂCN Quảng Đà", prefix=False) == "thuc-an-chan-nuoi-quang-da"
    # Without the list, the initials of the firm's own words still name it.
    assert Lookup.of(firms).find("VLXD Hòa Cầm", prefix=False) == "vat-lieu-xay-dung-hoa-cam"


def test_a_firm_typed_with_the_initials_of_its_own_words_is_found_when_only_one_fits() -> None:
    firms = Lookup.of(
        [
            Named("nlsh-nghi-hai", ("Công ty TNHH Nhiên liệu sinh học Nghi Hải",)),
            Named("nang-luong-nghi-hai", ("Công ty CP Năng lượng Nghi Hải",)),
            Named("nhiet-luyen-nghi-son", ("Công ty TNHH Nhiệt luyện Nghi Sơn",)),
            Named("nhua-long-nghi-son", ("Công ty TNHH Nhựa Long Nghi Sơn",)),
        ]
    )
    assert firms.find("NLSH Nghi Hải", prefix=False) == "nlsh-nghi-hai"
    assert firms.find("NL Nghi Hải", prefix=False) == "nang-luong-nghi-hai"
    assert firms.find("NL Nghi Sơn", prefix=False) is None  # two firms fit
    assert firms.find("NLSH", prefix=False) is None  # initials alone name no firm
    assert firms.find("NLSH Nghi Sơn", prefix=False) is None  # the words must be its own


def test_a_firm_typed_by_its_trade_and_its_own_name_words_is_found_when_only_one_fits() -> None:
    firms = Lookup.of(
        [
            Named("cao-su-ea-ho", ("Công ty TNHH MTV Cao su Ea Hồ",), "Chế biến mủ cao su SVR"),
            Named("ca-phe-ea-tu", ("Công ty TNHH Cà phê Ea Tu",), "Sơ chế, chế biến cà phê"),
            Named("thuc-pham-tan-lap", ("Công ty TNHH Thực phẩm Tân Lập",), "Giết mổ gia súc"),
            Named(
                "dinh-duong-hoa-thuan",
                ("Công ty CP Dinh dưỡng chăn nuôi Hòa Thuận",),
                "SX thức ăn chăn nuôi",
            ),
            Named("xlnt-hoa-phu", ("Nhà máy XLNT tập trung KCN Hòa Phú",), "XLNT tập trung"),
            Named("nuoc-hoa-phu", ("Công ty CP Cấp nước Hòa Phú",), "Cung cấp nước sạch"),
            Named("chan-nuoi-yen-dung", ("Công ty CP Chăn nuôi Yên Dũng",), "Chăn nuôi lợn thịt"),
            Named("bia-yen-phong", ("Công ty TNHH Bia và Nước giải khát Yên Phong",), "SX bia"),
        ],
        {"tacn": "thuc an chan nuoi"},
    )
    assert firms.find("Trại lợn Yên Dũng", prefix=False) == "chan-nuoi-yen-dung"
    assert firms.find("Bia & NGK Yên Phong", prefix=False) == "bia-yen-phong"
    assert firms.find("NM chế biến mủ Ea Hồ", prefix=False) == "cao-su-ea-ho"
    assert firms.find("Lò mổ Tân Lập", prefix=False) == "thuc-pham-tan-lap"
    assert firms.find("TACN Hòa Thuận", prefix=False) == "dinh-duong-hoa-thuan"
    assert firms.find("Trạm XLNT tập trung", prefix=False) == "xlnt-hoa-phu"
    # The trade alone, or the name words of one firm with the trade of another, name none.
    assert firms.find("Chế biến mủ", prefix=False) is None
    assert firms.find("Chế biến cà phê Ea Hồ", prefix=False) is None
    assert firms.find("Giết mổ Hòa Phú", prefix=False) is None
