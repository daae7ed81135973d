"""Problems of the machine, said in Vietnamese: a locked, read-only or full database, a missing
driver, a server that cannot be reached, a file that cannot be written.

The libraries raise these as their own exception classes with English text; `explain` turns
one into a ThiduaError (exit 1) naming the real cause, or returns None when the exception is
not a known machine problem (then it is a bug: exit 3). No exception class name, no Python
repr and no password ever reaches the message. Nothing here imports a heavy library: the
exceptions are recognised by their class names and SQLite's error names."""

from __future__ import annotations

import errno
import re

from .errors import ThiduaError

LOCK_WAIT_SECONDS = 5  # how long a command waits for another program's lock on the database

_DRIVERS = {
    "psycopg": ("PostgreSQL", 'pip install "thidua[postgres]"'),
    "psycopg2": ("PostgreSQL", 'pip install "thidua[postgres]" (hoặc pip install psycopg2)'),
    "pg8000": ("PostgreSQL", "pip install pg8000"),
    "asyncpg": ("PostgreSQL", "pip install asyncpg"),
    "pymysql": ("MySQL", "pip install pymysql"),
    "MySQLdb": ("MySQL", "pip install mysqlclient"),
    "mysql": ("MySQL", "pip install mysql-connector-python"),
    "pyodbc": ("SQL Server", "pip install pyodbc"),
    "oracledb": ("Oracle", "pip install oracledb"),
    "cx_Oracle": ("Oracle", "pip install oracledb"),
}

_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@", re.IGNORECASE)


def hide_password(text: str) -> str:
    """`postgresql://clerk:secret@host/db` -> `postgresql://clerk:***@host/db`, anywhere in text."""
    return _PASSWORD.sub(lambda m: m.group("head") + "***@", text)


def database_label(db: str | None) -> str:
    """The database as the clerk named it (a file path or a URL without its password)."""
    from .store.db import database_url, sqlite_path

    url = database_url(db)
    path = sqlite_path(url)
    return str(path) if path is not None else hide_password(url)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, the driver's exception it wraps (`orig`), and their causes."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop(0)
        if item is None or any(item is s for s in seen) or len(seen) > 10:
            continue
        seen.append(item)
        todo += [getattr(item, "orig", None), item.__cause__, item.__context__]
    return seen


def explain(exc: BaseException, db: str | None) -> ThiduaError | None:
    """A Vietnamese message for a machine problem, or None if `exc` is not one."""
    for item in _chain(exc):
        problem = _driver_problem(item, db) or _database_problem(item, db)
        if problem is None and isinstance(item, OSError):
            problem = file_problem(item, getattr(item, "filename", None))
        if problem is not None:
            return problem
    return None


def _driver_problem(exc: BaseException, db: str | None) -> ThiduaError | None:
    name = type(exc).__name__
    if isinstance(exc, ImportError) and exc.name:
        top = exc.name.split(".")[0]
        if top in _DRIVERS:
            engine, install = _DRIVERS[top]
            return ThiduaError(
                f"Chưa cài trình điều khiển {engine} ({top}) để mở cơ sở dữ liệu "
                f"{database_label(db)}.",
                f"Cài bằng lệnh: {install}",
            )
    if name == "NoSuchModuleError":
        scheme = database_label(db).split("://", 1)[0]
        return ThiduaError(
            f"Không hỗ trợ loại cơ sở dữ liệu “{scheme}” (địa chỉ {database_label(db)}).",
            "Dùng đường dẫn tệp SQLite (ví dụ thidua.db) hoặc địa chỉ PostgreSQL dạng "
            "postgresql+psycopg://người_dùng@máy_chủ/tên_csdl.",
        )
    if name == "ArgumentError" and "URL" in str(exc):
        return ThiduaError(
            f"Địa chỉ cơ sở dữ liệu “{database_label(db)}” không đúng dạng.",
            "Dùng đường dẫn tệp SQLite hoặc địa chỉ dạng "
            "postgresql+psycopg://người_dùng@máy_chủ:5432/tên_csdl.",
        )
    return None


_SQLITE = (
    # (SQLite error name prefix or message part, message, hint); {db} is the database
    (
        ("SQLITE_BUSY", "database is locked", "database table is locked"),
        "Cơ sở dữ liệu {db} đang bị một chương trình khác khóa (đã chờ {wait} giây). "
        "Không có gì được ghi.",
        "Đợi lệnh thidua khác chạy xong, hoặc đóng chương trình đang mở tệp này "
        "(DB Browser, Excel…), rồi chạy lại.",
    ),
    (
        ("SQLITE_READONLY", "readonly database", "read-only"),
        "Cơ sở dữ liệu {db} chỉ cho phép đọc: không ghi được. Không có gì được ghi.",
        "Kiểm tra quyền ghi của tệp và của thư mục chứa nó (hoặc ổ đĩa chỉ đọc), "
        "hoặc chép cơ sở dữ liệu sang chỗ ghi được rồi dùng --db.",
    ),
    (
        ("SQLITE_FULL", "database or disk is full"),
        "Đĩa đầy: không ghi được vào cơ sở dữ liệu {db}. Không có gì được ghi.",
        "Giải phóng chỗ trống trên ổ đĩa rồi chạy lại.",
    ),
    (
        ("SQLITE_CANTOPEN", "unable to open database"),
        "Không mở được cơ sở dữ liệu {db}: thư mục không có, không có quyền, hoặc không phải tệp.",
        "Kiểm tra đường dẫn --db và quyền đọc ghi của thư mục.",
    ),
    (
        ("SQLITE_NOTADB", "file is not a database"),
        "Tệp {db} không phải là cơ sở dữ liệu (SQLite) của thidua.",
        "Kiểm tra đường dẫn --db, hoặc chạy `thidua init` với tên tệp mới.",
    ),
    (
        ("SQLITE_CORRUPT", "malformed"),
        "Cơ sở dữ liệu {db} bị hỏng.",
        "Khôi phục từ bản sao lưu gần nhất.",
    ),
    (
        ("SQLITE_IOERR", "disk I/O error"),
        "Lỗi đọc ghi đĩa khi dùng cơ sở dữ liệu {db} (đĩa đầy, ổ mạng bị ngắt hoặc đĩa hỏng). "
        "Không có gì được ghi.",
        "Kiểm tra ổ đĩa rồi chạy lại.",
    ),
)

_SERVER = (
    (
        ("password authentication failed", "authentication failed", "access denied"),
        "Máy chủ cơ sở dữ liệu {db} từ chối tên người dùng hoặc mật khẩu.",
        "Kiểm tra tên người dùng và mật khẩu trong địa chỉ --db (hoặc biến THIDUA_DB).",
    ),
    (
        ("does not exist",),
        "Trên máy chủ không có cơ sở dữ liệu hoặc người dùng như địa chỉ {db}.",
        "Kiểm tra tên cơ sở dữ liệu trong địa chỉ --db; tạo nó trên máy chủ trước.",
    ),
    (
        (
            "could not connect",
            "connection refused",
            "could not translate host name",
            "name or service not known",
            "timeout expired",
            "connection timed out",
            "no route to host",
            "server closed the connection",
            "connection failed",
            "failed to resolve host",
            "nodename nor servname",
        ),
        "Không kết nối được máy chủ cơ sở dữ liệu {db}.",
        "Kiểm tra tên máy chủ, cổng, mạng, và máy chủ PostgreSQL có đang chạy không.",
    ),
    (
        ("lock timeout", "could not obtain lock", "deadlock detected"),
        "Cơ sở dữ liệu {db} đang bị một lệnh khác khóa. Không có gì được ghi.",
        "Đợi lệnh kia chạy xong rồi chạy lại.",
    ),
    (
        ("could not extend file", "no space left on device"),
        "Máy chủ cơ sở dữ liệu {db} hết chỗ trên đĩa. Không có gì được ghi.",
        "Báo người quản trị máy chủ giải phóng chỗ trống.",
    ),
    (
        ("read-only transaction", "read only"),
        "Cơ sở dữ liệu {db} chỉ cho phép đọc: không ghi được. Không có gì được ghi.",
        "Dùng tài khoản có quyền ghi trong địa chỉ --db.",
    ),
)


def _database_problem(exc: BaseException, db: str | None) -> ThiduaError | None:
    module = type(exc).__module__ or ""
    names = {c.__name__ for c in type(exc).__mro__}
    if not names & {"OperationalError", "DatabaseError", "InterfaceError", "ProgrammingError"}:
        return None
    if module.startswith("sqlalchemy"):
        return None  # the driver's own exception (`orig`) is looked at next
    text = str(exc).lower()
    code = getattr(exc, "sqlite_errorname", "") or ""
    if module.startswith("sqlite3") or code:
        table = _SQLITE
    elif names & {"OperationalError", "InterfaceError"}:
        table = _SERVER
    else:
        return None
    for keys, message, hint in table:
        if any(code.startswith(k) or k.lower() in text for k in keys):
            return ThiduaError(message.format(db=database_label(db), wait=LOCK_WAIT_SECONDS), hint)
    return None


_FILE_PROBLEMS = {
    errno.ENOSPC: (
        "Đĩa đầy: không ghi được {path}.",
        "Giải phóng chỗ trống trên ổ đĩa rồi chạy lại.",
    ),
    errno.EDQUOT: (
        "Hết hạn mức dung lượng: không ghi được {path}.",
        "Xóa bớt tệp hoặc chọn chỗ ghi khác.",
    ),
    errno.EACCES: (
        "Không có quyền ghi hoặc đọc {path} (hoặc tệp đang mở trong chương trình khác).",
        "Đóng tệp trong Excel, Word hoặc trình duyệt, hoặc chọn chỗ ghi khác.",
    ),
    errno.EPERM: (
        "Không được phép ghi hoặc đọc {path}.",
        "Kiểm tra quyền của tệp và thư mục, hoặc chọn chỗ ghi khác.",
    ),
    errno.EROFS: (
        "{path} nằm trên ổ đĩa chỉ đọc: không ghi được.",
        "Chọn chỗ ghi trên một ổ đĩa ghi được.",
    ),
    errno.EISDIR: (
        "{path} là một thư mục, không phải tệp.",
        "Ghi tên tệp đầy đủ, ví dụ ket-qua.xlsx.",
    ),
    errno.ENOTDIR: (
        "Đường dẫn {path} đi qua một tệp như thể nó là thư mục.",
        "Kiểm tra lại đường dẫn.",
    ),
    errno.ENOENT: ("Không tìm thấy {path}.", "Kiểm tra lại đường dẫn và tên tệp."),
    errno.ENAMETOOLONG: ("Tên tệp {path} quá dài.", "Chọn tên ngắn hơn."),
    errno.EIO: (
        "Lỗi đọc ghi đĩa với {path} (ổ mạng bị ngắt hoặc đĩa hỏng).",
        "Kiểm tra ổ đĩa rồi chạy lại.",
    ),
    errno.EMFILE: ("Mở quá nhiều tệp cùng lúc.", "Nhập ít tệp hơn mỗi lần."),
    errno.EBUSY: ("{path} đang bị chương trình khác dùng.", "Đóng chương trình đó rồi chạy lại."),
    errno.ETXTBSY: ("{path} đang bị chương trình khác dùng.", "Đóng chương trình đó rồi chạy lại."),
    errno.EFBIG: ("Tệp {path} quá lớn để ghi.", "Chọn chỗ ghi khác."),
}


def file_problem(exc: OSError, path: object = None) -> ThiduaError | None:
    """A Vietnamese message for an OSError while reading or writing `path`."""
    where = str(path if path is not None else exc.filename or "tệp")
    known = _FILE_PROBLEMS.get(exc.errno or -1)
    if known is not None:
        message, hint = known
        return ThiduaError(message.format(path=where), hint)
    if exc.errno is None:
        return None
    name = errno.errorcode.get(exc.errno, str(exc.errno))
    return ThiduaError(
        f"Lỗi của hệ thống khi đọc hoặc ghi {where} (mã lỗi {name}).",
        "Kiểm tra ổ đĩa, quyền và đường dẫn rồi chạy lại.",
    )
