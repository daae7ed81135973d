"""SQLModel tables for every entity of SPEC §2. Points are stored as integer hundredths
(`*_c` columns) so that sums are exact on every database."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .version import SCHEMA_VERSION  # noqa: F401  (re-exported)


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Cluster(SQLModel, table=True):
    __tablename__ = "cluster"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    province: str = ""
    organiser: str = ""


class Unit(SQLModel, table=True):
    """A unit belongs to one cluster: the same code in two clusters is two units (SPEC §2).
    `name` is the latest name seen; what a year shows is the membership's name."""

    __tablename__ = "unit"
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id")
    code: str
    name: str
    short_name: str = ""
    aliases: str = ""  # newline-separated other spellings seen in sheets


class Membership(SQLModel, table=True):
    __tablename__ = "membership"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    rotation_order: int | None = None
    name: str = ""  # the unit's name as used that year: a later rename never changes it
    short_name: str = ""


class Leadership(SQLModel, table=True):
    __tablename__ = "leadership"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    head_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    deputy_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    how: str = "imported"  # elected / proposed / imported


class Criterion(SQLModel, table=True):
    __tablename__ = "criterion"
    __table_args__ = (UniqueConstraint("cluster_id", "year", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id")
    year: int
    code: str
    title: str
    parent_code: str | None = None
    section: str | None = None
    max_c: int | None = None
    kind: str = "base"  # base / bonus / deduction / veto
    order: int = 0


class Score(SQLModel, table=True):
    """Keyed by its natural key; on SQLite the table is clustered on it (WITHOUT ROWID), so a
    bulk import maintains one B-tree instead of a table plus a unique index."""

    __tablename__ = "score"
    __table_args__ = {"sqlite_with_rowid": False}
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    period: str = Field(primary_key=True)  # H1 / FY
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    criterion_id: int = Field(foreign_key="criterion.id", primary_key=True)
    layer: str = Field(primary_key=True)  # self / peer / agreed
    scorer: str = Field(default="", primary_key=True)  # scoring unit for the peer layer, else ""
    points_c: int
    note: str = ""


class Vote(SQLModel, table=True):
    __tablename__ = "vote"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    purpose: str = Field(primary_key=True)  # lead / flag / bang_khen / head / deputy
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    yes: int
    members: int
    present: int | None = None


class Commendation(SQLModel, table=True):
    __tablename__ = "commendation"
    __table_args__ = (
        UniqueConstraint("cluster_id", "year", "period", "recipient", "award", "unit_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int = Field(foreign_key="cluster.id")
    year: int
    period: str
    recipient: str
    award: str
    kind: str = "individual"  # individual / collective / household
    unit_id: int = Field(foreign_key="unit.id")
    position: str = ""
    is_leader: bool = False
    leader_inferred: bool = False
    gender: str = ""  # "Nam" / "Nữ" / ""
    ethnicity: str = ""
    ethnic_minority: bool = False
    title: str = ""
    decision_no: str = ""
    decision_date: date | None = None


class Result(SQLModel, table=True):
    __tablename__ = "result"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    period: str = Field(primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)
    self_total_c: int | None = None
    agreed_total_c: int | None = None
    base_c: int = 0
    bonus_c: int = 0
    deduction_c: int = 0
    total_c: int = 0
    rank: int = 0
    band: str = ""
    leader: bool = False
    proposal: str | None = None
    vetoed: bool = False
    provisional: bool = False
    missing: str = ""  # newline-separated criterion codes
    computed_at: datetime | None = None


class YearLock(SQLModel, table=True):
    """A finalised year: when, and the frozen snapshot (JSON) of everything its results and
    documents show (SPEC §4.4). Views of the year read the snapshot, never the live data."""

    __tablename__ = "year_lock"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    year: int = Field(primary_key=True)
    finalized_at: datetime
    snapshot: str | None = Field(default=None, sa_type=Text)


class ImportRecord(SQLModel, table=True):
    __tablename__ = "import_record"
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    file_name: str
    sha256: str
    sheet: str
    kind: str
    rows_new: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    forced: bool = False
    at: datetime


class AuditEvent(SQLModel, table=True):
    """Actions that bypass a guard (a forced import or re-rank of a finalised year)."""

    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    cluster_id: int | None = Field(default=None, foreign_key="cluster.id")
    year: int | None = None
    action: str
    detail: str = ""
    at: datetime


class RuleSetting(SQLModel, table=True):
    __tablename__ = "rule_setting"
    cluster_id: int = Field(foreign_key="cluster.id", primary_key=True)
    key: str = Field(primary_key=True)
    from_year: int = Field(primary_key=True)
    value: str
    source: str = ""


Index("ux_unit_cluster_code", Unit.cluster_id, Unit.code, unique=True)
Index("ix_criterion_year", Criterion.cluster_id, Criterion.year)
Index("ix_commendation_year", Commendation.cluster_id, Commendation.year)
