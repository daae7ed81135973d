"""The blank input workbook written by `thidua template`: one sheet per sheet kind of
SPEC §3.1, a `Hướng dẫn` sheet first, and one example row per sheet.

The example rows are consistent with each other (one member, VD "Đơn vị ví dụ (xóa dòng
này)", in 2023; a four-row scoring table whose base leaves sum to 100; scores, a vote, a
leader and a commendation of that unit), so that a clerk who edits them gets a clean import.
They are plainly not data — a unit, criteria and a person named "ví dụ" — so that no real row
is ever identical to one: a real member TD "Tỉnh Đoàn" in 2023 imports. Left as they are,
they are never data: sheets/examples.py reads them from here and the import refuses a row
identical to one (SPEC §3.1).
The guide sheet is built from the same `SheetSpec` list as the data sheets, so the two
cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = "DDEBF7"
EXAMPLE_FILL = "FFF2CC"
TITLE_FILL = "FFFFFF"
FIRST_DATA_ROW_LIMIT = 1000  # drop-down lists cover the header row down to this row

PERIODS = ("6 tháng", "Cả năm")
CRITERION_KINDS = ("Chuẩn", "Thưởng", "Trừ", "Liệt")
VOTE_PURPOSES = ("Dẫn đầu", "Cờ thi đua", "Bằng khen", "Trưởng cụm", "Phó cụm")
LEADER_FLAGS = ("x", "không")
RECIPIENT_KINDS = ("Cá nhân", "Tập thể")
GENDERS = ("Nam", "Nữ")
RULE_KEYS = (
    "scale",
    "bands",
    "aggregation",
    "bonus_cap",
    "tie_break",
    "vote_threshold",
    "quorum",
    "flags_per_cluster",
    "bang_khen_quota",
    "rotation",
    "no_repeat_years",
    "non_leader_target",
    "organiser",
    "place",
    "signer_title",
    "signer_name",
    "doc_code",
)


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    width: float
    required: str  # "Có", "Không", or a short condition in Vietnamese
    help: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    name: str
    purpose: str
    columns: tuple[ColumnSpec, ...]
    example_rows: tuple[tuple[Any, ...], ...]
    title_rows: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


YEAR = ColumnSpec(
    "Năm",
    8,
    "Có*",
    "Năm thi đua, ví dụ 2023. (*) Có thể bỏ cột này nếu dòng tiêu đề ghi năm (NĂM 2023) "
    "hoặc khi nhập dùng --year.",
)
PERIOD = ColumnSpec(
    "Kỳ",
    10,
    "Không",
    "Kỳ đánh giá: 6 tháng (sơ kết 01/01–30/06) hoặc Cả năm. Để trống là Cả năm; có thể "
    "ghi ở dòng tiêu đề (6 THÁNG ĐẦU NĂM 2024) hoặc dùng --half 1.",
    PERIODS,
)
UNIT_CODE = ColumnSpec(
    "Mã đơn vị",
    12,
    "Có",
    "Mã viết tắt của đơn vị thành viên (TD, MTTQ, …) hoặc tên đầy đủ, tên khác đã khai ở "
    "sheet Đơn vị.",
)
CRITERION_CODE = ColumnSpec(
    "Mã tiêu chí",
    12,
    "Có",
    "Mã tiêu chí đúng như trong bảng tiêu chí của năm đó (I, 1, 1.2, 1.2.a).",
)

# The example rows' unit and criteria: plainly examples, so that no real row equals one.
EXAMPLE_UNIT = "VD"
EXAMPLE_UNIT_NAME = "Đơn vị ví dụ (xóa dòng này)"
EXAMPLE_CRITERIA = {
    "I": "PHẦN VÍ DỤ (xóa các dòng ví dụ, ghi bảng tiêu chí của cụm)",
    "1": "Nhóm tiêu chí ví dụ",
    "1.1": "Tiêu chí ví dụ thứ nhất",
    "1.2": "Tiêu chí ví dụ thứ hai",
}

SHEETS: tuple[SheetSpec, ...] = (
    SheetSpec(
        name="Đơn vị",
        purpose="Danh sách đơn vị thành viên của cụm theo từng năm (mỗi năm một dòng cho "
        "mỗi đơn vị). Thành viên có thể thay đổi giữa các năm.",
        columns=(
            ColumnSpec(
                "Mã đơn vị",
                12,
                "Có",
                "Mã viết tắt, duy nhất, của đơn vị (TD, MTTQ, LDLD…); dùng ở các sheet khác.",
            ),
            ColumnSpec("Tên đơn vị", 34, "Có", "Tên đầy đủ, ví dụ Tỉnh Đoàn."),
            ColumnSpec("Tên viết tắt", 16, "Không", "Tên ngắn dùng trong bảng biểu."),
            YEAR,
            ColumnSpec(
                "Thứ tự luân phiên",
                10,
                "Không",
                "Số thứ tự 1, 2, 3… dùng để luân phiên Trưởng cụm, Phó cụm.",
            ),
            ColumnSpec(
                "Tên khác",
                30,
                "Không",
                "Các cách viết khác gặp trong bảng tính của đơn vị, cách nhau bởi dấu ;",
            ),
        ),
        example_rows=((EXAMPLE_UNIT, EXAMPLE_UNIT_NAME, "ĐV ví dụ", 2023, 1, "Đơn vị mẫu"),),
    ),
    SheetSpec(
        name="Tiêu chí",
        purpose="Bảng tiêu chí chấm điểm của năm. Mã La Mã (I, II…) mở một phần; mã có "
        "dấu chấm thuộc mã đứng trước nó (1.2.a thuộc 1.2, 1.2 thuộc 1). Dòng có tiêu chí "
        "con là nhóm, không chấm điểm; điểm tối đa của nhóm bằng tổng của các tiêu chí con. "
        "Tổng điểm tối đa các tiêu chí chuẩn (lá) phải bằng thang điểm (mặc định 100).",
        columns=(
            CRITERION_CODE,
            ColumnSpec("Nội dung", 60, "Có", "Nội dung tiêu chí."),
            ColumnSpec(
                "Điểm tối đa",
                10,
                "Có",
                "Số điểm tối đa. Với tiêu chí Trừ: số điểm trừ tối đa. Với tiêu chí Liệt: "
                "bỏ qua (ghi 0).",
            ),
            ColumnSpec(
                "Loại",
                10,
                "Không",
                "Chuẩn (điểm cơ bản), Thưởng (điểm thưởng, cộng tối đa theo quy chế, mặc "
                "định 10 điểm), Trừ (điểm trừ), Liệt (vi phạm thì không được xét dẫn đầu, "
                "đề nghị khen thưởng). Để trống: theo nhóm chứa nó, nếu không thì Chuẩn.",
                CRITERION_KINDS,
            ),
            YEAR,
        ),
        example_rows=(
            ("I", EXAMPLE_CRITERIA["I"], 100, "Chuẩn", 2023),
            ("1", EXAMPLE_CRITERIA["1"], 100, "Chuẩn", 2023),
            ("1.1", EXAMPLE_CRITERIA["1.1"], 60, "Chuẩn", 2023),
            ("1.2", EXAMPLE_CRITERIA["1.2"], 40, "Chuẩn", 2023),
        ),
        notes=("Bốn dòng ví dụ tạo thành một bảng tiêu chí nhỏ nhất: phần I, nhóm 1, hai lá.",),
    ),
    SheetSpec(
        name="Chấm điểm",
        purpose="Điểm chấm theo dạng danh sách: mỗi dòng là một đơn vị, một tiêu chí. Ghi "
        "một hoặc nhiều lớp điểm: Tự chấm, Chấm chéo (kèm Đơn vị chấm), Thống nhất.",
        columns=(
            YEAR,
            PERIOD,
            ColumnSpec(
                "Mã đơn vị",
                12,
                "Có",
                "Đơn vị được chấm: mã hoặc tên (có thể dùng cột Tên đơn vị thay cho cột này).",
            ),
            CRITERION_CODE,
            ColumnSpec(
                "Tự chấm",
                10,
                "Một trong ba lớp",
                "Điểm đơn vị tự chấm. Số thập phân dùng dấu phẩy hoặc dấu chấm (9,5). Để "
                "trống hoặc ghi - là chưa chấm. Điểm trừ ghi số dương.",
            ),
            ColumnSpec(
                "Chấm chéo",
                10,
                "Một trong ba lớp",
                "Điểm do đơn vị khác chấm; ghi kèm Đơn vị chấm.",
            ),
            ColumnSpec(
                "Đơn vị chấm",
                12,
                "Khi có Chấm chéo",
                "Mã hoặc tên đơn vị chấm chéo (không tự chấm chéo cho mình).",
            ),
            ColumnSpec(
                "Thống nhất",
                10,
                "Một trong ba lớp",
                "Điểm thống nhất tại hội nghị của cụm; được dùng để xếp hạng nếu có.",
            ),
            ColumnSpec("Ghi chú", 30, "Không", "Ghi chú, minh chứng."),
        ),
        example_rows=(
            (2023, "6 tháng", EXAMPLE_UNIT, "1.1", 55, None, None, None, "Ví dụ: tự chấm 6 tháng"),
        ),
    ),
    SheetSpec(
        name="Tổng hợp điểm",
        purpose="Bảng tổng hợp điểm dạng ngang: mỗi dòng một tiêu chí, mỗi cột một đơn vị "
        "(tiêu đề cột là mã hoặc tên đơn vị). Lớp điểm ghi ở dòng tiêu đề (THỐNG NHẤT hoặc "
        "TỰ CHẤM) hoặc dùng --layer khi nhập; năm và kỳ cũng đọc từ dòng tiêu đề.",
        title_rows=("BẢNG TỔNG HỢP ĐIỂM THỐNG NHẤT NĂM 2023",),
        columns=(
            CRITERION_CODE,
            ColumnSpec("Nội dung", 50, "Không", "Nội dung tiêu chí (để đối chiếu)."),
            ColumnSpec("Điểm tối đa", 10, "Không", "Điểm tối đa (để đối chiếu)."),
            ColumnSpec(
                EXAMPLE_UNIT,
                12,
                "Ít nhất một cột đơn vị",
                "Mỗi đơn vị một cột, tiêu đề là mã (như TD) hoặc tên (như Tỉnh Đoàn). Dòng nhóm để "
                "trống; dòng Tổng cộng (nếu có) được bỏ qua.",
            ),
        ),
        example_rows=(("1.1", EXAMPLE_CRITERIA["1.1"], 60, 57),),
    ),
    SheetSpec(
        name="Bảng tự chấm",
        purpose="Bảng tự chấm điểm do một đơn vị gửi về. Dòng tiêu đề ghi tên đơn vị "
        "(Đơn vị: …) và năm (NĂM 2023 hoặc 6 THÁNG ĐẦU NĂM 2024). Dòng nhóm để trống điểm; "
        "dòng Tổng cộng được bỏ qua (chỉ dùng để đối chiếu). Tiêu đề có thể hai tầng (Điểm "
        "gộp ô trên Tự chấm | Thống nhất).",
        title_rows=("BẢNG TỰ CHẤM ĐIỂM THI ĐUA", "NĂM 2023", f"Đơn vị: {EXAMPLE_UNIT_NAME}"),
        columns=(
            ColumnSpec("STT", 6, "Không", "Số thứ tự, được bỏ qua."),
            ColumnSpec(
                "Mã tiêu chí",
                12,
                "Có",
                "Mã tiêu chí (có thể đặt tên cột là TT).",
            ),
            ColumnSpec("Nội dung", 50, "Không", "Nội dung tiêu chí."),
            ColumnSpec("Điểm tối đa", 10, "Không", "Điểm tối đa (để đối chiếu)."),
            ColumnSpec(
                "Điểm tự chấm",
                10,
                "Có",
                "Điểm đơn vị tự chấm; điểm trừ ghi số dương; tiêu chí Liệt ghi x nếu vi phạm.",
            ),
            ColumnSpec(
                "Điểm thống nhất",
                10,
                "Không",
                "Điểm thống nhất của cụm (thường để trống khi đơn vị gửi).",
            ),
            ColumnSpec("Ghi chú", 30, "Không", "Ghi chú, minh chứng."),
        ),
        example_rows=(
            (1, "I", EXAMPLE_CRITERIA["I"], 100, None, None, None),
            (2, "1", EXAMPLE_CRITERIA["1"], 100, None, None, None),
            (3, "1.1", EXAMPLE_CRITERIA["1.1"], 60, 58, None, None),
            (4, "1.2", EXAMPLE_CRITERIA["1.2"], 40, 38, None, None),
            (None, None, "Tổng cộng", 100, 96, None, None),
        ),
        notes=("Mỗi đơn vị gửi một tệp; có thể nhập nhiều tệp một lần.",),
    ),
    SheetSpec(
        name="Bỏ phiếu",
        purpose="Kết quả bỏ phiếu kín tại hội nghị: suy tôn đơn vị dẫn đầu, đề nghị Cờ thi "
        "đua, Bằng khen, bầu Trưởng cụm, Phó cụm.",
        columns=(
            ColumnSpec(
                "Năm",
                8,
                "Có*",
                "Năm thi đua được bình xét (năm của hội nghị tổng kết), cho mọi nội dung: phiếu "
                "bầu Trưởng cụm, Phó cụm tại hội nghị tổng kết năm 2023 ghi 2023 và bầu Trưởng "
                "cụm, Phó cụm năm 2024. (*) Có thể bỏ cột này nếu dòng tiêu đề ghi năm hoặc khi "
                "nhập dùng --year.",
            ),
            ColumnSpec(
                "Nội dung",
                14,
                "Có",
                "Nội dung bỏ phiếu.",
                VOTE_PURPOSES,
            ),
            UNIT_CODE,
            ColumnSpec("Số phiếu đồng ý", 10, "Có", "Số phiếu đồng ý."),
            ColumnSpec("Tổng số thành viên", 10, "Có", "Tổng số đơn vị thành viên của cụm."),
            ColumnSpec("Số có mặt", 10, "Không", "Số đơn vị có mặt khi bỏ phiếu."),
        ),
        example_rows=((2023, "Dẫn đầu", EXAMPLE_UNIT, 1, 1, 1),),
        notes=(
            "Năm là năm thi đua được bình xét: phiếu bầu Trưởng cụm, Phó cụm ghi năm 2023 bầu "
            "Trưởng cụm, Phó cụm năm 2024.",
        ),
    ),
    SheetSpec(
        name="Trưởng cụm",
        purpose="Trưởng cụm, Phó cụm từng năm (đã bầu). Chương trình dùng lịch sử này để đề "
        "xuất luân phiên năm sau.",
        columns=(
            YEAR,
            ColumnSpec("Trưởng cụm", 24, "Có", "Mã hoặc tên đơn vị làm Trưởng cụm."),
            ColumnSpec("Phó cụm", 24, "Không", "Mã hoặc tên đơn vị làm Phó cụm (khác Trưởng cụm)."),
        ),
        example_rows=((2023, EXAMPLE_UNIT, None),),
    ),
    SheetSpec(
        name="Khen thưởng",
        purpose="Danh sách cá nhân, tập thể được khen thưởng (hoặc đề nghị khen thưởng) để "
        "thống kê tỷ lệ người không giữ chức vụ lãnh đạo, nữ, dân tộc thiểu số.",
        columns=(
            ColumnSpec("STT", 6, "Không", "Số thứ tự, được bỏ qua."),
            ColumnSpec(
                "Họ và tên",
                24,
                "Có",
                "Họ và tên cá nhân, hoặc tên tập thể (có thể đặt tên cột là Tên tập thể).",
            ),
            ColumnSpec(
                "Loại", 10, "Không", "Cá nhân hoặc Tập thể; mặc định Cá nhân.", RECIPIENT_KINDS
            ),
            ColumnSpec("Giới tính", 8, "Không", "Nam hoặc Nữ.", GENDERS),
            ColumnSpec("Dân tộc", 10, "Không", "Kinh, Mường, Thái, …"),
            ColumnSpec("Chức vụ", 20, "Có", "Chức vụ của cá nhân (tập thể để trống)."),
            ColumnSpec(
                "Lãnh đạo quản lý",
                10,
                "Không",
                "x (hoặc có) nếu giữ chức vụ lãnh đạo, quản lý; không nếu không giữ. Để trống: "
                "chương trình suy ra từ Chức vụ (Chủ tịch, Phó Chủ tịch, Trưởng…, Phó trưởng…, "
                "Bí thư, Chánh Văn phòng…).",
                LEADER_FLAGS,
            ),
            ColumnSpec("Đơn vị", 24, "Có", "Đơn vị thành viên: mã hoặc tên."),
            ColumnSpec(
                "Hình thức khen thưởng",
                30,
                "Có",
                "Ví dụ: Bằng khen của Chủ tịch UBND tỉnh, Giấy khen của …",
            ),
            ColumnSpec("Danh hiệu", 20, "Không", "Danh hiệu thi đua (Chiến sĩ thi đua cơ sở, …)."),
            ColumnSpec("Số quyết định", 16, "Không", "Ví dụ 215/QĐ-UBND."),
            ColumnSpec(
                "Ngày quyết định",
                14,
                "Không",
                "Kiểu ngày của Excel hoặc chữ dạng dd/mm/yyyy.",
            ),
            YEAR,
            PERIOD,
        ),
        example_rows=(
            (
                1,
                "Nguyễn Văn Ví Dụ",
                "Cá nhân",
                "Nam",
                "Kinh",
                "Chuyên viên",
                "không",
                EXAMPLE_UNIT,
                "Bằng khen của Chủ tịch UBND tỉnh",
                None,
                "215/QĐ-UBND",
                dt.date(2024, 1, 22),
                2023,
                "Cả năm",
            ),
        ),
    ),
    SheetSpec(
        name="Quy chế",
        purpose="Các quy định riêng của cụm (ghi đè giá trị mặc định) từ một năm trở đi. "
        "Xem danh sách khóa bên dưới; khóa không ghi thì dùng mặc định.",
        columns=(
            ColumnSpec(
                "Khóa",
                20,
                "Có",
                "Tên quy định: scale (thang điểm, 100), bands (xếp loại, Xuất sắc:90, Tốt:80, "
                "Khá:65, Trung bình:0), aggregation (mean/median/trimmed_mean), bonus_cap "
                "(điểm thưởng tối đa, 10), tie_break, vote_threshold (0.70), quorum (0.6667), "
                "flags_per_cluster (1), bang_khen_quota (0.30), rotation (deputy_succeeds/"
                "round_robin/leader_hosts/elect), no_repeat_years (1), non_leader_target "
                "(0.40), organiser, place, signer_title, signer_name, doc_code.",
                RULE_KEYS,
            ),
            ColumnSpec("Giá trị", 40, "Có", "Giá trị của quy định."),
            ColumnSpec("Từ năm", 10, "Không", "Áp dụng từ năm này trở đi; để trống là mọi năm."),
        ),
        example_rows=(("scale", 100, 2023),),
    ),
)

# The kind each sheet of the template is read as (for its example rows, see sheets/examples.py).
SHEET_KINDS = {
    "Đơn vị": "members",
    "Tiêu chí": "criteria",
    "Chấm điểm": "scores",
    "Tổng hợp điểm": "wide_scores",
    "Bảng tự chấm": "self_form",
    "Bỏ phiếu": "votes",
    "Trưởng cụm": "leadership",
    "Khen thưởng": "commendations",
    "Quy chế": "rules",
}

GUIDE_INTRO: tuple[str, ...] = (
    "Mỗi sheet trong tệp này là một loại dữ liệu; chương trình nhận ra loại dữ liệu từ dòng "
    "tiêu đề cột (nền xanh), không phụ thuộc tên sheet hay thứ tự cột.",
    "Tên cột không phân biệt hoa thường, có dấu hay không dấu (Mã đơn vị = Ma don vi). Có "
    "thể để các dòng tiêu đề (tên cụm, tên bảng) phía trên dòng tên cột.",
    "Năm và Kỳ: nếu bảng không có cột Năm hoặc Kỳ, chương trình đọc từ dòng tiêu đề "
    "(NĂM 2023; 6 THÁNG ĐẦU NĂM 2024), nếu không có thì lấy từ tùy chọn --year, --half 1.",
    "Số: có thể dùng dấu phẩy thập phân (9,5). Ô trống hoặc dấu - là chưa có điểm. Không "
    "dùng dấu %, dấu phân cách hàng nghìn.",
    "Ngày: kiểu ngày của Excel hoặc chữ dạng dd/mm/yyyy.",
    "Đơn vị ghi bằng mã (TD) hoặc tên (Tỉnh Đoàn) hoặc tên khác đã khai ở sheet Đơn vị.",
    "Dòng nền vàng là dòng ví dụ: sửa thành số liệu thật hoặc xóa trước khi nhập; dòng ví dụ "
    "để nguyên sẽ bị báo lỗi, không bao giờ được nhập.",
    "Cột có danh sách chọn (mũi tên) chỉ nhận các giá trị trong danh sách.",
)

GUIDE_COMMANDS: tuple[tuple[str, str], ...] = (
    ('thidua init --code C7 --name "Cụm thi đua số 7"', "Tạo cơ sở dữ liệu và cụm (một lần)."),
    ("thidua import mau-nhap-lieu.xlsx --dry-run", "Kiểm tra tệp, không ghi gì."),
    ("thidua import mau-nhap-lieu.xlsx", "Nhập dữ liệu; có thể nhập nhiều tệp một lần."),
    (
        "thidua import tu-cham/*.xlsx --errors loi.xlsx",
        "Nếu có lỗi thì không ghi gì; danh sách lỗi (tệp, sheet, dòng, cột, giá trị, cách "
        "sửa) được in ra và ghi vào loi.xlsx.",
    ),
    ("thidua status --year 2023", "Xem dữ liệu đã có và còn thiếu của năm."),
    ("thidua rank --year 2023", "Tính điểm, xếp hạng, xếp loại."),
)


def write_template(path: pathlib.Path) -> None:
    """Write the blank input workbook to `path` (overwriting it)."""
    from openpyxl import Workbook

    from ..files import save_workbook

    workbook = Workbook()
    guide = workbook.active
    guide.title = "Hướng dẫn"
    _write_guide(guide)
    for spec in SHEETS:
        _write_data_sheet(workbook.create_sheet(spec.name), spec)
    workbook.active = 0
    save_workbook(workbook, path)


def _write_data_sheet(sheet: Worksheet, spec: SheetSpec) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    last_column = get_column_letter(len(spec.columns))

    for row, title in enumerate(spec.title_rows, start=1):
        cell = sheet.cell(row=row, column=1, value=title)
        cell.font = Font(bold=True, size=12)
        cell.alignment = Alignment(horizontal="center")
        sheet.merge_cells(f"A{row}:{last_column}{row}")

    header_row = len(spec.title_rows) + 1
    for column, column_spec in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=header_row, column=column, value=column_spec.header)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(column)].width = column_spec.width
    sheet.row_dimensions[header_row].height = 32
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)

    example_fill = PatternFill("solid", fgColor=EXAMPLE_FILL)
    for offset, values in enumerate(spec.example_rows, start=1):
        row = header_row + offset
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)
            cell.fill = example_fill
            cell.border = border
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
            if isinstance(value, str) and len(value) > 30:
                cell.alignment = Alignment(wrap_text=True, vertical="top")

    for column, column_spec in enumerate(spec.columns, start=1):
        if not column_spec.choices:
            continue
        letter = get_column_letter(column)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(column_spec.choices) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Chọn một giá trị trong danh sách: " + ", ".join(column_spec.choices),
            promptTitle=column_spec.header,
            prompt=", ".join(column_spec.choices),
        )
        validation.add(f"{letter}{header_row + 1}:{letter}{FIRST_DATA_ROW_LIMIT}")
        sheet.add_data_validation(validation)


def _write_guide(sheet: Worksheet) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 100
    wrap = Alignment(wrap_text=True, vertical="top")
    section_fill = PatternFill("solid", fgColor=HEADER_FILL)
    row = 1

    def line(text: str, *, bold: bool = False, size: int | None = None) -> None:
        nonlocal row
        cell = sheet.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold, size=size) if size else Font(bold=bold)
        row += 1

    line("HƯỚNG DẪN NHẬP LIỆU CHO CHƯƠNG TRÌNH THIDUA", bold=True, size=14)
    line("Mẫu bảng tính dùng cho cụm, khối thi đua: đơn vị, tiêu chí, điểm, bỏ phiếu, khen thưởng.")
    row += 1
    line("Quy ước chung", bold=True)
    for text in GUIDE_INTRO:
        line("• " + text)
    row += 1

    line("Cách nhập vào chương trình", bold=True)
    for command, meaning in GUIDE_COMMANDS:
        sheet.cell(row=row, column=1, value=command).font = Font(name="Consolas")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row=row, column=3, value=meaning).alignment = wrap
        row += 1
    row += 1

    line("Các sheet và các cột", bold=True)
    for spec in SHEETS:
        row += 1
        cell = sheet.cell(row=row, column=1, value=f"Sheet «{spec.name}»")
        cell.font = Font(bold=True, size=12)
        for column in (1, 2, 3):
            sheet.cell(row=row, column=column).fill = section_fill
        row += 1
        sheet.cell(row=row, column=1, value=spec.purpose).alignment = wrap
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.row_dimensions[row].height = 15 * (1 + len(spec.purpose) // 130)
        row += 1
        for note in spec.notes:
            sheet.cell(row=row, column=1, value=note).font = Font(italic=True)
            row += 1
        # One column per line, its name alone in column A: this sheet must never look like
        # a data sheet to the importer, which looks for several known headers in one row.
        for column_spec in spec.columns:
            sheet.cell(row=row, column=1, value=column_spec.header).font = Font(bold=True)
            sheet.cell(row=row, column=2, value=f"Bắt buộc: {column_spec.required}")
            text = column_spec.help
            if column_spec.choices:
                text += " Giá trị cho phép: " + "; ".join(column_spec.choices) + "."
            sheet.cell(row=row, column=3, value=text).alignment = wrap
            sheet.row_dimensions[row].height = 15 * (1 + len(text) // 95)
            row += 1
