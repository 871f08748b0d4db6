"""Fictional industrial park in Hải Dương province, typed the way park environment staff keep an inventory in Excel."""

PARK_SHEET_NAME = "Khu công nghiệp"
PARK_HEADERS = ['STT', 'Khu công nghiệp', 'Mã KCN', 'Tỉnh', 'Huyện', 'Diện tích (ha)', 'Chủ đầu tư hạ tầng', 'Năm thành lập', 'Tỷ lệ lấp đầy', 'Ghi chú']
PARK_ROWS = [
    [1, 'KCN Lai Khê Đông', 'HD-LKĐ', 'Hải Dương', 'Kim Thành', 312.6, 'Công ty TNHH MTV Phát triển hạ tầng KCN Lai Khê Đông', 2012, '78%', 'Có trạm XLNT tập trung 5.000 m3/ngày đêm'],
]

ENTERPRISE_SHEET_NAME = "Doanh nghiệp"
ENTERPRISE_HEADERS = ['STT', 'KCN', 'Tên doanh nghiệp', 'MST', 'Ngành nghề', 'Số lao động', 'Quốc tịch nhà đầu tư', 'Ghi chú']
ENTERPRISE_ROWS = [
    [1, 'KCN Lai Khê Đông', 'Công ty TNHH Điện tử Hanshin Vina', '0801187654', 'Sản xuất, lắp ráp linh kiện điện tử, bản mạch PCB', 2350, 'Hàn Quốc', None],
    [2, 'KCN Lai Khê Đông', 'Công ty TNHH Phụ tùng xe máy Tiến Đạt', '0800934512', 'Đúc nhôm, gia công cơ khí phụ tùng xe máy, ô tô', 420, 'Việt Nam', None],
    [3, 'Lai Khê Đông', 'CÔNG TY CP GẠCH MEN LAI KHÊ', None, 'SẢN XUẤT GẠCH ỐP LÁT CERAMIC, GRANITE', 380, 'Việt Nam', None],
    [4, 'KCN Lai Khê Đông', 'Công ty TNHH Kính Hải Dương', '0801002233', 'Sản xuất chai lọ thủy tinh', None, 'Việt Nam', 'Lò nấu 120 tấn/ngày'],
    [5, 'KCN Lai Khê Đông', 'Công ty CP Xi măng Kim Môn - Trạm nghiền Lai Khê', '0800287761-002', 'Nghiền clinker, đóng bao xi măng', 95, 'Việt Nam', 'Chi nhánh'],
    [6, 'KCN Lai Khê Đông', 'Công ty CP Nhiệt điện Lai Khê', '0801345678', 'Nhiệt điện than, cung cấp hơi và điện cho KCN', 310, 'Việt Nam', 'Có HT khử lưu huỳnh FGD'],
    [7, 'KCN Lai Khê Đông', 'Công ty TNHH Sơn và Hóa chất Đông Á', None, 'Sản xuất sơn, dung môi, hóa chất công nghiệp', 160, 'Đài Loan', None],
    [8, 'KCN Lai Khê Đông', 'Công ty CP Dược phẩm Thành Nam', '0801456021', 'Sản xuất thuốc tân dược (viên nén, viên nang)', 275, 'Việt Nam', 'Đạt GMP-WHO'],
    [9, 'Lai Khê Đông', 'Công ty TNHH Cao su Sao Việt', '0801223344', 'Sản xuất săm lốp xe máy, sản phẩm cao su kỹ thuật', 540, 'Việt Nam', None],
    [10, 'KCN Lai Khê Đông', 'Công ty CP Ắc quy Tia Sáng Hải Dương', None, 'Lắp ráp ắc quy chì - axit', 210, 'Việt Nam', None],
    [11, 'KCN Lai Khê Đông', 'Công ty CP Chế biến thực phẩm Hải Hà', '0800765432', 'Giết mổ gia súc, gia cầm tập trung', 130, 'Việt Nam', None],
    [12, 'KCN Lai Khê Đông', 'Cty TNHH Giặt là công nghiệp Minh Khang', None, 'Dịch vụ giặt là, nhuộm hoàn tất hàng may mặc', 85, 'Việt Nam', None],
    [13, 'KCN Lai Khê Đông', 'Công ty TNHH Giấy Hoàng Long', '0801567890', 'Sản xuất giấy tissue, giấy vệ sinh', 190, 'Việt Nam', None],
    [14, 'KCN Lai Khê Đông', 'Công ty TNHH MTV Phát triển hạ tầng KCN Lai Khê Đông', '0801100220', 'Kinh doanh hạ tầng KCN, vận hành nhà máy XLNT tập trung', 42, 'Việt Nam', 'Công suất XLNT 5.000 m3/ngày đêm'],
    [15, 'KCN Lai Khê Đông', 'Công ty CP Môi trường Xanh Phú Thái', '0800998877', 'Thu gom, vận chuyển, xử lý chất thải nguy hại (lò đốt, tái chế dầu thải)', 120, 'Việt Nam', 'Giấy phép xử lý CTNH'],
    [16, 'Lai Khê Đông', 'Công ty TNHH Thương mại Phế liệu Hùng Thịnh', None, 'Thu mua, phân loại phế liệu kim loại, nhựa, giấy', None, 'Việt Nam', None],
]

FLOW_SHEET_NAME = "Dòng vật chất"
FLOW_HEADERS = ['STT', 'KCN', 'Doanh nghiệp', 'Kỳ báo cáo', 'Đầu vào/Đầu ra', 'Tên chất thải/nguyên liệu', 'Mã CTNH', 'Khối lượng', 'ĐVT', 'Đơn giá', 'Hình thức xử lý', 'Ghi chú']
FLOW_ROWS = [
    [1, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu vào', 'Điện năng tiêu thụ (điện lưới EVN)', None, '4.850.000', 'kWh/năm', None, None, None],
    [2, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu vào', 'Điện mặt trời áp mái (tự dùng)', None, 612500, 'kWh/năm', None, None, 'Hệ thống 480 kWp trên mái nhà xưởng'],
    [3, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu vào', 'Nước sạch KCN', None, 45, 'm3/ngày đêm', None, None, None],
    [4, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Bản mạch PCB lỗi, linh kiện điện tử hỏng', '19 02 06', '1,2', 'tấn/tháng', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [5, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Xỉ thiếc hàn (thiếc thải)', None, 85, 'kg/tháng', '180.000 đ/kg', 'Bán cho cơ sở thu mua phế liệu', None],
    [6, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Khay nhựa, cuộn reel thải', None, '3 tấn/tháng', None, None, 'Bán phế liệu', None],
    [7, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Thùng carton, giấy vụn', None, '6.500', 'kg/tháng', None, 'Bán phế liệu', None],
    [8, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Pallet gỗ hỏng', None, 40, 'cái/tháng', None, 'Bán rẻ', None],
    [9, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Bóng đèn huình quang thải', '16 01 06', 15, 'kg/năm', None, 'Lưu giữ tại kho CTNH', 'chờ chuyển giao'],
    [10, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Thức ăn thừa nhà ăn', None, '250 kg/ngày', None, None, 'Cho hộ dân chăn nuôi thu gom', None],
    [11, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Dầu ăn thải từ bếp ăn ca', None, 60, 'lít/tháng', None, 'Bán cho cơ sở thu mua', None],
    [12, 'KCN Lai Khê Đông', 'Hanshin Vina', 'Năm 2024', 'Đầu ra', 'Nước thải SX + sinh hoạt', None, 380, 'm3/ngày đêm', None, 'Đấu nối vào trạm XLNT tập trung', None],
    [13, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu vào', 'Nhôm thỏi nguyên chất (A7)', None, 720, 'tấn', None, None, 'NVL chính'],
    [14, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu vào', 'Thép tấm, thép ống các loại', None, '1.150', 'tấn', None, None, 'NVL làm khung, giá đỡ'],
    [15, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu ra', 'Ba via nhôm, phoi nhôm', None, '51,5', 'tấn', '38.000 đ/kg', 'Bán cho cơ sở thu mua phế liệu', None],
    [16, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu ra', 'Phoi sắt, sắt vụn', None, 24, 'tấn', None, 'Bán phế liệu', None],
    [17, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu ra', 'Cát lõi khuôn đúc thải', None, 70, 'tấn', None, 'Chôn lấp tại bãi rác tỉnh', None],
    [18, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu ra', 'Dầu thủy lực, dầu nhớt thải', '17 02 03', '3.600', 'lít', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [19, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu ra', 'Dẻ lau, găng tay dính dầu', '18 02 01', 720, 'kg', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [20, 'KCN Lai Khê Đông', 'Cty Tiến Đạt', '6 tháng đầu năm 2024', 'Đầu vào', 'Dầu DO chạy xe nâng', None, 9000, 'lít', None, None, None],
    [21, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU VÀO', 'ĐẤT SÉT, TRÀNG THẠCH, CAO LANH', None, '96.000', 'TẤN/NĂM', None, None, None],
    [22, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU VÀO', 'THAN CÁM CHO LÒ KHÍ HÓA', None, '21.600', 'TẤN/NĂM', None, None, None],
    [23, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU VÀO', 'KHÍ CNG', None, '4.200.000', 'Nm3/năm', None, None, 'CẤP CHO LÒ NUNG'],
    [24, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU RA', 'GẠCH PHẾ PHẨM VỠ', None, '1.850', 'TẤN/NĂM', None, 'BÁN CHO ĐƠN VỊ SAN LẤP MẶT BẰNG', None],
    [25, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU RA', 'XỈ THAN LÒ KHÍ HÓA', None, '3.240', 'TẤN/NĂM', None, 'BÁN CHO CƠ SỞ SX GẠCH KHÔNG NUNG', None],
    [26, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU RA', 'BÙN THẢI HT XỬ LÝ NƯỚC THẢI MEN', None, '410', 'TẤN/NĂM', None, 'TÁI CHẾ NỘI BỘ', 'PHỐI TRỘN LẠI VÀO XƯƠNG GẠCH'],
    [27, 'Lai Khê Đông', 'GẠCH MEN LAI KHÊ', 'Năm 2024', 'ĐẦU RA', 'BAO BÌ ĐỰNG HÓA CHẤT, MEN MÀU', '18 01 01', '2,8', 'TẤN/NĂM', None, 'HỢP ĐỒNG VỚI ĐƠN VỊ CÓ CHỨC NĂNG THU GOM XỬ LÝ CTNH', None],
    [28, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu vào', 'Phối liệu nấu thủy tinh (cát, soda, đolomit)', None, '15.000', 'tấn/năm', None, None, None],
    [29, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu vào', 'Thủy tinh vụn mua ngoài (cullet)', None, '3.600', 'tấn/năm', '1.800 đ/kg', None, None],
    [30, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu vào', 'Dầu FO', None, '5.040', 'tấn/năm', None, None, 'đốt lò nấu'],
    [31, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu ra', 'Chai lọ lỗi, thủy tinh vỡ', None, '1.200', 'tấn/năm', None, 'Tái chế nội bộ', None],
    [32, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu ra', 'Nhiệt thải khói lò nấu', None, '4.500', 'MWh/năm', None, 'chưa có phương án', 'khói ~450 độ C'],
    [33, 'KCN Lai Khê Đông', 'Kính Hải Dương', 2024, 'Đầu ra', 'Chai thủy tinh thành phẩm', None, '95.000.000', 'cái/năm', None, 'Bán', None],
    [34, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Clinker', None, '60.000', 'tấn', None, None, 'nhập từ NM xi măng Kim Môn'],
    [35, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Thạch cao FGD (từ NĐ Lai Khê)', None, 2700, 'tấn', None, None, None],
    [36, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Tro bay từ NĐ Lai Khê', None, '10.500', 'tấn', None, None, None],
    [37, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Phụ gia khoáng hoạt tính (puzơlan)', None, '4.800', 'tấn', None, None, None],
    [38, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Đá vôi phụ gia', None, '6.000', 'tấn', None, None, None],
    [39, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu vào', 'Phụ gia trợ nghiền', None, '12,5', 'tấn', None, None, 'gốc amin'],
    [40, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu ra', 'Xi măng PCB40 (bao 50kg)', None, '1.680.000', 'bao', None, 'Bán', None],
    [41, 'KCN Lai Khê Đông', 'XM Kim Môn (trạm nghiền)', 'Quý I/2024', 'Đầu ra', 'Vỏ bao PP rách, hỏng', None, '2,4', 'tấn', None, 'Bán phế liệu', None],
    [42, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu vào', 'Than cam 5a Hòn Gai', None, '312.000', 'tấn/năm', None, None, None],
    [43, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu vào', 'Đá vôi nghiền cho hệ thống FGD', None, '13.200', 'tấn/năm', None, None, None],
    [44, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu vào', 'Nước mặt sông Kinh Thầy', None, '12.000', 'm3/ngày đêm', None, None, 'làm mát + cấp lò'],
    [45, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu vào', 'Dầu DO khởi động lò', None, '180.000', 'lít/năm', None, None, None],
    [46, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Tro bay', None, '54.000', 'tấn/năm', '65.000 đ/tấn', 'Bán cho trạm nghiền xi măng', None],
    [47, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Xỉ đấy lò', None, '13.500', 'tấn/năm', None, 'Bán cho cơ sở SX gạch không nung', None],
    [48, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Thạch cao FGD', None, '21.000', 'tấn/năm', None, 'Bán cho trạm nghiền XM Kim Môn', None],
    [49, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Hơi nước cấp cho các DN trong KCN', None, 35, 'tấn hơi/h', None, 'Bán qua đường ống', None],
    [50, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Hơi thấp áp 4 bar cấp Giấy Hoàng Long', None, 12, 'tấn hơi/h', None, 'Bán qua đường ống', None],
    [51, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Điện năng phát (lên lưới + cấp KCN)', None, '298.000.000', 'kWh/năm', None, None, None],
    [52, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Nước làm mát xả ra', None, '9.600', 'm3/ngày đêm', None, 'Xả ra sông Kinh Thầy sau hồ làm nguội', None],
    [53, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Xúc tác SCR đã qua sữ dụng', None, '8,6', 'tấn/năm', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', 'thay định kỳ 3 năm/lần'],
    [54, 'KCN Lai Khê Đông', 'Nhiệt điện Lai Khê', 'Năm 2024', 'Đầu ra', 'Dầu máy biến áp, dầu nhớt thải', '17 03 05', '2.400', 'lít/năm', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [55, 'KCN Lai Khê Đông', 'Sơn Đông Á', 'Năm 2024', 'Dau vao', 'Bot mau TiO2', None, '180', 'tan/nam', None, None, None],
    [56, 'KCN Lai Khê Đông', 'Sơn Đông Á', 'Năm 2024', 'Dau vao', 'Dung moi xylen, toluen', None, '420.000', 'lit/nam', None, None, None],
    [57, 'KCN Lai Khê Đông', 'Sơn Đông Á', 'Năm 2024', 'Dau ra', 'Can son, dung moi thai', '08 01 01', '14,5', 'tan/nam', None, 'Xu ly tai lo dot cua cong ty MT Xanh Phu Thai', None],
    [58, 'KCN Lai Khê Đông', 'Sơn Đông Á', 'Năm 2024', 'Dau ra', 'Thung phuy sat dung hoa chat da qua su dung', '18 01 02', 1200, 'cai/nam', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [59, 'KCN Lai Khê Đông', 'Sơn Đông Á', 'Năm 2024', 'Đầu ra', 'Sơn thành phẩm', None, '3.850.000', 'lít/năm', None, 'Bán', None],
    [60, 'KCN Lai Khê Đông', 'Dược Thành Nam', '6 tháng đầu năm 2024', 'Đầu vào', 'Nước tinh khiết (RO/DI) cho pha chế', None, '1.800', 'm3', None, None, None],
    [61, 'KCN Lai Khê Đông', 'Dược Thành Nam', '6 tháng đầu năm 2024', 'Đầu vào', 'Hơi nước (mua của NĐ Lai Khê)', None, '2.150', 'tấn', None, None, None],
    [62, 'KCN Lai Khê Đông', 'Dược Thành Nam', '6 tháng đầu năm 2024', 'Đầu ra', 'Thuốc hết hạn, bán thành phẩm hỏng', '03 05 08', '0,8', 'tấn', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [63, 'KCN Lai Khê Đông', 'Dược Thành Nam', '6 tháng đầu năm 2024', 'Đầu ra', 'Bã dược liệu sau chiết xuất', None, 36, 'tấn', None, 'Bán rẻ cho hộ dân làm phân', None],
    [64, 'KCN Lai Khê Đông', 'Dược Thành Nam', '6 tháng đầu năm 2024', 'Đầu ra', 'Thùng carton, hộp giấy hỏng', None, '9,5', 'tấn', None, 'Bán phế liệu', None],
    [65, 'KCN Lai Khê Đông', 'Cao su Sao Việt', 2024, 'Đầu vào', 'Cao su thiên nhiên SVR 3L', None, '2.400', 'tấn/năm', None, None, None],
    [66, 'KCN Lai Khê Đông', 'Cao su Sao Việt', 2024, 'Đầu vào', 'Hơi trung áp 12 bar cho lưu hóa', None, 6, 'tấn hơi/h', None, None, None],
    [67, 'KCN Lai Khê Đông', 'Cao su Sao Việt', 2024, 'Đầu ra', 'Ba via cao su, săm lốp phế phẩm', None, '145', 'tấn/năm', 2500, 'Bán cho cơ sở thu mua phế liệu', None],
    [68, 'KCN Lai Khê Đông', 'Cao su Sao Việt', 2024, 'Đầu ra', 'Chất thải rắn khác', None, '30', 'tấn/năm', None, 'Chôn lấp tại bãi rác tỉnh', None],
    [69, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu vào', 'Chì thỏi, hợp kim chì-canxi', None, 450, 'tấn', None, None, None],
    [70, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu vào', 'Axit sunfuric 98%', None, 160, 'tấn', None, None, None],
    [71, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu ra', 'Ắc quy lỗi, bản cực hỏng', '19 06 01', '6,2', 'tấn', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [72, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu ra', 'Dung dịch axit thải từ công đoạn hóa thành', None, '15.000', 'lít', None, 'Trung hòa tại HT XLNT của công ty', None],
    [73, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu ra', 'Vỏ bình PP lỗi (chưa qua sử dụng)', None, '3,5', 'tấn', None, 'Bán phế liệu', None],
    [74, 'KCN Lai Khê Đông', 'Ắc quy Tia Sáng', 'Quý I/2024', 'Đầu ra', 'Bùn thải chứa chì từ HT XLNT', '12 06 05', '4,1', 'tấn', None, 'Lưu giữ tại kho CTNH', None],
    [75, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu vào', 'Lợn hơi', None, '36.000', 'con/năm', None, None, None],
    [76, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu vào', 'Trấu đốt lò hơi', None, '5 tấn/ngày', None, None, None, None],
    [77, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu ra', 'Tro trấu từ lò hơi', None, '0,9 tấn/ngày', None, None, 'Bán cho hộ trồng rau', None],
    [78, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu ra', 'Máu, mỡ vụn, xương', None, '1.200', 'kg/ngày', None, 'Bán cho cơ sở SX thức ăn chăn nuôi', None],
    [79, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu ra', 'Phân, chất chứa dạ dày, lòng ruột thải', None, '2.500', 'kg/ngày', None, 'Ủ biogas', None],
    [80, 'KCN Lai Khê Đông', 'Thực phẩm Hải Hà', 'Năm 2024', 'Đầu ra', 'Khí biogas từ hầm ủ', None, 850, 'm3/ngày', None, 'Đốt lò hơi thay một phần trấu', None],
    [81, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Dau vao', 'Nuoc mem (qua cot lam mem)', None, 120, 'm3/ngay', None, None, None],
    [82, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Dau vao', 'Hoa chat giat tay, thuoc nhuom', None, '8.400', 'kg', None, None, None],
    [83, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Đầu vào', 'Hơi nước', None, '1.260', 'tấn', None, None, 'mua của NĐ Lai Khê'],
    [84, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Dau ra', 'Nuoc thai giat nhuom', None, '110 khối/ngày', None, None, 'Đấu nối vào trạm XLNT tập trung', None],
    [85, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Dau ra', 'Vai vun, xo vai', None, 950, 'kg', None, 'Ban re', None],
    [86, 'KCN Lai Khê Đông', 'Giặt là Minh Khang', 'Quý I/2024', 'Dau ra', 'Dung dich xut thai tu be ngam tay', None, '3.200', 'lit', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý CTNH', None],
    [87, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu vào', 'Bột giấy nguyên sinh (bột gỗ tẩy trắng)', None, '4.200', 'tấn', None, None, 'nhập khẩu'],
    [88, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu vào', 'Giấy phế liệu (giấy văn phòng, giấy vụn)', None, '2.650', 'tấn', '5.200 đ/kg', None, None],
    [89, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu vào', 'Hơi áp thấp nhận từ NĐ Lai Khê', None, 12, 'tấn hơi/h', None, None, None],
    [90, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu vào', 'Nước thải sau xử lý (tái sử dụng từ XLNT tập trung)', None, 800, 'm3/ngày đêm', None, None, 'dùng cho khâu nghiền, rửa lưới'],
    [91, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu ra', 'Giấy tissue cuộn lớn (jumbo roll)', None, '6.180', 'tấn', None, 'Bán', None],
    [92, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu ra', 'Bùn giấy từ HT XLNT', None, '1.234,5', 'tấn', None, 'Bán cho cơ sở SX phân vi sinh', None],
    [93, 'KCN Lai Khê Đông', 'Giấy Hoàng Long', '6 tháng đầu năm 2024', 'Đầu ra', 'Tạp chất nghiền thủy lực (nilon, ghim, băng dính)', None, 96, 'tấn', None, 'Chôn lấp tại bãi rác tỉnh', None],
    [94, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu vào', 'Nước thải từ các DN trong KCN', None, '4.200', 'm3/ngày đêm', None, None, None],
    [95, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu vào', 'Hoá chất PAC, polymer, NaOH', None, 86, 'tấn/năm', None, None, None],
    [96, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu vào', 'Điện năng', None, '1.650.000', 'kWh/năm', None, None, None],
    [97, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu ra', 'Nước thải sau xử lý đạt cột A QCVN 40:2011/BTNMT', None, '3.400', 'm3/ngày đêm', None, 'Xả ra kênh tiêu Lai Khê', '800 m3/ngày đêm cấp lại cho Giấy Hoàng Long'],
    [98, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu ra', 'Bùn thải từ HTXLNT tập trung', None, '1.460', 'tấn/năm', None, 'Hợp đồng với đơn vị có chức năng thu gom xử lý', None],
    [99, 'KCN Lai Khê Đông', 'Hạ tầng KCN Lai Khê Đông (trạm XLNT TT)', 'Năm 2024', 'Đầu ra', 'Rác thải sinh hoạt, rác vớt song chắn', None, 18, 'tấn/năm', None, 'Chôn lấp tại bãi rác tỉnh', None],
    [100, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu vào', 'CTNH thu gom từ các DN', None, '4.800', 'tấn/năm', None, None, None],
    [101, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu vào', 'Dầu nhớt thải thu gom', None, '650.000', 'lít/năm', None, None, None],
    [102, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu vào', 'Dầu DO đốt kèm lò đốt', None, '96.000', 'lít/năm', None, None, None],
    [103, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu ra', 'Dầu gốc tái sinh', None, '410.000', 'lít/năm', None, 'Bán', None],
    [104, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu ra', 'Tro xỉ lò đốt', None, '620', 'tấn/năm', None, 'Hóa rắn, chôn lấp tại ô chôn lấp CTNH', None],
    [105, 'KCN Lai Khê Đông', 'MT Xanh Phú Thái', 2024, 'Đầu ra', 'Hơi nước từ lò hơi tận dụng nhiệt', None, 2, 'tấn hơi/h', None, 'Dùng cho sấy nội bộ', None],
    [106, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu vào', 'Sắt thép phế liệu', None, '3.600', 'tấn/năm', None, None, None],
    [107, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu vào', 'Đồng phế liệu (dây điện, đồng vụn)', None, 85, 'tấn/năm', '185.000 đ/kg', None, None],
    [108, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu vào', 'Inox vụn', None, 120, 'tấn/năm', None, None, None],
    [109, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu vào', 'Nhựa phế liệu các loại', None, 900, 'tấn/năm', None, None, None],
    [110, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu ra', 'Hạt nhựa tái chế', None, 760, 'tấn/năm', None, 'Bán cho DN sản xuất bao bì', None],
    [111, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu ra', 'Giấy vụn đóng kiện', None, '1.100', 'tấn/năm', None, 'Bán cho Giấy Hoàng Long', None],
    [112, 'KCN Lai Khê Đông', 'Phế liệu Hùng Thịnh', 'Năm 2024', 'Đầu ra', 'Hàng hóa các loại', None, '2.400', 'tấn/năm', None, 'Bán', None],
]

LABELS = [
    ('electricity', 'grid electricity bought from EVN'),  # 1
    ('solar-electricity', 'rooftop PV power consumed on site'),  # 2
    ('fresh-water', 'potable supply water from the park network'),  # 3
    ('e-waste', 'rejected PCBs and components'),  # 4
    ('non-ferrous-scrap', 'tin solder dross sold for metal recovery; non-ferrous metal, no tin-specific code'),  # 5
    ('plastic-scrap', 'plastic trays and component reels sold as scrap'),  # 6
    ('paper-scrap', 'cardboard boxes and waste paper'),  # 7
    ('wood-waste', 'broken wooden pallets'),  # 8
    ('hazardous-waste', 'spent fluorescent lamps (typo huình) are hazardous waste'),  # 9
    ('organic-waste', 'canteen food leftovers'),  # 10
    ('used-cooking-oil', 'spent frying oil from the canteen'),  # 11
    ('industrial-wastewater', 'untreated factory effluent sent to the central WWTP'),  # 12
    ('primary-aluminium', 'pure primary aluminium ingot'),  # 13
    ('unclassified', 'rolled steel sheet and tube; a clear raw input but no code for finished steel products'),  # 14
    ('aluminium-scrap', 'aluminium flash and machining chips'),  # 15
    ('steel-scrap', 'iron/steel turnings and offcuts'),  # 16
    ('foundry-sand', 'spent sand cores from casting'),  # 17
    ('used-oil', 'spent hydraulic and lubricating oil'),  # 18
    ('oily-rags', 'oil-soaked rags and gloves (misspelt dẻ for giẻ)'),  # 19
    ('diesel', 'DO is diesel oil'),  # 20
    ('unclassified', 'clay, feldspar and kaolin: clear raw minerals with no matching code'),  # 21
    ('coal', 'fine coal for the coal gasifier'),  # 22
    ('natural-gas', 'compressed natural gas'),  # 23
    ('aggregate', 'broken fired tiles sold as fill material, i.e. used as construction aggregate'),  # 24
    ('bottom-ash', 'coal slag/ash from the gasifier bed'),  # 25
    ('industrial-sludge', 'glaze wastewater treatment sludge from an industrial process'),  # 26
    ('hazardous-waste', 'packaging that held hazardous chemicals'),  # 27
    ('glass-batch', 'virgin glass batch mix'),  # 28
    ('glass-cullet', 'purchased broken glass'),  # 29
    ('fuel-oil', 'FO is residual fuel oil'),  # 30
    ('glass-cullet', 'rejected bottles and broken glass returned to the furnace'),  # 31
    ('waste-heat', 'unrecovered furnace flue-gas heat'),  # 32
    ('finished-goods', "the plant's glass bottles"),  # 33
    ('cement-clinker', 'clinker for grinding'),  # 34
    ('fgd-gypsum', 'desulphurisation gypsum as set retarder'),  # 35
    ('fly-ash', 'fly ash from the coal plant'),  # 36
    ('cement-additive', 'pozzolanic mineral admixture bought as cement additive'),  # 37
    ('limestone', 'limestone filler'),  # 38
    ('chemicals', 'grinding aid is a chemical product, not a mineral additive'),  # 39
    ('cement', 'PCB40 is a Portland blended cement grade, not circuit boards'),  # 40
    ('plastic-scrap', 'torn woven PP bags'),  # 41
    ('coal', 'grade 5a fine coal (cám typed without diacritic)'),  # 42
    ('limestone', 'ground limestone sorbent'),  # 43
    ('surface-water', 'river water abstraction'),  # 44
    ('diesel', 'start-up diesel oil'),  # 45
    ('fly-ash', 'fly ash from ESP'),  # 46
    ('bottom-ash', 'boiler bottom ash (typo đấy for đáy)'),  # 47
    ('fgd-gypsum', 'gypsum from the wet FGD'),  # 48
    ('steam', 'plain steam, pressure not given'),  # 49
    ('steam-lp', '4 bar steam is low pressure'),  # 50
    ('electricity', 'electricity delivered to grid and park'),  # 51
    ('cooling-water', 'warm condenser cooling water'),  # 52
    ('spent-catalyst', 'spent DeNOx catalyst (typo sữ for sử)'),  # 53
    ('used-oil', 'spent transformer and lube oil'),  # 54
    ('chemicals', 'titanium dioxide pigment'),  # 55
    ('chemicals', 'aromatic solvents'),  # 56
    ('hazardous-waste', 'paint residue and spent solvent'),  # 57
    ('hazardous-waste', 'steel drums that held hazardous chemicals'),  # 58
    ('finished-goods', "the firm's paint product"),  # 59
    ('demineralised-water', 'purified deionised water'),  # 60
    ('steam', 'plain steam'),  # 61
    ('hazardous-waste', 'expired and spoiled medicines are hazardous waste'),  # 62
    ('organic-waste', 'spent herbal material after extraction'),  # 63
    ('paper-scrap', 'waste cartons'),  # 64
    ('unclassified', 'virgin natural rubber: a clear raw input with no code'),  # 65
    ('steam-mp', '12 bar steam is medium pressure'),  # 66
    ('rubber-scrap', 'rubber flash and rejected tubes/tyres'),  # 67
    ('unclassified', 'too vague to assign a material'),  # 68
    ('unclassified', 'primary lead ingot and alloy: clear raw metal input, no lead code'),  # 69
    ('chemicals', 'sulphuric acid'),  # 70
    ('hazardous-waste', 'rejected lead-acid batteries and plates'),  # 71
    ('spent-acid', 'spent formation acid'),  # 72
    ('plastic-scrap', 'unused rejected PP battery cases'),  # 73
    ('industrial-sludge', 'lead-bearing treatment sludge from industrial effluent'),  # 74
    ('unclassified', 'live pigs: clear input, no code for livestock'),  # 75
    ('rice-husk', 'rice husk boiler fuel'),  # 76
    ('rice-husk-ash', 'ash from burning rice husk'),  # 77
    ('slaughter-residues', 'blood, fat trimmings and bones'),  # 78
    ('slaughter-residues', 'manure, stomach contents and offal'),  # 79
    ('biogas', 'digester gas'),  # 80
    ('softened-water', 'softened water'),  # 81
    ('chemicals', 'laundry chemicals and dyes'),  # 82
    ('steam', 'plain steam'),  # 83
    ('industrial-wastewater', 'washing and dyeing effluent'),  # 84
    ('textile-scrap', 'fabric scraps and lint'),  # 85
    ('spent-alkali', 'spent caustic scouring bath'),  # 86
    ('virgin-pulp', 'bleached virgin wood pulp'),  # 87
    ('paper-scrap', 'recovered office paper'),  # 88
    ('steam-lp', 'low-pressure steam'),  # 89
    ('treated-wastewater', 'reclaimed effluent from the central WWTP'),  # 90
    ('paper-products', 'tissue parent rolls'),  # 91
    ('industrial-sludge', 'paper mill treatment sludge'),  # 92
    ('unclassified', 'mixed pulper rejects (film, staples, tape); no single material'),  # 93
    ('industrial-wastewater', 'raw industrial effluent received'),  # 94
    ('chemicals', 'treatment chemicals'),  # 95
    ('electricity', 'grid electricity'),  # 96
    ('treated-wastewater', 'effluent after treatment, column A'),  # 97
    ('sewage-sludge', 'central WWTP sludge'),  # 98
    ('unclassified', 'mixed domestic refuse and screenings; no matching code'),  # 99
    ('hazardous-waste', 'collected hazardous waste'),  # 100
    ('used-oil', 'collected used lube oil'),  # 101
    ('diesel', 'auxiliary diesel for the incinerator'),  # 102
    ('base-oil', 're-refined base oil'),  # 103
    ('bottom-ash', 'incinerator bottom ash and slag'),  # 104
    ('steam', 'plain steam from the heat-recovery boiler'),  # 105
    ('steel-scrap', 'ferrous scrap'),  # 106
    ('copper-scrap', 'copper wire and scrap'),  # 107
    ('non-ferrous-scrap', 'stainless steel scrap'),  # 108
    ('plastic-scrap', 'mixed plastic scrap'),  # 109
    ('plastic-pellets', 'recycled pellets'),  # 110
    ('paper-scrap', 'baled waste paper'),  # 111
    ('unclassified', "too vague: 'goods of all kinds'"),  # 112
]

QUANTITIES = [
    (4850000.0, 'kWh/năm'),  # 1
    (612500.0, 'kWh/năm'),  # 2
    (45.0, 'm3/ngày đêm'),  # 3
    (1.2, 'tấn/tháng'),  # 4
    (85.0, 'kg/tháng'),  # 5
    (3.0, 'tấn/tháng'),  # 6
    (6500.0, 'kg/tháng'),  # 7
    (40.0, 'cái/tháng'),  # 8
    (15.0, 'kg/năm'),  # 9
    (250.0, 'kg/ngày'),  # 10
    (60.0, 'lít/tháng'),  # 11
    (380.0, 'm3/ngày đêm'),  # 12
    (720.0, 'tấn'),  # 13
    (1150.0, 'tấn'),  # 14
    (51.5, 'tấn'),  # 15
    (24.0, 'tấn'),  # 16
    (70.0, 'tấn'),  # 17
    (3600.0, 'lít'),  # 18
    (720.0, 'kg'),  # 19
    (9000.0, 'lít'),  # 20
    (96000.0, 'TẤN/NĂM'),  # 21
    (21600.0, 'TẤN/NĂM'),  # 22
    (4200000.0, 'Nm3/năm'),  # 23
    (1850.0, 'TẤN/NĂM'),  # 24
    (3240.0, 'TẤN/NĂM'),  # 25
    (410.0, 'TẤN/NĂM'),  # 26
    (2.8, 'TẤN/NĂM'),  # 27
    (15000.0, 'tấn/năm'),  # 28
    (3600.0, 'tấn/năm'),  # 29
    (5040.0, 'tấn/năm'),  # 30
    (1200.0, 'tấn/năm'),  # 31
    (4500.0, 'MWh/năm'),  # 32
    (95000000.0, 'cái/năm'),  # 33
    (60000.0, 'tấn'),  # 34
    (2700.0, 'tấn'),  # 35
    (10500.0, 'tấn'),  # 36
    (4800.0, 'tấn'),  # 37
    (6000.0, 'tấn'),  # 38
    (12.5, 'tấn'),  # 39
    (1680000.0, 'bao'),  # 40
    (2.4, 'tấn'),  # 41
    (312000.0, 'tấn/năm'),  # 42
    (13200.0, 'tấn/năm'),  # 43
    (12000.0, 'm3/ngày đêm'),  # 44
    (180000.0, 'lít/năm'),  # 45
    (54000.0, 'tấn/năm'),  # 46
    (13500.0, 'tấn/năm'),  # 47
    (21000.0, 'tấn/năm'),  # 48
    (35.0, 'tấn hơi/h'),  # 49
    (12.0, 'tấn hơi/h'),  # 50
    (298000000.0, 'kWh/năm'),  # 51
    (9600.0, 'm3/ngày đêm'),  # 52
    (8.6, 'tấn/năm'),  # 53
    (2400.0, 'lít/năm'),  # 54
    (180.0, 'tan/nam'),  # 55
    (420000.0, 'lit/nam'),  # 56
    (14.5, 'tan/nam'),  # 57
    (1200.0, 'cai/nam'),  # 58
    (3850000.0, 'lít/năm'),  # 59
    (1800.0, 'm3'),  # 60
    (2150.0, 'tấn'),  # 61
    (0.8, 'tấn'),  # 62
    (36.0, 'tấn'),  # 63
    (9.5, 'tấn'),  # 64
    (2400.0, 'tấn/năm'),  # 65
    (6.0, 'tấn hơi/h'),  # 66
    (145.0, 'tấn/năm'),  # 67
    (30.0, 'tấn/năm'),  # 68
    (450.0, 'tấn'),  # 69
    (160.0, 'tấn'),  # 70
    (6.2, 'tấn'),  # 71
    (15000.0, 'lít'),  # 72
    (3.5, 'tấn'),  # 73
    (4.1, 'tấn'),  # 74
    (36000.0, 'con/năm'),  # 75
    (5.0, 'tấn/ngày'),  # 76
    (0.9, 'tấn/ngày'),  # 77
    (1200.0, 'kg/ngày'),  # 78
    (2500.0, 'kg/ngày'),  # 79
    (850.0, 'm3/ngày'),  # 80
    (120.0, 'm3/ngay'),  # 81
    (8400.0, 'kg'),  # 82
    (1260.0, 'tấn'),  # 83
    (110.0, 'khối/ngày'),  # 84
    (950.0, 'kg'),  # 85
    (3200.0, 'lit'),  # 86
    (4200.0, 'tấn'),  # 87
    (2650.0, 'tấn'),  # 88
    (12.0, 'tấn hơi/h'),  # 89
    (800.0, 'm3/ngày đêm'),  # 90
    (6180.0, 'tấn'),  # 91
    (1234.5, 'tấn'),  # 92
    (96.0, 'tấn'),  # 93
    (4200.0, 'm3/ngày đêm'),  # 94
    (86.0, 'tấn/năm'),  # 95
    (1650000.0, 'kWh/năm'),  # 96
    (3400.0, 'm3/ngày đêm'),  # 97
    (1460.0, 'tấn/năm'),  # 98
    (18.0, 'tấn/năm'),  # 99
    (4800.0, 'tấn/năm'),  # 100
    (650000.0, 'lít/năm'),  # 101
    (96000.0, 'lít/năm'),  # 102
    (410000.0, 'lít/năm'),  # 103
    (620.0, 'tấn/năm'),  # 104
    (2.0, 'tấn hơi/h'),  # 105
    (3600.0, 'tấn/năm'),  # 106
    (85.0, 'tấn/năm'),  # 107
    (120.0, 'tấn/năm'),  # 108
    (900.0, 'tấn/năm'),  # 109
    (760.0, 'tấn/năm'),  # 110
    (1100.0, 'tấn/năm'),  # 111
    (2400.0, 'tấn/năm'),  # 112
]
