"""SPEC §8: the `thidua` process on any console and any stdout. The quick start runs on a
Windows-style cp1258 console (and cp1252, ASCII) to a file and to a pipe without error, with
the Vietnamese kept where the code page can hold it; a closed stdout or a reader that stops
early (`| head -1`) ends quietly with the work done and exit 0; stdout on a full device is a
message and exit 1; `--version` prints the version without loading the heavy libraries."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

THIDUA = f"{shlex.quote(sys.executable)} -m thidua_cli"


def shell(command: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run `command` in bash (pipes, redirections); `$T` is the thidua command."""
    environment = {**os.environ, "T": THIDUA, "COLUMNS": "200", "NO_COLOR": "1", **env}
    environment.pop("THIDUA_DB", None)
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=environment,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`thidua demo` on a cp1258 console, written to a file: the quick start's first step."""
    base = tmp_path_factory.mktemp("demo")
    done = shell("$T demo --dir d > out.txt 2> err.txt", base, PYTHONIOENCODING="cp1258")
    assert done.returncode == 0, (base / "err.txt").read_bytes().decode("cp1258")
    return base


def _vietnamese(raw: bytes, encoding: str) -> str:
    return unicodedata.normalize("NFC", raw.decode(encoding))


def test_quick_start_on_a_cp1258_console_to_a_file(demo_dir: Path) -> None:
    out = _vietnamese((demo_dir / "out.txt").read_bytes(), "cp1258")
    err = _vietnamese((demo_dir / "err.txt").read_bytes(), "cp1258")
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    # ộ, ỉ, Ủ are not in cp1258: written as a letter and a combining tone, read back whole
    assert "Hội Nông dân tỉnh" in out and "Ủy ban MTTQ Việt Nam tỉnh" in out
    assert "Đơn vị dẫn đầu: Tỉnh Đoàn." in out
    assert "Bỏ qua:" in err
    for name in ("bao-cao-tong-ket-2023.docx", "bao-cao-so-ket-6-thang-2024.html"):
        assert (demo_dir / "d" / name).is_file()


def test_quick_start_demo_on_a_cp1258_console_to_a_pipe(tmp_path: Path) -> None:
    done = shell(
        '$T demo --dir p 2>&1 | cat > piped.txt; echo "${PIPESTATUS[0]}"',
        tmp_path,
        PYTHONIOENCODING="cp1258",
    )
    assert done.stdout.strip() == b"0", done.stderr
    piped = _vietnamese((tmp_path / "piped.txt").read_bytes(), "cp1258")
    assert "Traceback" not in piped and "Đơn vị dẫn đầu: Tỉnh Đoàn." in piped
    assert (tmp_path / "p" / "bao-cao-tong-ket-2023.html").is_file()


@pytest.mark.parametrize("encoding", ["cp1258", "cp1252", "ascii"])
@pytest.mark.parametrize("command", ["rank --year 2023", "status", "rank --year 2023 --csv"])
def test_quick_start_commands_on_any_console_to_a_pipe_and_a_file(
    demo_dir: Path, encoding: str, command: str
) -> None:
    db = "--db d/thidua-demo.db"
    for redirect in ("| cat > piped.txt", "> file.txt"):
        done = shell(f"$T {db} {command} {redirect}", demo_dir, PYTHONIOENCODING=encoding)
        assert done.returncode == 0, done.stderr.decode(encoding, "replace")
        assert b"Traceback" not in done.stderr, done.stderr
    written = (demo_dir / "file.txt").read_bytes()
    assert written == (demo_dir / "piped.txt").read_bytes()
    if command.endswith("--csv"):  # CSV is UTF-8 with a BOM whatever the console
        assert written.decode("utf-8-sig").startswith("Hạng,Mã,Đơn vị")
        return
    text = _vietnamese(written, encoding)
    # cp1252 has à but neither ỉ nor Đ: the nearest letters it has
    expected = {"cp1258": "Tỉnh Đoàn", "cp1252": "Tinh Doàn", "ascii": "Tinh Doan"}
    assert expected[encoding] in text, text[:400]


def test_help_and_errors_on_an_ascii_console(tmp_path: Path) -> None:
    helped = shell("$T --help | cat", tmp_path, PYTHONIOENCODING="ascii")
    assert helped.returncode == 0 and b"Traceback" not in helped.stderr
    # Click treats an ASCII stdout as a misconfigured locale and writes its help in UTF-8
    assert helped.stdout.decode("utf-8").startswith("Cách dùng:")
    failed = shell("$T --db nothing.db status", tmp_path, PYTHONIOENCODING="ascii")
    assert failed.returncode == 1
    assert failed.stderr.decode("ascii").startswith("Loi: Khong tim thay co so du lieu")


def test_a_reader_that_stops_early_ends_quietly_with_the_work_stored(demo_dir: Path) -> None:
    db = demo_dir / "pipe.db"
    db.write_bytes((demo_dir / "d" / "thidua-demo.db").read_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM result")
    for command in ("rank --year 2023", "rank --year 2023 --json", "rank --year 2023 --csv"):
        for _ in range(3):  # the pipe may close before, during or after the table is written
            done = shell(
                f'$T --db pipe.db {command} | head -1 > first.txt; echo "${{PIPESTATUS[0]}}"',
                demo_dir,
            )
            assert done.stdout.strip() == b"0", done.stderr
            assert done.stderr == b""
            assert (demo_dir / "first.txt").read_bytes().strip()
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM result WHERE year = 2023").fetchone()[0]
    assert stored == 8  # the ranking was stored: exit 0 says so


def test_closed_stdout_ends_quietly(demo_dir: Path) -> None:
    for command in ("status", "rank --year 2023", "--help", "--version"):
        done = shell(f"$T --db d/thidua-demo.db {command} >&-", demo_dir)
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""


def test_stdout_on_a_full_device_is_a_message(demo_dir: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.fail("/dev/full is needed for this test (Linux)")
    for command in ("status", "rank --year 2023 --csv", "--help"):
        done = shell(f"$T --db d/thidua-demo.db {command} > /dev/full", demo_dir)
        assert done.returncode == 1
        message = done.stderr.decode("utf-8")
        assert "Lỗi: Đĩa đầy: không ghi được đầu ra (stdout)." in message
        assert "Traceback" not in message and "OSError" not in message


def test_version_without_the_heavy_libraries(tmp_path: Path) -> None:
    done = shell(f"{shlex.quote(sys.executable)} -X importtime -m thidua_cli --version", tmp_path)
    assert done.returncode == 0
    from importlib.metadata import version

    assert done.stdout.decode() == f"thidua {version('thidua')}\n"
    loaded = done.stderr.decode()
    for heavy in ("sqlalchemy", "openpyxl", "jinja2", "python_calamine", "docx"):
        assert f" {heavy}\n" not in loaded and f" {heavy}." not in loaded, heavy


def test_import_summary_on_a_cp1258_console_is_drawn_in_ascii(tmp_path: Path) -> None:
    from tests.workbooks import members_table, write

    write(tmp_path / "thanh-vien.xlsx", members_table())
    done = shell(
        '$T --db x.db init --code C7 --name "Cụm 7" > /dev/null && '
        "$T --db x.db import thanh-vien.xlsx > out.txt",
        tmp_path,
        PYTHONIOENCODING="cp1258",
    )
    assert done.returncode == 0, done.stderr.decode("cp1258", "replace")
    out = _vietnamese((tmp_path / "out.txt").read_bytes(), "cp1258")
    lines = out.splitlines()
    # box drawing characters are not in cp1258: the lines Rich draws there, never `?`
    assert lines[1].startswith("+---") and "?" not in out
    assert [c.strip() for c in lines[2].strip("|").split("|")][:3] == [
        "Tệp",
        "Sheet",
        "Loại bảng",
    ]
    assert lines[4].startswith("| thanh-vien.xlsx | Đơn vị ")
