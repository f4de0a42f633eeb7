"""SQLModel tables. Shapes only: validation lives in models/schemas.py.

Table models do not validate on construction, so services build them with
``Table.model_validate(schema_instance)`` after the schema has checked the input.
Constraints are named so that Alembic batch migrations on SQLite keep them.
"""

from datetime import UTC, date, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, Text, UniqueConstraint, false, true
from sqlmodel import Field, SQLModel

from models.scales import (
    BUREAUS,
    AgencyRole,
    Direction,
    Frequency,
    ObjectiveKind,
    ReviewState,
    Role,
    check_sql,
    vocabulary_check,
)


def _checked(name: str) -> CheckConstraint:
    """A CHECK constraint derived from the vocabulary (models/scales.py VOCABULARY_CHECKS)."""
    return CheckConstraint(vocabulary_check(name), name=name)


DUE_DAYS_CHECK = "due_days BETWEEN 0 AND 365"
"""A mission's own due days: none, or at most a year after the quarter ends."""

SEND_HOUR_CHECK = "send_hour BETWEEN 0 AND 23"
"""The hour of the post's day from which reminders and digests go out."""


def utcnow() -> datetime:
    return datetime.now(UTC)


class Mission(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("country", name="uq_mission_country"),
        CheckConstraint(check_sql("bureau", BUREAUS), name="ck_mission_bureau"),
        CheckConstraint("reporting_from_quarter BETWEEN 1 AND 4", name="ck_mission_reporting_from_quarter"),
        CheckConstraint(DUE_DAYS_CHECK, name="ck_mission_due_days"),
        CheckConstraint(SEND_HOUR_CHECK, name="ck_mission_send_hour"),
    )

    id: int | None = Field(default=None, primary_key=True)
    country: str = Field(max_length=120)
    post: str = Field(max_length=200)
    strategy_start: int
    strategy_end: int
    approved_on: date | None = None
    updated_on: date | None = None
    source_sha256: str | None = Field(default=None, max_length=64)
    # How the mission's documents and briefs are marked (the document's own marking on import).
    release_marking: str = Field(default="FOR PUBLIC RELEASE", max_length=60)
    # The regional bureau (BUREAUS), for Washington's roll-up across missions.
    bureau: str | None = Field(default=None, max_length=3)
    # The first quarter anything is expected (default on import: the quarter after approval); bounds "missed".
    reporting_from_fy: int | None = None
    reporting_from_quarter: int | None = None
    # The post's time zone (an IANA name such as "America/Lima"); None: not set yet.
    time_zone: str | None = Field(default=None, max_length=60)
    # Days after a quarter ends that this mission's updates fall due; None: the deployment's ICS_DUE_DAYS.
    due_days: int | None = None
    # The mission visitors (and users without a home mission) open on; with none marked, the oldest mission.
    is_default: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    # The hour (0-23, in ``time_zone``) from which the day's reminders and digests go out.
    send_hour: int = Field(default=8, sa_column_kwargs={"server_default": "8"})


class Goal(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("mission_id", "code", name="uq_goal_mission_code"),)

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    code: str = Field(max_length=10)
    title: str = Field(sa_column=Column(Text, nullable=False))
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0


# A retired objective has both its retirement date and the quarter it stops being owed from; a current one neither.
RETIRED_CHECK = (
    "(retired_on IS NULL AND retired_from_qindex IS NULL)"
    " OR (retired_on IS NOT NULL AND retired_from_qindex IS NOT NULL)"
)


class Objective(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("mission_id", "code", name="uq_objective_mission_code"),
        _checked("ck_objective_kind"),
        CheckConstraint(RETIRED_CHECK, name="ck_objective_retired"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    code: str = Field(max_length=10)
    kind: str = Field(default=ObjectiveKind.MISSION.value, max_length=12)
    title: str = Field(sa_column=Column(Text, nullable=False))
    justification: str = Field(default="", sa_column=Column(Text, nullable=False))
    linkages: str = Field(default="", sa_column=Column(Text, nullable=False))
    risks: str = Field(default="", sa_column=Column(Text, nullable=False))
    position: int = 0
    # Set when a newer strategy document no longer has this objective: kept, with its history, but no longer owed
    # from quarter ``retired_from_qindex`` (a FiscalQuarter.index) on; earlier quarters still owe it.
    retired_on: date | None = None
    retired_from_qindex: int | None = None


class Agency(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("acronym", name="uq_agency_acronym"),)

    id: int | None = Field(default=None, primary_key=True)
    acronym: str = Field(max_length=20)
    name: str = Field(max_length=200)


# Effective-dated links: ``from_qindex``/``until_qindex`` are FiscalQuarter.index values, both inclusive.
# ``from_qindex`` 0 means "since the beginning"; ``until_qindex`` None means "still in effect".
SINCE_THE_BEGINNING = 0
# In DataFrames (not stored): the ``until_qindex`` of a range still in effect.
OPEN_END = 10**9
RANGE_CHECK = "until_qindex IS NULL OR until_qindex >= from_qindex"


class ObjectiveAgency(SQLModel, table=True):
    """An agency's role on an objective from one quarter to another: one lead, any number of contributors."""

    __tablename__ = "objective_agency"
    __table_args__ = (
        _checked("ck_objective_agency_role"),
        CheckConstraint(RANGE_CHECK, name="ck_objective_agency_range"),
    )

    objective_id: int = Field(foreign_key="objective.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    from_qindex: int = Field(default=SINCE_THE_BEGINNING, primary_key=True)
    role: str = Field(default=AgencyRole.CONTRIBUTING.value, max_length=12)
    until_qindex: int | None = None


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
    """A working group covers an objective from one quarter to another (see ObjectiveAgency for the range)."""

    __tablename__ = "working_group_objective"
    __table_args__ = (CheckConstraint(RANGE_CHECK, name="ck_working_group_objective_range"),)

    working_group_id: int = Field(foreign_key="working_group.id", primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", primary_key=True)
    from_qindex: int = Field(default=SINCE_THE_BEGINNING, primary_key=True)
    until_qindex: int | None = None


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
        _checked("ck_status_update_status"),
        _checked("ck_status_update_risk_level"),
        _checked("ck_status_update_state"),
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
    state: str = Field(default=ReviewState.SUBMITTED.value, max_length=10)
    author: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    revision: int = 1
    supersedes_id: int | None = Field(default=None, foreign_key="status_update.id")
    is_demo: bool = False


class Indicator(SQLModel, table=True):
    """An indicator's reference sheet. Retired, never deleted: its values and history stay readable."""

    __table_args__ = (
        UniqueConstraint("objective_id", "name", name="uq_indicator_objective_name"),
        _checked("ck_indicator_direction"),
        _checked("ck_indicator_frequency"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    code: str = Field(default="", max_length=20)  # "1.1.a": unique within a mission (the services check)
    name: str = Field(max_length=200)
    definition: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    unit: str = Field(default="", max_length=40)  # "number", "percent", "currency" or a label ("institutions")
    baseline: float
    baseline_fy: int | None = None  # the baseline is the value at the end (Q4) of this fiscal year
    # The last target of the strategy (kept for readers of one figure); every target is in indicator_target.
    target: float
    direction: str = Field(default=Direction.UP.value, max_length=4)
    calculation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    data_source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    collection_method: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    frequency: str = Field(default=Frequency.QUARTERLY.value, max_length=12)
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # the agency responsible for its values
    disaggregation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    data_quality: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    established_on: date | None = None
    reviewed_on: date | None = None
    retired_on: date | None = None
    is_demo: bool = False


class IndicatorTarget(SQLModel, table=True):
    """A target of an indicator: for a fiscal year (``quarter`` 0, its end) or an interim one for a quarter."""

    __tablename__ = "indicator_target"
    __table_args__ = (
        UniqueConstraint("indicator_id", "fiscal_year", "quarter", name="uq_indicator_target_quarter"),
        CheckConstraint("quarter BETWEEN 0 AND 4", name="ck_indicator_target_quarter"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    fiscal_year: int
    quarter: int = 0
    value: float


class IndicatorValue(SQLModel, table=True):
    """One revision of an indicator's value for a quarter. Append-only like status updates."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "fiscal_year", "quarter", "revision", name="uq_indicator_value_revision"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_indicator_value_quarter"),
        CheckConstraint("revision >= 1", name="ck_indicator_value_revision"),
    )

    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    fiscal_year: int
    quarter: int
    value: float | None = None  # None: not yet available (``note`` says why)
    author: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    is_demo: bool = False
    revision: int = 1
    status_update_id: int | None = Field(default=None, foreign_key="status_update.id")
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # the agency that reported it
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class ReviewEvent(SQLModel, table=True):
    """A chair's decision on one stored revision. Append-only: the newest event is the revision's state."""

    __tablename__ = "review_event"
    __table_args__ = (_checked("ck_review_event_decision"),)

    id: int | None = Field(default=None, primary_key=True)
    status_update_id: int = Field(foreign_key="status_update.id", index=True)
    decision: str = Field(max_length=10)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewer: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class UpdateDraft(SQLModel, table=True):
    """Work in progress on one agency's update for one quarter. Not a record: replaced on save, removed on submit."""

    __tablename__ = "update_draft"
    __table_args__ = (
        UniqueConstraint("objective_id", "agency_id", "fiscal_year", "quarter", name="uq_update_draft_key"),
        _checked("ck_update_draft_status"),
        _checked("ck_update_draft_risk_level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    objective_id: int = Field(foreign_key="objective.id", index=True)
    agency_id: int = Field(foreign_key="agency.id")
    fiscal_year: int
    quarter: int
    base_revision: int = 0
    status: str = Field(max_length=20)
    progress: int
    risk_level: str = Field(max_length=10)
    accomplishments: str = Field(default="", sa_column=Column(Text, nullable=False))
    challenges: str = Field(default="", sa_column=Column(Text, nullable=False))
    next_steps: str = Field(default="", sa_column=Column(Text, nullable=False))
    risk_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    indicator_values: str = Field(default="{}", sa_column=Column(Text, nullable=False))
    author: str = Field(max_length=254)
    saved_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class AppUser(SQLModel, table=True):
    """A person who may sign in. Matched by e-mail (stored lower-case) for both local and OIDC sign-in."""

    __tablename__ = "app_user"
    __table_args__ = (
        UniqueConstraint("email", name="uq_app_user_email"),
        _checked("ck_app_user_role"),
        CheckConstraint("failed_attempts >= 0", name="ck_app_user_failed_attempts"),
        CheckConstraint(check_sql("bureau", BUREAUS), name="ck_app_user_bureau"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    role: str = Field(default=Role.VIEWER.value, max_length=12)
    password_hash: str | None = Field(default=None, max_length=128)
    password_salt: str | None = Field(default=None, max_length=64)
    failed_attempts: int = 0
    last_failed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    # A bureau scope (BUREAUS): the user sees only that bureau's missions. None: every mission.
    bureau: str | None = Field(default=None, max_length=3)
    # The mission the user's pages open on (a link naming another still wins). None: the default mission.
    home_mission_id: int | None = Field(default=None, foreign_key="mission.id")
    # E-mail: the chair's daily digest of updates waiting for review (on unless turned off on the Account page),
    # the weekly summary of the quarter (off unless asked for), and reminders of one's own owed or returned
    # updates, which only an admin can turn off.
    review_digest: bool = Field(default=True, sa_column_kwargs={"server_default": true()})
    weekly_summary: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    reminders_off: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class UserAgency(SQLModel, table=True):
    """The agencies a user reports for, each at one mission: USAID at Lima is not USAID at Kathmandu."""

    __tablename__ = "user_agency"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", primary_key=True, index=True)


class UserWorkingGroup(SQLModel, table=True):
    """The working groups a chair reviews."""

    __tablename__ = "user_working_group"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True)
    working_group_id: int = Field(foreign_key="working_group.id", primary_key=True)


class AuditEntry(SQLModel, table=True):
    """Who changed what, when, with the before and after as JSON. Append-only."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=254)
    action: str = Field(max_length=60)
    entity: str = Field(max_length=40)
    entity_key: str = Field(max_length=200)
    before: str = Field(default="null", sa_column=Column(Text, nullable=False))
    after: str = Field(default="null", sa_column=Column(Text, nullable=False))


class StrategyVersion(SQLModel, table=True):
    """The texts of a mission's strategy (every goal's and objective's) after an import that changed them: version 1
    is the first, each later import that changes a text adds the next. Append-only: nothing is overwritten."""

    __tablename__ = "strategy_version"
    __table_args__ = (UniqueConstraint("mission_id", "version", name="uq_strategy_version"),)

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    version: int
    recorded_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=254)
    source_sha256: str = Field(default="", max_length=64)  # the imported document's, when there was one
    texts: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON: {"goals": {...}, "objectives": {...}}


class QuarterClose(SQLModel, table=True):
    """One closing or reopening of a mission's quarter. Append-only: the quarter is closed while its newest event
    is a close. A close holds the record of the quarter (``snapshot``, canonical JSON) and its SHA-256."""

    __tablename__ = "quarter_close"
    __table_args__ = (
        CheckConstraint("quarter BETWEEN 1 AND 4", name="ck_quarter_close_quarter"),
        CheckConstraint("action IN ('close', 'reopen')", name="ck_quarter_close_action"),
    )

    id: int | None = Field(default=None, primary_key=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    fiscal_year: int
    quarter: int
    action: str = Field(max_length=8)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    actor: str = Field(max_length=254)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    snapshot: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sha256: str = Field(default="", max_length=64)
    # The record's Missions roll-up rows and owed count, as canonical JSON: the roll-up reads them without
    # parsing whole records. ``quarter verify`` checks them against the record.
    figures: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class SignInThrottle(SQLModel, table=True):
    """Failed local sign-ins per (e-mail, client), for any e-mail typed, known or not.

    Both parts are stored as SHA-256 digests: the table never holds the e-mails a guesser typed. Keyed by
    client as well, so failures from one client never lock the account for anyone else.
    """

    __tablename__ = "sign_in_throttle"
    __table_args__ = (CheckConstraint("failures >= 0", name="ck_sign_in_throttle_failures"),)

    email_digest: str = Field(primary_key=True, max_length=64)
    client_digest: str = Field(primary_key=True, max_length=64)
    failures: int = 0
    last_failed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    locked_until: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))


class Outbox(SQLModel, table=True):
    """One e-mail message: decided by ``notify``, then sent. Its ``outbox_ref`` rows say what it tells its recipient
    about, each at most once per recipient: the same reminder is never queued twice. A run claims the messages it
    sends (``claim``, ``claimed_at``) so two runs never send one message; ``sent_at`` is set once it went out."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    mission_id: int | None = Field(default=None, foreign_key="mission.id", index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    recipient: str = Field(max_length=254)
    kind: str = Field(max_length=20)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    claim: str | None = Field(default=None, max_length=40)
    claimed_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True))
    attempts: int = 0
    last_error: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    sent_at: datetime | None = Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True))


class OutboxRef(SQLModel, table=True):
    """What a message tells its recipient about ("owed:3:8107:overdue-1", "returned:5120"): unique per recipient."""

    __tablename__ = "outbox_ref"
    __table_args__ = (UniqueConstraint("user_id", "ref", name="uq_outbox_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    outbox_id: int = Field(foreign_key="outbox.id", index=True)
    user_id: int = Field(foreign_key="app_user.id")
    ref: str = Field(max_length=120)
