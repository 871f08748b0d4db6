"""Inventory of KCN Trà Nóc (Bình Thủy, Cần Thơ) — fictional Mekong-delta agro-industrial
park, typed the way the park's environment staff keep it in Excel: firms named, sectors in
words, materials in free text (some without diacritics, with typos, abbreviations and
qualifiers), quantities per month, day, hour or year with Vietnamese number marks,
disposal as phrases, prices on few rows. The park's coordinates are those of its gate on
the Hậu river; the firms, names and figures are invented.

Its mix differs from the other parks: rice milling and a husk-fired combined heat and
power plant, pangasius (cá tra) filleting with fish-meal and fish-oil rendering, shrimp
processing, a feed mill, a rice-bran oil mill, confectionery, soft drinks, a dairy, a
pharmaceutical plant, fertiliser blending and pesticide bottling, a tunnel brick kiln,
ready-mix concrete, a recovered-fibre carton mill, PE film packaging, a plastic recycler,
a machine shop, a river shipyard, a garment factory, a central WWTP, a hazardous-waste
treater, a compost and biogas firm, a scrap dealer and a cold store.

Written blind on 2026-12-01 by an industrial-ecology practitioner who had not seen the
engine's code, catalog or rules, nor park_dinh_vu; only park_thanh_duc (for its format),
the scoring test (with its notes on earlier measurements) and the product brief and seeds.
Nothing in the engine was changed for it. Flows are for 2025.
Labels were set from industrial-ecology knowledge and Vietnamese practice alone, never
from what any software does, by these principles:

- PLANTED are the exchanges a practitioner would expect here: technically sound, lawful
  (hazardous waste only to the licensed treater; no effluent or sludge into food, feed or
  potable water; sludge to soil only through compost, after a heavy-metal test), and each
  replaces something the receiver buys or draws today (its input row). An output already
  sold outside the park ("bán cho đơn vị thu mua", "bán ve chai", a buyer in Bình Dương or
  TP.HCM) is still planted to the neighbour who uses it directly: shorter haul, and the
  first thing a park broker offers.
- ACCEPTED holds, for each offered output, every receiver a practitioner would be content
  to see as the first proposal: any sound, substantive use in the park. The scrap dealer
  is accepted for recyclables (a real collector), but planted only where no end user is in
  the park. An output not listed (soapstock, broken bricks, returned concrete, washing
  residue, the treater's incinerator ash, sorted steel scrap with no steel mill) has no
  acceptable receiver here. Electricity is sold to the grid; a direct purchase (DPPA)
  by the cold store is the only use accepted.
- DISTRACTORS are pairs that must never be proposed: forbidden by law or by food, feed
  and drug safety, or plainly absurd.

Flows are referred to by their STT; a comment gives each a short key.
"""

PARK_SHEET_NAME = "Khu công nghiệp"
PARK_HEADERS = ["Mã KCN", "Tên KCN", "Tỉnh", "Diện tích (ha)", "Vĩ độ", "Kinh độ"]
PARK_ROWS = [["Trà Nóc", "KCN Trà Nóc", "Cần Thơ", "297,6", "10,1012", "105,7208"]]

ENTERPRISE_SHEET_NAME = "Doanh nghiệp"
ENTERPRISE_HEADERS = ["STT", "KCN", "Tên doanh nghiệp", "Ngành nghề", "Số lao động"]
ENTERPRISE_ROWS = [
    [1, "Trà Nóc", "Công ty CP Lương thực Sông Hậu", "Xay xát, lau bóng gạo xuất khẩu", 210],
    [
        2,
        "Trà Nóc",
        "Công ty CP Thủy sản Bình Thủy",
        "Chế biến cá tra phi lê đông lạnh xuất khẩu",
        "2.400",
    ],
    [3, "Trà Nóc", "Công ty TNHH Bột cá Tây Đô", "SX bột cá, mỡ cá từ phụ phẩm cá tra", 85],
    [
        4,
        "Trà Nóc",
        "Công ty CP Chế biến Tôm Phước Thới",
        "Chế biến tôm đông lạnh xuất khẩu",
        "1.150",
    ],
    [
        5,
        "Trà Nóc",
        "Công ty TNHH Thức ăn Chăn nuôi Mê Kông Việt",
        "SX thức ăn chăn nuôi, thức ăn cá tra",
        260,
    ],
    [6, "Trà Nóc", "Công ty CP Bánh kẹo Cần Thơ", "SX bánh quy, kẹo, mạch nha", 430],
    [
        7,
        "Trà Nóc",
        "Công ty TNHH Nước giải khát Ninh Kiều",
        "SX nước ngọt có ga, trà xanh đóng chai",
        190,
    ],
    [8, "Trà Nóc", "Công ty CP Sữa Phương Nam", "Chế biến sữa tiệt trùng, sữa chua", 240],
    [9, "Trà Nóc", "Công ty CP Dược phẩm Trà Nóc", "SX thuốc tân dược (viên nén, viên nang)", 320],
    [
        10,
        "Trà Nóc",
        "Công ty CP Vật tư Nông nghiệp Cửu Long",
        "Phối trộn phân bón NPK, sang chai đóng gói thuốc BVTV",
        140,
    ],
    [
        11,
        "Trà Nóc",
        "Công ty CP Nhiệt điện Sinh khối Trà Nóc",
        "Sản xuất điện và hơi nước từ trấu (lò hơi sinh khối)",
        75,
    ],
    [12, "Trà Nóc", "Công ty TNHH Gạch ngói Long Tuyền", "SX gạch, ngói nung lò tuynel", 150],
    [13, "Trà Nóc", "Công ty CP Bê tông Thới An", "SX bê tông thương phẩm (bê tông tươi)", 60],
    [
        14,
        "Trà Nóc",
        "Công ty CP Giấy bao bì Ô Môn",
        "SX giấy carton lớp sóng, giấy bao bì từ giấy thu hồi",
        280,
    ],
    [15, "Trà Nóc", "Công ty TNHH Bao bì Nhựa Tây Nam", "SX màng, túi nhựa PE in ống đồng", 310],
    [16, "Trà Nóc", "Công ty TNHH Tái chế Nhựa Hưng Thịnh", "Tái chế nhựa phế liệu, tạo hạt", 45],
    [17, "Trà Nóc", "Công ty TNHH Cơ khí An Thới", "Gia công cơ khí, chế tạo máy nông nghiệp", 120],
    [18, "Trà Nóc", "Công ty CP Đóng tàu Cái Sơn", "Đóng mới, sửa chữa tàu sông, sà lan", 230],
    [
        19,
        "Trà Nóc",
        "Công ty TNHH May mặc Trà An",
        "May mặc xuất khẩu (áo sơ mi, quần tây)",
        "3.200",
    ],
    [20, "Trà Nóc", "Nhà máy XLNT tập trung KCN Trà Nóc", "Xử lý nước thải tập trung", 14],
    [
        21,
        "Trà Nóc",
        "Công ty CP Môi trường Tây Nam Bộ",
        "Thu gom, vận chuyển, xử lý chất thải nguy hại (lò đốt)",
        70,
    ],
    [
        22,
        "Trà Nóc",
        "Công ty TNHH Phân hữu cơ Đất Vàng",
        "Ủ phân hữu cơ vi sinh, hầm biogas xử lý chất thải hữu cơ",
        38,
    ],
    [23, "Trà Nóc", "Công ty TNHH Phế liệu Tư Hùng", "Thu mua phế liệu sắt thép, giấy, nhựa", 25],
    [
        24,
        "Trà Nóc",
        "Công ty CP Kho vận lạnh Bình Minh",
        "Kho lạnh, dịch vụ logistics hàng đông lạnh",
        90,
    ],
    [25, "Trà Nóc", "Công ty TNHH Dầu cám gạo Phong Điền", "Trích ly, tinh luyện dầu cám gạo", 65],
]

K = "KCN Trà Nóc"
FLOW_SHEET_NAME = "Dòng vật chất"
FLOW_HEADERS = [
    "STT",
    "KCN",
    "Doanh nghiệp",
    "Năm",
    "Đầu vào/Đầu ra",
    "Tên chất thải/nguyên liệu",
    "Khối lượng",
    "ĐVT",
    "Hình thức xử lý",
    "Đơn giá (VNĐ)",
]
FLOW_ROWS = [
    # Lương thực Sông Hậu
    [
        1,
        K,
        "Lương thực Sông Hậu",
        2025,
        "Vào",
        "Lúa khô (IR 504, OM 5451)",
        "15.000",
        "tấn/tháng",
        None,
        None,
    ],
    [2, K, "Lương thực Sông Hậu", 2025, "Vào", "Dien nang", "1.850", "MWh/năm", None, None],
    [
        3,
        K,
        "Lương thực Sông Hậu",
        2025,
        "Ra",
        "Vỏ trấu",
        "3.000",
        "tấn/tháng",
        "Bán cho đơn vị thu mua",
        "900",
    ],
    [
        4,
        K,
        "Lương thực Sông Hậu",
        2025,
        "Ra",
        "Cám gao (cám lau, cám xát)",
        "900",
        "tấn/tháng",
        "Bán",
        "6.800",
    ],
    [
        5,
        K,
        "Lương thực Sông Hậu",
        2025,
        "Ra",
        "Bụi trấu, bụi cám từ cyclone lẫn rác",
        "35",
        "tấn/tháng",
        "Đổ bỏ",
        None,
    ],
    [
        6,
        K,
        "Lương thực Sông Hậu",
        2025,
        "Ra",
        "Bao PP cũ đựng lúa (rách)",
        "6",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    # Thủy sản Bình Thủy
    [
        7,
        K,
        "Thủy sản Bình Thủy",
        2025,
        "Vào",
        "Cá tra nguyên liệu",
        "5.500",
        "tấn/tháng",
        None,
        None,
    ],
    [8, K, "Thủy sản Bình Thủy", 2025, "Vào", "Nước máy", "3.200", "m3/ngày", None, None],
    [
        9,
        K,
        "Thủy sản Bình Thủy",
        2025,
        "Ra",
        "Phụ phẫm cá tra (đầu, xương, da, mỡ, nội tạng)",
        "3.100",
        "tấn/tháng",
        "Bán cho đơn vị thu mua làm bột cá",
        "5.200",
    ],
    [
        10,
        K,
        "Thủy sản Bình Thủy",
        2025,
        "Ra",
        "Bun thai HT XLNT",
        "80",
        "tấn/tháng",
        "Thuê đơn vị có chức năng xử lý",
        None,
    ],
    [
        11,
        K,
        "Thủy sản Bình Thủy",
        2025,
        "Ra",
        "Thùng carton, dây đai hư",
        "10",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    # Bột cá Tây Đô
    [
        12,
        K,
        "Bột cá Tây Đô",
        2025,
        "Vào",
        "Phụ phẩm cá tra (đầu xương, nội tạng)",
        "4.500",
        "tấn/tháng",
        None,
        None,
    ],
    [
        13,
        K,
        "Bột cá Tây Đô",
        2025,
        "Vào",
        "Phụ phẩm thủy sản khác (đầu tôm, cá tạp)",
        "300",
        "tấn/tháng",
        None,
        None,
    ],
    [
        14,
        K,
        "Bột cá Tây Đô",
        2025,
        "Vào",
        "Than đá cám 4A đốt lò hơi",
        "420",
        "tấn/tháng",
        None,
        None,
    ],
    [
        15,
        K,
        "Bột cá Tây Đô",
        2025,
        "Ra",
        "Bột cá tra (đạm 50-55%)",
        "1.050",
        "tấn/tháng",
        "Bán cho nhà máy TACN",
        "15.500",
    ],
    [16, K, "Bột cá Tây Đô", 2025, "Ra", "Mỡ cá thô", "600", "tấn/tháng", "Bán", None],
    [17, K, "Bột cá Tây Đô", 2025, "Ra", "Tro xỉ lò hơi", "45", "tấn/tháng", "Chôn lấp", None],
    # Chế biến Tôm Phước Thới
    [
        18,
        K,
        "Chế biến Tôm Phước Thới",
        2025,
        "Vào",
        "Tôm sú, tôm thẻ nguyên liệu",
        "1.300",
        "tấn/tháng",
        None,
        None,
    ],
    [19, K, "Chế biến Tôm Phước Thới", 2025, "Vào", "Nước cấp", "1.100", "khối/ngày", None, None],
    [
        20,
        K,
        "Chế biến Tôm Phước Thới",
        2025,
        "Ra",
        "Đầu vỏ tôm",
        "420",
        "tấn/tháng",
        "Bán rẻ cho đơn vị thu mua",
        None,
    ],
    [
        21,
        K,
        "Chế biến Tôm Phước Thới",
        2025,
        "Ra",
        "Bùn thải XLNT",
        "20",
        "tấn/tháng",
        "Thuê xử lý",
        None,
    ],
    [
        22,
        K,
        "Chế biến Tôm Phước Thới",
        2025,
        "Ra",
        "Thùng xốp, bao PE đựng tôm",
        "5",
        "tấn/tháng",
        "Đốt",
        None,
    ],
    # Thức ăn Chăn nuôi Mê Kông Việt
    [
        23,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Khô dầu đậu nành (SBM)",
        "3.800",
        "tấn/tháng",
        None,
        None,
    ],
    [
        24,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Bột cá",
        "900",
        "tấn/tháng",
        None,
        None,
    ],
    [
        25,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Cám gạo, cám trích ly",
        "3.000",
        "tấn/tháng",
        None,
        None,
    ],
    [
        26,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Tấm, bột mì",
        "1.800",
        "tấn/tháng",
        None,
        None,
    ],
    [
        27,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Dầu cá, dầu đậu nành bổ sung",
        "120",
        "tấn/tháng",
        None,
        None,
    ],
    [
        28,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Vào",
        "Hơi nước (ép viên)",
        "7",
        "tấn hơi/giờ",
        None,
        None,
    ],
    [
        29,
        K,
        "Thức ăn Chăn nuôi Mê Kông Việt",
        2025,
        "Ra",
        "Bao jumbo, bao PP hư",
        "9",
        "tấn/tháng",
        "Bán phế liệu",
        None,
    ],
    # Bánh kẹo Cần Thơ
    [30, K, "Bánh kẹo Cần Thơ", 2025, "Vào", "Đường tinh luyện RE", "550", "tấn/tháng", None, None],
    [31, K, "Bánh kẹo Cần Thơ", 2025, "Vào", "Bột mì", "800", "tấn/tháng", None, None],
    [32, K, "Bánh kẹo Cần Thơ", 2025, "Vào", "Gas LPG (lò nướng)", "45", "tấn/tháng", None, None],
    [33, K, "Bánh kẹo Cần Thơ", 2025, "Vào", "Hơi nước", "2,5", "tấn hơi/giờ", None, None],
    [
        34,
        K,
        "Bánh kẹo Cần Thơ",
        2025,
        "Ra",
        "Bánh vụn, kẹo lỗi, hàng cận date",
        "30",
        "tấn/tháng",
        "Bán cho hộ chăn nuôi",
        None,
    ],
    [
        35,
        K,
        "Bánh kẹo Cần Thơ",
        2025,
        "Ra",
        "Thùng carton, lõi giấy",
        "14",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    # Nước giải khát Ninh Kiều
    [36, K, "Nước giải khát Ninh Kiều", 2025, "Vào", "Khí CO2 lỏng", "35", "tấn/tháng", None, None],
    [37, K, "Nước giải khát Ninh Kiều", 2025, "Vào", "Phôi PET", "140", "tấn/tháng", None, None],
    [
        38,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Vào",
        "Nước giếng khoan",
        "1.400",
        "m3/ngày",
        None,
        None,
    ],
    [
        39,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Vào",
        "Xút NaOH 32% (rửa CIP)",
        "18",
        "tấn/tháng",
        None,
        None,
    ],
    [
        40,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Ra",
        "Bã trà, xác chanh dây",
        "55",
        "tấn/tháng",
        "Thu gom chung rác sinh hoạt",
        None,
    ],
    [
        41,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Ra",
        "Chai PET lỗi, nắp, màng co",
        "11",
        "tấn/tháng",
        "Bán cho đơn vị thu mua",
        None,
    ],
    [
        42,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Ra",
        "Nước ngọt hết hạn, hàng trả về",
        "20",
        "tấn/tháng",
        "Hủy, xả vào HT XLNT",
        None,
    ],
    [
        43,
        K,
        "Nước giải khát Ninh Kiều",
        2025,
        "Ra",
        "Bùn thải XLNT",
        "15",
        "tấn/tháng",
        "Thuê đơn vị có chức năng xử lý",
        None,
    ],
    # Sữa Phương Nam
    [44, K, "Sữa Phương Nam", 2025, "Vào", "Sữa bò tươi", "2.600", "tấn/tháng", None, None],
    [45, K, "Sữa Phương Nam", 2025, "Vào", "Hơi bão hòa 8 bar", "5", "tấn hơi/giờ", None, None],
    [46, K, "Sữa Phương Nam", 2025, "Vào", "Nước máy", "850", "m3/ngày", None, None],
    [47, K, "Sữa Phương Nam", 2025, "Vào", "Xút, axit nitric (CIP)", "12", "tấn/tháng", None, None],
    [
        48,
        K,
        "Sữa Phương Nam",
        2025,
        "Ra",
        "Sữa hư, sữa trả về hết hạn",
        "38",
        "tấn/tháng",
        "Thuê đơn vị xử lý",
        None,
    ],
    [
        49,
        K,
        "Sữa Phương Nam",
        2025,
        "Ra",
        "Vỏ hộp giấy tiệt trùng lỗi (Tetra Pak)",
        "9",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    [
        50,
        K,
        "Sữa Phương Nam",
        2025,
        "Ra",
        "Bùn tuyển nổi, bùn vi sinh",
        "28",
        "tấn/tháng",
        "Thuê xử lý",
        None,
    ],
    # Dược phẩm Trà Nóc
    [
        51,
        K,
        "Dược phẩm Trà Nóc",
        2025,
        "Vào",
        "Nước máy (cấp cho hệ RO)",
        "260",
        "m3/ngày",
        None,
        None,
    ],
    [52, K, "Dược phẩm Trà Nóc", 2025, "Vào", "Hơi nước", "1,8", "tấn hơi/giờ", None, None],
    [
        53,
        K,
        "Dược phẩm Trà Nóc",
        2025,
        "Ra",
        "Thuốc hết hạn, thuốc hỏng (CTNH)",
        "1,2",
        "tấn/tháng",
        "Thuê đơn vị có chức năng xử lý",
        None,
    ],
    [
        54,
        K,
        "Dược phẩm Trà Nóc",
        2025,
        "Ra",
        "Dung môi thải (cồn, IPA)",
        "2.500",
        "lít/tháng",
        "Thuê xử lý CTNH",
        None,
    ],
    [55, K, "Dược phẩm Trà Nóc", 2025, "Ra", "Thùng carton", "4", "tấn/tháng", "Bán ve chai", None],
    # Vật tư Nông nghiệp Cửu Long
    [
        56,
        K,
        "Vật tư Nông nghiệp Cửu Long",
        2025,
        "Vào",
        "Ure, DAP, KCl phối trộn NPK",
        "2.800",
        "tấn/tháng",
        None,
        None,
    ],
    [
        57,
        K,
        "Vật tư Nông nghiệp Cửu Long",
        2025,
        "Vào",
        "Chất mang hữu cơ (than bùn, mùn hữu cơ)",
        "350",
        "tấn/tháng",
        None,
        None,
    ],
    [
        58,
        K,
        "Vật tư Nông nghiệp Cửu Long",
        2025,
        "Vào",
        "Hoạt chất, dung môi thuốc BVTV",
        "25",
        "tấn/tháng",
        None,
        None,
    ],
    [
        59,
        K,
        "Vật tư Nông nghiệp Cửu Long",
        2025,
        "Ra",
        "Bao bì, chai lọ dính thuốc BVTV",
        "2,5",
        "tấn/tháng",
        "Thuê xử lý CTNH",
        None,
    ],
    [
        60,
        K,
        "Vật tư Nông nghiệp Cửu Long",
        2025,
        "Ra",
        "Nuoc rua thiet bi nhiem thuoc BVTV",
        "18",
        "m3/tháng",
        "Lưu chứa, thuê xử lý",
        None,
    ],
    # Nhiệt điện Sinh khối Trà Nóc
    [61, K, "Nhiệt điện Sinh khối Trà Nóc", 2025, "Vào", "Trấu", "7.500", "tấn/tháng", None, None],
    [
        62,
        K,
        "Nhiệt điện Sinh khối Trà Nóc",
        2025,
        "Vào",
        "Than cám đốt kèm",
        "1.200",
        "tấn/tháng",
        None,
        None,
    ],
    [
        63,
        K,
        "Nhiệt điện Sinh khối Trà Nóc",
        2025,
        "Vào",
        "Nước bổ sung tháp giải nhiệt",
        "2.200",
        "m3/ngày",
        None,
        None,
    ],
    [
        64,
        K,
        "Nhiệt điện Sinh khối Trà Nóc",
        2025,
        "Ra",
        "Tro trấu",
        "1.400",
        "tấn/tháng",
        "Chở đi san lấp",
        None,
    ],
    [
        65,
        K,
        "Nhiệt điện Sinh khối Trà Nóc",
        2025,
        "Ra",
        "Hơi nước dư (10 bar)",
        "12",
        "tấn hơi/giờ",
        "Xả bỏ khi thấp tải, chưa có hộ tiêu thụ",
        None,
    ],
    [
        66,
        K,
        "Nhiệt điện Sinh khối Trà Nóc",
        2025,
        "Ra",
        "Điện",
        "52.000",
        "MWh/năm",
        "Bán lên lưới EVN",
        None,
    ],
    # Gạch ngói Long Tuyền
    [67, K, "Gạch ngói Long Tuyền", 2025, "Vào", "Đất sét", "7.000", "tấn/tháng", None, None],
    [
        68,
        K,
        "Gạch ngói Long Tuyền",
        2025,
        "Vào",
        "Than da, trau dot lo",
        "850",
        "tấn/tháng",
        None,
        None,
    ],
    [69, K, "Gạch ngói Long Tuyền", 2025, "Vào", "Cát pha", "900", "tấn/tháng", None, None],
    [
        70,
        K,
        "Gạch ngói Long Tuyền",
        2025,
        "Ra",
        "Gạch vỡ, gạch non lửa",
        "250",
        "tấn/tháng",
        "San lấp",
        None,
    ],
    # Bê tông Thới An
    [71, K, "Bê tông Thới An", 2025, "Vào", "Xi măng PCB40", "2.200", "tấn/tháng", None, None],
    [
        72,
        K,
        "Bê tông Thới An",
        2025,
        "Vào",
        "Tro bay (phụ gia khoáng)",
        "250",
        "tấn/tháng",
        None,
        None,
    ],
    [73, K, "Bê tông Thới An", 2025, "Vào", "Cát vàng", "5.000", "m3/tháng", None, None],
    [74, K, "Bê tông Thới An", 2025, "Vào", "Đá 1x2", "7.500", "tấn/tháng", None, None],
    [
        75,
        K,
        "Bê tông Thới An",
        2025,
        "Vào",
        "Nước trộn bê tông, rửa xe bồn",
        "140",
        "m3/ngày",
        None,
        None,
    ],
    [
        76,
        K,
        "Bê tông Thới An",
        2025,
        "Ra",
        "Bê tông thừa, bê tông trả về",
        "180",
        "m3/tháng",
        "Đổ bỏ",
        None,
    ],
    # Giấy bao bì Ô Môn
    [
        77,
        K,
        "Giấy bao bì Ô Môn",
        2025,
        "Vào",
        "Giấy phế liệu OCC",
        "3.500",
        "tấn/tháng",
        None,
        None,
    ],
    [
        78,
        K,
        "Giấy bao bì Ô Môn",
        2025,
        "Vào",
        "Than cám đốt lò hơi",
        "650",
        "tấn/tháng",
        None,
        None,
    ],
    [
        79,
        K,
        "Giấy bao bì Ô Môn",
        2025,
        "Vào",
        "Nước sông (nước thô)",
        "2.800",
        "m3/ngày",
        None,
        None,
    ],
    [80, K, "Giấy bao bì Ô Môn", 2025, "Vào", "Tinh bột sắn", "50", "tấn/tháng", None, None],
    [81, K, "Giấy bao bì Ô Môn", 2025, "Ra", "Bùn giấy", "280", "tấn/tháng", "Chôn lấp", None],
    [
        82,
        K,
        "Giấy bao bì Ô Môn",
        2025,
        "Ra",
        "Rác nghiền bột (nhựa, ghim, băng keo)",
        "70",
        "tấn/tháng",
        "Đốt",
        None,
    ],
    [
        83,
        K,
        "Giấy bao bì Ô Môn",
        2025,
        "Ra",
        "Tro xỉ lò hơi than",
        "60",
        "tấn/tháng",
        "Chôn lấp",
        None,
    ],
    # Bao bì Nhựa Tây Nam
    [
        84,
        K,
        "Bao bì Nhựa Tây Nam",
        2025,
        "Vào",
        "Hạt nhựa LDPE, LLDPE nguyên sinh (màng thực phẩm)",
        "380",
        "tấn/tháng",
        None,
        None,
    ],
    [
        85,
        K,
        "Bao bì Nhựa Tây Nam",
        2025,
        "Vào",
        "Hạt HDPE cho túi rác, bao công nghiệp",
        "120",
        "tấn/tháng",
        None,
        None,
    ],
    [
        86,
        K,
        "Bao bì Nhựa Tây Nam",
        2025,
        "Vào",
        "Mực in, dung môi pha mực",
        "9",
        "tấn/tháng",
        None,
        None,
    ],
    [
        87,
        K,
        "Bao bì Nhựa Tây Nam",
        2025,
        "Ra",
        "Màng PE biên, cuộn lỗi",
        "32",
        "tấn/tháng",
        "Bán cho đơn vị thu mua",
        None,
    ],
    [
        88,
        K,
        "Bao bì Nhựa Tây Nam",
        2025,
        "Ra",
        "Giẻ lau, thùng mực in thải (CTNH)",
        "1,1",
        "tấn/tháng",
        "Thuê xử lý CTNH",
        None,
    ],
    # Tái chế Nhựa Hưng Thịnh
    [
        89,
        K,
        "Tái chế Nhựa Hưng Thịnh",
        2025,
        "Vào",
        "Phế liệu nhựa PE, PP, PET (màng, bao, chai)",
        "550",
        "tấn/tháng",
        None,
        None,
    ],
    [90, K, "Tái chế Nhựa Hưng Thịnh", 2025, "Vào", "Nước rửa nhựa", "180", "m3/ngày", None, None],
    [
        91,
        K,
        "Tái chế Nhựa Hưng Thịnh",
        2025,
        "Ra",
        "Hat nhua tai sinh PE",
        "420",
        "tấn/tháng",
        "Bán",
        "21.000",
    ],
    [
        92,
        K,
        "Tái chế Nhựa Hưng Thịnh",
        2025,
        "Ra",
        "Cặn rửa nhựa, tạp chất",
        "25",
        "tấn/tháng",
        "Chôn lấp",
        None,
    ],
    # Cơ khí An Thới
    [93, K, "Cơ khí An Thới", 2025, "Vào", "Thép tấm, thép hình", "280", "tấn/tháng", None, None],
    [
        94,
        K,
        "Cơ khí An Thới",
        2025,
        "Ra",
        "Phoi sắt, sắt vụn đầu mẩu",
        "22",
        "tấn/tháng",
        "Bán phế liệu",
        None,
    ],
    [
        95,
        K,
        "Cơ khí An Thới",
        2025,
        "Ra",
        "Dầu nhớt thải",
        "350",
        "lít/tháng",
        "Thuê đơn vị có chức năng xử lý",
        None,
    ],
    [
        96,
        K,
        "Cơ khí An Thới",
        2025,
        "Ra",
        "Giẻ lau dính dầu",
        "120",
        "kg/tháng",
        "Thuê xử lý CTNH",
        None,
    ],
    # Đóng tàu Cái Sơn
    [97, K, "Đóng tàu Cái Sơn", 2025, "Vào", "Thép tấm đóng tàu", "400", "tấn/tháng", None, None],
    [
        98,
        K,
        "Đóng tàu Cái Sơn",
        2025,
        "Vào",
        "Hạt mài phun (xỉ đồng)",
        "75",
        "tấn/tháng",
        None,
        None,
    ],
    [
        99,
        K,
        "Đóng tàu Cái Sơn",
        2025,
        "Ra",
        "Tôn vụn, sắt thép phế, phá dỡ tàu cũ",
        "110",
        "tấn/tháng",
        "Bán cho vựa ve chai",
        None,
    ],
    [
        100,
        K,
        "Đóng tàu Cái Sơn",
        2025,
        "Ra",
        "Hạt mài đã qua sử dụng lẫn sơn",
        "65",
        "tấn/tháng",
        "Lưu kho chờ xử lý",
        None,
    ],
    [
        101,
        K,
        "Đóng tàu Cái Sơn",
        2025,
        "Ra",
        "Dầu thải, nước la canh lẫn dầu",
        "4",
        "m3/tháng",
        "Thuê xử lý CTNH",
        None,
    ],
    [
        102,
        K,
        "Đóng tàu Cái Sơn",
        2025,
        "Ra",
        "Gỗ kê, gỗ vụn",
        "8",
        "tấn/tháng",
        "Cho công nhân làm củi",
        None,
    ],
    # May mặc Trà An
    [
        103,
        K,
        "May mặc Trà An",
        2025,
        "Vào",
        "Hơi nước cho bàn ủi",
        "1,5",
        "tấn hơi/giờ",
        None,
        None,
    ],
    [
        104,
        K,
        "May mặc Trà An",
        2025,
        "Ra",
        "Vải vụn, vải biên",
        "18",
        "tấn/tháng",
        "Bán cho đơn vị thu mua",
        None,
    ],
    [
        105,
        K,
        "May mặc Trà An",
        2025,
        "Ra",
        "Thùng carton, ống giấy",
        "9",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    [
        106,
        K,
        "May mặc Trà An",
        2025,
        "Ra",
        "Ống chỉ nhựa, bao nilon",
        "2,5",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    # XLNT tập trung Trà Nóc
    [
        107,
        K,
        "XLNT tập trung Trà Nóc",
        2025,
        "Vào",
        "Nước thải các DN đấu nối",
        "9.500",
        "m3/ngày",
        None,
        None,
    ],
    [108, K, "XLNT tập trung Trà Nóc", 2025, "Vào", "PAC, polymer", "22", "tấn/tháng", None, None],
    [
        109,
        K,
        "XLNT tập trung Trà Nóc",
        2025,
        "Ra",
        "Nước thải sau xử lý (đạt cột A)",
        "9.000",
        "m3/ngày",
        "Xả ra sông Hậu",
        None,
    ],
    [
        110,
        K,
        "XLNT tập trung Trà Nóc",
        2025,
        "Ra",
        "Bùn thải đã ép",
        "11",
        "tấn/ngày",
        "Thuê đơn vị có chức năng xử lý, chôn lấp",
        None,
    ],
    # Môi trường Tây Nam Bộ
    [
        111,
        K,
        "Môi trường Tây Nam Bộ",
        2025,
        "Vào",
        "Chất thải nguy hại các loại",
        "280",
        "tấn/tháng",
        None,
        None,
    ],
    [
        112,
        K,
        "Môi trường Tây Nam Bộ",
        2025,
        "Vào",
        "Dầu DO cho lò đốt",
        "18",
        "tấn/tháng",
        None,
        None,
    ],
    [
        113,
        K,
        "Môi trường Tây Nam Bộ",
        2025,
        "Ra",
        "Tro xỉ lò đốt CTNH",
        "30",
        "tấn/tháng",
        "Hóa rắn, chôn lấp an toàn",
        None,
    ],
    # Phân hữu cơ Đất Vàng
    [
        114,
        K,
        "Phân hữu cơ Đất Vàng",
        2025,
        "Vào",
        "Phân bò, phân gà mua ngoài",
        "1.200",
        "tấn/tháng",
        None,
        None,
    ],
    [
        115,
        K,
        "Phân hữu cơ Đất Vàng",
        2025,
        "Vào",
        "Mụn dừa, trấu làm chất độn",
        "250",
        "tấn/tháng",
        None,
        None,
    ],
    [
        116,
        K,
        "Phân hữu cơ Đất Vàng",
        2025,
        "Vào",
        "Chất thải hữu cơ nhận xử lý (bùn, phụ phẩm)",
        "600",
        "tấn/tháng",
        None,
        None,
    ],
    [
        117,
        K,
        "Phân hữu cơ Đất Vàng",
        2025,
        "Ra",
        "Phân hữu cơ vi sinh thành phẩm",
        "1.100",
        "tấn/tháng",
        "Bán",
        "3.200",
    ],
    [
        118,
        K,
        "Phân hữu cơ Đất Vàng",
        2025,
        "Ra",
        "Khí biogas dư",
        "45.000",
        "m3/tháng",
        "Đốt bỏ (đuốc)",
        None,
    ],
    # Phế liệu Tư Hùng
    [
        119,
        K,
        "Phế liệu Tư Hùng",
        2025,
        "Vào",
        "Phế liệu sắt thép, nhôm, giấy, nhựa các loại",
        "450",
        "tấn/tháng",
        None,
        None,
    ],
    [
        120,
        K,
        "Phế liệu Tư Hùng",
        2025,
        "Ra",
        "Giấy carton vụn ép kiện",
        "140",
        "tấn/tháng",
        "Bán cho nhà máy giấy ở Bình Dương",
        None,
    ],
    [
        121,
        K,
        "Phế liệu Tư Hùng",
        2025,
        "Ra",
        "Nhựa phế liệu đã phân loại (PE, PP)",
        "55",
        "tấn/tháng",
        "Bán cho cơ sở tái chế ở TP.HCM",
        None,
    ],
    [
        122,
        K,
        "Phế liệu Tư Hùng",
        2025,
        "Ra",
        "Sắt thép phế đã phân loại",
        "260",
        "tấn/tháng",
        "Bán cho nhà máy luyện thép",
        None,
    ],
    # Kho vận lạnh Bình Minh
    [123, K, "Kho vận lạnh Bình Minh", 2025, "Vào", "Điện", "8.500", "MWh/năm", None, None],
    [
        124,
        K,
        "Kho vận lạnh Bình Minh",
        2025,
        "Vào",
        "Nước bổ sung dàn ngưng bay hơi",
        "220",
        "m3/ngày",
        None,
        None,
    ],
    [
        125,
        K,
        "Kho vận lạnh Bình Minh",
        2025,
        "Ra",
        "Pallet gỗ hư",
        "14",
        "tấn/tháng",
        "Đốt / cho người dân",
        None,
    ],
    [
        126,
        K,
        "Kho vận lạnh Bình Minh",
        2025,
        "Ra",
        "Màng co PE quấn pallet",
        "7",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    [
        127,
        K,
        "Kho vận lạnh Bình Minh",
        2025,
        "Ra",
        "Thùng carton hư",
        "11",
        "tấn/tháng",
        "Bán ve chai",
        None,
    ],
    # Dầu cám gạo Phong Điền
    [
        128,
        K,
        "Dầu cám gạo Phong Điền",
        2025,
        "Vào",
        "Cám gạo tươi",
        "2.800",
        "tấn/tháng",
        None,
        None,
    ],
    [129, K, "Dầu cám gạo Phong Điền", 2025, "Vào", "Hơi nước", "4", "tấn hơi/giờ", None, None],
    [130, K, "Dầu cám gạo Phong Điền", 2025, "Vào", "Hexan", "6", "tấn/tháng", None, None],
    [
        131,
        K,
        "Dầu cám gạo Phong Điền",
        2025,
        "Ra",
        "Cám trích ly (cám đã tách dầu)",
        "2.300",
        "tấn/tháng",
        "Bán cho nhà máy TACN",
        "4.800",
    ],
    [
        132,
        K,
        "Dầu cám gạo Phong Điền",
        2025,
        "Ra",
        "Cặn xà phòng, sáp cám",
        "35",
        "tấn/tháng",
        "Bán cho cơ sở nấu xà phòng",
        None,
    ],
    [
        133,
        K,
        "Dầu cám gạo Phong Điền",
        2025,
        "Ra",
        "Đất tẩy trắng thải (lẫn dầu)",
        "18",
        "tấn/tháng",
        "Chôn lấp",
        None,
    ],
]

# Firms by their number in ENTERPRISE_ROWS.
RICE_MILL = 1
CATFISH = 2
RENDERER = 3
SHRIMP = 4
FEED = 5
CONFECT = 6
DRINKS = 7
DAIRY = 8
PHARMA = 9
AGROCHEM = 10
CHP = 11
BRICKS = 12
CONCRETE = 13
PAPER = 14
PE_PACK = 15
RECYCLER = 16
WORKSHOP = 17
SHIPYARD = 18
GARMENTS = 19
WWTP = 20
HAZARDOUS_TREATER = 21
COMPOST = 22
SCRAP_DEALER = 23
COLD_STORE = 24
BRAN_OIL = 25

# (flow STT of the supply, receiver, why a practitioner would expect it)
PLANTED = [
    (3, CHP, "rice husk is the biomass plant's design fuel"),  # husk
    (3, BRICKS, "husk fires the tunnel kiln in place of coal, as Mekong kilns do"),  # husk
    (4, FEED, "rice bran is a staple energy ingredient of pig and fish feed"),  # bran
    (4, BRAN_OIL, "fresh bran, pressed within a day, is the oil mill's raw material"),  # bran
    (5, COMPOST, "husk and bran dust is a carbon-rich bulking agent for compost"),  # rice_dust
    (6, RECYCLER, "worn PP sacks are the recycler's feedstock"),  # rice_bags
    (
        9,
        RENDERER,
        "heads, frames, skin and viscera of pangasius are fish-meal and fish-oil feedstock",
    ),  # cat_byp
    (10, COMPOST, "protein-rich sludge of a fish plant composts or digests well"),  # cat_sludge
    (11, PAPER, "old cartons are recovered fibre for the carton mill"),  # cat_carton
    (15, FEED, "pangasius meal replaces imported fish meal in the feed mill"),  # fishmeal
    (16, FEED, "crude fish oil is the feed mill's added fat"),  # fishoil
    (17, BRICKS, "coal boiler ash replaces sand and part of the fuel in fired bricks"),  # r_ash
    (
        20,
        RENDERER,
        "shrimp heads and shells are dried and ground into shrimp meal with the fish by-products",
    ),  # shrimp_heads
    (21, COMPOST, "seafood-plant sludge composts or digests"),  # shrimp_sludge
    (
        34,
        FEED,
        "broken biscuits and candy are bakery meal, an energy feed replacing broken rice and flour",
    ),  # c_rejects
    (35, PAPER, "old cartons are recovered fibre for the carton mill"),  # c_carton
    (
        40,
        COMPOST,
        "spent tea leaves and passion-fruit pulp are compost and biogas feedstock",
    ),  # d_pulp
    (
        41,
        RECYCLER,
        "rejected PET bottles, caps and shrink film are recyclable plastic",
    ),  # d_pet_rej
    (42, COMPOST, "expired sugary drinks are a strong co-substrate for the digester"),  # d_expired
    (48, COMPOST, "spoiled and returned milk is depackaged and digested for biogas"),  # m_expired
    (50, COMPOST, "dairy flotation and biological sludge is digested or composted"),  # m_sludge
    (
        53,
        HAZARDOUS_TREATER,
        "expired medicines are hazardous waste for the licensed treater",
    ),  # p_drugs
    (
        54,
        HAZARDOUS_TREATER,
        "spent solvents are hazardous waste for the licensed treater",
    ),  # p_solvent
    (
        59,
        HAZARDOUS_TREATER,
        "pesticide containers are hazardous waste for the licensed treater",
    ),  # a_containers
    (
        64,
        CONCRETE,
        "rice-husk ash is a pozzolan that replaces part of the fly ash and cement",
    ),  # rha
    (65, FEED, "surplus steam feeds the pellet conditioners of the feed mill next door"),  # steam
    (65, DAIRY, "surplus steam covers the dairy's UHT and CIP heat"),  # steam
    (
        81,
        BRICKS,
        "fibre sludge replaces part of the clay and opens the pores of fired bricks",
    ),  # pp_sludge
    (83, BRICKS, "coal boiler ash replaces sand in fired bricks"),  # pp_ash
    (87, RECYCLER, "clean PE edge trim is the best feedstock a film recycler can get"),  # pe_scrap
    (
        91,
        PE_PACK,
        "recycled PE pellets replace virgin HDPE in garbage and industrial bags",
    ),  # rc_pellets
    (
        94,
        SCRAP_DEALER,
        "no steel mill in the park: the scrap dealer collects turnings and offcuts",
    ),  # ws_scrap
    (
        95,
        HAZARDOUS_TREATER,
        "used lubricating oil is hazardous waste for the licensed treater",
    ),  # ws_oil
    (
        99,
        SCRAP_DEALER,
        "ship-plate offcuts and breaking scrap go to the park's scrap dealer",
    ),  # sy_scrap
    (
        100,
        HAZARDOUS_TREATER,
        "spent blasting grit with antifouling paint is hazardous waste",
    ),  # sy_grit
    (105, PAPER, "old cartons and paper tubes are recovered fibre for the carton mill"),  # g_carton
    (109, CHP, "treated effluent is cooling-tower make-up water for the power plant"),  # effluent
    (
        109,
        PAPER,
        "treated effluent replaces river water as the carton mill's process water",
    ),  # effluent
    (110, COMPOST, "a food park's WWTP sludge is composted, after a heavy-metal test"),  # w_sludge
    (
        117,
        AGROCHEM,
        "finished compost replaces peat as the organic carrier of blended fertiliser",
    ),  # compost
    (118, CONFECT, "flared biogas, cleaned of H2S, replaces LPG in the biscuit ovens"),  # biogas
    (120, PAPER, "baled cartons sold to Bình Dương belong at the carton mill next door"),  # s_paper
    (
        121,
        RECYCLER,
        "sorted PE and PP sold to Ho Chi Minh City belong at the recycler next door",
    ),  # s_plastic
    (
        125,
        CHP,
        "broken pallets are wood fuel for the biomass boiler, in place of co-fired coal",
    ),  # cs_pallets
    (126, RECYCLER, "pallet stretch film is clean LLDPE, recycler's feedstock"),  # cs_film
    (131, FEED, "de-oiled rice bran is a standard feed ingredient"),  # deoiled
    (133, BRICKS, "oily spent bleaching earth is clay with fuel value for fired bricks"),  # sbe
]

# Receivers a practitioner would accept as the first proposal of each output that may be
# offered (flow STT -> receivers); an output not listed has no acceptable receiver here.
ACCEPTED = {
    3: {CHP, BRICKS, PAPER, RENDERER, COMPOST},  # husk
    4: {FEED, BRAN_OIL},  # bran
    5: {COMPOST, CHP, BRICKS},  # rice_dust
    6: {RECYCLER, SCRAP_DEALER},  # rice_bags
    9: {RENDERER},  # cat_byp
    10: {COMPOST},  # cat_sludge
    11: {PAPER, SCRAP_DEALER},  # cat_carton
    15: {FEED},  # fishmeal
    16: {FEED},  # fishoil
    17: {BRICKS, CONCRETE},  # r_ash
    20: {RENDERER, FEED},  # shrimp_heads
    21: {COMPOST},  # shrimp_sludge
    22: {RECYCLER},  # shrimp_pe
    29: {RECYCLER, SCRAP_DEALER},  # feed_bags
    34: {FEED, COMPOST},  # c_rejects
    35: {PAPER, SCRAP_DEALER},  # c_carton
    40: {COMPOST},  # d_pulp
    41: {RECYCLER, SCRAP_DEALER},  # d_pet_rej
    42: {COMPOST},  # d_expired
    43: {COMPOST},  # d_sludge
    48: {COMPOST},  # m_expired
    49: {PAPER, SCRAP_DEALER},  # m_tetra
    50: {COMPOST},  # m_sludge
    53: {HAZARDOUS_TREATER},  # p_drugs
    54: {HAZARDOUS_TREATER},  # p_solvent
    55: {PAPER, SCRAP_DEALER},  # p_carton
    59: {HAZARDOUS_TREATER},  # a_containers
    60: {HAZARDOUS_TREATER},  # a_rinse
    64: {CONCRETE, BRICKS, COMPOST},  # rha
    65: {FEED, DAIRY, CONFECT, BRAN_OIL, PHARMA, GARMENTS, RENDERER, PAPER},  # steam
    66: {COLD_STORE},  # power
    81: {BRICKS, COMPOST},  # pp_sludge
    82: {RECYCLER},  # pp_reject
    83: {BRICKS, CONCRETE},  # pp_ash
    87: {RECYCLER},  # pe_scrap
    88: {HAZARDOUS_TREATER},  # pe_ink
    91: {PE_PACK},  # rc_pellets
    94: {SCRAP_DEALER},  # ws_scrap
    95: {HAZARDOUS_TREATER},  # ws_oil
    96: {HAZARDOUS_TREATER},  # ws_rags
    99: {SCRAP_DEALER},  # sy_scrap
    100: {HAZARDOUS_TREATER},  # sy_grit
    101: {HAZARDOUS_TREATER},  # sy_oil
    102: {CHP, BRICKS, PAPER, RENDERER},  # sy_wood
    104: {SCRAP_DEALER},  # g_fabric
    105: {PAPER, SCRAP_DEALER},  # g_carton
    106: {RECYCLER, SCRAP_DEALER},  # g_plastic
    109: {CHP, PAPER, CONCRETE, RECYCLER, COLD_STORE},  # effluent
    110: {COMPOST, BRICKS},  # w_sludge
    117: {AGROCHEM},  # compost
    118: {CONFECT, RENDERER, CHP, PAPER, BRICKS},  # biogas
    120: {PAPER},  # s_paper
    121: {RECYCLER},  # s_plastic
    125: {CHP, BRICKS, PAPER, RENDERER},  # cs_pallets
    126: {RECYCLER, SCRAP_DEALER},  # cs_film
    127: {PAPER, SCRAP_DEALER},  # cs_carton
    131: {FEED},  # deoiled
    133: {BRICKS, COMPOST},  # sbe
}

# (flow STT of the supply, receiver, why it must never be proposed)
DISTRACTORS = [
    (
        109,
        DRINKS,
        "bottled drinks are made from potable water, never from park effluent",
    ),  # effluent
    (109, DAIRY, "a dairy cannot use effluent as process water"),  # effluent
    (109, PHARMA, "purified water for medicines cannot start from effluent"),  # effluent
    (
        109,
        CATFISH,
        "fillet washing needs potable water under food-safety and export rules",
    ),  # effluent
    (
        109,
        SHRIMP,
        "shrimp processing needs potable water under food-safety and export rules",
    ),  # effluent
    (110, FEED, "sewage sludge is never feed"),  # w_sludge
    (110, RENDERER, "sewage sludge is never fish-meal raw material"),  # w_sludge
    (10, FEED, "wastewater sludge is never feed, even from a fish plant"),  # cat_sludge
    (10, RENDERER, "wastewater sludge is never fish-meal raw material"),  # cat_sludge
    (
        113,
        BRICKS,
        "hazardous-waste incinerator ash is stabilised and landfilled, never put in bricks",
    ),  # h_ash
    (113, CONCRETE, "hazardous-waste incinerator ash never goes into concrete"),  # h_ash
    (113, COMPOST, "hazardous-waste incinerator ash never goes to soil"),  # h_ash
    (
        59,
        RECYCLER,
        "pesticide containers are hazardous and must not enter ordinary plastic recycling",
    ),  # a_containers
    (
        60,
        WWTP,
        "pesticide-laden rinse water is hazardous, not for the biological central WWTP",
    ),  # a_rinse
    (53, FEED, "expired medicines are hazardous waste, never feed"),  # p_drugs
    (53, COMPOST, "expired medicines never go to compost"),  # p_drugs
    (91, DRINKS, "recycled PE pellets are not food-contact PET preforms"),  # rc_pellets
    (95, FEED, "used mineral oil is never a feed fat"),  # ws_oil
    (101, FEED, "oily bilge water and waste oil are never a feed fat"),  # sy_oil
    (104, FEED, "fabric scraps are never feed"),  # g_fabric
    (64, PHARMA, "a pharmaceutical plant has no use for ash"),  # rha
    (100, COMPOST, "paint-contaminated blasting grit never goes to soil"),  # sy_grit
]
