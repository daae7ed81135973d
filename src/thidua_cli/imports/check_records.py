"""Checking the rows of the smaller sheet kinds against the database state and the batch:
leadership (head and deputy), votes and commendations. Mixed into Checker (check.py)."""

from __future__ import annotations

from typing import Any

from ..sheets.commendations import infer_leader
from ..text import fold


class RecordChecks:
    """Leadership, votes and commendations: the unit each names, members of the year, the same
    row twice."""

    def check_leadership(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[int, Any] = {}
        for rec in self.batch.leadership:
            if rec.year in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("year"),
                    rec.year,
                    f"Năm {rec.year} có hai dòng trưởng cụm (dòng {seen[rec.year].row} và dòng "
                    f"{rec.row}).",
                    "Giữ lại một dòng.",
                )
                continue
            seen[rec.year] = rec
            head = self.unit(
                rec.ref, rec.row, rec.ref.letter("head"), rec.head, rec.year, "Trưởng cụm"
            )
            deputy = None
            if rec.deputy:
                deputy = self.unit(
                    rec.ref, rec.row, rec.ref.letter("deputy"), rec.deputy, rec.year, "Phó cụm"
                )
                if deputy is None:
                    continue
            if head is None:
                continue
            if head == deputy:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("deputy"),
                    rec.deputy,
                    "Trưởng cụm và phó cụm không được là một đơn vị.",
                    "Sửa lại phó cụm.",
                )
                continue
            self.years.add(rec.year)
            self._warn_if_elected_differs(rec, head, deputy)
            rows.append({"year": rec.year, "head": head, "deputy": deputy, "ref": rec.ref})
        return rows

    def _warn_if_elected_differs(self, rec: Any, head: str, deputy: str | None) -> None:
        old = self.state.leadership.get(rec.year)
        if old is None or old["how"] != "elected":
            return
        ids = self.state.unit_ids
        if (old["head_unit_id"], old["deputy_unit_id"]) != (ids.get(head), ids.get(deputy)):
            self.report.warnings.append(
                f"{rec.ref.file} › {rec.ref.sheet} dòng {rec.row}: năm {rec.year} đã ghi kết quả "
                "hội nghị bầu (`thidua rotation set`); giữ kết quả bầu, không lấy dòng này."
            )

    # -- votes
    def check_votes(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[tuple, Any] = {}
        for rec in self.batch.votes:
            code = self.unit(
                rec.ref,
                rec.row,
                rec.ref.letter("unit_code") or rec.ref.letter("unit_name"),
                rec.unit,
                rec.year,
            )
            if code is None:
                continue
            key = (rec.year, rec.purpose, code)
            if key in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("purpose"),
                    rec.purpose,
                    f"Kết quả bỏ phiếu này của {code} năm {rec.year} đã có ở dòng {seen[key].row}.",
                    "Giữ lại một dòng.",
                )
                continue
            seen[key] = rec
            self.years.add(rec.year)
            rows.append(
                {
                    "year": rec.year,
                    "purpose": rec.purpose,
                    "unit": code,
                    "yes": rec.yes,
                    "members": rec.members,
                    "present": rec.present,
                    "ref": rec.ref,
                }
            )
        return rows

    # -- commendations
    def check_commendations(self) -> list[dict[str, Any]]:
        rows = []
        seen: dict[tuple, Any] = {}
        inferred = 0
        # award forms, ethnicities and posts repeat down a long list: each is folded once
        folded: dict[str, str] = {}
        leader_posts: dict[str, bool] = {}

        def fold_once(text: str) -> str:
            key = folded.get(text)
            if key is None:
                key = folded[text] = fold(text)
            return key

        for rec in self.batch.commendations:
            code = self.unit(rec.ref, rec.row, rec.ref.letter("unit"), rec.unit, rec.year)
            if code is None:
                continue
            # the same person written in other letter case is the same person; diacritics
            # are not: Tâm and Tám are two people
            key = (rec.year, rec.period, rec.recipient.casefold(), fold_once(rec.award), code)
            if key in seen:
                self.error(
                    rec.ref,
                    rec.row,
                    rec.ref.letter("person") or rec.ref.letter("collective"),
                    rec.recipient,
                    f"“{rec.recipient}” ({code}) đã có cùng hình thức khen thưởng ở dòng "
                    f"{seen[key].row}.",
                    "Xóa dòng trùng.",
                )
                continue
            seen[key] = rec
            is_leader = rec.is_leader
            leader_inferred = False
            if is_leader is None:
                if rec.kind == "individual":
                    is_leader = leader_posts.get(rec.position)
                    if is_leader is None:
                        is_leader = leader_posts[rec.position] = infer_leader(rec.position)
                else:
                    is_leader = False
                leader_inferred = rec.kind == "individual"
                inferred += 1 if leader_inferred else 0
            ethnicity = rec.ethnicity
            self.years.add(rec.year)
            rows.append(
                {
                    "year": rec.year,
                    "period": rec.period,
                    "recipient": rec.recipient,
                    "award": rec.award,
                    "kind": rec.kind,
                    "unit": code,
                    "position": rec.position,
                    "is_leader": is_leader,
                    "leader_inferred": leader_inferred,
                    "gender": rec.gender,
                    "ethnicity": ethnicity,
                    "ethnic_minority": bool(ethnicity) and fold_once(ethnicity) != "kinh",
                    "title": rec.title,
                    "decision_no": rec.decision_no,
                    "decision_date": rec.decision_date,
                    "ref": rec.ref,
                }
            )
        if inferred:
            self.report.notes.append(
                f"Đã suy ra lãnh đạo / không lãnh đạo từ cột Chức vụ cho {inferred} người "
                "(thêm cột “Lãnh đạo quản lý” để ghi rõ)."
            )
        return rows
