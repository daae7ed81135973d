"""Creating the database and a cluster (`thidua init`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import UsageError
from ..text import clean, is_safe_code


@dataclass
class InitResult:
    url: str
    cluster_code: str | None
    created_cluster: bool
    notes: list[str] = field(default_factory=list)


def init_database(
    db: str | None, code: str | None, name: str | None, province: str = "", organiser: str = ""
) -> InitResult:
    from sqlalchemy import select

    from ..store.db import database_url, display_url, get_engine
    from ..store.locks import locked_years
    from ..store.tables import table_of

    if bool(code) != bool(name):
        raise UsageError(
            "Cần cả --code và --name để tạo cụm.",
            'Ví dụ: thidua init --code C7 --name "Cụm thi đua số 7".',
        )
    if code and (len(code.strip()) > 20 or not is_safe_code(code.strip())):
        raise UsageError(
            f"Mã cụm “{clean(code)}” không hợp lệ: chỉ được gồm chữ cái, chữ số và các dấu . _ -",
            "Dùng mã ngắn viết liền, ví dụ C7.",
        )
    engine = get_engine(db, create=True)
    created = False
    notes: list[str] = []
    with engine.begin() as conn:
        table = table_of(conn, "cluster")
        if code:
            code = code.strip().upper()
            existing = conn.execute(select(table).where(table.c.code == code)).first()
            values = {
                "name": clean(name),
                "province": clean(province),
                "organiser": clean(organiser),
            }
            if existing is None:
                conn.execute(table.insert().values(code=code, **values))
                created = True
            else:
                changes = {k: v for k, v in values.items() if v and v != existing._mapping[k]}
                labels = {
                    "name": "Tên cụm",
                    "province": "Địa danh",
                    "organiser": "Cơ quan chủ quản",
                }
                for column, new in changes.items():
                    notes.append(f"{labels[column]}: {existing._mapping[column]} → {new}.")
                if changes:
                    conn.execute(table.update().where(table.c.code == code).values(**changes))
                    frozen = sorted(locked_years(conn, existing.id))
                    if frozen:
                        # the documents of a finalised year keep the header they were frozen with
                        notes.append(
                            f"Năm đã chốt ({', '.join(map(str, frozen))}) giữ nguyên tên và địa "
                            "danh như lúc chốt; chốt lại bằng `thidua rank --year NĂM --finalize "
                            "--force` nếu cần."
                        )
    engine.dispose()
    return InitResult(display_url(database_url(db)), code, created, notes)
