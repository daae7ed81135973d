"""Households (Hộ gia đình) in the commendation statistics of a report (SPEC §3.1, §7): their
own kind wherever kinds are listed, and never counted in the shares of individuals (non-leader,
women, ethnic minority), whose targets are about persons."""

from __future__ import annotations

from pathlib import Path

import thidua_cli.cli.report_cmd  # noqa: F401  (registers `report` until app.py does)
from tests.conftest import run
from tests.workbooks import Table, write
from thidua_cli.resources import sample_data_dir


def coded_list() -> Table:
    """A list exported by the provincial commendation software: kinds written as codes."""
    return Table(
        "file nhận",
        [
            "STT",
            "Tên tập thể/cá nhân/hộ gia đình",
            "Giới tính",
            "Chức vụ",
            "Đơn vị công tác",
            "Mã Phân loại khen thưởng",
            "Danh hiệu thi đua/Hình thức khen thưởng",
            "Năm",
        ],
        [
            [1, "Nguyễn Thị Đào", "Nữ", "Chuyên viên", "Tỉnh Đoàn", "CANHAN", "Giấy khen", 2023],
            [2, "Ban Tuyên giáo", None, None, "Tỉnh Đoàn", "TAPTHE", "Giấy khen", 2023],
            [
                3,
                "Hộ ông Lò Văn Pấng",
                None,
                None,
                "Hội Nông dân tỉnh",
                "HOGIADINH",
                "Giấy khen",
                2023,
            ],
            [4, "Hộ bà Vi Thị Én", None, None, "Hội Nông dân tỉnh", "HOGIADINH", "Giấy khen", 2023],
        ],
    )


def test_households_are_their_own_kind_and_not_individuals(tmp_path: Path) -> None:
    db = tmp_path / "thidua.db"
    assert run(db, "init", "--code", "C7", "--name", "Cụm thi đua số 7").exit_code == 0
    result = run(db, "import", sample_data_dir())
    assert result.exit_code == 0, result.output
    result = run(db, "report", "--format", "md", "--out", tmp_path / "truoc.md")
    assert result.exit_code == 0, result.output
    before = (tmp_path / "truoc.md").read_text(encoding="utf-8")
    # the sample data has no household: no Hộ gia đình column, the wording of before
    assert "gồm 3 tập thể và 30 cá nhân." in before
    assert "Hộ gia đình" not in before
    assert "| Cá nhân không giữ chức vụ lãnh đạo, quản lý | 15/30 | 50% |" in before

    result = run(db, "import", write(tmp_path / "MauTDKT.xlsx", coded_list()))
    assert result.exit_code == 0, result.output
    result = run(db, "report", "--format", "md", "--out", tmp_path / "sau.md")
    assert result.exit_code == 0, result.output
    report = (tmp_path / "sau.md").read_text(encoding="utf-8")

    assert "khen thưởng 37 lượt, gồm 4 tập thể, 2 hộ gia đình và 31 cá nhân." in report
    assert "| STT | Hình thức khen thưởng | Tập thể | Hộ gia đình | Cá nhân | Cộng |" in report
    assert "| 2 | Giấy khen | 1 | 2 | 1 | 4 |" in report
    assert "| | **Cộng** | **4** | **2** | **31** | **37** |" in report
    assert "| 5 | Hội Nông dân tỉnh | 1 | 2 | 4 | 2 | 1 | 1 | 7 |" in report
    assert "| | **Cộng** | **4** | **2** | **31** | **16** | **17** | **6** | **37** |" in report
    # shares of individuals: the one new person counts, the two households do not
    # (counted as individuals they would read 18/33, 17/33 and 6/33)
    assert "| Cá nhân không giữ chức vụ lãnh đạo, quản lý | 16/31 | 51,6% | ≥ 40% |" in report
    assert "| Nữ | 17/31 | 54,8% |" in report
    assert "| Người dân tộc thiểu số | 6/31 | 19,4% |" in report

    result = run(db, "report", "--format", "html", "--out", tmp_path / "sau.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "sau.html").read_text(encoding="utf-8")
    assert "<th>Tập thể</th><th>Hộ gia đình</th><th>Cá nhân</th>" in html
    assert "gồm 4 tập thể, 2 hộ gia đình và 31 cá nhân." in html

    import docx  # python-docx: the DOCX writes the same table as the templates

    result = run(db, "report", "--format", "docx", "--out", tmp_path / "sau.docx")
    assert result.exit_code == 0, result.output
    tables = docx.Document(str(tmp_path / "sau.docx")).tables
    by_award = next(t for t in tables if t.rows[0].cells[1].text == "Hình thức khen thưởng")
    assert [c.text for c in by_award.rows[0].cells] == [
        "STT",
        "Hình thức khen thưởng",
        "Tập thể",
        "Hộ gia đình",
        "Cá nhân",
        "Cộng",
    ]
    assert [c.text for c in by_award.rows[-1].cells] == ["", "Cộng", "4", "2", "31", "37"]
