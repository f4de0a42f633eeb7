"""What the Admin page lists: users, agencies, working groups, objective roles and the audit log, as typed rows."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from dashboard.domain.effective import describe_agency_change, describe_group_change
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter
from dashboard.domain.reporting import first_reporting_quarter
from dashboard.services.admin import group_snapshot, roles_snapshot, user_snapshot
from models import Agency, AppUser, AuditEntry, Mission, Objective, WorkingGroup


@dataclass(frozen=True)
class UserRow:
    email: str
    role: str
    agencies: list[str]
    working_groups: list[str]
    disabled: bool
    local_password: bool
    locked_until: datetime | None
    bureau: str | None = None


@dataclass(frozen=True)
class AgencyRow:
    acronym: str
    name: str


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    chair: str | None
    members: list[str]
    objectives: list[str]


@dataclass(frozen=True)
class ObjectiveRoles:
    id: int
    code: str
    title: str
    lead: str | None
    contributing: list[str]


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    entity: str
    key: str
    before: str
    after: str


def list_users(session: Session) -> list[UserRow]:
    return [UserRow(**user_snapshot(session, u)) for u in session.exec(select(AppUser).order_by(AppUser.email)).all()]


def agencies(session: Session) -> list[AgencyRow]:
    return [AgencyRow(a.acronym, a.name) for a in session.exec(select(Agency).order_by(Agency.acronym))]


def working_groups(session: Session, mission_id: int) -> list[GroupRow]:
    groups = session.exec(select(WorkingGroup).where(WorkingGroup.mission_id == mission_id).order_by(WorkingGroup.name))
    return [GroupRow(id=g.id, **group_snapshot(session, g)) for g in groups]  # type: ignore[arg-type]


def objective_roles(session: Session, mission_id: int) -> list[ObjectiveRoles]:
    objectives = session.exec(select(Objective).where(Objective.mission_id == mission_id).order_by(Objective.position))
    return [
        ObjectiveRoles(id=o.id, code=o.code, title=o.title, **roles_snapshot(session, o.id))  # type: ignore[arg-type]
        for o in objectives
    ]


def audit_entries(session: Session, limit: int = 500) -> list[AuditRow]:
    rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    return [AuditRow(r.at, r.actor, r.action, r.entity, r.entity_key, r.before, r.after) for r in rows]


def effective_choices(mission: Mission, today: date) -> tuple[list[FiscalQuarter | None], int]:
    """The "effective from" picker's options and default index.

    None first ("every quarter", to correct a mistake), then each quarter from the mission's first reporting
    quarter to the end of the strategy (or the quarter after the one now reported, if later). The default is
    the quarter now being reported.
    """
    first = first_reporting_quarter(mission)
    now = reporting_quarter(today)
    last = max(FiscalQuarter(int(mission.strategy_end), 4), now.next())
    quarters = quarter_range(first, last)
    default = min(max(now, first), last)
    return [None, *quarters], 1 + quarters.index(default)


def effective_label(quarter: FiscalQuarter | None) -> str:
    return "Every quarter (correct a mistake)" if quarter is None else quarter.label


def _first(session: Session, mission_id: int) -> FiscalQuarter:
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError("mission: not found")
    return first_reporting_quarter(mission)


def preview_agency_change(
    session: Session, *, objective_id: int, lead: str | None, contributing: list[str], effective: FiscalQuarter | None
) -> str:
    """What saving these agencies on the objective from ``effective`` on will do, in one sentence. Reads only."""
    objective = session.get(Objective, objective_id)
    if objective is None:
        raise ValueError("objective: not found")
    before = roles_snapshot(session, objective_id, None if effective is None else effective.index)
    return describe_agency_change(
        code=objective.code,
        before_lead=before["lead"],
        before_contributing=before["contributing"],
        after_lead=lead,
        after_contributing=contributing,
        effective=effective,
        first=_first(session, objective.mission_id),
    )


def preview_group_change(
    session: Session,
    *,
    mission_id: int,
    group_id: int | None,
    name: str,
    objectives: list[str],
    effective: FiscalQuarter | None,
) -> str:
    """What saving these objectives on the working group from ``effective`` on will do, in one sentence. Reads only."""
    group = session.get(WorkingGroup, group_id) if group_id else None
    before = (
        group_snapshot(session, group, None if effective is None else effective.index)["objectives"] if group else []
    )
    if group is None and not objectives:
        return "Pick the objectives the new working group covers."
    return describe_group_change(
        name=name.strip() or "the new working group",
        before=before,
        after=objectives,
        effective=effective,
        first=_first(session, mission_id),
    )
