"""Creating the database and a cluster (`thidua init`)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..text import clean, is_safe_code


@dataclass
class InitResult:
    url: str
    cluster_code: str | None
    created_cluster: bool


def init_database(
    db: str | None, code: str | None, name: str | None, province: str = "", organiser: str = ""
) -> InitResult:
    from sqlalchemy import select

    from ..store.db import database_url, display_url, get_engine
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
                conn.execute(
                    table.update()
                    .where(table.c.code == code)
                    .values(**{k: v for k, v in values.items() if v})
                )
    engine.dispose()
    return InitResult(display_url(database_url(db)), code, created)
