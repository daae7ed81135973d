"""Regenerate the illustrative sample data in sample_data/: one year (2023, plus the first
half of 2024) of "Cụm thi đua số 7" tỉnh Thanh Hóa, in the shapes clerks really send.

Usage: python scripts/make_sample_data.py [OUT_DIR]   (default: sample_data/ in the repo)

The numbers are invented (số liệu minh họa). Everything is literal data at the top of this
file; the writers below only lay it out. Output is byte-stable: workbook timestamps and zip
entry times are fixed, so rerunning the script leaves `git status` clean.
"""

from __future__ import annotations

import datetime as dt
import io
import pathlib
import re
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXED_TIME = dt.datetime(2024, 1, 15, 8, 0, 0)

# ---------------------------------------------------------------------------------------
# The cluster and its units
# ---------------------------------------------------------------------------------------

CLUSTER_TITLE = "CỤM THI ĐUA SỐ 7"
CLUSTER_TITLE_LONG = "CỤM THI ĐUA SỐ 7 - TỈNH THANH HÓA"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short_name: str
    aliases: str  # "Tên khác", several separated by ";"
    slug: str  # file name of its self-score form


UNITS: tuple[Unit, ...] = (
    Unit(
        "MTTQ",
        "Ủy ban MTTQ Việt Nam tỉnh",
        "MTTQ tỉnh",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "uy-ban-mttq-tinh",
    ),
    Unit("LDLD", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", "LĐLĐ tỉnh", "lien-doan-lao-dong-tinh"),
    Unit(
        "CCB", "Hội Cựu chiến binh tỉnh", "Hội CCB tỉnh", "Hội CCB tỉnh", "hoi-cuu-chien-binh-tinh"
    ),
    Unit("TD", "Tỉnh Đoàn", "Tỉnh Đoàn", "Đoàn TNCS Hồ Chí Minh tỉnh", "tinh-doan"),
    Unit("HND", "Hội Nông dân tỉnh", "Hội ND tỉnh", "Hội ND tỉnh", "hoi-nong-dan-tinh"),
    Unit(
        "HPN",
        "Hội Liên hiệp Phụ nữ tỉnh",
        "Hội LHPN tỉnh",
        "Hội LHPN tỉnh; Hội Phụ nữ tỉnh",
        "hoi-lhpn-tinh",
    ),
    Unit(
        "LMHTX",
        "Liên minh Hợp tác xã tỉnh",
        "Liên minh HTX tỉnh",
        "Liên minh HTX tỉnh",
        "lien-minh-htx-tinh",
    ),
    Unit("CTD", "Hội Chữ thập đỏ tỉnh", "Hội CTĐ tỉnh", "Hội CTĐ tỉnh", "hoi-chu-thap-do-tinh"),
)
UNIT_BY_CODE = {unit.code: unit for unit in UNITS}

# Rotation order is the order of UNITS. CTD joined the cluster in 2023. Membership starts in
# 2019 so that the head history (07-truong-cum.xlsx) only names members of each year.
MEMBERS_BY_YEAR: dict[int, tuple[str, ...]] = {
    2019: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX"),
    2020: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX"),
    2021: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX"),
    2022: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX"),
    2023: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX", "CTD"),
    2024: ("MTTQ", "LDLD", "CCB", "TD", "HND", "HPN", "LMHTX", "CTD"),
}

# ---------------------------------------------------------------------------------------
# The scoring table (same for 2023 and 2024). Kind: Vietnamese Loại, None = blank cell
# (defaults to Chuẩn). Veto rows carry max 0: their maximum is ignored.
# ---------------------------------------------------------------------------------------

CRITERIA: tuple[tuple[str, str, float, str | None], ...] = (
    ("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN", 40, "Chuẩn"),
    ("1", "Kết quả thực hiện chương trình, kế hoạch công tác năm", 25, None),
    ("1.1", "Hoàn thành các chỉ tiêu, nhiệm vụ trọng tâm được giao trong năm", 10, None),
    ("1.2", "Thực hiện nhiệm vụ chuyên môn theo chức năng, nhiệm vụ", 15, None),
    (
        "1.2.a",
        "Tổ chức triển khai, quán triệt các nghị quyết, chỉ thị của Trung ương, "
        "của Tỉnh ủy, HĐND, UBND tỉnh",
        8,
        None,
    ),
    (
        "1.2.b",
        "Tham gia giám sát, phản biện xã hội, góp ý xây dựng Đảng, xây dựng chính quyền",
        7,
        None,
    ),
    (
        "2",
        "Tham mưu, phối hợp thực hiện các chương trình, dự án và nhiệm vụ chung của Cụm",
        15,
        None,
    ),
    ("II", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG", 30, "Chuẩn"),
    ("3", "Tổ chức phong trào thi đua", 15, None),
    ("3.1", "Ký kết giao ước thi đua, ban hành kế hoạch phát động phong trào thi đua", 5, None),
    ("3.2", "Tổ chức sơ kết, tổng kết phong trào thi đua đúng quy định", 5, None),
    ("3.3", "Phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", 5, None),
    ("4", "Công tác khen thưởng", 15, None),
    ("4.1", "Khen thưởng kịp thời, đúng đối tượng, đúng quy trình", 8, None),
    (
        "4.2",
        "Tỷ lệ cá nhân không giữ chức vụ lãnh đạo, quản lý được khen thưởng đạt từ 40% trở lên",
        7,
        None,
    ),
    ("III", "XÂY DỰNG TỔ CHỨC, CÔNG TÁC THÔNG TIN, TUYÊN TRUYỀN", 30, "Chuẩn"),
    ("5", "Công tác thông tin, tuyên truyền", 10, None),
    (
        "5.1",
        "Tuyên truyền chủ trương của Đảng, chính sách, pháp luật của Nhà nước, "
        "các phong trào thi đua",
        5,
        None,
    ),
    ("5.2", "Ứng dụng công nghệ thông tin, chuyển đổi số trong hoạt động của đơn vị", 5, None),
    ("6", "Xây dựng tổ chức, cải cách hành chính", 20, None),
    ("6.1", "Xây dựng tổ chức Đảng, cơ quan, đoàn thể trong sạch, vững mạnh", 8, None),
    (
        "6.2",
        "Cải cách hành chính, thực hành tiết kiệm, chống lãng phí, phòng, chống tham nhũng",
        7,
        None,
    ),
    ("6.3", "Thực hiện chế độ thông tin, báo cáo đúng nội dung, thời hạn", 5, None),
    ("IV", "ĐIỂM THƯỞNG (cộng tối đa 10 điểm)", 15, "Thưởng"),
    (
        "7",
        "Có mô hình mới, cách làm hay, sáng kiến được cấp tỉnh trở lên công nhận, nhân rộng",
        5,
        "Thưởng",
    ),
    (
        "8",
        "Được Chính phủ, Thủ tướng Chính phủ hoặc bộ, ngành, đoàn thể Trung ương tặng "
        "Cờ thi đua, Bằng khen",
        5,
        "Thưởng",
    ),
    ("9", "Hoàn thành xuất sắc nhiệm vụ đột xuất do Tỉnh ủy, UBND tỉnh giao", 5, "Thưởng"),
    ("V", "ĐIỂM TRỪ", 10, "Trừ"),
    ("10", "Chậm gửi báo cáo, hồ sơ thi đua theo quy định (trừ 0,5 điểm/lần)", 2, "Trừ"),
    ("11", "Không tham gia hoặc tham gia không đầy đủ các hoạt động chung của Cụm", 3, "Trừ"),
    ("12", "Có cán bộ, công chức, viên chức bị xử lý kỷ luật hình thức khiển trách", 5, "Trừ"),
    ("VI", "ĐIỂM LIỆT", 0, "Liệt"),
    ("13", "Có cán bộ lãnh đạo bị kỷ luật từ mức cảnh cáo trở lên", 0, "Liệt"),
    (
        "14",
        "Để xảy ra tham nhũng, tiêu cực hoặc đơn thư khiếu nại, tố cáo kéo dài thuộc "
        "trách nhiệm giải quyết của đơn vị",
        0,
        "Liệt",
    ),
)
CRITERIA_YEARS = (2023, 2024)

BASE_LEAVES = ("1.1", "1.2.a", "1.2.b", "2", "3.1", "3.2", "3.3")
BASE_LEAVES += ("4.1", "4.2", "5.1", "5.2", "6.1", "6.2", "6.3")
BONUS_LEAVES = ("7", "8", "9")
DEDUCTION_LEAVES = ("10", "11", "12")
BONUS_CAP = 10

# ---------------------------------------------------------------------------------------
# Scores. Each unit: (base scores in BASE_LEAVES order, bonus in BONUS_LEAVES order,
# deductions in DEDUCTION_LEAVES order, as positive points). Nobody is vetoed.
# ---------------------------------------------------------------------------------------

Scores = tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]

#                    1.1  1.2a 1.2b  2    3.1  3.2  3.3  4.1  4.2   5.1  5.2  6.1  6.2  6.3
AGREED_2023: dict[str, Scores] = {
    "MTTQ": ((9, 7, 6, 13, 4.5, 4.5, 4, 7, 5.5, 4.5, 4, 7, 5.5, 3.5), (1.5, 0, 0), (0, 0, 0)),
    "LDLD": ((9, 7, 6, 12.5, 4.5, 4, 4, 7, 5, 4.5, 4, 6.5, 5.5, 3.5), (0, 0, 0), (0, 0, 0)),
    "CCB": ((8.5, 7, 5.5, 12.5, 4.5, 4, 4, 6.5, 5, 4.5, 3.5, 7, 5.5, 3.5), (0, 0, 0.5), (0, 0, 0)),
    "TD": ((9.5, 7.5, 6.5, 14, 5, 4.5, 4.5, 7.5, 6, 5, 4, 7.5, 6, 4), (3, 1, 0), (0, 0, 0)),
    "HND": ((8.5, 6.5, 5.5, 12, 4, 4, 3.5, 6.5, 5, 4, 3.5, 6.5, 5.5, 4), (0, 0, 0), (0, 0, 0)),
    "HPN": ((8.5, 6.5, 5.5, 12, 4, 4, 4, 6.5, 5, 4, 3.5, 6, 5, 4), (5, 4, 3), (0, 0, 0)),
    "LMHTX": ((8, 6, 5, 11, 4, 3.5, 3, 6, 4.5, 3.5, 3, 6, 5, 3.5), (0, 0, 0), (1, 0.5, 0)),
    "CTD": ((7.5, 6, 5, 10.5, 3.5, 3.5, 3, 5.5, 4.25, 3.5, 3, 5.5, 4.5, 3), (0, 0, 0), (0, 0, 0)),
}

#                    1.1  1.2a 1.2b  2    3.1  3.2  3.3  4.1  4.2   5.1  5.2  6.1  6.2  6.3
SELF_2023: dict[str, Scores] = {
    "MTTQ": ((9, 7.5, 6.5, 14, 5, 4.5, 4.5, 7.5, 6, 4.5, 4, 7.5, 5.5, 4), (2, 1, 0), (0, 0, 0)),
    "LDLD": ((9.5, 7.5, 6, 13.5, 5, 4.5, 4, 7.5, 5.5, 4.5, 4, 6.5, 6, 4), (1, 0, 0), (0, 0, 0)),
    "CCB": ((9, 7.5, 6, 13, 4.5, 4.5, 4.5, 7, 5.5, 4.5, 4, 7, 5.5, 4), (0, 0, 1), (0, 0, 0)),
    "TD": ((10, 8, 7, 15, 5, 5, 5, 8, 6.5, 5, 4, 8, 6, 4.5), (3, 2, 0), (0, 0, 0)),
    "HND": ((8.5, 7, 6, 12.5, 4.5, 4.5, 4, 7, 5, 4.5, 4, 7, 5.5, 4), (0, 0, 0), (0, 0, 0)),
    "HPN": ((8.5, 7, 6, 12.5, 4.5, 4.5, 4, 7, 5.5, 4.5, 4, 6.5, 5.5, 4), (5, 5, 4), (0, 0, 0)),
    "LMHTX": (
        (8.5, 6.5, 5.5, 11.5, 4.5, 3.5, 3.5, 6.5, 5, 4, 3.5, 6, 5.5, 4),
        (0, 0, 0),
        (0.5, 0, 0),
    ),
    "CTD": ((8, 6.5, 5.5, 11.5, 4, 4, 3.5, 6.5, 4.5, 4, 3.5, 6, 5, 3), (0, 0, 0), (0, 0, 0)),
}

# First half of 2024: only six units have sent their forms (LMHTX and CTD have not).
#                    1.1  1.2a 1.2b  2    3.1  3.2  3.3  4.1  4.2   5.1  5.2  6.1  6.2  6.3
SELF_H1_2024: dict[str, Scores] = {
    "MTTQ": ((8.5, 7, 6, 13, 4.5, 4.5, 4, 7, 5.5, 4.5, 4, 7, 5.5, 4), (1, 0, 0), (0, 0, 0)),
    "LDLD": ((9, 7, 6, 13, 4.5, 4.5, 4, 7, 5, 4.5, 4, 6.5, 5.5, 4), (0, 0, 0), (0, 0, 0)),
    "CCB": ((8.5, 7, 6, 12.5, 4.5, 4, 4, 7, 5, 4.5, 3.5, 7, 5.5, 4), (0, 0, 0), (0, 0, 0)),
    "TD": ((9.5, 7.5, 6.5, 14, 5, 4.5, 4.5, 7.5, 6, 5, 4, 7.5, 6, 4.5), (2, 0, 0), (0, 0, 0)),
    "HND": ((8, 6.5, 5.5, 12, 4.5, 4, 4, 6.5, 5, 4, 4, 6.5, 5.5, 4), (0, 0, 0), (0, 0, 0)),
    "HPN": ((8.5, 7, 5.5, 12, 4.5, 4, 4, 7, 5, 4.5, 4, 6.5, 5.5, 3.5), (4, 0, 0), (0, 0, 0)),
}

# The design, checked by check_design(): agreed total = base + min(bonus, 10) - deduction.
EXPECTED_AGREED_TOTALS_2023 = {
    "TD": 95.5,  # Xuất sắc, leader
    "HPN": 88.5,  # bonus 12 capped to 10 (uncapped it would be 90.5, Xuất sắc)
    "MTTQ": 86.5,
    "LDLD": 83.0,
    "CCB": 82.0,
    "HND": 79.0,
    "LMHTX": 70.5,  # deduction 1.5
    "CTD": 68.25,
}

# Remarks that clerks wrote in the Ghi chú column of their forms.
FORM_NOTES: dict[tuple[str, str], str] = {
    ("TD", "7"): "Mô hình “Thanh niên khởi nghiệp” được UBND tỉnh công nhận",
    ("TD", "8"): "Bằng khen của Trung ương Đoàn",
    ("HPN", "7"): "Mô hình “Phụ nữ tiết kiệm” được nhân rộng toàn tỉnh",
    ("HPN", "8"): "Cờ thi đua của Trung ương Hội LHPN Việt Nam",
    ("HPN", "9"): "Vận động hỗ trợ đồng bào vùng lũ",
    ("MTTQ", "7"): "Cuộc vận động “Ngày vì người nghèo”",
    ("LMHTX", "10"): "Chậm gửi báo cáo 6 tháng",
    ("CCB", "9"): "Tham gia giải quyết vụ việc phức tạp ở cơ sở",
}


@dataclass(frozen=True)
class FormStyle:
    """How one unit lays out its self-score form (each unit keeps its own file)."""

    unit_label: str  # as written after "Đơn vị:"
    code_header: str = "Mã tiêu chí"
    stt_column: bool = False
    two_row_header: bool = False  # "Điểm" merged over "Tự chấm | Thống nhất"
    numbering_row: bool = False  # "(1) (2) (3)…" under the header
    decimal_comma: bool = False  # scores typed as text "9,5"
    nfd_title: bool = False  # title text in decomposed Unicode (as some Mac/web tools save)
    uppercase_title: bool = False
    motto: bool = False  # national motto top right
    empty_mark: str | None = None  # what stands in an unscored bonus/deduction cell
    negative_deductions: bool = False
    numeric_codes: bool = False  # whole-number codes typed as numbers (Excel stores 1, not "1")
    sheet_name: str = "Bảng tự chấm"


FORM_STYLES: dict[str, FormStyle] = {
    "MTTQ": FormStyle(
        "Ủy ban MTTQ Việt Nam tỉnh Thanh Hóa", code_header="TT", numbering_row=True, motto=True
    ),
    "LDLD": FormStyle(
        "Liên đoàn Lao động tỉnh", two_row_header=True, motto=True, sheet_name="Tự chấm"
    ),
    "CCB": FormStyle("Hội Cựu chiến binh tỉnh", decimal_comma=True, uppercase_title=True),
    "TD": FormStyle("Tỉnh Đoàn", stt_column=True),
    "HND": FormStyle("Hội Nông dân tỉnh", code_header="TT", two_row_header=True, nfd_title=True),
    "HPN": FormStyle("Hội LHPN tỉnh Thanh Hóa", sheet_name="Sheet1"),
    "LMHTX": FormStyle(
        "Liên minh Hợp tác xã tỉnh", code_header="TT", empty_mark="-", negative_deductions=True
    ),
    "CTD": FormStyle("Hội Chữ thập đỏ tỉnh", stt_column=True, numeric_codes=True),
}

# How the wide agreed-score sheet labels each unit's column: codes and names mixed.
WIDE_COLUMN_LABELS = {
    "MTTQ": "MTTQ",
    "LDLD": "Liên đoàn Lao động tỉnh",
    "CCB": "CCB",
    "TD": "Tỉnh Đoàn",
    "HND": "HND",
    "HPN": "Hội LHPN tỉnh",
    "LMHTX": "LMHTX",
    "CTD": "Hội Chữ thập đỏ tỉnh",
}

# ---------------------------------------------------------------------------------------
# Votes, heads, commendations, rules
# ---------------------------------------------------------------------------------------

# (Năm, Nội dung, Mã đơn vị, Số phiếu đồng ý, Tổng số thành viên, Số có mặt).
# Năm is the year under review for every purpose (SPEC §4.3): the head and deputy votes cast
# at the 2023 year-end conference carry 2023 and elect the head and deputy of 2024.
VOTES: tuple[tuple[int, str, str, int, int, int], ...] = (
    (2023, "Dẫn đầu", "TD", 7, 8, 8),
    (2023, "Bằng khen", "HPN", 7, 8, 8),
    (2023, "Bằng khen", "MTTQ", 6, 8, 8),
    (2023, "Trưởng cụm", "TD", 8, 8, 8),
    (2023, "Phó cụm", "HND", 7, 8, 8),
)

# (Năm, Trưởng cụm, Phó cụm): names or codes, as the clerk typed them over the years.
# Every row follows deputy_succeeds, so the proposal for 2024 is TD head, HND deputy.
HEADS: tuple[tuple[int, str, str], ...] = (
    (2019, "Hội Liên hiệp Phụ nữ tỉnh", "Liên minh Hợp tác xã tỉnh"),
    (2020, "LMHTX", "MTTQ"),
    (2021, "Ủy ban MTTQ Việt Nam tỉnh", "Liên đoàn Lao động tỉnh"),
    (2022, "LDLD", "CCB"),
    (2023, "Hội Cựu chiến binh tỉnh", "Tỉnh Đoàn"),
)

BANG_KHEN = "Bằng khen của Chủ tịch UBND tỉnh"
CSTDCS_FORM = "Công nhận danh hiệu thi đua"
CSTDCS = "Chiến sĩ thi đua cơ sở"
GIAY_KHEN = {
    "MTTQ": "Giấy khen của Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh",
    "LDLD": "Giấy khen của Ban Chấp hành LĐLĐ tỉnh",
    "CCB": "Giấy khen của Ban Thường vụ Hội CCB tỉnh",
    "TD": "Giấy khen của Ban Thường vụ Tỉnh Đoàn",
    "HND": "Giấy khen của Ban Thường vụ Hội Nông dân tỉnh",
    "HPN": "Giấy khen của Ban Thường vụ Hội LHPN tỉnh",
    "LMHTX": "Giấy khen của Chủ tịch Liên minh HTX tỉnh",
    "CTD": "Giấy khen của Ban Thường vụ Hội Chữ thập đỏ tỉnh",
}
# Unit's own decisions for its Giấy khen and CSTĐCS: (number, date; text dates on purpose).
UNIT_DECISIONS: dict[str, tuple[str, dt.date | str]] = {
    "MTTQ": ("25/QĐ-MTTQ-BTT", dt.date(2023, 12, 28)),
    "LDLD": ("112/QĐ-LĐLĐ", "25/12/2023"),
    "CCB": ("18/QĐ-CCB", dt.date(2023, 12, 22)),
    "TD": ("356-QĐ/TĐTN-VP", dt.date(2023, 12, 26)),
    "HND": ("47/QĐ-HND", "27/12/2023"),
    "HPN": ("39/QĐ-HPN", dt.date(2023, 12, 27)),
    "LMHTX": ("21/QĐ-LMHTX", dt.date(2023, 12, 29)),
    "CTD": ("15/QĐ-CTĐ", "29/12/2023"),
}
PROVINCE_DECISION_2023 = ("215/QĐ-UBND", dt.date(2024, 1, 22))
PROVINCE_DECISION_H1_2024 = ("1925/QĐ-UBND", dt.date(2024, 7, 15))

# The unit label as written in the list's "Tên đơn vị/tập thể công tác" column.
COMMENDATION_UNIT_LABEL = {
    "MTTQ": "Ủy ban MTTQ Việt Nam tỉnh",
    "LDLD": "Liên đoàn Lao động tỉnh",
    "CCB": "Hội Cựu chiến binh tỉnh",
    "TD": "Tỉnh Đoàn",
    "HND": "Hội Nông dân tỉnh",
    "HPN": "Hội LHPN tỉnh",
    "LMHTX": "Liên minh Hợp tác xã tỉnh",
    "CTD": "Hội Chữ thập đỏ tỉnh Thanh Hóa",
}


@dataclass(frozen=True)
class Commendation:
    name: str
    unit: str  # unit code
    award: str  # "BK" (province), "GK" (unit's Giấy khen), "CSTDCS"
    gender: str | None = None
    ethnicity: str | None = None
    position: str | None = None
    leader: str | None = None  # "x", "không" or None (left for the importer to infer)
    kind: str = "Cá nhân"
    year: int = 2023
    period: str = "Cả năm"
    decision: tuple[str, dt.date | str] | None = None  # overrides the default decision


def person(
    name: str,
    unit: str,
    award: str,
    gender: str,
    ethnicity: str,
    position: str,
    leader: str | None = None,
    **extra: Any,
) -> Commendation:
    return Commendation(name, unit, award, gender, ethnicity, position, leader, **extra)


COMMENDATIONS: tuple[Commendation, ...] = (
    person("Lê Văn Thắng", "MTTQ", "BK", "Nam", "Kinh", "Phó Chủ tịch", "x"),
    person("Nguyễn Thị Thu Hà", "MTTQ", "BK", "Nữ", "Kinh", "Trưởng ban Dân chủ - Pháp luật", "x"),
    person("Phạm Thị Lan", "MTTQ", "GK", "Nữ", "Kinh", "Chuyên viên", "không"),
    person("Hà Văn Sơn", "MTTQ", "GK", "Nam", "Mường", "Chuyên viên"),
    person("Trịnh Văn Hùng", "LDLD", "BK", "Nam", "Kinh", "Phó Chủ tịch", "x"),
    person("Lê Thị Hương", "LDLD", "GK", "Nữ", "Kinh", "Phó Trưởng ban Tuyên giáo", "x"),
    person("Đỗ Thị Ngọc Anh", "LDLD", "BK", "Nữ", "Kinh", "Chuyên viên", "không"),
    person("Vũ Văn Toàn", "LDLD", "GK", "Nam", "Kinh", "Nhân viên"),
    person("Nguyễn Văn Bình", "CCB", "BK", "Nam", "Kinh", "Phó Chủ tịch", "x"),
    person("Hoàng Văn Định", "CCB", "GK", "Nam", "Kinh", "Trưởng ban Tổ chức - Kiểm tra", "x"),
    person("Mai Thị Thủy", "CCB", "CSTDCS", "Nữ", "Kinh", "Chuyên viên", "không"),
    person("Lê Anh Tuấn", "TD", "BK", "Nam", "Kinh", "Phó Bí thư Tỉnh Đoàn", "x"),
    person("Nguyễn Thị Phương Thảo", "TD", "BK", "Nữ", "Kinh", "Trưởng ban Phong trào", "x"),
    person("Lò Thị Mai", "TD", "BK", "Nữ", "Thái", "Chuyên viên", "không"),
    person("Trần Quốc Việt", "TD", "CSTDCS", "Nam", "Kinh", "Chuyên viên"),
    person("Bùi Thị Hằng", "TD", "GK", "Nữ", "Mường", "Cán sự", "không"),
    person("Đinh Văn Khải", "HND", "BK", "Nam", "Mường", "Phó Chủ tịch", "x"),
    person("Lê Thị Nga", "HND", "GK", "Nữ", "Kinh", "Chuyên viên", "không"),
    person("Nguyễn Văn Cường", "HND", "GK", "Nam", "Kinh", "Phó Trưởng ban Kinh tế - Xã hội", "x"),
    person("Phạm Văn Long", "HND", "GK", "Nam", "Kinh", "Nhân viên", "không"),
    person("Lương Thị Hoa", "HPN", "BK", "Nữ", "Thái", "Phó Chủ tịch", "x"),
    person("Trịnh Thị Thanh Huyền", "HPN", "GK", "Nữ", "Kinh", "Trưởng ban Gia đình - Xã hội", "x"),
    person("Nguyễn Thị Dung", "HPN", "BK", "Nữ", "Kinh", "Chuyên viên"),
    person("Lê Thị Quỳnh", "HPN", "CSTDCS", "Nữ", "Kinh", "Cán sự", "không"),
    person("Đặng Văn Hải", "LMHTX", "GK", "Nam", "Kinh", "Phó Chủ tịch", "x"),
    person("Hoàng Thị Yến", "LMHTX", "GK", "Nữ", "Kinh", "Chuyên viên", "không"),
    person("Cao Văn Thành", "LMHTX", "BK", "Nam", "Kinh", "Chuyên viên", "không"),
    person("Nguyễn Thị Bích", "CTD", "GK", "Nữ", "Kinh", "Phó Chủ tịch", "x"),
    person("Lê Văn Minh", "CTD", "GK", "Nam", "Kinh", "Chánh Văn phòng", "x"),
    person("Vi Thị Hạnh", "CTD", "GK", "Nữ", "Thái", "Chuyên viên", "không"),
    Commendation("Ban Phong trào Tỉnh Đoàn", "TD", "BK", kind="Tập thể"),
    Commendation("Ban Kinh tế - Xã hội Hội Nông dân tỉnh", "HND", "GK", kind="Tập thể"),
    Commendation("Văn phòng Hội LHPN tỉnh", "HPN", "BK", kind="Tập thể"),
    # First half of 2024 (sơ kết 6 tháng), after a blank row in the list.
    person(
        "Đào Thị Lan Anh",
        "TD",
        "GK",
        "Nữ",
        "Kinh",
        "Chuyên viên",
        "không",
        year=2024,
        period="6 tháng",
        decision=("198-QĐ/TĐTN-VP", dt.date(2024, 7, 8)),
    ),
    person(
        "Hà Văn Tùng",
        "HND",
        "GK",
        "Nam",
        "Mường",
        "Phó Trưởng ban Tổ chức - Kiểm tra",
        "x",
        year=2024,
        period="6 tháng",
        decision=("29/QĐ-HND", "10/07/2024"),
    ),
    person(
        "Lê Thị Mỹ Linh",
        "HPN",
        "GK",
        "Nữ",
        "Kinh",
        "Cán sự",
        year=2024,
        period="6 tháng",
        decision=("22/QĐ-HPN", dt.date(2024, 7, 5)),
    ),
    person(
        "Nguyễn Văn Quân",
        "LDLD",
        "BK",
        "Nam",
        "Kinh",
        "Phó Chủ tịch",
        "x",
        year=2024,
        period="6 tháng",
        decision=PROVINCE_DECISION_H1_2024,
    ),
)

# Lookup lists of the hidden DANHMUC sheet (Chức vụ → Lãnh đạo quản lý, etc.).
POSITIONS_LOOKUP = (
    ("Chủ tịch", "x"),
    ("Phó Chủ tịch", "x"),
    ("Bí thư", "x"),
    ("Phó Bí thư", "x"),
    ("Trưởng ban", "x"),
    ("Phó Trưởng ban", "x"),
    ("Chánh Văn phòng", "x"),
    ("Phó Chánh Văn phòng", "x"),
    ("Chuyên viên", "không"),
    ("Cán sự", "không"),
    ("Nhân viên", "không"),
)
ETHNICITIES = ("Kinh", "Mường", "Thái", "H'Mông", "Dao", "Thổ", "Khơ Mú")

RULES_FROM_YEAR = 2022
RULES: tuple[tuple[str, str | int], ...] = (
    ("organiser", "UBND TỈNH THANH HÓA"),
    ("place", "Thanh Hóa"),
    ("signer_title", "TM. CỤM TRƯỞNG"),
    ("signer_name", "Trần Văn Hòa"),
    ("doc_code", "BC-CTĐ7"),
    ("rotation", "deputy_succeeds"),
    ("bonus_cap", 10),
)

README = """\
# Dữ liệu mẫu: Cụm thi đua số 7 tỉnh Thanh Hóa

**Số liệu minh họa, không phải số liệu thật.** Tên đơn vị là các cơ quan, đoàn thể có thật
của tỉnh Thanh Hóa, nhưng điểm, phiếu bầu, danh sách khen thưởng và họ tên cá nhân đều do
người viết chương trình đặt ra để chạy thử `thidua`. Các tệp được tạo lại bằng lệnh
`python scripts/make_sample_data.py`; không sửa tay.

Các tệp:

- `01-thanh-vien.xlsx`: đơn vị thành viên 2019–2024 (7 đơn vị; Hội Chữ thập đỏ tỉnh vào
  cụm từ năm 2023), thứ tự luân phiên, tên khác.
- `02-bang-tieu-chi.xlsx`: bảng tiêu chí chấm điểm năm 2023 và năm 2024: 100 điểm chuẩn,
  điểm thưởng (cộng tối đa 10 điểm), điểm trừ, điểm liệt.
- `03-tu-cham-2023/`: bảng tự chấm năm 2023 của 8 đơn vị, mỗi đơn vị một kiểu trình bày
  như thực tế (tiêu đề hai tầng, dòng đánh số cột, số có dấu phẩy thập phân…).
- `04-tu-cham-6-thang-2024/`: bảng tự chấm 6 tháng đầu năm 2024; mới có 6/8 đơn vị gửi
  (chưa có Liên minh HTX tỉnh và Hội Chữ thập đỏ tỉnh).
- `05-diem-thong-nhat-2023.xlsx`: bảng tổng hợp điểm thống nhất năm 2023 (mỗi đơn vị một
  cột).
- `06-bo-phieu-2023.xlsx`: kết quả bỏ phiếu tại hội nghị tổng kết năm 2023 (cột Năm ghi năm
  thi đua 2023 cho mọi nội dung): đơn vị dẫn đầu, đề nghị Bằng khen, bầu Trưởng cụm và Phó cụm
  năm 2024.
- `07-truong-cum.xlsx`: Trưởng cụm, Phó cụm các năm 2019–2023.
- `08-khen-thuong-2023.xlsx`: danh sách khen thưởng năm 2023 và 6 tháng đầu năm 2024 (có
  sheet ẩn DANHMUC và vài dòng công thức thừa báo `#N/A`).
- `09-quy-che.xlsx`: quy chế riêng của cụm: cơ quan chủ quản, địa danh, người ký, ký hiệu
  văn bản, cách luân phiên Trưởng cụm.

Chạy thử: `thidua demo`, hoặc từng bước:

```
thidua init --code C7 --name "Cụm thi đua số 7"
thidua import sample_data/*.xlsx sample_data/03-tu-cham-2023/*.xlsx \\
    sample_data/04-tu-cham-6-thang-2024/*.xlsx
thidua rank --year 2023
thidua rotation
thidua report --half 1 --year 2024
```
"""

# ---------------------------------------------------------------------------------------
# Design checks
# ---------------------------------------------------------------------------------------

MAX_BY_CODE = {code: Decimal(str(maximum)) for code, _, maximum, _ in CRITERIA}


def dec(value: float) -> Decimal:
    return Decimal(str(value))


def total(scores: Scores) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(base, bonus before cap, bonus after cap, deduction, total) of one unit."""
    base = sum((dec(v) for v in scores[0]), Decimal(0))
    bonus = sum((dec(v) for v in scores[1]), Decimal(0))
    capped = min(bonus, Decimal(BONUS_CAP))
    deduction = sum((dec(v) for v in scores[2]), Decimal(0))
    return base, bonus, capped, deduction, base + capped - deduction


def band(points: Decimal) -> str:
    for name, threshold in (("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65)):
        if points >= threshold:
            return name
    return "Trung bình"


def check_design() -> None:
    """Fail loudly if the literal data above contradicts itself."""
    assert sum(MAX_BY_CODE[code] for code in BASE_LEAVES) == 100
    codes = [code for code, *_ in CRITERIA]
    assert len(codes) == len(set(codes))
    for table in (AGREED_2023, SELF_2023, SELF_H1_2024):
        for unit, scores in table.items():
            leaves = (BASE_LEAVES, BONUS_LEAVES, DEDUCTION_LEAVES)
            for leaf_codes, values in zip(leaves, scores, strict=True):
                assert len(leaf_codes) == len(values), unit
                for code, value in zip(leaf_codes, values, strict=True):
                    assert 0 <= dec(value) <= MAX_BY_CODE[code], (unit, code, value)
                    assert (dec(value) * 4) % 1 == 0, (unit, code, value)
    for unit in UNITS:
        agreed = total(AGREED_2023[unit.code])
        assert agreed[4] == dec(EXPECTED_AGREED_TOTALS_2023[unit.code]), (unit.code, agreed)
        assert total(SELF_2023[unit.code])[4] >= agreed[4], unit.code
    totals = sorted(EXPECTED_AGREED_TOTALS_2023.values(), reverse=True)
    assert len(set(totals)) == len(totals), "no ties by design"
    assert set(SELF_H1_2024) < set(MEMBERS_BY_YEAR[2024])


def design_summary() -> str:
    lines = ["Năm 2023 (điểm thống nhất):", "unit   base  bonus cap  ded  total  self  band"]
    ranked = sorted(UNITS, key=lambda u: -total(AGREED_2023[u.code])[4])
    for rank, unit in enumerate(ranked, start=1):
        base, bonus, capped, deduction, points = total(AGREED_2023[unit.code])
        self_points = total(SELF_2023[unit.code])[4]
        lines.append(
            f"{rank}. {unit.code:<6}{base:>5} {bonus:>5} {capped:>4} {deduction:>4} "
            f"{points:>6} {self_points:>6}  {band(points)}"
        )
    lines.append("6 tháng đầu năm 2024 (tự chấm):")
    for code, scores in SELF_H1_2024.items():
        lines.append(f"   {code:<6}{total(scores)[4]:>6}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Layout helpers
# ---------------------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def number(value: float) -> int | float:
    """Whole numbers as int, so the workbook shows 10 and not 10.0."""
    return int(value) if float(value).is_integer() else float(value)


def comma_text(value: float) -> str:
    return str(number(value)).replace(".", ",")


def title(sheet: Worksheet, row: int, text: str, last_column: int, *, bold: bool = True) -> None:
    sheet.cell(row=row, column=1, value=text).font = Font(bold=bold, size=12 if bold else 11)
    sheet.cell(row=row, column=1).alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_column)


def header(
    sheet: Worksheet, row: int, names: Sequence[str | None], widths: Sequence[float]
) -> None:
    for column, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width


def body(sheet: Worksheet, first_row: int, rows: list[list[Any]]) -> int:
    """Write rows from first_row with borders; returns the next free row."""
    row = first_row
    for values in rows:
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.border = BORDER
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            if isinstance(value, str) and len(value) > 40:
                cell.alignment = WRAP
        row += 1
    return row


def new_workbook() -> tuple[Workbook, Worksheet]:
    workbook = Workbook()
    workbook.properties.creator = "thidua make_sample_data.py"
    workbook.properties.title = "Số liệu minh họa"
    return workbook, workbook.active


def save_stable(
    workbook: Workbook, path: pathlib.Path, formulas: dict[str, dict[str, str]] | None = None
) -> None:
    """Save with fixed timestamps so reruns are byte-identical.

    openpyxl stamps docProps/core.xml with the current time and zipfile stamps each entry,
    so both are rewritten. `formulas` ({part name: {cell: formula}}) puts a formula on top of
    cells already written as cached error values, which openpyxl cannot do by itself: real
    lists carry `=VLOOKUP(…)` leftovers whose cached value is #N/A.
    """
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        zipfile.ZipFile(buffer) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            for cell, formula in (formulas or {}).get(info.filename, {}).items():
                old = f'<c r="{cell}" t="e"><v>'.encode()
                assert old in data, (info.filename, cell)
                escaped = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                data = data.replace(old, f'<c r="{cell}" t="e"><f>{escaped}</f><v>'.encode())
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, data)


# ---------------------------------------------------------------------------------------
# Writers, one per file
# ---------------------------------------------------------------------------------------


def write_members(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Đơn vị"
    names = ["Mã đơn vị", "Tên đơn vị", "Tên viết tắt", "Năm", "Thứ tự luân phiên", "Tên khác"]
    title(sheet, 1, CLUSTER_TITLE_LONG, len(names))
    title(sheet, 2, "DANH SÁCH ĐƠN VỊ THÀNH VIÊN", len(names))
    header(sheet, 4, names, [11, 30, 18, 8, 11, 38])
    rows = []
    for year, codes in MEMBERS_BY_YEAR.items():
        for code in codes:
            unit = UNIT_BY_CODE[code]
            order = [u.code for u in UNITS].index(code) + 1
            rows.append([code, unit.name, unit.short_name, year, order, unit.aliases])
    body(sheet, 5, rows)
    sheet.freeze_panes = "A5"
    save_stable(workbook, out / "01-thanh-vien.xlsx")


def write_criteria(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Bảng tiêu chí"
    names = ["Mã tiêu chí", "Nội dung", "Điểm tối đa", "Loại", "Năm"]
    title(sheet, 1, CLUSTER_TITLE_LONG, len(names))
    title(sheet, 2, "BẢNG TIÊU CHÍ CHẤM ĐIỂM, XẾP LOẠI THI ĐUA", len(names))
    title(sheet, 3, "(Kèm theo Quy chế hoạt động của Cụm thi đua số 7)", len(names), bold=False)
    header(sheet, 5, names, [11, 80, 10, 9, 7])
    row = 6
    for year in CRITERIA_YEARS:
        for code, text, maximum, kind in CRITERIA:
            row = body(sheet, row, [[code, text, number(maximum), kind, year]])
            if _is_section(code):
                for column in (1, 2, 3):
                    sheet.cell(row=row - 1, column=column).font = BOLD
    sheet.freeze_panes = "A6"
    validation = DataValidation(type="list", formula1='"Chuẩn,Thưởng,Trừ,Liệt"', allow_blank=True)
    validation.add(f"D6:D{row}")
    sheet.add_data_validation(validation)
    save_stable(workbook, out / "02-bang-tieu-chi.xlsx")


def _is_section(code: str) -> bool:
    return bool(re.fullmatch(r"[IVXLC]+", code))


def _is_group(code: str) -> bool:
    position = [c for c, *_ in CRITERIA].index(code)
    if position + 1 == len(CRITERIA):
        return False
    following = CRITERIA[position + 1][0]
    return _is_section(code) or following.startswith(code + ".")


def write_self_form(path: pathlib.Path, unit_code: str, scores: Scores, period_title: str) -> None:
    """One unit's returned self-score form, laid out in that unit's own style."""
    style = FORM_STYLES[unit_code]
    workbook, sheet = new_workbook()
    sheet.title = style.sheet_name

    columns = ["STT"] if style.stt_column else []
    columns += [style.code_header, "Nội dung", "Điểm tối đa"]
    widths = ([6] if style.stt_column else []) + [9, 62, 9]
    score_column = len(columns) + 1
    columns += ["Điểm tự chấm", "Điểm thống nhất", "Ghi chú"]
    widths += [10, 10, 28]
    width = len(columns)

    unit_line = f"Đơn vị: {style.unit_label}"
    if style.uppercase_title:
        unit_line = unit_line.upper()
    if style.nfd_title:
        unit_line = unicodedata.normalize("NFD", unit_line)
    sheet.cell(row=1, column=1, value=CLUSTER_TITLE).font = BOLD
    if style.motto:
        motto_column = width - 2
        sheet.cell(
            row=1, column=motto_column, value="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        ).font = BOLD
        sheet.cell(row=2, column=motto_column, value="Độc lập - Tự do - Hạnh phúc").font = Font(
            bold=True, underline="single"
        )
    title(sheet, 4, f"BẢNG TỰ CHẤM ĐIỂM THI ĐUA {period_title}", width)
    title(sheet, 5, unit_line, width, bold=False)
    header_row = 7

    if style.two_row_header:
        top: list[str | None] = list(columns)
        top[score_column - 1 : score_column + 1] = ["Điểm", None]
        header(sheet, header_row, top, widths)
        bottom = [None] * width
        bottom[score_column - 1 : score_column + 1] = ["Tự chấm", "Thống nhất"]
        for column, name in enumerate(bottom, start=1):
            cell = sheet.cell(row=header_row + 1, column=column, value=name)
            cell.font, cell.fill, cell.alignment, cell.border = BOLD, HEADER_FILL, CENTER, BORDER
        for column in range(1, width + 1):
            if column in (score_column, score_column + 1):
                continue
            sheet.merge_cells(
                start_row=header_row, start_column=column, end_row=header_row + 1, end_column=column
            )
        sheet.merge_cells(
            start_row=header_row,
            start_column=score_column,
            end_row=header_row,
            end_column=score_column + 1,
        )
        row = header_row + 2
    else:
        header(sheet, header_row, columns, widths)
        row = header_row + 1
    if style.numbering_row:
        for column in range(1, width + 1):
            cell = sheet.cell(row=row, column=column, value=f"({column})")
            cell.alignment, cell.border = CENTER, BORDER
            cell.font = Font(italic=True)
        row += 1
    sheet.freeze_panes = sheet.cell(row=row, column=1)

    points = dict(zip(BASE_LEAVES, scores[0], strict=True))
    points.update(zip(BONUS_LEAVES, scores[1], strict=True))
    points.update(zip(DEDUCTION_LEAVES, scores[2], strict=True))

    def shown(value: float) -> Any:
        return comma_text(value) if style.decimal_comma else number(value)

    for position, (code, text, maximum, kind) in enumerate(CRITERIA, start=1):
        cells: list[Any] = [position] if style.stt_column else []
        group = _is_group(code)
        shown_code: str | int = int(code) if style.numeric_codes and code.isdigit() else code
        cells += [shown_code, text, None if kind == "Liệt" else number(maximum)]
        value = points.get(code)
        if group or value is None:
            score = None  # groups and veto rows: nothing to score (nobody is vetoed)
        elif kind in ("Thưởng", "Trừ") and value == 0:
            score = style.empty_mark
        elif kind == "Trừ" and style.negative_deductions:
            score = shown(-value)
        else:
            score = shown(value)
        cells += [score, None, FORM_NOTES.get((unit_code, code))]
        row = body(sheet, row, [cells])
        if group:
            for column in range(1, width + 1):
                sheet.cell(row=row - 1, column=column).font = BOLD

    totals = total(scores)
    total_cells: list[Any] = [None] * width
    total_cells[score_column - 3] = "TỔNG CỘNG" if style.uppercase_title else "Tổng cộng"
    total_cells[score_column - 2] = 100
    total_cells[score_column - 1] = shown(float(totals[4]))
    row = body(sheet, row, [total_cells])
    for column in range(1, width + 1):
        sheet.cell(row=row - 1, column=column).font = BOLD
    save_stable(workbook, path)


def write_self_forms(out: pathlib.Path) -> None:
    for unit in UNITS:
        path = out / "03-tu-cham-2023" / f"{unit.slug}.xlsx"
        write_self_form(path, unit.code, SELF_2023[unit.code], "NĂM 2023")
    for code, scores in SELF_H1_2024.items():
        path = out / "04-tu-cham-6-thang-2024" / f"{UNIT_BY_CODE[code].slug}.xlsx"
        write_self_form(path, code, scores, "6 THÁNG ĐẦU NĂM 2024")


def write_agreed_scores(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Tổng hợp điểm"
    codes = list(MEMBERS_BY_YEAR[2023])
    names = ["Mã tiêu chí", "Nội dung", "Điểm tối đa"] + [WIDE_COLUMN_LABELS[c] for c in codes]
    title(sheet, 1, CLUSTER_TITLE_LONG, len(names))
    title(sheet, 2, "BẢNG TỔNG HỢP ĐIỂM THỐNG NHẤT", len(names))
    title(sheet, 3, "NĂM 2023", len(names))
    header(sheet, 5, names, [9, 60, 9] + [12] * len(codes))
    sheet.row_dimensions[5].height = 45
    points_by_unit = {}
    self_points_by_unit = {}
    for code in codes:
        own = SELF_2023[code]
        mine = dict(zip(BASE_LEAVES, own[0], strict=True))
        mine.update(zip(BONUS_LEAVES, own[1], strict=True))
        mine.update(zip(DEDUCTION_LEAVES, own[2], strict=True))
        self_points_by_unit[code] = mine
        scores = AGREED_2023[code]
        points = dict(zip(BASE_LEAVES, scores[0], strict=True))
        points.update(zip(BONUS_LEAVES, scores[1], strict=True))
        points.update(zip(DEDUCTION_LEAVES, scores[2], strict=True))
        points_by_unit[code] = points
    row = 6
    for code, text, maximum, kind in CRITERIA:
        group = _is_group(code)
        cells: list[Any] = [code, text, None if kind == "Liệt" else number(maximum)]
        for unit_code in codes:
            value = points_by_unit[unit_code].get(code)
            # an agreed 0 must be written where the unit self-scored the row, else the
            # ranking falls back to the self score (SPEC §4.1)
            self_value = self_points_by_unit[unit_code].get(code)
            blank = (
                group
                or value is None
                or (kind in ("Thưởng", "Trừ") and value == 0 and not self_value)
            )
            cells.append(None if blank else number(value))
        row = body(sheet, row, [cells])
        if group:
            for column in range(1, len(names) + 1):
                sheet.cell(row=row - 1, column=column).font = BOLD
    totals = [number(float(total(AGREED_2023[c])[4])) for c in codes]
    row = body(sheet, row, [[None, "Tổng cộng", 100, *totals]])
    for column in range(1, len(names) + 1):
        sheet.cell(row=row - 1, column=column).font = BOLD
    sheet.freeze_panes = "D6"
    save_stable(workbook, out / "05-diem-thong-nhat-2023.xlsx")


def write_votes(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Bỏ phiếu"
    names = [
        "Năm",
        "Nội dung",
        "Mã đơn vị",
        "Số phiếu đồng ý",
        "Tổng số thành viên",
        "Số có mặt",
    ]
    title(sheet, 1, "KẾT QUẢ BỎ PHIẾU KÍN CỦA CỤM THI ĐUA SỐ 7", len(names))
    title(sheet, 2, "(Hội nghị tổng kết công tác thi đua, khen thưởng)", len(names), bold=False)
    header(sheet, 4, names, [8, 14, 11, 12, 12, 10])
    body(sheet, 5, [list(vote) for vote in VOTES])
    sheet.freeze_panes = "A5"
    save_stable(workbook, out / "06-bo-phieu-2023.xlsx")


def write_heads(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Trưởng cụm"
    names = ["Năm", "Trưởng cụm", "Phó cụm"]
    title(sheet, 1, "TRƯỞNG CỤM, PHÓ CỤM QUA CÁC NĂM", len(names))
    header(sheet, 3, names, [8, 30, 30])
    body(sheet, 4, [list(row) for row in HEADS])
    sheet.freeze_panes = "A4"
    save_stable(workbook, out / "07-truong-cum.xlsx")


def write_commendations(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Khen thưởng"
    names = [
        "STT",
        "Họ và tên",
        "Loại",
        "Giới tính",
        "Dân tộc",
        "Chức vụ",
        "Lãnh đạo quản lý",
        "Tên đơn vị/tập thể\ncông tác",
        "Hình thức khen thưởng",
        "Danh hiệu",
        "Số quyết định",
        "Ngày quyết định",
        "Năm",
        "Kỳ",
    ]
    widths = [5, 34, 9, 8, 8, 30, 10, 28, 44, 22, 16, 12, 7, 9]
    title(sheet, 1, "DANH SÁCH ĐỐI TƯỢNG ĐỀ NGHỊ KHEN THƯỞNG", len(names))
    header(sheet, 3, names, widths)
    sheet.row_dimensions[3].height = 32
    sheet.freeze_panes = "C4"

    row = 4
    number_in_list = 0
    previous_period: tuple[int, str] | None = None
    for item in COMMENDATIONS:
        if previous_period and previous_period != (item.year, item.period):
            row += 1  # a blank row separates the half-year list, as clerks do
        previous_period = (item.year, item.period)
        number_in_list += 1
        if item.award == "BK":
            form, honour = BANG_KHEN, None
            decision = PROVINCE_DECISION_2023
        elif item.award == "CSTDCS":
            form, honour = CSTDCS_FORM, CSTDCS
            decision = UNIT_DECISIONS[item.unit]
        else:
            form, honour = GIAY_KHEN[item.unit], None
            decision = UNIT_DECISIONS[item.unit]
        decision = item.decision or decision
        row = body(
            sheet,
            row,
            [
                [
                    number_in_list,
                    item.name,
                    item.kind,
                    item.gender,
                    item.ethnicity,
                    item.position,
                    item.leader,
                    COMMENDATION_UNIT_LABEL[item.unit],
                    form,
                    honour,
                    decision[0],
                    decision[1],
                    item.year,
                    item.period,
                ]
            ],
        )

    # Leftover formula rows below the list: Lãnh đạo quản lý looked up from Chức vụ.
    leader_column = get_column_letter(names.index("Lãnh đạo quản lý") + 1)
    position_column = get_column_letter(names.index("Chức vụ") + 1)
    formulas = {}
    for leftover in range(row, row + 4):
        cell = f"{leader_column}{leftover}"
        sheet[cell] = "#N/A"  # openpyxl writes this as an error-typed cell
        formulas[cell] = f"VLOOKUP({position_column}{leftover},DANHMUC!$A$2:$B$20,2,FALSE)"

    lookup = workbook.create_sheet("DANHMUC")
    lookup.sheet_state = "hidden"
    lookup.append(["Chức vụ", "Lãnh đạo quản lý", None, "Giới tính", None, "Dân tộc", None,
                   "Hình thức khen thưởng", None, "Loại"])  # fmt: skip
    forms = [BANG_KHEN, CSTDCS_FORM, *GIAY_KHEN.values()]
    height = max(len(POSITIONS_LOOKUP), len(ETHNICITIES), len(forms))
    for index in range(height):
        position = POSITIONS_LOOKUP[index] if index < len(POSITIONS_LOOKUP) else (None, None)
        lookup.append(
            [
                *position,
                None,
                ("Nam", "Nữ")[index] if index < 2 else None,
                None,
                ETHNICITIES[index] if index < len(ETHNICITIES) else None,
                None,
                forms[index] if index < len(forms) else None,
                None,
                ("Cá nhân", "Tập thể")[index] if index < 2 else None,
            ]
        )
    for column, source in (("D", "$D$2:$D$3"), ("E", "$F$2:$F$8"), ("C", "$J$2:$J$3")):
        validation = DataValidation(type="list", formula1=f"DANHMUC!{source}", allow_blank=True)
        validation.add(f"{column}4:{column}200")
        sheet.add_data_validation(validation)
    part = f"xl/worksheets/sheet{workbook.sheetnames.index(sheet.title) + 1}.xml"
    save_stable(workbook, out / "08-khen-thuong-2023.xlsx", formulas={part: formulas})


def write_rules(out: pathlib.Path) -> None:
    workbook, sheet = new_workbook()
    sheet.title = "Quy chế"
    header(sheet, 1, ["Khóa", "Giá trị", "Từ năm"], [16, 40, 9])
    body(sheet, 2, [[key, value, RULES_FROM_YEAR] for key, value in RULES])
    sheet.freeze_panes = "A2"
    save_stable(workbook, out / "09-quy-che.xlsx")


def main(argv: list[str]) -> int:
    check_design()
    out = pathlib.Path(argv[1]) if len(argv) > 1 else REPO_ROOT / "sample_data"
    out.mkdir(parents=True, exist_ok=True)
    write_members(out)
    write_criteria(out)
    write_self_forms(out)
    write_agreed_scores(out)
    write_votes(out)
    write_heads(out)
    write_commendations(out)
    write_rules(out)
    (out / "README.md").write_text(README, encoding="utf-8")
    print(design_summary())
    print(f"Đã ghi dữ liệu mẫu vào {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
