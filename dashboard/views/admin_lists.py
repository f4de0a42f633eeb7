"""What the Admin page lists: users, agencies, working groups, objective roles and the audit log, as typed rows."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from dashboard.services.admin import group_snapshot, roles_snapshot, user_snapshot
from models import Agency, AppUser, AuditEntry, Objective, WorkingGroup


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
