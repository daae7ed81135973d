"""Bounded reading (SPEC §3.2, hostile files): what a file must pass before any parser
(python-calamine, the csv module) sees it. A unit's file is untrusted: a FIFO, a device, a zip
bomb, an encrypted or truncated workbook, a sheet whose used range or one cell is absurd —
each becomes one clear Vietnamese error, found in bounded time and memory, never a hang, an
abort inside calamine or gigabytes of memory.

The checks here need only the file system and the zip central directory; the sheet XML itself
is streamed by `sheetxml.check_sheet`, which enforces the used-range and cell-length limits."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

# A workbook of a million score rows is 25 MB on disk and 300 MB of sheet XML: the limits leave
# room for that and stop what no clerk's workbook needs.
MAX_FILE_BYTES = 256 << 20
MAX_CSV_BYTES = 64 << 20
MAX_ZIP_MEMBERS = 10_000
MAX_MEMBER_BYTES = 512 << 20  # one part (a sheet's XML), decompressed
MAX_TOTAL_BYTES = 1 << 30  # every part together, decompressed
MAX_SHARED_STRINGS_BYTES = 128 << 20
MAX_OTHER_PART_BYTES = 64 << 20  # workbook.xml, styles.xml, relationships
MAX_RATIO = 200  # decompressed / compressed, for parts past RATIO_GRACE (sheet XML: 10-30)
RATIO_GRACE = 16 << 20
# calamine holds a sheet's used range densely, 32 bytes a cell: 10 million cells is 320 MB
MAX_CELLS = 10_000_000
# a run of text with no markup, in bytes: Excel's own limit is 32,767 characters a cell
MAX_TEXT_RUN = 256 << 10
EXCEL_MAX_ROWS = 1_048_576
# error cells (#N/A) one sheet of an .xls or .ods may mark; a repeated error cell of an .ods
# marks each place it covers
MAX_ERROR_CELLS = 1_000_000
EXCEL_MAX_COLS = 16_384
# a file up to this size is kept in memory as it is read for its digest: its zip directory and
# parts are then read from there, not from the disk again (a folder of small forms). Larger
# files are read from the disk: kept, they would add to the peak memory of a long import
KEEP_FILE_BYTES = 4 << 20

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DAMAGED = (
    "Tệp bị hỏng hoặc không trọn vẹn (có thể tải về chưa hết).",
    "Tải lại tệp hoặc mở bằng Excel rồi lưu lại.",
)
PASSWORD = (
    "Tệp có mật khẩu (đã mã hóa), không đọc được.",
    "Mở tệp bằng Excel, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc > Mã hóa bằng mật "
    "khẩu, xóa mật khẩu) rồi lưu lại và nhập lại.",
)
_BOMB_HINT = (
    "Tệp này có thể là tệp độc hại (zip bomb): đừng mở. Nếu đúng là bảng tính của đơn vị, "
    "nhờ đơn vị mở bằng Excel, xóa phần thừa rồi gửi lại."
)


class FileRefused(Exception):
    """A file that must not reach a parser; `message` and `hint` are for the clerk."""

    def __init__(
        self,
        message: str,
        hint: str,
        sheet: str = "",
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.sheet = sheet
        self.row = row
        self.column = column


@dataclass(frozen=True)
class FileFacts:
    """What the file system and the first bytes say about a file that may be read."""

    sha256: str
    head: bytes
    size: int
    data: bytes | None = None  # the whole file, when it is at most KEEP_FILE_BYTES


def check_file(path: Path, suffix: str) -> FileFacts:
    """A regular, readable file of a sane size: its sha256 and first bytes. Never blocks on a
    FIFO or a device: the kind of file is known from `stat` before it is opened, and it is
    opened without blocking all the same (it could be swapped in between)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise FileRefused(
                "Đường dẫn là lối tắt (symlink) trỏ tới tệp không còn tồn tại.",
                "Chỉ ra tệp thật thay cho lối tắt, hoặc tạo lại lối tắt.",
            ) from None
        raise FileRefused("Không tìm thấy tệp.", "Kiểm tra lại đường dẫn và tên tệp.") from None
    except PermissionError:
        raise _no_permission() from None
    except OSError as exc:
        raise _os_problem(exc) from None
    _check_kind(info.st_mode)
    limit = MAX_CSV_BYTES if suffix == ".csv" else MAX_FILE_BYTES
    if info.st_size > limit:
        raise FileRefused(
            f"Tệp quá lớn ({_mb(info.st_size)} MB; giới hạn {_mb(limit)} MB).",
            "Kiểm tra lại tệp: một bảng tính của đơn vị không lớn đến vậy. Nếu đúng là dữ liệu "
            "thật, tách thành nhiều tệp nhỏ hơn.",
        )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except PermissionError:
        raise _no_permission() from None
    except OSError as exc:
        raise _os_problem(exc) from None
    digest = hashlib.sha256()
    head = b""
    kept: list[bytes] | None = [] if info.st_size <= KEEP_FILE_BYTES else None
    try:
        _check_kind(os.fstat(fd).st_mode)  # the same file that stat saw
        read = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            if not head:
                head = chunk[:8]
            read += len(chunk)
            if read > limit:  # the file grew while being read
                raise FileRefused(
                    f"Tệp quá lớn (hơn {_mb(limit)} MB).", "Kiểm tra lại tệp rồi nhập lại."
                )
            digest.update(chunk)
            if kept is not None:
                kept.append(chunk)
                if read > KEEP_FILE_BYTES:  # the file grew: read on, keep nothing
                    kept = None
    except OSError as exc:
        raise _os_problem(exc) from None
    finally:
        os.close(fd)
    data = b"".join(kept) if kept is not None else None
    return FileFacts(digest.hexdigest(), head, read, data)


def _check_kind(mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        what = "một thư mục"
    elif stat.S_ISFIFO(mode):
        what = "một đường ống (FIFO)"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "một thiết bị của hệ thống"
    elif stat.S_ISSOCK(mode):
        what = "một socket"
    else:
        what = "một đối tượng đặc biệt của hệ thống"
    raise FileRefused(
        f"Đây là {what}, không phải tệp bảng tính thường.",
        "Chỉ ra tệp .xlsx, .xlsm, .xls, .ods hoặc .csv đã lưu trên máy.",
    )


def _no_permission() -> FileRefused:
    return FileRefused(
        "Không có quyền đọc tệp.",
        "Kiểm tra quyền truy cập của tệp, hoặc chép tệp sang thư mục của mình rồi nhập lại.",
    )


def _os_problem(exc: OSError) -> FileRefused:
    if exc.errno == errno.EACCES or exc.errno == errno.EPERM:
        return _no_permission()
    if exc.errno == errno.EISDIR:
        return FileRefused(
            "Đây là một thư mục, không phải tệp bảng tính thường.",
            "Chỉ ra tệp .xlsx, .xlsm, .xls, .ods hoặc .csv.",
        )
    if exc.errno == errno.ENAMETOOLONG:
        return FileRefused("Đường dẫn quá dài.", "Đổi tên hoặc chuyển tệp lên thư mục ngắn hơn.")
    return FileRefused(
        "Không đọc được tệp: hệ thống báo lỗi khi đọc (ổ đĩa, mạng hoặc tệp bị khóa).",
        "Chép tệp sang ổ đĩa của máy rồi nhập lại.",
    )


def thousands(number: int) -> str:
    """1.234.567, as Vietnamese write it."""
    return f"{number:,}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.0f}".replace(".", ",")


def is_encrypted_ole(head: bytes, path: Path) -> bool:
    """An OLE (Compound File) container holding `EncryptedPackage`: an .xlsx saved with a
    password. The directory names are near the start of small files; read at most 1 MB."""
    if not head.startswith(OLE_MAGIC):
        return False
    with path.open("rb") as handle:
        data = handle.read(1 << 20)
    return "EncryptedPackage".encode("utf-16-le") in data


def check_central_directory(path: Path, size: int, data: bytes | None = None) -> None:
    """The zip's entry count, read from its end record before `zipfile` builds one object per
    entry (a small file may declare millions). `data`: the file's bytes, when kept."""
    tail_size = min(size, 65_536 + 22)
    if data is not None:
        tail = data[len(data) - tail_size :]
    else:
        with path.open("rb") as handle:
            handle.seek(size - tail_size)
            tail = handle.read(tail_size)
    at = tail.rfind(EMPTY_ZIP_MAGIC)
    if at < 0 or at + 22 > len(tail):
        raise FileRefused(*DAMAGED)
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    if entries > MAX_ZIP_MEMBERS and entries != 0xFFFF:
        raise FileRefused(
            f"Tệp nén có quá nhiều thành phần ({thousands(entries)}), không giống một bảng tính.",
            _BOMB_HINT,
        )


def open_zip(path: Path, size: int, data: bytes | None = None) -> zipfile.ZipFile:
    """The archive, once its central directory is sane: no encrypted part, no part and no
    total that decompresses beyond the limits, no absurd compression ratio. Read from `data`
    (the file's bytes, as digested) when given, else from the file."""
    if data is not None:
        size = len(data)
    check_central_directory(path, size, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise FileRefused(*DAMAGED) from None
    try:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise FileRefused(
                f"Tệp nén có quá nhiều thành phần ({len(infos)}), không giống một bảng tính.",
                _BOMB_HINT,
            )
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise FileRefused(*PASSWORD)
            limit = part_limit(info.filename)
            if info.file_size > limit:
                raise FileRefused(
                    f"Phần “{info.filename}” của tệp giải nén ra {_mb(info.file_size)} MB, "
                    f"vượt giới hạn {_mb(limit)} MB.",
                    _BOMB_HINT,
                )
            if info.file_size > RATIO_GRACE and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise FileRefused(
                    f"Phần “{info.filename}” của tệp nén với tỷ lệ bất thường "
                    f"({info.file_size // max(info.compress_size, 1)} lần).",
                    _BOMB_HINT,
                )
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise FileRefused(
                f"Tệp giải nén ra {_mb(total)} MB, vượt giới hạn {_mb(MAX_TOTAL_BYTES)} MB.",
                _BOMB_HINT,
            )
    except BaseException:
        archive.close()
        raise
    return archive


def part_limit(name: str) -> int:
    lowered = name.lower()
    if lowered.endswith("sharedstrings.xml"):
        return MAX_SHARED_STRINGS_BYTES
    if "worksheets/" in lowered or lowered in ("content.xml",):
        return MAX_MEMBER_BYTES
    if lowered.endswith((".xml", ".rels", ".vml")):
        return MAX_OTHER_PART_BYTES
    return MAX_MEMBER_BYTES  # images, embedded objects: never parsed, only bounded


def verify_part(archive: zipfile.ZipFile, name: str, keep: bool = False) -> bytes | None:
    """Read a part whole (its real size is bounded by what it declares, and a lie is caught
    by the CRC) and look for a run of text too long to be a cell. For the parts calamine reads
    besides the sheets: the shared strings, workbook.xml, styles.xml, the relationships.
    Returns the part's data when `keep` (None when the part is missing)."""
    try:
        stream = archive.open(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
        raise FileRefused(*DAMAGED) from None
    runs = TextRuns()
    kept: list[bytes] = []
    try:
        with stream:
            while True:
                chunk = stream.read(1 << 22)
                if not chunk:
                    break
                runs.feed(chunk)
                if keep:
                    kept.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise FileRefused(*DAMAGED) from None
    if runs.too_long:
        raise FileRefused(*long_text_message())
    return b"".join(kept) if keep else None


def long_text_message() -> tuple[str, str]:
    return (
        f"Tệp chứa một ô hoặc một đoạn văn bản dài bất thường (hơn {MAX_TEXT_RUN // 1024} KB, "
        "trong khi Excel chỉ cho 32.767 ký tự mỗi ô).",
        "Mở tệp bằng Excel, xóa nội dung thừa trong ô quá dài rồi lưu lại.",
    )


class TextRuns:
    """Finds, in linear time, a run of more than MAX_TEXT_RUN bytes without markup (`<`),
    across chunk boundaries: a cell of megabytes, or megabytes of padding between tags.

    Any such run covers one of the points every MAX_TEXT_RUN / 2 bytes; only around those
    points is the run measured, so normal XML costs a few `find` calls per chunk."""

    def __init__(self) -> None:
        self.carry = 0  # length of the markup-free run at the end of what was fed
        self.too_long = False

    def feed(self, chunk: bytes) -> None:
        if self.too_long or not chunk:
            return
        first = chunk.find(b"<")
        if first < 0:
            self.carry += len(chunk)
            self.too_long = self.carry > MAX_TEXT_RUN
            return
        if self.carry + first > MAX_TEXT_RUN:
            self.too_long = True
            return
        step = MAX_TEXT_RUN // 2
        for point in range(first + step, len(chunk), step):
            start = chunk.rfind(b"<", 0, point)
            end = chunk.find(b"<", point)
            if end < 0:
                end = len(chunk)
            if end - start > MAX_TEXT_RUN:
                self.too_long = True
                return
        self.carry = len(chunk) - chunk.rfind(b"<") - 1


def too_many_errors() -> tuple[str, str]:
    return (
        f"Sheet có quá nhiều ô lỗi (hơn {thousands(MAX_ERROR_CELLS)} ô như #N/A).",
        "Mở tệp bằng Excel hoặc LibreOffice, xóa các ô lỗi thừa ở ngoài bảng rồi lưu lại.",
    )
