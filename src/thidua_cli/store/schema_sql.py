"""The statements that create a fresh SQLite database of the current schema, compiled from the
SQLModel classes of `models.py` (the one definition of the schema). A new SQLite database is
made with these rather than with `SQLModel.metadata.create_all`: importing SQLModel and
pydantic costs a third of a second, as much as the rest of `thidua init`.

`render()` compiles the statements again from the models; a test checks that they are the ones
written here, and that a database made with them has the schema create_all makes. After a
change to the models: `python -c "from thidua_cli.store.schema_sql import write; write()"`."""

from __future__ import annotations

from pathlib import Path

from .version import SCHEMA_VERSION

SQLITE_SCHEMA_VERSION = 2
SQLITE_SCRIPT = """\
CREATE TABLE cluster (
    id INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    province VARCHAR NOT NULL,
    organiser VARCHAR NOT NULL,
    PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_cluster_code ON cluster (code);

CREATE TABLE meta (
    "key" VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY ("key")
);

CREATE TABLE audit_event (
    id INTEGER NOT NULL,
    cluster_id INTEGER,
    year INTEGER,
    action VARCHAR NOT NULL,
    detail VARCHAR NOT NULL,
    at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE TABLE criterion (
    id INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    parent_code VARCHAR,
    section VARCHAR,
    max_c INTEGER,
    kind VARCHAR NOT NULL,
    "order" INTEGER NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (cluster_id, year, code),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE INDEX ix_criterion_year ON criterion (cluster_id, year);

CREATE TABLE import_record (
    id INTEGER NOT NULL,
    cluster_id INTEGER,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    sheet VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rows_new INTEGER NOT NULL,
    rows_updated INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    forced BOOLEAN NOT NULL,
    at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE TABLE rule_setting (
    cluster_id INTEGER NOT NULL,
    "key" VARCHAR NOT NULL,
    from_year INTEGER NOT NULL,
    value VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (cluster_id, "key", from_year),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE TABLE unit (
    id INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL,
    code VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    aliases VARCHAR NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE UNIQUE INDEX ux_unit_cluster_code ON unit (cluster_id, code);

CREATE TABLE year_lock (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    finalized_at DATETIME NOT NULL,
    snapshot TEXT,
    PRIMARY KEY (cluster_id, year),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id)
);

CREATE TABLE commendation (
    id INTEGER NOT NULL,
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    period VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    award VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    unit_id INTEGER NOT NULL,
    position VARCHAR NOT NULL,
    is_leader BOOLEAN NOT NULL,
    leader_inferred BOOLEAN NOT NULL,
    gender VARCHAR NOT NULL,
    ethnicity VARCHAR NOT NULL,
    ethnic_minority BOOLEAN NOT NULL,
    title VARCHAR NOT NULL,
    decision_no VARCHAR NOT NULL,
    decision_date DATE,
    PRIMARY KEY (id),
    UNIQUE (cluster_id, year, period, recipient, award, unit_id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(unit_id) REFERENCES unit (id)
);

CREATE INDEX ix_commendation_year ON commendation (cluster_id, year);

CREATE TABLE leadership (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    head_unit_id INTEGER,
    deputy_unit_id INTEGER,
    how VARCHAR NOT NULL,
    PRIMARY KEY (cluster_id, year),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(head_unit_id) REFERENCES unit (id),
    FOREIGN KEY(deputy_unit_id) REFERENCES unit (id)
);

CREATE TABLE membership (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    rotation_order INTEGER,
    name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL,
    PRIMARY KEY (cluster_id, year, unit_id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(unit_id) REFERENCES unit (id)
);

CREATE TABLE result (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    period VARCHAR NOT NULL,
    unit_id INTEGER NOT NULL,
    self_total_c INTEGER,
    agreed_total_c INTEGER,
    base_c INTEGER NOT NULL,
    bonus_c INTEGER NOT NULL,
    deduction_c INTEGER NOT NULL,
    total_c INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    band VARCHAR NOT NULL,
    leader BOOLEAN NOT NULL,
    proposal VARCHAR,
    vetoed BOOLEAN NOT NULL,
    provisional BOOLEAN NOT NULL,
    missing VARCHAR NOT NULL,
    computed_at DATETIME,
    PRIMARY KEY (cluster_id, year, period, unit_id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(unit_id) REFERENCES unit (id)
);

CREATE TABLE score (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    period VARCHAR NOT NULL,
    unit_id INTEGER NOT NULL,
    criterion_id INTEGER NOT NULL,
    layer VARCHAR NOT NULL,
    scorer VARCHAR NOT NULL,
    points_c INTEGER NOT NULL,
    note VARCHAR NOT NULL,
    PRIMARY KEY (cluster_id, year, period, unit_id, criterion_id, layer, scorer),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(unit_id) REFERENCES unit (id),
    FOREIGN KEY(criterion_id) REFERENCES criterion (id)
)
 WITHOUT ROWID;

CREATE TABLE vote (
    cluster_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    purpose VARCHAR NOT NULL,
    unit_id INTEGER NOT NULL,
    yes INTEGER NOT NULL,
    members INTEGER NOT NULL,
    present INTEGER,
    PRIMARY KEY (cluster_id, year, purpose, unit_id),
    FOREIGN KEY(cluster_id) REFERENCES cluster (id),
    FOREIGN KEY(unit_id) REFERENCES unit (id)
);
"""


def statements() -> list[str] | None:
    """The stored statements, when they are of this code's schema version."""
    if SQLITE_SCHEMA_VERSION != SCHEMA_VERSION:
        return None
    return [part.strip() for part in SQLITE_SCRIPT.split(";\n") if part.strip()]


def render() -> str:
    """Every CREATE TABLE and CREATE INDEX statement of the models for SQLite, in the order
    create_all runs them, as one script."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable
    from sqlmodel import SQLModel

    from . import models  # noqa: F401  (the tables are registered on import)

    dialect = sqlite.dialect()
    compiled = []
    for table in SQLModel.metadata.sorted_tables:
        compiled.append(CreateTable(table).compile(dialect=dialect))
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            compiled.append(CreateIndex(index).compile(dialect=dialect))
    parts = []
    for statement in compiled:
        lines = str(statement).strip().replace("\t", "    ").splitlines()
        parts.append("\n".join(line.rstrip() for line in lines) + ";\n")
    return "\n".join(parts)


def write() -> None:
    """Write the statements rendered from the models into this module."""
    path = Path(__file__)
    text = path.read_text(encoding="utf-8")
    start = text.index('SQLITE_SCRIPT = """\\\n') + len('SQLITE_SCRIPT = """\\\n')
    end = text.index('"""', start)
    path.write_text(text[:start] + render() + text[end:], encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            f"SQLITE_SCHEMA_VERSION = {SQLITE_SCHEMA_VERSION}\n",
            f"SQLITE_SCHEMA_VERSION = {SCHEMA_VERSION}\n",
        ),
        encoding="utf-8",
    )
