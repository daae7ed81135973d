"""SPEC §8: a problem of the machine is said plainly in Vietnamese, names itself and the file,
exits 1 with nothing written, and never shows a traceback, an exception class or a password:
the database locked by another program, read-only, on a full disk, a missing or unknown
driver, a file that is not a database, an output that is a folder or cannot be written.

Where the fault can be made real it is: a second SQLite connection holding BEGIN EXCLUSIVE, a
small tmpfs (full, or remounted read-only) when the tests run as root and may mount one, file
permissions when they do not run as root (root ignores them). Where neither is possible the
comment of the fixture says what is faked and how."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import query, run
from tests.workbooks import CODES, long_table, write

# what must never reach the clerk: a class name, a repr, a traceback
LEAKS = re.compile(r"Traceback|[A-Z][a-zA-Z]+(Error|Exception)\b|object at 0x|sqlalchemy|sqlite3\.")


def clean_failure(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert not LEAKS.search(result.output), result.output
    for needle in needles:
        assert needle in result.stderr, result.stderr


def _mount_tmpfs(path: Path, size: str) -> bool:
    """A small tmpfs at `path`, when this process may mount one (root in CI containers)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def _fill(folder: Path) -> None:
    """Use up every free byte of the file system holding `folder`."""
    with open(folder / "filler", "wb", buffering=0) as filler:
        for size in (65536, 4096, 1):
            try:
                while filler.write(b"\0" * size):
                    pass
            except OSError:
                pass


def _scores_workbook(path: Path) -> Path:
    rows = [
        [2023, "Cả năm", code, criterion, 5, None, None, None, "ghi chú " * 40]
        for code in CODES
        for criterion in ("1.1", "1.2", "2", "3", "4")
    ]
    return write(path, long_table(rows))


@pytest.fixture
def scored(seeded: Path, tmp_path: Path) -> Path:
    """The seeded cluster with every unit's 2023 self scores: `rank --year 2023` works."""
    result = run(seeded, "import", _scores_workbook(tmp_path / "diem.xlsx"))
    assert result.exit_code == 0, result.output
    return seeded


# ---------------------------------------------------------------- locked


@pytest.fixture
def fast_lock(monkeypatch: pytest.MonkeyPatch) -> int:
    """The real wait is 5 s; the tests wait 1 s for the same lock error."""
    from thidua_cli import faults

    monkeypatch.setattr(faults, "LOCK_WAIT_SECONDS", 1)
    return 1


def test_database_locked_by_another_program(seeded: Path, tmp_path: Path, fast_lock: int) -> None:
    scores = _scores_workbook(tmp_path / "cham-diem.xlsx")
    holder = sqlite3.connect(seeded, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # like DB Browser in the middle of a write
    try:
        for args in (("import", scores), ("rank", "--year", 2023), ("status",)):
            result = run(seeded, *args)
            clean_failure(
                result,
                f"Cơ sở dữ liệu {seeded} đang bị một chương trình khác khóa (đã chờ 1 giây)",
                "Không có gì được ghi",
            )
    finally:
        holder.rollback()
        holder.close()
    assert query(seeded, "SELECT count(*) FROM score") == [(0,)]
    assert run(seeded, "import", scores).exit_code == 0  # and works once the lock is gone


# ---------------------------------------------------------------- read-only


@dataclass
class ReadOnlyFolder:
    """A folder that becomes read-only on `seal()`: a tmpfs remounted read-only as root
    (real EROFS), else the folder's permissions for a normal user (real EACCES), else, for
    root where mounting is not allowed (a container without the capability), faked: SQLite
    connections get `PRAGMA query_only` (SQLite's own read-only error) and the temporary
    files the tool writes fail with EROFS."""

    path: Path
    how: str
    monkeypatch: pytest.MonkeyPatch

    def seal(self, *, database: bool = True) -> None:
        if self.how == "mount":
            done = subprocess.run(
                ["mount", "-o", "remount,ro", str(self.path)], capture_output=True, check=False
            )
            assert done.returncode == 0, done.stderr
        elif self.how == "chmod":
            for item in self.path.iterdir():
                item.chmod(0o444)
            self.path.chmod(0o555)
        else:
            self._fake(database)

    def _fake(self, database: bool) -> None:
        from thidua_cli import files
        from thidua_cli.store import db as store_db

        real_open = store_db._open

        def open_read_only(url: str, *, create: bool) -> object:
            from sqlalchemy import event

            engine = real_open(url, create=create)

            @event.listens_for(engine, "connect")
            def _read_only(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                dbapi_connection.execute("PRAGMA query_only = ON")

            engine.dispose()
            return engine

        def mkstemp(**kwargs: object) -> tuple[int, str]:
            raise OSError(errno.EROFS, "Read-only file system", str(kwargs.get("dir")))

        if database:
            self.monkeypatch.setattr(store_db, "_open", open_read_only)
        self.monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)


@pytest.fixture
def read_only_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReadOnlyFolder]:
    folder = tmp_path / "ro"
    if _mount_tmpfs(folder, "4m"):
        yield ReadOnlyFolder(folder, "mount", monkeypatch)
        _umount(folder)
        return
    folder.mkdir()
    yield ReadOnlyFolder(folder, "chmod" if os.geteuid() != 0 else "fake", monkeypatch)
    folder.chmod(0o755)


def test_read_only_database_can_be_read_not_written(
    seeded: Path, tmp_path: Path, read_only_dir: ReadOnlyFolder
) -> None:
    db = read_only_dir.path / "thidua.db"
    shutil.copyfile(seeded, db)
    read_only_dir.seal()
    scores = _scores_workbook(tmp_path / "cham-diem.xlsx")
    status = run(db, "status", "--year", 2023)
    assert status.exit_code == 0, status.output  # reading a read-only database is fine
    result = run(db, "import", scores)
    clean_failure(result, f"Cơ sở dữ liệu {db}", "Không có gì được ghi")
    assert "chỉ cho phép đọc" in result.stderr or "Không mở được" in result.stderr
    assert query(db, "SELECT count(*) FROM score") == [(0,)]


def test_outputs_to_a_read_only_folder(scored: Path, read_only_dir: ReadOnlyFolder) -> None:
    read_only_dir.seal(database=False)  # the database is elsewhere and writable
    folder = read_only_dir.path
    target = folder / "ket-qua.xlsx"
    for args in (
        ("rank", "--year", 2023, "--xlsx", target),
        ("template", folder / "mau.xlsx"),
    ):
        result = run(scored, *args)
        clean_failure(result)
        assert str(folder) in result.stderr
        assert "chỉ đọc" in result.stderr or "Không có quyền" in result.stderr
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- full disk


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on a file system that is about to be full: a 3 MB tmpfs as root. Elsewhere the
    fault is faked: files the tool writes get the descriptor of /dev/full (a real ENOSPC from
    the kernel), and SQLite connections get `PRAGMA max_page_count` at the current size (a
    real SQLITE_FULL from SQLite)."""
    folder = tmp_path / "small"
    if _mount_tmpfs(folder, "3m"):
        yield folder
        _umount(folder)
        return
    folder.mkdir()
    from thidua_cli import files
    from thidua_cli.store import db as store_db

    real_mkstemp = files.tempfile.mkstemp
    real_open = store_db._open

    def full_after_fill() -> bool:
        return (folder / "filler").exists()

    def mkstemp(**kwargs: object) -> tuple[int, str]:
        handle, name = real_mkstemp(**kwargs)  # type: ignore[arg-type]
        if full_after_fill():
            os.dup2(os.open("/dev/full", os.O_WRONLY), handle)
        return handle, name

    def open_full(url: str, *, create: bool) -> object:
        from sqlalchemy import event

        engine = real_open(url, create=create)
        if full_after_fill():

            @event.listens_for(engine, "connect")
            def _cap(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
                dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

            engine.dispose()
        return engine

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(store_db, "_open", open_full)
    monkeypatch.setattr("tests.test_machine_faults._fill", lambda f: (f / "filler").touch())
    yield folder


def test_full_disk_keeps_the_database_and_the_previous_files(
    seeded: Path, tmp_path: Path, full_disk: Path
) -> None:
    db = full_disk / "thidua.db"
    shutil.copyfile(seeded, db)
    report = full_disk / "bao-cao.xlsx"
    assert run(db, "template", report).exit_code == 0
    good = report.read_bytes()
    scores = _scores_workbook(tmp_path / "cham-diem.xlsx")
    _fill(full_disk)

    result = run(db, "import", scores)
    clean_failure(result, "Đĩa đầy", "Không có gì được ghi")
    assert query(db, "SELECT count(*) FROM score") == [(0,)]

    again = run(db, "template", report)
    clean_failure(again, f"Đĩa đầy: không ghi được {report}.")
    assert report.read_bytes() == good  # the previous file is whole, not truncated
    assert sorted(p.name for p in full_disk.iterdir()) == ["bao-cao.xlsx", "filler", "thidua.db"]


# ---------------------------------------------------------------- outputs that cannot be files


def test_output_that_is_a_folder_or_under_a_file(scored: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ket-qua.xlsx"
    folder.mkdir()
    a_file = tmp_path / "ghi-chu.txt"
    a_file.write_text("x", encoding="utf-8")
    for args, needle in (
        (("rank", "--year", 2023, "--xlsx", folder), f"{folder} là một thư mục, không phải tệp."),
        (("template", folder), f"{folder} là một thư mục, không phải tệp."),
        (("rank", "--year", 2023, "--xlsx", a_file / "x.xlsx"), str(a_file / "x.xlsx")),
    ):
        clean_failure(run(scored, *args), needle)
    bad = write(tmp_path / "sai.xlsx", long_table([[2023, "Cả năm", "XYZ", "1.1", 5]]))
    errors = run(scored, "import", bad, "--errors", folder)
    clean_failure(errors, f"{folder} là một thư mục, không phải tệp.")
    assert "XYZ" in errors.stderr  # the import's own error is listed before


# ---------------------------------------------------------------- drivers, URLs, non-databases


def test_database_urls_and_drivers(tmp_path: Path) -> None:
    import importlib.util

    missing = next(
        (scheme, module)
        for scheme, module in (
            ("postgresql+psycopg", "psycopg"),
            ("postgresql+psycopg2", "psycopg2"),
            ("postgresql+pg8000", "pg8000"),
        )
        if importlib.util.find_spec(module) is None
    )
    cases = (
        (
            f"{missing[0]}://thu_ky:bi-mat@localhost/thidua",
            f"Chưa cài trình điều khiển PostgreSQL ({missing[1]})",
        ),
        ("foo://x", "Không hỗ trợ loại cơ sở dữ liệu “foo”"),
        ("postgresql://thu_ky:bi-mat@may-chu:cong/thidua", "không đúng dạng"),
    )
    for url, needle in cases:
        result = run(url, "status")  # type: ignore[arg-type]
        clean_failure(result, needle)
        assert "bi-mat" not in result.output  # the password is never printed
    not_a_db = tmp_path / "thidua.db"
    not_a_db.write_text("đây không phải CSDL\n" * 100, encoding="utf-8")
    clean_failure(run(not_a_db, "status"), f"Tệp {not_a_db} không phải là cơ sở dữ liệu")


def test_init_prints_no_password(tmp_path: Path) -> None:
    from thidua_cli.faults import hide_password

    assert hide_password("postgresql+psycopg://a:b%40c@h:5432/d") == (
        "postgresql+psycopg://a:***@h:5432/d"
    )
    assert hide_password("sqlite:///x.db") == "sqlite:///x.db"


def test_server_problems_are_named() -> None:
    """A PostgreSQL server is not available to every test run: the driver's exceptions are
    recognised by class name and message, so these stand-ins carry the real texts psycopg
    gives for a refused connection and a wrong password."""
    from thidua_cli.faults import explain

    class OperationalError(Exception):
        pass

    OperationalError.__module__ = "psycopg"
    url = "postgresql+psycopg://thu_ky:bi-mat@db.tinh.vn/thidua"
    refused = explain(
        OperationalError(
            'connection failed: connection to server at "10.0.0.5", port 5432 failed: '
            "Connection refused"
        ),
        url,
    )
    assert refused is not None
    assert refused.message == (
        "Không kết nối được máy chủ cơ sở dữ liệu postgresql+psycopg://thu_ky:***@db.tinh.vn/thidua."
    )
    password = explain(
        OperationalError('FATAL:  password authentication failed for user "thu_ky"'), url
    )
    assert password is not None and "từ chối tên người dùng hoặc mật khẩu" in password.message
    assert explain(ValueError("a bug"), url) is None


def test_verbose_shows_the_traceback_of_a_machine_problem() -> None:
    result = run("foo://x", "--verbose", "status")  # type: ignore[arg-type]
    assert result.exit_code == 1
    assert "Traceback" in result.stderr and "Không hỗ trợ loại cơ sở dữ liệu" in result.stderr


# ---------------------------------------------------------------- ordinary trouble, not bugs


@pytest.mark.parametrize(
    "args",
    [
        ("rank", "--year", "99999999999999999999"),
        ("status", "--year", "-5"),
        ("rotation", "--year", "99999999999999999999"),
        ("rotation", "set", "--year", "99999999999999999999", "--head", "TD"),
        ("rules", "--year", "0"),
        ("rules", "set", "scale", "100", "--from-year", "99999999999999999999"),
    ],
)
def test_a_year_no_database_can_hold_is_a_usage_error(seeded: Path, args: tuple[str]) -> None:
    result = run(seeded, *args)
    assert result.exit_code == 2, result.output
    year = args[args.index("--year" if "--year" in args else "--from-year") + 1]
    assert f"Lỗi: Năm {year} không hợp lệ." in result.stderr
    assert not LEAKS.search(result.output)


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ x y }}", "sai cú pháp ở dòng 1: cần “}}” nhưng gặp “y”."),
        ("a\n{% if x %}", "sai cú pháp ở dòng 2: mẫu hết mà còn khối chưa đóng"),
        ("{% bogus %}", "sai cú pháp ở dòng 1: không có thẻ “bogus”."),
        ("{{ 1 / 0 }}", "dòng 1: một phép tính hoặc bộ lọc trong mẫu không dùng được"),
    ],
)
def test_a_clerks_broken_template_is_said_in_vietnamese(
    scored: Path, tmp_path: Path, template: str, message: str
) -> None:
    assert run(scored, "rank", "--year", 2023).exit_code == 0
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "bao-cao-tong-ket.md.j2").write_text(template, encoding="utf-8")
    result = run(
        scored,
        "report",
        "--year",
        2023,
        "--format",
        "md",
        "--template-dir",
        folder,
        "--out",
        tmp_path / "r.md",
    )
    clean_failure(result, message)
    assert "expected" not in result.output and "Jinja" not in result.output
    assert not (tmp_path / "r.md").exists()
