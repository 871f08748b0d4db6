"""Reading materials and destinations from the words staff write (no database)."""

from __future__ import annotations

import pytest

from parkloop.catalog.destinations import recognise_destination
from parkloop.catalog.recognise import UNCLASSIFIED, hazard_mark, recognise_material
from parkloop.catalog.words import detone, split


@pytest.mark.parametrize(
    ("text", "direction", "division", "code"),
    [
        ("steel-slag", None, None, "steel-slag"),  # the code itself
        ("Xỉ thép", "out", None, "steel-slag"),  # a name
        ("xi thep", "out", None, "steel-slag"),  # without accents
        ("Tro bay từ lò hơi", "out", "35", "fly-ash"),  # a qualifier set aside
        ("Nước thải sau xử lý đạt cột A", "out", None, "treated-wastewater"),
        ("Nước thải sau XL đạt cột A QCVN 40:2011/BTNMT", "out", None, "treated-wastewater"),
        ("Thép phế liệu", "out", None, "steel-scrap"),  # word order swapped
        ("Dầu nhớt đã qua sử dụng", "out", None, "used-oil"),
        ("Vải vụn, biên vải", "out", None, "textile-scrap"),
        ("Dầu ăn thải", "out", None, "used-cooking-oil"),
        ("bã bia", "out", None, "brewers-spent-grain"),
        ("Thạch cau FGD", "out", None, "fgd-gypsum"),  # a typo
        ("Trấu", "in", None, "rice-husk"),  # a child material, not its parent (biomass)
        ("Mùn cưa, dăm bào", "out", None, "sawdust"),
    ],
)
def test_materials_as_staff_write_them(
    text: str, direction: str | None, division: str | None, code: str
) -> None:
    found = recognise_material(text, direction, division)
    assert found.code == code, found
    assert found.confidence >= 0.8
    assert found.basis


def test_a_bare_word_is_read_by_the_direction_and_the_sector() -> None:
    assert recognise_material("xỉ", "out", "24").code == "steel-slag"
    assert recognise_material("xỉ", "out", "35").code == "bottom-ash"
    assert recognise_material("Bùn thải", "out", "37").code == "sewage-sludge"
    assert recognise_material("Bùn thải", "out", "13").code == "industrial-sludge"
    assert recognise_material("Nhựa", "in", None).code == "virgin-plastic-resin"
    assert recognise_material("Nhựa", "out", None).code == "plastic-scrap"
    # With no sector that tells it apart, 'xỉ' is not guessed.
    undecided = recognise_material("xỉ", "out", None)
    assert undecided.code == UNCLASSIFIED and set(undecided.suggestions) >= {
        "steel-slag",
        "bottom-ash",
    }


def test_accents_tell_apart_words_that_fold_alike() -> None:
    # 'phoi' (turnings) is not 'phôi' (billet); 'Đầu' (heads) is not 'dầu' (oil).
    assert recognise_material("Bavia nhôm, phoi nhôm", "out", "25").code != "steel-billet"
    assert recognise_material("Đầu, xương, da, mỡ cá tra", "out", "10").code != "used-oil"
    # A wrong tone mark is a typo, not another word.
    assert detone("giẽ") == detone("giẻ")
    assert detone("phôi") != detone("phoi") and detone("giày") != detone("giấy")


def test_the_head_words_decide_over_where_a_thing_came_from() -> None:
    assert recognise_material("Tạp chất nhựa từ bột giấy", "out", None).code == "plastic-scrap"
    assert recognise_material("Bùn thải từ hệ thống XLNT", "out", "13").code == "sewage-sludge"
    origin_only = recognise_material("Tạp chất (nilon, ghim) tách từ giấy phế liệu", "out", None)
    assert origin_only.code == UNCLASSIFIED and "paper-scrap" in origin_only.suggestions


def test_words_of_different_items_of_a_list_do_not_make_one_term() -> None:
    # 'tràng thạch, cao lanh' is feldspar and kaolin, not 'thạch cao' (gypsum): the clay
    # listed first is what is bought.
    assert recognise_material("ĐẤT SÉT, TRÀNG THẠCH, CAO LANH", "in", "23").code == "clay"
    assert recognise_material("TRÀNG THẠCH, CAO LANH", "in", "23").code == UNCLASSIFIED


def test_hazard_marks_and_hazardous_packaging() -> None:
    found = recognise_material("Bao bì nhựa dính dầu", "out", None)
    assert found.code == "hazardous-waste" and found.method in ("hazard", "pattern")
    assert recognise_material("Thùng sơn, thùng keo thải", "out", None).code == "hazardous-waste"
    assert recognise_material("Giẻ lau dính dầu, keo", "out", None).code == "oily-rags"


def test_a_fuzzy_match_never_swaps_a_whole_word() -> None:
    # 'rác thải sinh hoạt' (household refuse) is one word away from 'nước thải sinh hoạt'.
    assert recognise_material("Rác thải sinh hoạt", "out", "37").code != "industrial-wastewater"


def test_what_cannot_be_read_is_left_for_a_person_with_suggestions() -> None:
    for text in ("Vải mộc", "Malt đại mạch", "Hàng xyz 123", ""):
        found = recognise_material(text, "in", None)
        assert found.code == UNCLASSIFIED, text
    assert recognise_material("Vải mộc", "in", None).suggestions


def test_words_keep_abbreviations_spelled_out() -> None:
    words = split("Bùn XLNT, CTNH")
    assert words.folded == ("bun", "xu", "ly", "nuoc", "thai", "chat", "thai", "nguy", "hai")
    assert words.has_accents


@pytest.mark.parametrize(
    ("phrase", "destination"),
    [
        ("chôn lấp", "landfill"),
        ("landfill", "landfill"),
        ("Bán phế liệu", "sold"),
        ("bán rẻ cho dân", "sold_low"),
        ("Cho nông dân làm phân bón", "sold_low"),
        ("sold cheaply", "sold_low"),
        ("Thuê đơn vị có chức năng thu gom, vận chuyển, xử lý", "licensed_collector"),
        ("Hợp đồng với Công ty TNHH MTV Môi trường Đô thị", "licensed_collector"),
        ("Bán cho đơn vị thu gom", "sold"),
        ("Chôn lấp tại bãi rác Tràng Cát", "landfill"),
        ("Đốt trong lò đốt CTNH", "incineration"),
        ("Xả vào hệ thống thu gom nước thải tập trung của KCN", "discharged"),
        ("Lưu giữ tại kho", "stored"),
        ("Tái sử dụng làm nhiên liệu lò hơi", "reused_internally"),
        ("chưa xác định", "unknown"),
    ],
)
def test_destination_phrases(phrase: str, destination: str) -> None:
    assert recognise_destination(phrase).code == destination


def test_a_destination_typed_as_a_value_or_label_is_read_as_that() -> None:
    assert recognise_destination("chôn lấp").method == "code"
    assert recognise_destination("bán giá thấp").method == "code"
    assert recognise_destination("qwerty").code == "unknown"


@pytest.mark.parametrize(
    ("text", "direction", "code"),
    [
        ("Tro lò hơi đốt than", "out", "fly-ash"),  # ash from a boiler, never steam
        ("Phân gà", "out", "animal-manure"),
        ("Vỏ điều", "out", "cashew-shell"),
        ("Bùn mía", "out", "filter-mud"),
        ("Bánh kẹo lỗi", "out", "organic-waste"),  # food rejects
        ("Hạt nhựa PP", "in", "virgin-plastic-resin"),  # pellets bought: virgin resin
        ("Hạt nhựa tái sinh", "in", "plastic-pellets"),  # unless said recycled
        ("Hạt nhựa", "out", "plastic-pellets"),
        ("Bao bì PE rách", "out", "plastic-scrap"),  # packaging: the polymer decides
        ("Gáo dừa", "out", "coconut-shell"),
        ("Vo dua, xo dua, mun dua", "out", "coconut-husk"),  # typed without accents
        ("Nước dừa (thu từ khâu bổ dừa)", "out", "coconut-water"),  # not waste water
        ("Bã dừa sau ép nước cốt", "out", "organic-waste"),
        ("Khô dầu đậu nành", "in", "animal-feed"),  # oilseed meal, not oil
        ("Mỡ bụng cá tra", "out", "fish-residues"),
        ("Phôi PET lỗi, chai lỗi", "out", "pet-scrap"),  # rejected preforms: PET scrap
        ("Tro kẽm, xỉ kẽm", "out", "hazardous-waste"),  # galvanising ash and dross
        ("Nước thải sau xử lý sơ bộ", "out", "industrial-wastewater"),  # pre-treated only
        ("Hạt rPET food grade", "in", "plastic-pellets"),
    ],
)
def test_farm_and_food_residues_ash_and_resins(text: str, direction: str, code: str) -> None:
    found = recognise_material(text, direction)
    assert found.code == code, found
    assert found.confidence >= 0.8


def test_make_up_water_is_water_bought_not_a_waste() -> None:
    taken = recognise_material("Nước làm mát cấp bổ sung", "in")
    assert (taken.code, taken.method) == ("process-water", "make-up")
    assert "cooling-water" in taken.suggestions and "bo sung" in taken.words
    assert recognise_material("Nước làm mát ấm", "out").code == "cooling-water"


def test_cooling_water_a_firm_takes_in_is_the_water_it_draws() -> None:
    # A power plant's 'Nước làm mát (nước thô)' is raw water drawn to cool, which treated
    # effluent may replace; the warm water it lets out stays cooling water.
    for text in ("Nước làm mát (nước thô)", "Nước làm mát"):
        taken = recognise_material(text, "in")
        assert (taken.code, taken.method) == ("process-water", "make-up"), taken
        assert "cooling-water" in taken.suggestions
        assert recognise_material(text, "out").code == "cooling-water"
    assert recognise_material("Nước làm mát", None).code == "cooling-water"


def test_an_abbreviation_in_a_text_typed_without_accents_is_read_without_them() -> None:
    # 'TACN' expands to 'thức ăn chăn nuôi'; the rest typed without accents still agrees.
    for text in ("Nguyen lieu TACN", "Nguyên liệu TACN"):
        assert recognise_material(text, "in", "10").code == "animal-feed", text


def test_giay_loai_is_waste_paper_not_a_grade_of_paper() -> None:
    assert recognise_material("Giấy loại", "out", "26").code == "paper-scrap"
    assert recognise_material("Giấy loại", "in", "17").code == "paper-scrap"  # a paper mill
    assert recognise_material("Giấy loại 1", "in", "18").code == "paper-products"  # a printer


def test_a_waste_said_not_hazardous_is_not_hazardous_waste() -> None:
    # 'không nguy hại' negates 'nguy hại': the sludge is read by what it is.
    for text in ("Bùn thải không nguy hại", "Bùn thải (không phải CTNH)"):
        found = recognise_material(text, "out", "37")
        assert found.code == "sewage-sludge", found
    assert recognise_material("Bùn thải nguy hại", "out", "37").code == "hazardous-waste"
    assert hazard_mark("Thuê đơn vị xử lý chất thải không nguy hại") == ""


def test_a_text_marked_hazardous_and_otherwise_unread_is_hazardous_waste() -> None:
    found = recognise_material("Que hàn hỏng (CTNH)", "out")
    assert (found.code, found.method) == ("hazardous-waste", "hazard")
    assert found.confidence == 0.8
    assert recognise_material("Que hàn hỏng", "out").code == UNCLASSIFIED


def test_single_words_listed_before_a_term_share_its_head_noun() -> None:
    # 'Đầu, xương, da, vây cá tra': the heads, bones, skin and fins of the fish.
    assert recognise_material("Đầu, xương, da, vây cá tra", "out").code == "fish-residues"
    assert recognise_material("Vỏ, lõi, chồi khóm", "out").code == "organic-waste"
    assert recognise_material("Khăn, ga, đồng phục hỏng", "out").code == "textile-scrap"
    # A phrase of its own before the term, unread, still leaves it to a person.
    assert recognise_material("Chai vỡ, mảnh thủy tinh màu nâu", "out").code == UNCLASSIFIED


def test_a_hazard_mark_where_the_output_goes_marks_it_hazardous() -> None:
    marked = hazard_mark("Thuê đơn vị có chức năng xử lý CTNH")
    assert marked and hazard_mark("Bán ve chai") == ""
    found = recognise_material("Bùn thải HTXLNT cục bộ", "out", marked=marked)
    assert (found.code, found.method) == ("hazardous-waste", "hazard")
    assert "industrial-sludge" in found.suggestions
    assert recognise_material("Bùn thải HTXLNT cục bộ", "out").code == "industrial-sludge"
    # What is not read but handed over as CTNH is hazardous waste, read from the mark: it
    # may go to a licensed treater only, and a person sees why.
    found = recognise_material("Que hàn hỏng", "out", marked=marked)
    assert (found.code, found.method) == ("hazardous-waste", "hazard")
    assert recognise_material("Que hàn hỏng", "out").code == UNCLASSIFIED


def test_a_word_read_only_in_some_sectors_says_nothing_in_others() -> None:
    assert recognise_material("Đầu mẩu ống, bavia", "out", "25").code == "steel-scrap"
    assert recognise_material("Đầu mẩu ống, bavia", "out", "22").code == "plastic-scrap"
    # In a food plant 'đầu mẩu' decides nothing: the tinplate is read as steel.
    assert recognise_material("Lon sắt tây lỗi, đầu mẩu sắt tây", "out", "10").code == "steel-scrap"
    assert recognise_material("KCl phối trộn", "in").code != "steel-billet"  # not 'phôi'


def test_words_found_apart_are_written_as_the_term_writes_them() -> None:
    # 'đã' (already) and 'bao' make no 'da bao'; 'phoi' (chips) and 'thép' no 'phôi thép'.
    assert recognise_material("Bao PP đựng nguyên liệu đã qua sử dụng", "out").code != (
        "leather-scrap"
    )
    assert recognise_material("Phoi thép", "out", "25").code == "steel-scrap"
    # A longer term misspelt is not replaced by a shorter one ('xỉ đấy lò' is no 'xỉ lò').
    assert recognise_material("Xỉ đấy lò", "out").code != "steel-slag"


def test_a_destination_phrase_is_written_with_its_accents() -> None:
    assert recognise_destination("Xả ra sông Bần").code == "discharged"  # a river, not 'bán'
    assert recognise_destination("ban phe lieu").code == "sold"


def test_a_qualifier_written_with_accents_is_written_as_it_is() -> None:
    # 'lõi' (a core, as of peeled logs) is no 'lỗi' (a reject); without accents it may be.
    assert recognise_material("Lõi gỗ bóc", "out").qualifiers == ()
    assert "loi" in recognise_material("Pallet gỗ lỗi", "out").qualifiers
    assert "loi" in recognise_material("Pallet go loi", "out").qualifiers
    # A term spelled without accents agrees only with words of the same letters: the 'trợ'
    # of a filter aid is no 'tro' (ash), the 'cặn' of residues no 'can' (a jerrycan).
    assert recognise_material("Bột trợ lọc đã qua sử dụng", "out", "11").code != "fly-ash"
    assert recognise_material("Cặn dầu thực vật", "out", "10").code != "hazardous-waste"


def _written_as_staff_write() -> list[str]:
    """Every name, alias and lexicon term of the catalog, as typed, without accents and
    with ordinary qualifiers, and the bare words read by context."""
    from parkloop.catalog import catalog, fold
    from parkloop.catalog.recognise import material_recogniser

    names = [
        n for m in catalog().materials.values() for n in (m.code, m.name_vi, m.name_en, *m.aliases)
    ]
    names += [" ".join(word) for word in material_recogniser().context]
    qualifiers = ["", " thải", " đã qua sử dụng", " bổ sung", " (CTNH)", " từ lò hơi"]
    return [form + q for n in names for form in (n, fold(n)) for q in qualifiers]


def test_a_text_that_reads_alone_reads_the_same_in_every_direction_and_sector() -> None:
    from parkloop.catalog.recognise import material_recogniser, reads_alone

    divisions = [None, *sorted(material_recogniser().sectors)]
    alone = [text for text in _written_as_staff_write() if reads_alone(text)]
    assert len(alone) > 500
    for text in alone:
        for marked in ("", "ctnh"):
            first = recognise_material(text, None, None, marked)
            for direction in ("in", "out"):
                for division in divisions:
                    assert recognise_material(text, direction, division, marked) == first, text


def test_bare_words_read_by_context_and_make_up_water_do_not_read_alone() -> None:
    from parkloop.catalog.recognise import reads_alone

    assert not reads_alone("bùn thải")  # a dye house's sludge, a brewery's
    assert not reads_alone("xỉ")
    assert not reads_alone("Nước làm mát bổ sung")  # make-up water only for an input
    assert not reads_alone("Nước làm mát")  # an input's is the water drawn
    assert not reads_alone("")
    assert reads_alone("steel-slag") and reads_alone("Tro bay từ lò hơi")


def test_a_list_of_distinct_materials_is_a_mix_read_as_its_likely_bulk() -> None:
    # A rice mill yields more husk than bran: its 'Cám, trấu' is read as husk, bran beside.
    mill = recognise_material("Cám, trấu", "out", "10")
    assert (mill.code, mill.method, mill.suggestions) == ("rice-husk", "mix", ("rice-bran",))
    assert mill.confidence >= 0.8  # proposed to the receivers of husk
    # Single words before a longer last item share its other words: 'giấy vụn', 'nhựa vụn'.
    scraps = recognise_material("Giấy, nhựa vụn", "out")
    assert scraps.method == "mix"
    assert {scraps.code, *scraps.suggestions} == {"paper-scrap", "plastic-scrap"}
    # Read so, parts of one thing are no mix; nor are items of one material.
    assert recognise_material("Đầu, xương, da, vây cá tra", "out", "10").method != "mix"
    assert recognise_material("Vỏ, lõi, chồi khóm", "out", "10").method != "mix"
    assert recognise_material("Vỏ sò, vỏ hến", "out", "10").method != "mix"
    # Nothing known of the firm's sector: the first listed leads.
    assert recognise_material("Than cám, trấu", "in").code == "coal"


def test_a_list_shares_a_first_item_s_head_and_names_a_material_with_its_kinds() -> None:
    # A material listed with kinds of it is that material: a recycler of every polymer.
    plastics = recognise_material("Phế liệu nhựa PET, PE, PP", "in", "38")
    assert (plastics.code, plastics.method) == ("plastic-scrap", "lot")
    # Single words take the first item's head words where they read another material...
    dealer = recognise_material("Phe lieu sat, nhom, dong, giay, nhua cac loai", "in")
    assert dealer.method == "mix"
    assert {"aluminium-scrap", "copper-scrap", "paper-scrap"} <= set(dealer.suggestions)
    # ... not where the head alone decides it ('than trấu' is no coal of husk).
    kiln = recognise_material("Than cám, trấu", "in", "23")
    assert (kiln.code, kiln.method, kiln.suggestions) == ("coal", "mix", ("rice-husk",))
    # 'và' joins items as a comma does.
    assert recognise_material("Than cám và trấu", "in", "23").suggestions == ("rice-husk",)


def test_a_container_is_what_holds_not_what_it_held() -> None:
    assert recognise_material("Bao giấy đựng bột đá (đã giũ sạch)", "out").code == "paper-scrap"
    # What a container held still makes it hazardous packaging.
    assert recognise_material("Can đựng hóa chất", "out").code == "hazardous-waste"
    # Boxes bought are packaging, thrown out they are waste paper.
    assert recognise_material("Hộp giấy, thùng carton", "in").code != "paper-scrap"
    assert recognise_material("Hộp giấy lỗi", "out").code == "paper-scrap"


def test_a_bare_word_keeps_its_tone_and_the_first_written_leads() -> None:
    assert recognise_material("Máu", "out").code != "non-ferrous-scrap"  # blood, not 'màu'
    assert recognise_material("Máu", "out", "10").code == "slaughter-residues"
    assert recognise_material("Nước rửa nhựa", "in").code == "fresh-water"
    assert recognise_material("Gas LPG (lò nướng)", "in").code == "lpg"  # not diesel


@pytest.mark.parametrize(
    "text",
    [
        "Vỏ bao xi măng rách (bao KPK)",
        "Vỏ bao xi măng",
        "Bao xi măng rách",
        "Bao xi măng (giấy kraft)",
        "Vo bao xi mang rach, bao loi",
    ],
)
def test_empty_cement_sacks_are_sacks_not_cement(text: str) -> None:
    assert recognise_material(text, "out").code == "cement-sacks"


def test_cement_bagged_is_still_cement() -> None:
    assert recognise_material("Xi măng PCB40", "in").code == "cement"
    assert recognise_material("Xi măng bao", "in").code == "cement"


def test_ferro_alloys_are_read_and_their_slag_stays_slag() -> None:
    assert recognise_material("Fero silic hạt mịn, dưới cỡ (0-10mm)", "out").code == "ferro-alloys"
    assert recognise_material("Ferro mangan, ferro silic", "in").code == "ferro-alloys"
    assert recognise_material("Xi fero mangan", "out").code == "steel-slag"


def test_a_head_phrase_starting_the_text_beats_a_term_found_apart() -> None:
    # 'chai nhựa PET' is found apart in it, but pellets bought for bottles are pellets.
    assert recognise_material("Hạt nhựa PET (chai nước)", "in").code == "virgin-plastic-resin"
    # A term found apart that is a kind of the head stays the finer reading.
    assert recognise_material("Bùn lắng nhà máy nước", "out").code == "industrial-sludge"


def test_scrap_whose_kinds_are_listed_in_brackets_is_read_as_that_list() -> None:
    found = recognise_material("Phế liệu các loại thu mua trong KCN (giấy, nhựa, sắt)", "in")
    assert (found.code, set(found.suggestions)) == (
        "paper-scrap",
        {"plastic-scrap", "steel-scrap"},
    )
    # A text read without its brackets keeps that reading: mixed metal scrap stays mixed.
    assert recognise_material("Phế liệu kim loại các loại (sắt, nhôm, đồng)", "in").code == (
        "metal-scrap"
    )


def test_the_rest_of_an_output_goes_where_its_remainder_is_said_to_go() -> None:
    # Sold in part, the rest landfilled: what is left to place costs a landfill fee.
    assert recognise_destination("Bán cho cơ sở làm phân bón 1 phần, còn lại chôn lấp").code == (
        "landfill"
    )
    assert recognise_destination("ban mot phan, con lai thue xu ly").code == "licensed_collector"
    assert recognise_destination("lưu bãi xỉ, bán một phần").code == "stored"


def test_defects_chromium_and_drummed_chemicals_are_read() -> None:
    # A dented can with a bad seam ('ghép mí', no 'mì' noodles) is a tin can.
    assert recognise_material("Lon sắt móp, lỗi ghép mí", "out").code == "steel-scrap"
    # Shavings said to contain chromium are hazardous waste; chrome-tanned trims alone are
    # leather (a tannery classes them by analysis).
    assert recognise_material("Bào da, mùn bào da chứa crom", "out").code == "hazardous-waste"
    assert recognise_material("Da vụn (da thuộc crom)", "out").code == "leather-scrap"
    # A drum that held a named acid or alkali is hazardous packaging.
    assert recognise_material("Phuy nhựa HDPE đựng LAS đã qua sử dụng", "out").code == (
        "hazardous-waste"
    )
    # Written after the lye, the bottles are what it washed: no drum that held lye.
    assert recognise_material("Dung dịch xút rửa chai thải", "out").code != "hazardous-waste"
    assert recognise_material("Biên carton, giấy vụn xén", "out").code == "paper-scrap"
    assert recognise_material("Mỡ váng thu từ bể tách mỡ", "out").code == "organic-waste"


def test_solvent_bought_and_recovered_solvent_sold_are_not_spent_solvent() -> None:
    assert recognise_material("Dung môi xylen, toluen, thinner", "in").code == "solvent"
    found = recognise_material("Dung môi tái chế (thinner thu hồi từ chưng cất)", "out")
    assert found.code == "recovered-solvent"
    # Spent, dirty or used solvent stays hazardous waste.
    for text in ("Dung môi thải", "Thinner thải", "dung môi pha sơn đã qua sử dụng"):
        assert recognise_material(text, "out").code == "hazardous-waste", text
