"""The framework's own words reach the clerk in Vietnamese: help headings and usage errors."""

from __future__ import annotations

from typer.testing import CliRunner

from thidua_cli.cli.app import app

ENV = {"COLUMNS": "200", "THIDUA_DB": None, "NO_COLOR": "1"}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner(env=ENV).invoke(app, list(args))


def test_help_is_vietnamese() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Cách dùng: thidua" in result.stdout
    assert "Tùy chọn:" in result.stdout and "Lệnh:" in result.stdout
    assert "Hiện hướng dẫn này rồi thoát." in result.stdout
    assert "Show this message" not in result.stdout and "Usage:" not in result.stdout


def test_usage_errors_are_vietnamese_with_exit_code_2() -> None:
    cases = {
        ("rank",): "Lỗi: Thiếu tùy chọn '--year'.",
        ("rank", "--year", "hai"): "Lỗi: Giá trị không hợp lệ cho '--year': phải là số nguyên",
        ("rank", "--yeer", "2023"): "Lỗi: Không có tùy chọn --yeer. (Có thể là: --year)",
        ("xephang",): "Lỗi: Không có lệnh 'xephang'.",
        ("import",): "Lỗi: Thiếu tham số 'FILE...'.",
    }
    for args, message in cases.items():
        result = invoke(*args)
        assert result.exit_code == 2, args
        assert message in result.stderr, (args, result.stderr)
        assert "để biết cách dùng" in result.stderr
