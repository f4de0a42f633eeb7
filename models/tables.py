"""SQLModel tables. Shapes only: validation lives in models/schemas.py.

Table models do not validate on construction, so services build them with
``Table.model_validate(schema_instance)`` after the schema has checked the input.
Constraints are named so that Alembic batch migrations on SQLite keep them.
"""

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.scales import RISK_ORDER, STATUS_ORDER


def utcnow() -> datetime:
    return datetime.now(UTC)


def _in(column: str, values: list[str]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Mission(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("country", name="uq_mission_country"),)

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=120)
    post: str = Field(max_length=200)
    strategy_start: int
    strategy_end: int
    approved_on: date | None = None
    updated_on: date | None = None
    source_sha256: str | None = Field(default=None, max_length=64)


class Goal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("mission_id", "code", name="uq_goal_mission_code"),)

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    code: str = Field(max_length=10)
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0


class Objective(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("mission_id", "code", name="uq_objective_mission_code"),
        CheckConstraint("kind IN ('mission', 'management')", name="ck_objective_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    code: str = Field(max_length=10)
    kind: str = Field(default="mission", max_length=12)
    title: str = Field(sa_column=Column(Text, nullable=False))
    justification: str = Field(default="", sa_column=Column(Text, nullable=False))
    linkages: str = Field(default="", sa_column=Column(Text, nullable=False))
    risks: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0


class Agency(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("acronym", name="uq_agency_acronym"),)

    id: int | None = Field(default=None, primary_key=True)
    acronym: str = Field(max_length=20)
    name: str = Field(max_length=200)


class ObjectiveAgency(SQLModel, table=True):
    """An agency's role on an objective: one lead, any number of contributors."""

    __tablename__ = "objective_agency"
    __table_args__ = (CheckConstraint("role IN ('lead', 'contributing')", name="ck_objective_agency_role"),)

    objective_id: int = Field(foreign_key="objective.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    role: str = Field(default="contributing", max_length=12)


class WorkingGroup(SQLModel, table=True):
    __tablename__ = "working_group"
    __table_args__ = (UniqueConstraint("mission_id", "name", name="uq_working_group_mission_name"),)

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    name: str = Field(max_length=200)
    chair_agency_id: int | None = Field(default=None, foreign_key="agency.id")


class WorkingGroupAgency(SQLModel, table=True):
    __tablename__ = "working_group_agency"

    working_group_id: int = Field(foreign_key="working_group.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)


class WorkingGroupObjective(SQLModel, table=True):
    __tablename__ = "working_group_objective"

    working_group_id: int = Field(foreign_key="working_group.id", primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", primary_key=True)


class StatusUpdate(SQLModel, table=True):
    """One revision of one agency's update on one objective for one fiscal quarter.

    Append-only: a change is a new row with ``revision + 1`` and ``supersedes_id``
    pointing at the row it replaces.
    """

    __tablename__ = "status_update"
    __table_args__ = (
        UniqueConstraint(
            "objective_id", "agency_id", "fiscal_year", "quarter", "revision", name="uq_status_update_revision"
        ),
        CheckConstraint("progress >= 0 AND progress <= 100", name="ck_status_update_progress"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_status_update_quarter"),
        CheckConstraint(_in("status", STATUS_ORDER), name="ck_status_update_status"),
        CheckConstraint(_in("risk_level", RISK_ORDER), name="ck_status_update_risk_level"),
        CheckConstraint(
            "state IN ('draft', 'submitted', 'returned', 'approved')", name="ck_status_update_state"
        ),
        CheckConstraint("revision >= 1", name="ck_status_update_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    working_group_id: int | None = Field(default=None, foreign_key="working_group.id")
    fiscal_year: int = Field(index=True)
    quarter: int
    status: str = Field(max_length=20)
    progress: int
    risk_level: str = Field(max_length=10)
    accomplishments: str = Field(default="", sa_column=Column(Text, nullable=False))
    challenges: str = Field(default="", sa_column=Column(Text, nullable=False))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False))
    risk_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    state: str = Field(default="submitted", max_length=10)
    author: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    revision: int = 1
    supersedes_id: int | None = Field(default=None, foreign_key="status_update.id")
    is_demo: bool = False


class Indicator(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("objective_id", "name", name="uq_indicator_objective_name"),
        CheckConstraint("direction IN ('up', 'down')", name="ck_indicator_direction"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    name: str = Field(max_length=200)
    unit: str = Field(default="", max_length=40)
    baseline: float
    target: float
    direction: str = Field(default="up", max_length=4)
    is_demo: bool = False


class IndicatorValue(SQLModel, table=True):
    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "fiscal_year", "quarter", name="uq_indicator_value_quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_indicator_value_quarter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    fiscal_year: int
    quarter: int
    value: float
    author: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    is_demo: bool = False
