"""Rows of the cluster's register tables: members, the criteria table, vote results, cluster
leadership and rules. Each handler turns one row into a record or a RowError."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..text import ValueProblem, clean, column_letter, fold, is_safe_code, parse_decimal
from .cells import RowReader
from .parse_scores import criterion_code, is_total_text, to_hundredths_safe
from .records import CriterionRow, LeadershipRow, MemberRow, RuleRow, TotalRow, VoteRow

if TYPE_CHECKING:
    from .records import ParsedBatch
    from .sheet_context import SheetContext

CRITERION_KINDS = {
    "chuan": "base",
    "co ban": "base",
    "base": "base",
    "diem chuan": "base",
    "thuong": "bonus",
    "diem thuong": "bonus",
    "bonus": "bonus",
    "cong": "bonus",
    "tru": "deduction",
    "diem tru": "deduction",
    "deduction": "deduction",
    "liet": "veto",
    "diem liet": "veto",
    "veto": "veto",
}
VOTE_PURPOSES = {
    "dan dau": "lead",
    "don vi dan dau": "lead",
    "lead": "lead",
    "co thi dua": "flag",
    "co": "flag",
    "co thi dua cap tinh": "flag",
    "flag": "flag",
    "bang khen": "bang_khen",
    "bang_khen": "bang_khen",
    "truong cum": "head",
    "truong khoi": "head",
    "head": "head",
    "pho cum": "deputy",
    "pho khoi": "deputy",
    "deputy": "deputy",
}


def member_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    code = reader.text(row, values, "unit_code", required=True)
    name = reader.text(row, values, "unit_name", required=True)
    year = ctx.year(row, values)
    order = reader.integer(row, values, "rotation_order")
    if code is None or name is None or year is None:
        return
    if " " in code or len(code) > 20:
        reader.error(
            row,
            reader.letter("unit_code"),
            code,
            "Mã đơn vị không được có dấu cách." if " " in code else "Mã đơn vị quá dài.",
            "Dùng mã ngắn viết liền (tối đa 20 ký tự), ví dụ TD, HND.",
        )
        return
    if not is_safe_code(code):
        reader.error(
            row,
            reader.letter("unit_code"),
            code,
            "Mã đơn vị chỉ được gồm chữ cái, chữ số và các dấu . _ -",
            "Dùng mã ngắn viết liền, ví dụ TD, HND, LMHTX.",
        )
        return
    aliases_text = reader.text(row, values, "aliases") or ""
    aliases = [clean(a) for a in aliases_text.replace(";", "\n").replace("|", "\n").split("\n")]
    batch.members.append(
        MemberRow(
            reader.ref,
            row,
            code.upper(),
            name,
            reader.text(row, values, "short_name") or "",
            year,
            order,
            [a for a in aliases if a],
        )
    )


def criterion_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    code = criterion_code(reader.raw(row, values, "criterion"))
    title = reader.text(row, values, "title") or ""
    if not code:
        if is_total_text(title):
            reader.ref.skipped_totals += 1
            col = reader.cols.get("max_points")
            try:
                number = (
                    parse_decimal(values[col]) if col is not None and col < len(values) else None
                )
            except ValueProblem:
                number = None
            if number is not None:
                batch.table_totals.append(
                    TotalRow(
                        reader.ref, row, "", "", to_hundredths_safe(number), column_letter(col)
                    )
                )
            return
        reader.error(
            row,
            reader.letter("criterion"),
            "",
            "Thiếu mã tiêu chí.",
            "Ghi mã tiêu chí (I, 1, 1.2, 1.2.a) hoặc xóa dòng thừa.",
        )
        return
    reader.codes.append((row, code))
    kind_text = reader.text(row, values, "kind") or ""
    kind = None
    if kind_text:
        kind = CRITERION_KINDS.get(fold(kind_text))
        if kind is None:
            reader.error(
                row,
                reader.letter("kind"),
                kind_text,
                "Không hiểu loại tiêu chí.",
                "Ghi một trong: Chuẩn, Thưởng, Trừ, Liệt.",
            )
            return
    reported = len(reader.errors)
    max_points = reader.number(row, values, "max_points")
    if len(reader.errors) > reported:
        return  # an unreadable maximum is said once, not again as a missing one
    if max_points is not None and max_points < 0:
        reader.error(
            row,
            reader.letter("max_points"),
            max_points,
            "Điểm tối đa không được âm.",
            "Với tiêu chí trừ điểm, ghi số điểm trừ tối đa là số dương và Loại là Trừ.",
        )
        return
    year = ctx.year(row, values)
    if year is None:
        return
    batch.criteria.append(
        CriterionRow(reader.ref, row, year, code, title, max_points, kind, len(batch.criteria))
    )


def vote_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    purpose_text = reader.text(row, values, "purpose", required=True)
    unit_field = "unit_code" if "unit_code" in reader.cols else "unit_name"
    unit = reader.text(row, values, unit_field, required=True)
    yes = reader.integer(row, values, "yes", required=True)
    members = reader.integer(row, values, "members", required=True)
    present = reader.integer(row, values, "present")
    year = ctx.year(row, values)
    if None in (purpose_text, unit, yes, members, year):
        return
    purpose = VOTE_PURPOSES.get(fold(purpose_text))
    if purpose is None:
        reader.error(
            row,
            reader.letter("purpose"),
            purpose_text,
            "Không hiểu nội dung bỏ phiếu.",
            "Ghi một trong: Dẫn đầu, Cờ thi đua, Bằng khen, Trưởng cụm, Phó cụm.",
        )
        return
    assert yes is not None and members is not None
    if members <= 0:
        reader.error(
            row,
            reader.letter("members"),
            members,
            "Tổng số thành viên phải lớn hơn 0.",
            "Ghi số đơn vị thành viên của cụm.",
        )
        return
    if yes < 0 or yes > members:
        reader.error(
            row,
            reader.letter("yes"),
            yes,
            f"Số phiếu đồng ý phải từ 0 đến tổng số thành viên ({members}).",
            "Kiểm tra lại biên bản kiểm phiếu.",
        )
        return
    if present is not None and not (yes <= present <= members):
        reader.error(
            row,
            reader.letter("present"),
            present,
            f"Số có mặt phải từ số phiếu đồng ý ({yes}) đến tổng số thành viên ({members}).",
            "Kiểm tra lại biên bản kiểm phiếu.",
        )
        return
    batch.votes.append(VoteRow(reader.ref, row, year, purpose, unit or "", yes, members, present))  # type: ignore[arg-type]


def leadership_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    year = ctx.year(row, values)
    head = reader.text(row, values, "head", required=True)
    deputy = reader.text(row, values, "deputy") or ""
    if year is None or head is None:
        return
    batch.leadership.append(LeadershipRow(reader.ref, row, year, head, deputy))


def rule_row(
    reader: RowReader, ctx: SheetContext, row: int, values: list[object], batch: ParsedBatch
) -> None:
    key = reader.text(row, values, "key", required=True)
    value = reader.text(row, values, "value")
    from_year = reader.integer(row, values, "from_year")
    if key is None:
        return
    if from_year is None:
        from_year = ctx.sheet_year()
    batch.rules.append(RuleRow(reader.ref, row, key.strip(), value or "", from_year))
