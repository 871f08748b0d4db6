"""A park inventory typed the way environment staff keep it in Excel: firms named, not
coded; sectors in words; materials in free text with qualifiers and typos; Vietnamese
number formats; units per month or day; destinations as phrases; prices on few rows.

Fictional park "Sông Cầu" in the former Bắc Giang province (Bắc Ninh since 2025). Written
with the lexicon in view: the importer's own example, not the measurement (see
park_heldout.py for that)."""

PARK_SHEET_NAME = "Khu công nghiệp"
PARK_HEADERS = ["Mã KCN", "Tên KCN", "Tỉnh", "Tổng diện tích (ha)", "Chủ đầu tư hạ tầng"]
PARK_ROWS = [["Sông Cầu", "Khu công nghiệp Sông Cầu", "Bắc Giang", "312,5", "Công ty CP Phát triển KCN Sông Cầu"]]

ENTERPRISE_SHEET_NAME = "Doanh nghiệp"
ENTERPRISE_HEADERS = ["KCN", "Tên doanh nghiệp", "Ngành nghề", "MST", "Số lao động"]
ENTERPRISE_ROWS = [
    ["Sông Cầu", "Công ty TNHH Dệt nhuộm Phú Mỹ", "Dệt nhuộm vải", "2400123456", 850],
    ["Sông Cầu", "Công ty CP May Bắc Hà", "May mặc xuất khẩu", "2400234567", "1.200"],
    ["Sông Cầu", "Cty TNHH Giày da Hưng Phát", "SX giày dép", None, 2300],
    ["Sông Cầu", "Công ty TNHH Thép Sông Cầu", "Luyện thép lò điện hồ quang", "2400345678", 640],
    ["Sông Cầu", "Công ty TNHH Cơ khí Đức Thành", "Gia công cơ khí, mạ kẽm", None, 120],
    ["Sông Cầu", "Công ty TNHH Bao bì nhựa An Khang", "SX bao bì nhựa", "2400456789", 310],
    ["Sông Cầu", "Công ty CP Giấy Việt Hưng", "Sản xuất giấy và bao bì carton", None, 280],
    ["Sông Cầu", "Công ty TNHH Bia Bắc Giang", "Sản xuất bia", "2400567890", 210],
    ["Sông Cầu", "Công ty CP Thức ăn chăn nuôi Kinh Bắc", "SX thức ăn chăn nuôi", None, 150],
    ["Sông Cầu", "Công ty TNHH Chế biến gỗ Trường Thành", "Chế biến gỗ, đồ gỗ nội thất", None, 400],
    ["Sông Cầu", "Nhà máy nhiệt điện sinh khối Sông Cầu", "Sản xuất điện, hơi", None, 60],
    ["Sông Cầu", "Trạm XLNT tập trung KCN Sông Cầu", "Xử lý nước thải tập trung", None, 12],
    ["Sông Cầu", "Công ty TNHH Môi trường Xanh Bắc Giang", "Thu gom, xử lý chất thải nguy hại", None, 45],
    ["Sông Cầu", "Công ty CP Phân bón hữu cơ Hà Bắc", "Sản xuất phân bón hữu cơ vi sinh", None, 35],
]

FLOW_SHEET_NAME = "Dòng vật chất"
FLOW_HEADERS = [
    "KCN",
    "Doanh nghiệp",
    "Năm",
    "Đầu vào/Đầu ra",
    "Tên chất thải/nguyên liệu",
    "Khối lượng",
    "ĐVT",
    "Hình thức xử lý",
    "Đơn giá",
]
F = "Sông Cầu"
FLOW_ROWS = [
    # Dệt nhuộm Phú Mỹ
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Vào", "Vải mộc", "1.250", "tấn/năm", None, None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Vào", "Than đá cám 5", "850", "tấn/tháng", None, None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Vào", "Nước sạch", "1.200", "m3/ngày", None, "12.500"],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Ra", "Vải vụn, biên vải", "36,5", "tấn/tháng", "Bán phế liệu", None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Ra", "Xỉ than lò hơi", "180", "tấn/tháng", "Chôn lấp", None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Ra", "Bùn thải từ hệ thống XLNT", "42", "tấn/tháng", "Thuê đơn vị có chức năng thu gom, vận chuyển, xử lý", None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Ra", "Nước thải sau xử lý đạt cột B", "950", "m3/ngày", "Xả vào hệ thống thu gom nước thải tập trung của KCN", None],
    [F, "Dệt nhuộm Phú Mỹ", 2024, "Ra", "Bao bì đựng hóa chất thải", "2.400", "kg/năm", "Thuê đơn vị có chức năng", None],
    # May Bắc Hà
    [F, "May Bắc Hà", 2024, "Vào", "Điện", "185.000", "kWh/tháng", None, None],
    [F, "May Bắc Hà", 2024, "Ra", "Vải vụn", "12.500", "kg/tháng", "Bán rẻ cho cơ sở tái chế", None],
    [F, "May Bắc Hà", 2024, "Ra", "Giấy, bìa carton phế liệu", "3,2", "tấn/tháng", "bán phế liệu", None],
    # Giày da Hưng Phát
    [F, "Giày da Hưng Phát", 2024, "Ra", "Da vụn thải", "8.5 tấn/tháng", None, "Đốt tại lò đốt", None],
    [F, "Giày da Hưng Phát", 2024, "Ra", "Cao su phế liệu (đế giày lỗi)", "4", "tấn/tháng", "bán", None],
    [F, "Giày da Hưng Phát", 2024, "Ra", "Giẻ lau dính dầu, keo", "350", "kg/tháng", "Chuyển giao cho đơn vị có chức năng xử lý CTNH", None],
    # Thép Sông Cầu
    [F, "Thép Sông Cầu", 2024, "Vào", "Thép phế liệu", "15.000", "tấn/tháng", None, "8.200.000"],
    [F, "Thép Sông Cầu", 2024, "Vào", "Điện năng", "62.000", "MWh/năm", None, None],
    [F, "Thép Sông Cầu", 2024, "Ra", "Xỉ thép lò điện", "2.100", "tấn/tháng", "Lưu kho chờ xử lý", None],
    [F, "Thép Sông Cầu", 2024, "Ra", "Bụi lò điện hồ quang (EAF)", "210", "tấn/tháng", "Thuê đơn vị có chức năng", None],
    [F, "Thép Sông Cầu", 2024, "Ra", "Vảy cán", "95", "tấn/tháng", "bán", None],
    [F, "Thép Sông Cầu", 2024, "Ra", "Nhiệt thải khí lò", "41.000", "MWh/năm", "xả ra môi trường", None],
    # Cơ khí Đức Thành
    [F, "Cơ khí Đức Thành", 2024, "Ra", "Phoi sắt, mạt sắt", "18", "tấn/tháng", "Bán phế liệu", None],
    [F, "Cơ khí Đức Thành", 2024, "Ra", "Dung dịch axit tẩy gỉ thải", "6", "khối/tháng", "Thuê đơn vị có chức năng thu gom xử lý", None],
    [F, "Cơ khí Đức Thành", 2024, "Ra", "Dầu nhớt thải", "1.200", "lít/tháng", "Chuyển giao đơn vị có giấy phép", None],
    [F, "Cơ khí Đức Thành", 2024, "Ra", "Bùn thải mạ chứa kim loại nặng", "1,5", "tấn/tháng", "Thuê xử lý", None],
    # Bao bì nhựa An Khang
    [F, "Bao bì nhựa An Khang", 2024, "Vào", "Hạt nhựa nguyên sinh PE, PP", "420", "tấn/tháng", None, None],
    [F, "Bao bì nhựa An Khang", 2024, "Vào", "Hạt nhựa tái chế", "35", "tấn/tháng", None, None],
    [F, "Bao bì nhựa An Khang", 2024, "Ra", "Nhựa phế liệu (biên cắt, màng lỗi)", "22", "tấn/tháng", "Tái sử dụng nội bộ", None],
    [F, "Bao bì nhựa An Khang", 2024, "Ra", "Mực in thải", "150", "kg/tháng", "Thuê đơn vị có chức năng", None],
    # Giấy Việt Hưng
    [F, "Giấy Việt Hưng", 2024, "Vào", "Giấy phế liệu (OCC)", "3.500", "tấn/tháng", None, "4.800.000"],
    [F, "Giấy Việt Hưng", 2024, "Vào", "Hơi nước", "9.000", "tấn/tháng", None, None],
    [F, "Giấy Việt Hưng", 2024, "Ra", "Bùn giấy", "260", "tấn/tháng", "chôn lấp tại bãi rác", None],
    [F, "Giấy Việt Hưng", 2024, "Ra", "Tạp chất nhựa từ bột giấy", "45", "tấn/tháng", "chưa rõ", None],
    # Bia Bắc Giang
    [F, "Bia Bắc Giang", 2024, "Vào", "Malt đại mạch", "9.800", "tấn/năm", None, None],
    [F, "Bia Bắc Giang", 2024, "Ra", "Bã bia", "1.450", "tấn/tháng", "Bán cho trang trại chăn nuôi", None],
    [F, "Bia Bắc Giang", 2024, "Ra", "Men bia thừa", "60", "khối/tháng", "bán rẻ", None],
    [F, "Bia Bắc Giang", 2024, "Ra", "Khí CO2 từ lên men", "2.300", "tấn/năm", "Thải ra khí quyển", None],
    [F, "Bia Bắc Giang", 2024, "Ra", "Chai thủy tinh vỡ", "85", "tấn/năm", "Bán phế liệu", None],
    # Thức ăn chăn nuôi Kinh Bắc
    [F, "Thức ăn chăn nuôi Kinh Bắc", 2024, "Vào", "Ngô, cám gạo, khô đậu", "4.200", "tấn/tháng", None, None],
    [F, "Thức ăn chăn nuôi Kinh Bắc", 2024, "Vào", "Trấu", "300", "tấn/tháng", None, None],
    [F, "Thức ăn chăn nuôi Kinh Bắc", 2024, "Ra", "Tro trấu lò hơi", "54", "tấn/tháng", "Cho nông dân làm phân bón", None],
    # Gỗ Trường Thành
    [F, "Gỗ Trường Thành", 2024, "Ra", "Mùn cưa, dăm bào", "320", "tấn/tháng", "Bán làm chất đốt", None],
    [F, "Gỗ Trường Thành", 2024, "Ra", "Gỗ vụn, đầu mẩu", "140", "tấn/tháng", "bán rẻ cho dân", None],
    [F, "Gỗ Trường Thành", 2024, "Ra", "Thùng sơn, thùng keo thải", "900", "kg/tháng", "Thuê đơn vị có chức năng", None],
    # Nhiệt điện sinh khối
    [F, "Nhiệt điện sinh khối Sông Cầu", 2024, "Vào", "Sinh khối (trấu, mùn cưa ép)", "6.500", "tấn/tháng", None, None],
    [F, "Nhiệt điện sinh khối Sông Cầu", 2024, "Ra", "Hơi nước thừa", "3.000", "tấn/tháng", "xả bỏ", None],
    [F, "Nhiệt điện sinh khối Sông Cầu", 2024, "Ra", "Tro bay", "410", "tấn/tháng", "Chôn lấp", None],
    # Trạm XLNT tập trung
    [F, "Trạm XLNT tập trung KCN Sông Cầu", 2024, "Vào", "Nước thải công nghiệp", "8.000", "m3/ngày", None, None],
    [F, "Trạm XLNT tập trung KCN Sông Cầu", 2024, "Ra", "Nước thải sau XL đạt cột A QCVN 40:2011/BTNMT", "7.600", "m3/ngày", "Xả ra sông Cầu", None],
    [F, "Trạm XLNT tập trung KCN Sông Cầu", 2024, "Ra", "Bùn thải", "95", "tấn/tháng", "Chôn lấp", None],
    # Môi trường Xanh Bắc Giang
    [F, "Môi trường Xanh Bắc Giang", 2024, "Vào", "Chất thải nguy hại các loại", "4.800", "tấn/năm", None, None],
    # Phân bón hữu cơ Hà Bắc
    [F, "Phân bón hữu cơ Hà Bắc", 2024, "Vào", "Phân chuồng, chất thải chăn nuôi", "600", "tấn/tháng", None, None],
    [F, "Phân bón hữu cơ Hà Bắc", 2024, "Ra", "Phân bón hữu cơ vi sinh", "550", "tấn/tháng", "bán", None],
]
LABELS = [
    ("unclassified", "greige fabric: a raw input the catalog has no code for"),
    ("coal", "coal fines, grade 5"),
    ("fresh-water", "clean mains water"),
    ("textile-scrap", "fabric scraps and selvedges"),
    ("bottom-ash", "boiler clinker from coal"),
    ("sewage-sludge", "sludge of the factory's wastewater plant"),
    ("treated-wastewater", "treated effluent, column B"),
    ("hazardous-waste", "chemical containers are hazardous packaging"),
    ("electricity", "grid power"),
    ("textile-scrap", "fabric scraps"),
    ("paper-scrap", "waste cardboard"),
    ("leather-scrap", "leather offcuts"),
    ("rubber-scrap", "rejected rubber soles"),
    ("oily-rags", "rags with oil and glue"),
    ("steel-scrap", "ferrous scrap bought"),
    ("electricity", "power"),
    ("steel-slag", "EAF slag"),
    ("furnace-dust", "EAF dust"),
    ("mill-scale", "mill scale"),
    ("waste-heat", "furnace off-gas heat"),
    ("steel-scrap", "turnings and filings"),
    ("spent-acid", "spent pickling acid"),
    ("used-oil", "used lubricating oil"),
    ("industrial-sludge", "plating sludge"),
    ("virgin-plastic-resin", "virgin PE/PP pellets"),
    ("plastic-pellets", "recycled pellets"),
    ("plastic-scrap", "trim and rejected film"),
    ("hazardous-waste", "waste printing ink"),
    ("paper-scrap", "OCC bought"),
    ("steam", "process steam bought"),
    ("industrial-sludge", "paper-mill sludge"),
    ("plastic-scrap", "plastic rejects from pulping"),
    ("unclassified", "barley malt: a raw input the catalog lacks"),
    ("brewers-spent-grain", "spent grain"),
    ("spent-yeast", "surplus yeast"),
    ("co2", "fermentation CO2"),
    ("glass-cullet", "broken bottles"),
    ("animal-feed", "maize, bran and soy meal: feed ingredients, what the catalog calls feed"),
    ("rice-husk", "rice husk bought as fuel"),
    ("rice-husk-ash", "ash of a rice-husk boiler"),
    ("sawdust", "sawdust and shavings"),
    ("wood-waste", "offcuts"),
    ("hazardous-waste", "paint and glue drums"),
    ("biomass", "biomass fuel"),
    ("steam", "surplus steam"),
    ("fly-ash", "fly ash"),
    ("industrial-wastewater", "wastewater received"),
    ("treated-wastewater", "treated effluent, column A"),
    ("sewage-sludge", "sludge of the central wastewater plant"),
    ("hazardous-waste", "mixed hazardous waste received"),
    ("organic-waste", "manure"),
    ("fertiliser", "organic fertiliser sold"),
]
QUANTITIES = [
    (1250.0, "tấn/năm"), (850.0, "tấn/tháng"), (1200.0, "m3/ngày"), (36.5, "tấn/tháng"),
    (180.0, "tấn/tháng"), (42.0, "tấn/tháng"), (950.0, "m3/ngày"), (2400.0, "kg/năm"),
    (185000.0, "kWh/tháng"), (12500.0, "kg/tháng"), (3.2, "tấn/tháng"), (8.5, "tấn/tháng"),
    (4.0, "tấn/tháng"), (350.0, "kg/tháng"), (15000.0, "tấn/tháng"), (62000.0, "MWh/năm"),
    (2100.0, "tấn/tháng"), (210.0, "tấn/tháng"), (95.0, "tấn/tháng"), (41000.0, "MWh/năm"),
    (18.0, "tấn/tháng"), (6.0, "khối/tháng"), (1200.0, "lít/tháng"), (1.5, "tấn/tháng"),
    (420.0, "tấn/tháng"), (35.0, "tấn/tháng"), (22.0, "tấn/tháng"), (150.0, "kg/tháng"),
    (3500.0, "tấn/tháng"), (9000.0, "tấn/tháng"), (260.0, "tấn/tháng"), (45.0, "tấn/tháng"),
    (9800.0, "tấn/năm"), (1450.0, "tấn/tháng"), (60.0, "khối/tháng"), (2300.0, "tấn/năm"),
    (85.0, "tấn/năm"), (4200.0, "tấn/tháng"), (300.0, "tấn/tháng"), (54.0, "tấn/tháng"),
    (320.0, "tấn/tháng"), (140.0, "tấn/tháng"), (900.0, "kg/tháng"), (6500.0, "tấn/tháng"),
    (3000.0, "tấn/tháng"), (410.0, "tấn/tháng"), (8000.0, "m3/ngày"), (7600.0, "m3/ngày"),
    (95.0, "tấn/tháng"), (4800.0, "tấn/năm"), (600.0, "tấn/tháng"), (550.0, "tấn/tháng"),
]
