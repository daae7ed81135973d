"""Conference reports (SPEC §7): the report context on the sample data, the command line and
its default file names, HTML / Markdown templates (overrides, escaping, template errors),
the clerk's notes, the DOCX document and its PNG chart."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import struct
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import thidua_cli.cli.report_cmd  # noqa: F401  (registers `report` until app.py does)
from tests.conftest import run
from thidua_cli.reports.chart import ChartUnit, build_chart
from thidua_cli.reports.context import build_report_context
from thidua_cli.reports.formatting import percent, place_date, points, share
from thidua_cli.reports.notes import parse_notes
from thidua_cli.reports.png import chart_png
from thidua_cli.resources import sample_data_dir
from thidua_cli.scoring import Rules
from thidua_cli.services.context import open_engine

UNITS_2023 = [
    "Ủy ban MTTQ Việt Nam tỉnh",
    "Liên đoàn Lao động tỉnh",
    "Hội Cựu chiến binh tỉnh",
    "Tỉnh Đoàn",
    "Hội Nông dân tỉnh",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Liên minh Hợp tác xã tỉnh",
    "Hội Chữ thập đỏ tỉnh",
]
TODAY = date(2024, 1, 5)


@pytest.fixture(scope="session")
def _sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    result = run(
        path, "init", "--code", "C7", "--name", "Cụm thi đua số 7", "--province", "Thanh Hóa"
    )
    assert result.exit_code == 0, result.output
    result = run(path, "import", sample_data_dir())
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def sample_db(_sample_template: Path, tmp_path: Path) -> Path:
    """The sample cluster C7 (2019–2024) imported, not ranked yet."""
    path = tmp_path / "thidua.db"
    shutil.copyfile(_sample_template, path)
    return path


def stored_results(db: Path, year: int, period: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM result WHERE year = ? AND period = ?", (year, period)
        ).fetchone()[0]


def text_of(html: str) -> str:
    inline = re.sub(r"</?(b|i)>", "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", inline))


# ---- Vietnamese formatting ----------------------------------------------------------------


def test_numbers_and_shares_are_written_the_vietnamese_way() -> None:
    assert points(Decimal("106.50")) == "106,5"
    assert points(Decimal("95")) == "95"
    assert points(Decimal("68.25")) == "68,25"
    assert points(None) == "–"
    assert percent(share(17, 28)) == "60,7%"
    assert percent(share(2, 5)) == "40%"


def test_date_line_follows_decree_30() -> None:
    assert place_date("Thanh Hóa", date(2024, 1, 5)) == "Thanh Hóa, ngày 05 tháng 01 năm 2024"
    assert place_date("Thanh Hóa", date(2024, 2, 28)) == "Thanh Hóa, ngày 28 tháng 02 năm 2024"
    # Only months 1 and 2 take a leading zero (Decree 30/2020/NĐ-CP, Appendix I).
    assert place_date("Lào Cai", date(2024, 7, 9)) == "Lào Cai, ngày 09 tháng 7 năm 2024"
    assert place_date("", date(2024, 12, 15)) == "Ngày 15 tháng 12 năm 2024"


# ---- the report context -------------------------------------------------------------------


def test_year_end_context_on_the_sample_data(sample_db: Path) -> None:
    engine = open_engine(str(sample_db))
    context = build_report_context(engine, None, None, False, None, today=TODAY)
    engine.dispose()

    assert context.year == 2023  # latest year with FY self or agreed scores
    assert context.file_stem == "bao-cao-tong-ket-2023"
    header = context.header
    assert header.organiser == "UBND TỈNH THANH HÓA"
    assert header.cluster_name == "CỤM THI ĐUA SỐ 7"
    assert header.number_line == "Số: …/BC-CTĐ7"
    assert header.place_date == "Thanh Hóa, ngày 05 tháng 01 năm 2024"
    assert context.signature.title_lines == ["TM. CỤM TRƯỞNG"]
    assert context.signature.name == "Trần Văn Hòa"

    assert [m.name for m in context.members] == UNITS_2023
    assert context.this_term is not None
    assert context.this_term.head.name == "Hội Cựu chiến binh tỉnh"
    assert context.this_term.deputy.name == "Tỉnh Đoàn"

    first = context.results[0]
    assert (first.name, first.self_total, first.base, first.bonus, first.deduction) == (
        "Tỉnh Đoàn",
        "102",
        "91,5",
        "4",
        "0",
    )
    assert (first.total, first.rank, first.band, first.proposal) == (
        "95,5",
        "1",
        "Xuất sắc",
        "Cờ thi đua cấp tỉnh",
    )
    assert [r.rank for r in context.results] == [str(n) for n in range(1, 9)]
    last = context.results[-1]
    assert (last.name, last.total, last.band) == ("Hội Chữ thập đỏ tỉnh", "68,25", "Khá")
    assert context.sent_count == "8/8" and context.not_sent_names == []

    assert context.leader is not None and context.leader.name == "Tỉnh Đoàn"
    assert context.leader.votes == "7/8 phiếu đồng ý (87,5%)"
    assert [(p.name, p.proposal, p.votes) for p in context.proposals] == [
        ("Tỉnh Đoàn", "Cờ thi đua cấp tỉnh", "7/8 (87,5%)"),
        ("Hội Liên hiệp Phụ nữ tỉnh", "Bằng khen", "7/8 (87,5%)"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "Bằng khen", "6/8 (75%)"),
    ]
    assert context.next_term is not None and context.next_term.year == 2024
    assert context.next_term.head.name == "Tỉnh Đoàn"
    assert context.next_term.head.votes == "8/8 phiếu đồng ý (100%)"
    assert context.next_term.deputy.name == "Hội Nông dân tỉnh"

    stats = context.commendations
    assert (stats.total, stats.collectives, stats.individuals) == ("33", "3", "30")
    assert stats.non_leader.percent == "50%"
    assert stats.non_leader.target == "≥ 40%"
    assert stats.non_leader.verdict == "Đạt chỉ tiêu" and stats.non_leader.met is True
    assert stats.women.percent == "53,3%"
    assert stats.minorities.percent == "20%"
    assert stats.by_award[0].award == "Bằng khen của Chủ tịch UBND tỉnh"
    assert [row.name for row in stats.by_unit] == UNITS_2023

    assert context.highlights.placeholder.startswith("[Bổ sung")
    assert not context.highlights.filled
    assert context.chart is not None and len(context.chart.bars) == 8
    assert [t.label for t in context.chart.thresholds] == [
        "Xuất sắc ≥ 90",
        "Tốt ≥ 80",
        "Khá ≥ 65",
    ]
    assert any("đã xếp hạng và lưu kết quả" in notice for notice in context.notices)
    assert stored_results(sample_db, 2023, "FY") == 8


def test_half_year_context_names_who_has_not_sent(sample_db: Path) -> None:
    engine = open_engine(str(sample_db))
    context = build_report_context(engine, None, None, True, None, today=TODAY)
    engine.dispose()

    assert context.year == 2024 and context.period == "H1"
    assert context.file_stem == "bao-cao-so-ket-6-thang-2024"
    assert context.sent_count == "6/8"
    assert context.not_sent_names == ["Liên minh Hợp tác xã tỉnh", "Hội Chữ thập đỏ tỉnh"]
    assert {m.name for m in context.members if not m.sent} == set(context.not_sent_names)
    # only units that sent are ranked, provisionally
    assert len(context.results) == 6
    assert [r.rank for r in context.results] == ["1", "2", "3", "4", "5", "6"]
    assert "tạm tính" in context.result_notes[0]
    assert context.leader is None and context.proposals == [] and context.chart is None
    # no head recorded for 2024: the conference's ballot decides
    assert context.this_term is not None
    assert context.this_term.head.name == "Tỉnh Đoàn"
    assert context.this_term.deputy.name == "Hội Nông dân tỉnh"
    assert context.commendations.individuals == "4"
    assert context.commendations.non_leader.target == "≥ 40%"
    assert context.directions.title == "Phương hướng, nhiệm vụ 6 tháng cuối năm 2024"


def test_a_stored_ranking_is_used_without_ranking_again(sample_db: Path) -> None:
    assert run(sample_db, "report", "--format", "md", "--out", sample_db.parent).exit_code == 0
    engine = open_engine(str(sample_db))
    context = build_report_context(engine, None, 2023, False, None, today=TODAY)
    engine.dispose()
    assert context.notices == []


# ---- the command line ---------------------------------------------------------------------


def test_report_writes_the_default_file_names_in_the_current_folder(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(sample_db, "report")
    assert result.exit_code == 0, result.output
    path = tmp_path / "bao-cao-tong-ket-2023.docx"
    assert path.is_file()
    assert str(path) in result.stdout.replace("\n", "")
    assert "đã xếp hạng và lưu kết quả" in result.stderr

    result = run(sample_db, "report", "--half", "1", "--format", "html")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao-so-ket-6-thang-2024.html").is_file()

    result = run(sample_db, "report", "--out", "bao-cao.md")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao.md").read_text(encoding="utf-8").startswith("UBND TỈNH THANH HÓA")


def test_a_year_without_data_is_a_clear_error(sample_db: Path, tmp_path: Path) -> None:
    result = run(sample_db, "report", "--year", "2031")
    assert result.exit_code == 1
    assert "Chưa có điểm cả năm 2031 để lập báo cáo tổng kết năm." in result.stderr
    assert "Các năm đã có điểm cả năm: 2023." in result.stderr
    assert "Traceback" not in result.output

    result = run(sample_db, "report", "--half", "1", "--year", "2023")
    assert result.exit_code == 1
    assert "Chưa có bảng tự chấm 6 tháng đầu năm 2023" in result.stderr

    empty = tmp_path / "trong.db"
    assert run(empty, "init", "--code", "C7", "--name", "Cụm thi đua số 7").exit_code == 0
    result = run(empty, "report")  # a cluster and nothing else
    assert result.exit_code == 1
    assert "chưa có điểm cả năm năm nào" in result.stderr


def test_bad_options_are_usage_errors(sample_db: Path, tmp_path: Path) -> None:
    result = run(sample_db, "report", "--half", "2")
    assert result.exit_code == 2 and "--half chỉ nhận giá trị 1" in result.stderr
    result = run(sample_db, "report", "--format", "pdf")
    assert result.exit_code == 2 and "Không có định dạng báo cáo “pdf”" in result.stderr
    result = run(sample_db, "report", "--format", "html", "--out", tmp_path / "x.docx")
    assert result.exit_code == 2 and "không hợp với --format html" in result.stderr
    result = run(sample_db, "report", "--notes", tmp_path / "khong-co.md")
    assert result.exit_code == 1 and "Không tìm thấy tệp ghi chú" in result.stderr


# ---- templates ----------------------------------------------------------------------------


def test_html_year_end_report_has_the_decree_30_layout(sample_db: Path, tmp_path: Path) -> None:
    result = run(sample_db, "report", "--format", "html", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    html = (tmp_path / "bao-cao-tong-ket-2023.html").read_text(encoding="utf-8")
    assert "@page { size: A4; margin: 20mm 15mm 20mm 30mm; }" in html
    assert '"Times New Roman"' in html
    text = text_of(html)
    for expected in (
        "UBND TỈNH THANH HÓA",
        "CỤM THI ĐUA SỐ 7",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: …/BC-CTĐ7",
        "BÁO CÁO",
        "Tổng kết công tác thi đua, khen thưởng năm 2023",
        "Nơi nhận:",
        "TM. CỤM TRƯỞNG",
        "Trần Văn Hòa",
        "Chỉ tiêu",
        "Đạt chỉ tiêu",
        "Trưởng cụm: Tỉnh Đoàn, được 8/8 phiếu đồng ý (100%)",
    ):
        assert expected in text, expected
    assert '<td class="date">' in html and "ngày" in html
    assert html.count("<svg") == 1 and 'class="threshold"' in html
    for name in UNITS_2023:
        assert name in text


def test_unit_names_are_escaped_in_html(sample_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(sample_db) as conn:
        conn.execute("UPDATE unit SET name = '<b>Hội</b> & Co' WHERE code = 'CTD'")
        conn.execute(
            "UPDATE membership SET name = '<b>Hội</b> & Co' "
            "WHERE unit_id = (SELECT id FROM unit WHERE code = 'CTD')"
        )
    result = run(sample_db, "report", "--format", "html", "--out", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;Hội&lt;/b&gt; &amp; Co" in html
    assert "<b>Hội</b>" not in html


def test_a_template_dir_block_override_extends_the_default(sample_db: Path, tmp_path: Path) -> None:
    templates = tmp_path / "mau"
    templates.mkdir()
    (templates / "bao-cao-tong-ket.html.j2").write_text(
        '{% extends "default:bao-cao-tong-ket.html.j2" %}\n'
        "{% block intro %}<p>Lời mở đầu riêng của {{ cluster_name }}.</p>{% endblock %}\n",
        encoding="utf-8",
    )
    result = run(
        sample_db, "report", "--format", "html", "--template-dir", templates, "--out", tmp_path
    )
    assert result.exit_code == 0, result.output
    html = (tmp_path / "bao-cao-tong-ket-2023.html").read_text(encoding="utf-8")
    assert "<p>Lời mở đầu riêng của Cụm thi đua số 7.</p>" in html
    assert "Thực hiện Luật Thi đua" not in html
    assert "Kết quả chấm điểm, xếp loại thi đua năm 2023" in html  # the rest is the default


def test_a_template_dir_file_of_the_same_name_replaces_the_default(
    sample_db: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "mau"
    templates.mkdir()
    (templates / "bao-cao-so-ket-6-thang.md.j2").write_text(
        "{{ header.place_date }} | {{ not_sent_names | join('; ') }}\n", encoding="utf-8"
    )
    result = run(
        sample_db,
        "report",
        "--half",
        "1",
        "--format",
        "md",
        "--template-dir",
        templates,
        "--out",
        tmp_path / "r.md",
    )
    assert result.exit_code == 0, result.output
    line = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert re.fullmatch(
        r"Thanh Hóa, ngày \d\d tháng \d\d? năm \d{4} \| "
        r"Liên minh Hợp tác xã tỉnh; Hội Chữ thập đỏ tỉnh\n",
        line,
    )


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>một</p>\n<p>hai</p>\n{% if %}\n", "sai cú pháp ở dòng 3"),
        ("<p>một</p>\n{{ khong_co_ten_nay }}\n", "dòng 2: tên “khong_co_ten_nay” không có"),
        ("{% extends 'default:khong-co.html.j2' %}\n", "không tìm thấy"),
    ],
)
def test_a_broken_template_is_a_vietnamese_error_with_file_and_line(
    sample_db: Path, tmp_path: Path, source: str, expected: str
) -> None:
    templates = tmp_path / "mau"
    templates.mkdir()
    (templates / "bao-cao-tong-ket.html.j2").write_text(source, encoding="utf-8")
    result = run(sample_db, "report", "--format", "html", "--template-dir", templates)
    assert result.exit_code == 1, result.output
    message = " ".join(result.stderr.split())
    assert expected in message
    if "không tìm thấy" not in expected:
        assert "bao-cao-tong-ket.html.j2" in message
    assert "Traceback" not in result.output


# ---- notes --------------------------------------------------------------------------------

NOTES = """# Ghi chú của văn phòng cụm

## Kết quả nổi bật

Các đơn vị đã **ký kết giao ước thi đua** ngay từ đầu năm.

- Phong trào *“Dân vận khéo”* được triển khai rộng khắp;
- 100% đơn vị gửi bảng tự chấm đúng hạn,
  kể cả đơn vị mới vào cụm.

## TỒN TẠI, HẠN CHẾ

Một số đơn vị gửi báo cáo chậm.

## Phương hướng, nhiệm vụ năm 2024

Tiếp tục đổi mới nội dung thi đua.

## Nơi nhận

- Thường trực Hội đồng TĐKT tỉnh;
- Lưu: VT.

## Chuyện khác

không thuộc mục nào
"""


def test_notes_are_split_by_heading_and_matched_to_sections() -> None:
    notes = parse_notes(NOTES, "ghi-chu.md")
    assert set(notes.sections) == {"highlights", "shortcomings", "directions", "recipients"}
    highlight = notes.sections["highlights"]
    assert [block.kind for block in highlight] == ["paragraph", "item", "item"]
    assert [(r.text, r.bold) for r in highlight[0].runs][1] == ("ký kết giao ước thi đua", True)
    assert highlight[1].runs[1].italic
    assert highlight[2].text == "100% đơn vị gửi bảng tự chấm đúng hạn, kể cả đơn vị mới vào cụm."
    assert [b.text for b in notes.sections["recipients"]] == [
        "Thường trực Hội đồng TĐKT tỉnh;",
        "Lưu: VT.",
    ]
    assert len(notes.problems) == 1 and "“## Chuyện khác”" in notes.problems[0]


def test_notes_fill_the_report(sample_db: Path, tmp_path: Path) -> None:
    notes = tmp_path / "ghi-chu.md"
    notes.write_text(NOTES, encoding="utf-8")
    result = run(
        sample_db, "report", "--format", "html", "--notes", notes, "--out", tmp_path / "r.html"
    )
    assert result.exit_code == 0, result.output
    assert "“## Chuyện khác”" in " ".join(result.stderr.split())
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<b>ký kết giao ước thi đua</b>" in html
    assert "Một số đơn vị gửi báo cáo chậm." in html
    assert "Tiếp tục đổi mới nội dung thi đua." in html
    assert "[Bổ sung" not in html  # every section filled
    assert "- Thường trực Hội đồng TĐKT tỉnh;" in html
    assert "Ban Thi đua - Khen thưởng tỉnh" not in html  # the default recipients replaced


# ---- DOCX and its chart -------------------------------------------------------------------


def png_size_and_pixels(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert (depth, colour) == (8, 2)
    position, idat = 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += data[position + 8 : position + 8 + length]
        position += 12 + length
    raw = zlib.decompress(idat)
    assert len(raw) == height * (1 + width * 3)
    return width, height, raw


def test_chart_png_draws_the_bars_and_threshold_lines() -> None:
    rules = Rules.default()
    chart = build_chart(
        [
            ChartUnit("TD", "Tỉnh Đoàn", "Tỉnh Đoàn", Decimal("106.5"), True, 0),
            ChartUnit("CTD", "Hội CTĐ tỉnh", "Hội Chữ thập đỏ tỉnh", Decimal("68.25"), False, 2),
        ],
        rules.scale,
        rules.bands,
        "Biểu đồ",
    )
    assert chart.bars[0].value_text == "106,5"
    assert chart.ticks[-1].text == "120"  # the axis reaches past the best total
    width, height, raw = png_size_and_pixels(chart_png(chart, pixels_wide=840))
    assert (width, height) == (840, round((chart.bottom + 22) * 840 / chart.width))
    pixels = {
        raw[i : i + 3]
        for row in range(height)
        for i in range(row * (1 + width * 3) + 1, (row + 1) * (1 + width * 3), 3)
    }
    assert bytes.fromhex("2f5597") in pixels  # the leader's band colour
    assert bytes.fromhex("c00000") in pixels  # dashed band thresholds


def test_docx_is_an_a4_word_document_with_real_tables(sample_db: Path, tmp_path: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    result = run(sample_db, "report", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    document = Document(str(tmp_path / "bao-cao-tong-ket-2023.docx"))
    section = document.sections[0]
    page = [section.page_width, section.page_height]
    margins = [section.top_margin, section.right_margin, section.bottom_margin]
    assert [round(length.mm) for length in page] == [210, 297]  # stored in twips
    assert [round(length.mm) for length in [*margins, section.left_margin]] == [20, 15, 20, 30]
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size) == ("Times New Roman", Pt(14))

    header = document.tables[0]
    assert header.cell(0, 1).text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert header.cell(0, 0).text.startswith("UBND TỈNH THANH HÓA")
    assert header.cell(1, 0).text == "Số: …/BC-CTĐ7"
    assert re.fullmatch(r"Thanh Hóa, ngày \d\d tháng \d\d? năm \d{4}", header.cell(1, 1).text)

    results = document.tables[1]
    assert results.cell(0, 3).text == "Điểm thống nhất"
    assert [results.cell(1, c).text for c in range(3, 7)] == ["Chuẩn", "Thưởng", "Trừ", "Tổng"]
    assert [results.cell(2, c).text for c in (1, 6, 7, 8, 9)] == [
        "Tỉnh Đoàn",
        "95,5",
        "1",
        "Xuất sắc",
        "Cờ thi đua cấp tỉnh",
    ]
    names = {results.cell(r, 1).text.removesuffix(" (*)") for r in range(2, len(results.rows))}
    assert names == set(UNITS_2023)
    assert len(document.inline_shapes) == 1  # the bar chart
    closing = document.tables[-1]
    assert closing.cell(0, 0).text.startswith("Nơi nhận:")
    assert "TM. CỤM TRƯỞNG" in closing.cell(0, 1).text
    assert "Trần Văn Hòa" in closing.cell(0, 1).text
    body = "\n".join(p.text for p in document.paragraphs)
    assert "BÁO CÁO" in body and "./." in body


def test_docx_converts_to_pdf_with_libreoffice(sample_db: Path, tmp_path: Path) -> None:
    office = shutil.which("libreoffice") or shutil.which("soffice")
    if office is None:
        message = "LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true: .ci/run installs it, so this test must run)")
        pytest.skip(message)
    assert run(sample_db, "report", "--half", "1", "--out", tmp_path).exit_code == 0
    source = tmp_path / "bao-cao-so-ket-6-thang-2024.docx"
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "bao-cao-so-ket-6-thang-2024.pdf").stat().st_size > 10_000


# ---- the pure assembly: no leader, shared ranks, a veto, a missed target, a "Khối" ----------


def test_context_without_leader_with_shared_rank_veto_and_missed_target() -> None:
    from thidua_cli.reports.context import assemble_context
    from thidua_cli.reports.facts import CommendationRecord, Member, ReportFacts
    from thidua_cli.reports.notes import Notes
    from thidua_cli.scoring import Criterion, PeriodInput, ScoreEntry, UnitInfo, rank_period
    from thidua_cli.services.context import ClusterInfo

    names = {"CCB": "Hội Cựu chiến binh tỉnh", "TD": "Tỉnh Đoàn", "MTTQ": "Ủy ban MTTQ tỉnh"}
    criteria = [
        Criterion("I", "Công tác chuyên môn", None, None, "base", 0, "I"),
        Criterion("1", "Hoàn thành nhiệm vụ", "I", Decimal(100), "base", 1, "I"),
        Criterion("II", "Điểm liệt", None, None, "veto", 2, "II"),
        Criterion("2", "Sai phạm nghiêm trọng", "II", None, "veto", 3, "II"),
    ]
    scores = [
        ScoreEntry("CCB", "1", "agreed", "", Decimal(95)),
        ScoreEntry("CCB", "2", "agreed", "", Decimal(1)),
        ScoreEntry("TD", "1", "agreed", "", Decimal("80.5")),
        ScoreEntry("MTTQ", "1", "agreed", "", Decimal("80.5")),
    ]
    units = [UnitInfo(code, name, order) for order, (code, name) in enumerate(names.items(), 1)]
    rules = Rules.default()
    result = rank_period(PeriodInput("K1", 2024, "FY", units, criteria, scores, [], rules))
    people = [
        CommendationRecord("TD", "individual", "Bằng khen", True, "Nam", False),
        CommendationRecord("TD", "individual", "Bằng khen", True, "Nữ", True),
        CommendationRecord("MTTQ", "individual", "Giấy khen", False, "Nữ", False),
        CommendationRecord("MTTQ", "collective", "Giấy khen", False, "", False),
    ]
    facts = ReportFacts(
        cluster=ClusterInfo(1, "K1", "Khối thi đua các tổ chức đoàn thể", "Lào Cai", ""),
        year=2024,
        period="FY",
        members=[Member(u.code, u.name, "", u.rotation_order) for u in units],
        senders={"CCB", "TD", "MTTQ"},
        commendations=people,
        this_term=None,
    )
    context = assemble_context(facts, result, rules, None, Notes(), date(2025, 1, 15))

    assert context.header.place_date == "Lào Cai, ngày 15 tháng 01 năm 2025"
    assert context.header.number_line == "Số: …/BC-K1"
    assert context.signature.title_lines == [
        "TM. KHỐI THI ĐUA CÁC TỔ CHỨC ĐOÀN THỂ",
        "TRƯỞNG KHỐI",
    ]
    assert context.signature.name_missing
    assert (context.cluster_word, context.head_title) == ("Khối", "Trưởng khối")
    assert context.recipients[2] == "Các đơn vị thành viên Khối;"

    # equal totals share rank 2 and are listed by code
    assert [(r.name, r.rank, r.marks) for r in context.results] == [
        ("Hội Cựu chiến binh tỉnh", "1", "(**)"),
        ("Ủy ban MTTQ tỉnh", "2", ""),
        ("Tỉnh Đoàn", "2", ""),
    ]
    assert any(note.startswith("(**) Bị điểm liệt") for note in context.result_notes)
    assert any("đồng hạng 2" in note and "hội nghị Khối" in note for note in context.result_notes)
    # no leader: the scoring core's reason, with the unit's name instead of its code
    assert context.leader is not None and context.leader.name is None
    assert "Hội Cựu chiến binh tỉnh bị điểm liệt" in context.leader.text
    assert "CCB" not in context.leader.text

    stats = context.commendations
    assert (stats.individuals, stats.collectives) == ("3", "1")
    assert stats.non_leader.percent == "33,3%"
    assert stats.non_leader.met is False and stats.non_leader.verdict == "Chưa đạt chỉ tiêu"
    assert stats.women.percent == "66,7%" and stats.minorities.percent == "33,3%"
    assert context.this_term is None
    assert context.next_term is None
