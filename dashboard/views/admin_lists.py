"""What the Admin page lists: users, agencies, working groups, objective roles and the audit log, as typed rows."""

import json
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlmodel import Session, col, select

from dashboard.domain.effective import describe_agency_change, describe_group_change
from dashboard.domain.fiscal import FiscalQuarter, quarter_range, reporting_quarter
from dashboard.domain.reporting import due_date, first_open_quarter, first_reporting_quarter, mission_due_days
from dashboard.services.admin import agencies_by_post, group_snapshot, roles_snapshot, user_snapshot
from dashboard.services.missions import is_default
from models import Agency, AppUser, AuditEntry, Mission, Objective, ObjectiveAgency, StatusUpdate, WorkingGroup
from models.scales import BUREAUS, RECEIVED_STATES
from models.tables import SINCE_THE_BEGINNING


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
    home: str | None = None  # the home mission's country
    agencies_by_post: dict[str, list[str]] = field(default_factory=dict)
    home_mission_id: int | None = None

    def agencies_at(self, post: str) -> list[str]:
        return self.agencies_by_post.get(post, [])


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
    return [
        UserRow(
            **user_snapshot(session, u),
            agencies_by_post=agencies_by_post(session, u),
            home_mission_id=u.home_mission_id,
        )
        for u in session.exec(select(AppUser).order_by(AppUser.email)).all()
    ]


def post_name(session: Session, mission_id: int) -> str:
    mission = session.get(Mission, mission_id)
    return mission.post if mission is not None else "this post"


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
    default = min(max(first_open_quarter(today), first), last)
    return [None, *quarters], 1 + quarters.index(default)


def change_impact(
    session: Session,
    *,
    objective_id: int,
    lead: str | None,
    contributing: list[str],
    effective: FiscalQuarter | None,
    today: date,
    due_days: int,
) -> list[str]:
    """What a change of an objective's agencies does to reporting already under way, one sentence each: reports
    already received that stop counting, and agencies that are overdue from the moment it is saved."""
    start = SINCE_THE_BEGINNING if effective is None else effective.index
    held = session.exec(
        select(Agency.acronym, ObjectiveAgency.from_qindex, ObjectiveAgency.until_qindex)
        .join(ObjectiveAgency, col(ObjectiveAgency.agency_id) == Agency.id)
        .where(ObjectiveAgency.objective_id == objective_id)
    ).all()
    after = {a.upper() for a in [*([lead] if lead else []), *contributing]}
    reports = session.exec(
        select(Agency.acronym, StatusUpdate.fiscal_year, StatusUpdate.quarter)
        .join(StatusUpdate, col(StatusUpdate.agency_id) == Agency.id)
        .where(StatusUpdate.objective_id == objective_id, col(StatusUpdate.state).in_(RECEIVED_STATES))
    ).all()
    received = {(acr.upper(), FiscalQuarter(y, q)) for acr, y, q in reports}
    lines = []
    for acronym, quarter in sorted(received, key=lambda r: (r[1].index, r[0])):
        if quarter.index >= start and acronym not in after:
            lines.append(f"{acronym}'s report for {quarter.label}, already received, stops counting.")
    first = first_reporting_quarter(_mission_of(session, objective_id))
    owed = [
        q
        for q in quarter_range(max(effective or first, first), reporting_quarter(today))
        if due_date(q, due_days) < today
    ]
    was = {acr.upper() for acr, _, until in held if until is None or until >= start}
    for acronym in sorted(after - was):
        late = [q for q in owed if (acronym, q) not in received]
        if late:
            lines.append(
                f"{acronym} is overdue at once for {', '.join(q.label for q in late[-3:])}"
                + (f" and {len(late) - 3} earlier quarters" if len(late) > 3 else "")
                + f" ({(today - due_date(late[-1], due_days)).days} days late for {late[-1].label})."
            )
    return lines


def _mission_of(session: Session, objective_id: int) -> Mission:
    objective = session.get(Objective, objective_id)
    mission = session.get(Mission, objective.mission_id) if objective else None
    if mission is None:
        raise ValueError("objective: not found")
    return mission


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


def users_frame(users: list[UserRow]) -> pd.DataFrame:
    """The users as a table: e-mail, role, agencies, the working groups they chair, the mission their pages open on
    (blank: where visitors open), and how they sign in."""

    def sign_in(user: UserRow) -> str:
        if user.disabled:
            return "disabled"
        return "password" if user.local_password else "single sign-on"

    return pd.DataFrame(
        [
            (u.email, u.role, ", ".join(u.agencies), "; ".join(u.working_groups), u.home or "", sign_in(u))
            for u in users
        ],
        columns=["E-mail", "Role", "Agencies", "Working groups", "Home", "Sign-in"],
    )


def groups_frame(groups: list[GroupRow]) -> pd.DataFrame:
    """The mission's working groups as a table: name, chair, members and the objectives each covers."""
    return pd.DataFrame(
        [(g.name, g.chair or "—", ", ".join(g.members), ", ".join(g.objectives)) for g in groups],
        columns=["Working group", "Chair agency", "Member agencies", "Objectives"],
    )


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items()) or "none"
    return str(value)


def _loaded(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def change_text(before: str, after: str) -> str:
    """An audit entry's before and after (JSON) as one readable line per changed field.

    E.g. ``role: contributor → chair`` and ``agencies: + DEA, − USAID``; a created or removed record lists
    its fields. Fields that did not change are left out.
    """
    old, new = _loaded(before), _loaded(after)
    if not isinstance(old, dict) and not isinstance(new, dict):
        return "" if old == new else f"{_shown(old)} → {_shown(new)}"
    if not isinstance(old, dict):
        return "created: " + "; ".join(f"{k}: {_shown(v)}" for k, v in new.items() if v not in (None, [], ""))
    if not isinstance(new, dict):
        return "removed: " + "; ".join(f"{k}: {_shown(v)}" for k, v in old.items() if v not in (None, [], ""))
    lines = []
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if isinstance(was, list) and isinstance(now, list):
            added = [f"+ {v}" for v in now if v not in was]
            removed = [f"− {v}" for v in was if v not in now]
            lines.append(f"{name}: " + ", ".join(added + removed))
        else:
            lines.append(f"{name}: {_shown(was)} → {_shown(now)}")
    return "\n".join(lines) or "no change"


def audit_frame(rows: list[AuditRow], search: str = "") -> pd.DataFrame:
    """The audit log as a readable table, newest first, keeping the rows whose actor, action, record or change
    contains ``search`` (case-insensitive; at most 200 characters are used)."""
    frame = pd.DataFrame(
        [(f"{r.at:%Y-%m-%d %H:%M}", r.actor, f"{r.action}: {r.key}", change_text(r.before, r.after)) for r in rows],
        columns=["When (UTC)", "Who", "Action", "Change"],
    )
    needle = search.strip().casefold()[:200]
    if needle:
        text = frame["Who"] + "\n" + frame["Action"] + "\n" + frame["Change"]
        frame = frame[text.str.casefold().str.contains(needle, regex=False)]
    return frame.reset_index(drop=True)


BUREAU_CHOICES = ["", *BUREAUS]  # "" is no bureau scope: every mission
RELEASE_MARKINGS = ["FOR PUBLIC RELEASE", "UNCLASSIFIED", "SENSITIVE BUT UNCLASSIFIED"]
"""The markings ICS documents carry; the settings panel offers them and takes any other typed."""
QUARTERS_AROUND = 2
"""The first-quarter chooser offers the strategy's quarters and this many years either side (refused on save)."""


@dataclass(frozen=True)
class MissionForm:
    """What the mission settings panel starts from, and its choices."""

    id: int
    country: str
    post: str
    bureau: str | None
    strategy_start: int
    strategy_end: int
    first_quarter: FiscalQuarter
    quarters: list[FiscalQuarter]
    release_marking: str
    markings: list[str]
    time_zone: str | None
    send_hour: int
    due_days: int  # in effect: the mission's own, else the deployment's
    own_due_days: bool
    deployment_due_days: int
    default: bool


def mission_form(session: Session, mission_id: int, deployment_due_days: int) -> MissionForm:
    """The mission's settings as the Admin page's panel shows them (``deployment_due_days``: ICS_DUE_DAYS)."""
    mission = session.get(Mission, mission_id)
    if mission is None:
        raise ValueError("mission: not found")
    first = first_reporting_quarter(mission)
    around = quarter_range(
        FiscalQuarter(min(mission.strategy_start, first.fiscal_year) - QUARTERS_AROUND, 1),
        FiscalQuarter(max(mission.strategy_end, first.fiscal_year) + QUARTERS_AROUND, 4),
    )
    return MissionForm(
        id=mission_id,
        country=mission.country,
        post=mission.post,
        bureau=mission.bureau,
        strategy_start=mission.strategy_start,
        strategy_end=mission.strategy_end,
        first_quarter=first,
        quarters=around,
        release_marking=mission.release_marking,
        markings=list(dict.fromkeys([*RELEASE_MARKINGS, mission.release_marking])),
        time_zone=mission.time_zone,
        send_hour=mission.send_hour,
        due_days=mission_due_days(mission.due_days, deployment_due_days),
        own_due_days=mission.due_days is not None,
        deployment_due_days=deployment_due_days,
        default=is_default(session, mission),
    )


def time_zones() -> list[str]:
    """Every IANA time zone name, sorted: the settings panel's choices."""
    return sorted(zoneinfo.available_timezones())


def mission_choices(session: Session) -> dict[int, str]:
    """Every mission as the user forms' home-mission chooser names it: "Peru (Embassy Lima)", by country."""
    return {int(m.id): f"{m.country} ({m.post})" for m in session.exec(select(Mission).order_by(Mission.country))}  # type: ignore[arg-type]


def bureau_label(code: str) -> str:
    """How the user form names a bureau scope: "WHA (Western Hemisphere)", or "Every mission"."""
    return f"{code} ({BUREAUS[code]})" if code else "Every mission"
