"""What each sheet kind looks like: its columns, their header aliases, which are required.

Aliases are written in plain Vietnamese and folded once (case, accents, punctuation), so
`Mã ĐV`, `Ma don vi` and `unit_code` all find the same column."""

from __future__ import annotations

from dataclasses import dataclass

from ..text import fold


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # the header as the template writes it; used in messages
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str  # Vietnamese name of the kind, for messages
    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...]  # each tuple: at least one of these fields

    def by_alias(self) -> dict[str, str]:
        mapping: dict[str, str] = {}
        for column in self.columns:
            for alias in (column.label, column.field, *column.aliases):
                mapping.setdefault(fold(alias), column.field)
        return mapping

    def label_of(self, field: str) -> str:
        for column in self.columns:
            if column.field == field:
                return column.label
        return field


def _c(field: str, label: str, *aliases: str) -> Column:
    return Column(field, label, aliases)


YEAR = _c("year", "Năm", "year", "năm đánh giá", "năm thi đua")
PERIOD = _c("period", "Kỳ", "period", "kỳ đánh giá", "kỳ báo cáo", "giai đoạn")
UNIT_CODE = _c(
    "unit_code", "Mã đơn vị", "mã đv", "unit_code", "mã", "ký hiệu", "mã đơn vị được chấm"
)
UNIT_NAME = _c(
    "unit_name",
    "Tên đơn vị",
    "đơn vị",
    "unit_name",
    "unit",
    "đơn vị được chấm",
    "tên đơn vị được chấm",
)
CRITERION = _c(
    "criterion", "Mã tiêu chí", "mã tc", "criterion_code", "criterion", "mã số tiêu chí", "số hiệu"
)
TITLE = _c(
    "title",
    "Nội dung",
    "nội dung tiêu chí",
    "tiêu chí",
    "tên tiêu chí",
    "title",
    "nội dung chấm điểm",
    "nội dung tiêu chí chấm điểm",
    "tiêu chí chấm điểm",
)
MAX = _c(
    "max_points",
    "Điểm tối đa",
    "điểm chuẩn",
    "tối đa",
    "max_points",
    "thang điểm",
    "điểm tối đa",
    "điểm quy định",
    "điểm tối đa được chấm",
)
NOTE = _c("note", "Ghi chú", "note", "ghi chú")
SELF = _c(
    "self", "Tự chấm", "điểm tự chấm", "self", "tự chấm điểm", "đơn vị tự chấm", "điểm tự chấm"
)
PEER = _c("peer", "Chấm chéo", "điểm chấm chéo", "peer", "chấm chéo")
SCORER = _c("scorer", "Đơn vị chấm", "scorer", "đơn vị chấm chéo", "mã đơn vị chấm")
AGREED = _c(
    "agreed",
    "Thống nhất",
    "điểm thống nhất",
    "agreed",
    "cụm thống nhất",
    "điểm cụm thống nhất",
    "điểm thẩm định",
    "thẩm định",
    "điểm thống nhất của cụm",
)

KINDS: dict[str, KindSpec] = {
    "members": KindSpec(
        "members",
        "danh sách đơn vị thành viên",
        (
            UNIT_CODE,
            _c("unit_name", "Tên đơn vị", "đơn vị", "unit_name", "tên đơn vị thành viên"),
            _c("short_name", "Tên viết tắt", "viết tắt", "short_name", "tên gọi tắt"),
            YEAR,
            _c("rotation_order", "Thứ tự luân phiên", "thứ tự", "luân phiên", "rotation_order"),
            _c("aliases", "Tên khác", "aliases", "tên gọi khác", "tên cũ"),
        ),
        (("unit_code",), ("unit_name",)),
    ),
    "criteria": KindSpec(
        "criteria",
        "bảng tiêu chí chấm điểm",
        (
            # a scoring table's first column is often headed TT / STT and holds I, 1, 1.2, …
            _c("criterion", CRITERION.label, *CRITERION.aliases, "tt", "stt", "số tt", "mục"),
            TITLE,
            MAX,
            _c("kind", "Loại", "kind", "loại tiêu chí", "loại điểm"),
            YEAR,
        ),
        (("criterion",), ("title",), ("max_points",)),
    ),
    "scores": KindSpec(
        "scores",
        "bảng chấm điểm (dạng dọc)",
        (YEAR, PERIOD, UNIT_CODE, UNIT_NAME, CRITERION, SELF, PEER, SCORER, AGREED, NOTE),
        (("criterion",), ("unit_code", "unit_name"), ("self", "peer", "agreed")),
    ),
    "wide_scores": KindSpec(
        "wide_scores",
        "bảng tổng hợp điểm (mỗi đơn vị một cột)",
        (_c("criterion", CRITERION.label, *CRITERION.aliases, "tt", "stt", "số tt", "mục"),)
        + (TITLE, MAX, NOTE),
        (("criterion",),),
    ),
    "self_form": KindSpec(
        "self_form",
        "bảng tự chấm của đơn vị",
        (
            _c("criterion", "Mã tiêu chí", "mã tc", "tt", "stt", "số tt", "criterion_code", "mục"),
            TITLE,
            MAX,
            SELF,
            AGREED,
            NOTE,
        ),
        (("criterion",), ("self",)),
    ),
    "votes": KindSpec(
        "votes",
        "kết quả bỏ phiếu",
        (
            YEAR,
            _c("purpose", "Nội dung", "nội dung bỏ phiếu", "purpose", "bỏ phiếu cho", "mục đích"),
            UNIT_CODE,
            UNIT_NAME,
            _c("yes", "Số phiếu đồng ý", "đồng ý", "phiếu đồng ý", "yes", "số phiếu tán thành"),
            _c("members", "Tổng số thành viên", "số thành viên", "members", "tổng số"),
            _c("present", "Số có mặt", "có mặt", "present", "số thành viên có mặt"),
        ),
        (("purpose",), ("unit_code", "unit_name"), ("yes",), ("members",)),
    ),
    "leadership": KindSpec(
        "leadership",
        "trưởng cụm, phó cụm qua các năm",
        (
            YEAR,
            _c("head", "Trưởng cụm", "head", "trưởng khối", "đơn vị trưởng cụm", "cụm trưởng"),
            _c("deputy", "Phó cụm", "deputy", "phó khối", "đơn vị phó cụm", "cụm phó"),
        ),
        (("year",), ("head",)),
    ),
    "commendations": KindSpec(
        "commendations",
        "danh sách khen thưởng",
        (
            _c(
                "person",
                "Họ và tên",
                "họ tên",
                "tên cá nhân",
                "recipient",
                "tên tập thể cá nhân hộ gia đình",
                "tên cá nhân tập thể",
            ),
            _c("collective", "Tên tập thể", "tên đơn vị tập thể", "tập thể"),
            _c(
                "kind",
                "Loại",
                "loại khen thưởng",
                "phân loại khen thưởng",
                "kind",
                "đối tượng",
                "cá nhân tập thể",
                "mã phân loại khen thưởng",
            ),
            _c("gender", "Giới tính", "gender", "nam nữ"),
            _c("ethnicity", "Dân tộc", "ethnicity"),
            _c("position", "Chức vụ", "chức vụ chức danh", "position", "chức danh"),
            _c(
                "is_leader",
                "Lãnh đạo quản lý",
                "lãnh đạo",
                "là lãnh đạo",
                "is_leader",
                "lãnh đạo quản lý x",
            ),
            _c(
                "unit",
                "Đơn vị",
                "đơn vị công tác",
                "tên đơn vị tập thể công tác",
                "tên đơn vị",
                "tên đơn vị công tác",
                "unit",
                "cơ quan đơn vị",
            ),
            _c(
                "award",
                "Hình thức khen thưởng",
                "hình thức",
                "award",
                "danh hiệu thi đua hình thức khen thưởng",
                "mã hình thức khen thưởng",
            ),
            _c("title", "Danh hiệu", "danh hiệu thi đua", "mã danh hiệu thi đua", "title"),
            _c("decision_no", "Số quyết định", "số qđ", "decision_no", "quyết định số"),
            _c("decision_date", "Ngày quyết định", "ngày qđ", "decision_date", "ngày ký"),
            YEAR,
            PERIOD,
        ),
        (("person", "collective"), ("award",)),
    ),
    "rules": KindSpec(
        "rules",
        "quy chế (tham số)",
        (
            _c("key", "Khóa", "khoá", "key", "tham số", "mã tham số"),
            _c("value", "Giá trị", "value"),
            _c("from_year", "Từ năm", "from_year", "áp dụng từ năm"),
            _c("description", "Mô tả", "diễn giải", "ghi chú"),
        ),
        (("key",), ("value",)),
    ),
}

# Headers no kind uses but real sheets carry; ignored without a note.
ALWAYS_IGNORED = {fold(h) for h in ("STT", "TT", "Số TT", "Số thứ tự", "No")}

KIND_ALIASES = {
    fold(k): v
    for k, v in {
        "members": "members",
        "thành viên": "members",
        "đơn vị": "members",
        "criteria": "criteria",
        "tiêu chí": "criteria",
        "scores": "scores",
        "chấm điểm": "scores",
        "wide_scores": "wide_scores",
        "wide": "wide_scores",
        "tổng hợp điểm": "wide_scores",
        "self_form": "self_form",
        "tự chấm": "self_form",
        "bảng tự chấm": "self_form",
        "votes": "votes",
        "bỏ phiếu": "votes",
        "leadership": "leadership",
        "trưởng cụm": "leadership",
        "luân phiên": "leadership",
        "commendations": "commendations",
        "khen thưởng": "commendations",
        "rules": "rules",
        "quy chế": "rules",
    }.items()
}
