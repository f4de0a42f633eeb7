"""Admin changes: users and roles, agencies, working groups and objective roles. Every change is audited.

Plain functions taking a session and the acting user's e-mail, keyword-only. Each
re-reads the actor inside the caller's ``write_session`` and refuses non-admins,
then writes one ``audit_log`` row with the before and after as JSON.
"""

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from dashboard.domain.actor import AccessDenied, looks_like_email
from dashboard.domain.actor import require_admin as _require_admin
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import sign_in
from dashboard.services.access import acting, find_user, normalise_email
from dashboard.services.passwords import check_password_rules, hash_password
from dashboard.store.roles import held_at
from models import (
    Agency,
    AgencyCreate,
    AppUser,
    AuditEntry,
    Mission,
    Objective,
    ObjectiveAgency,
    Role,
    UserAgency,
    UserWorkingGroup,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
)
from models.scales import BUREAUS
from models.tables import SINCE_THE_BEGINNING

ROLES = [r.value for r in Role]


# Admin changes take this PostgreSQL lock first, one at a time (SQLite's BEGIN IMMEDIATE already does), so the
# actor's rights and the last-admin check are read after any concurrent admin change has committed.
ADMIN_LOCK_ID = 724032


def _admin(session: Session, actor_email: str | None) -> str:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADMIN_LOCK_ID})
    actor = acting(session, actor_email)
    _require_admin(actor)
    return actor.label


def audit(session: Session, *, actor: str, action: str, entity: str, key: str, before: Any, after: Any) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity=entity,
            entity_key=key[:200],
            before=json.dumps(before, sort_keys=True, default=str),
            after=json.dumps(after, sort_keys=True, default=str),
        )
    )


def _agency_ids(session: Session, acronyms: list[str]) -> dict[str, int]:
    """Upper-case acronym -> agency id for each given acronym (any case); ValueError naming the unknown ones."""
    wanted = [a.strip() for a in acronyms if a.strip()]
    rows = session.exec(select(Agency)).all()
    by_upper = {a.acronym.upper(): a for a in rows}
    unknown = [a for a in wanted if a.upper() not in by_upper]
    if unknown:
        known = ", ".join(sorted(a.acronym for a in rows))
        raise ValueError(f"agency: unknown {', '.join(unknown)} (known: {known})")
    return {a.upper(): by_upper[a.upper()].id for a in wanted}  # type: ignore[misc]


def _group_ids(session: Session, names: list[str], mission_id: int | None = None) -> dict[str, int]:
    """Group name -> id for each given name (exact, else a unique prefix), among ``mission_id``'s groups (None:
    every mission's); ValueError naming an unknown or ambiguous one."""
    wanted = [n.strip() for n in names if n.strip()]
    query = select(WorkingGroup)
    rows = session.exec(query if mission_id is None else query.where(WorkingGroup.mission_id == mission_id)).all()
    found: dict[str, int] = {}
    for name in wanted:
        match = [g for g in rows if g.name.lower() == name.lower()] or [
            g for g in rows if g.name.lower().startswith(name.lower())
        ]
        if len(match) != 1:
            known = "; ".join(g.name for g in rows)
            problem = "unknown" if not match else "ambiguous"
            raise ValueError(f"working group: {problem} {name!r} (known: {known})")
        assert match[0].id is not None
        found[match[0].name] = match[0].id
    return found


def _bindings(session: Session, user_id: int | None) -> list[tuple[str, str]]:
    """(post, acronym) of each agency the user reports for, by post then acronym."""
    rows = session.exec(
        select(Mission.post, Agency.acronym)
        .join(UserAgency, col(UserAgency.agency_id) == Agency.id)
        .join(Mission, col(Mission.id) == UserAgency.mission_id)
        .where(UserAgency.user_id == user_id)
    ).all()
    return sorted((str(post), str(acronym)) for post, acronym in rows)


def agencies_by_post(session: Session, user: AppUser) -> dict[str, list[str]]:
    """Post -> the acronyms the user reports for there."""
    by_post: dict[str, list[str]] = {}
    for post, acronym in _bindings(session, user.id):
        by_post.setdefault(post, []).append(acronym)
    return by_post


def user_snapshot(session: Session, user: AppUser) -> dict[str, Any]:
    """The user as the audit log and the lists show them. With several missions each agency names its post."""
    bindings = _bindings(session, user.id)
    several = len(session.exec(select(Mission.id).limit(2)).all()) > 1
    agencies = sorted(f"{acronym} at {post}" if several else acronym for post, acronym in bindings)
    groups = session.exec(
        select(WorkingGroup.name)
        .join(UserWorkingGroup, col(UserWorkingGroup.working_group_id) == WorkingGroup.id)
        .where(UserWorkingGroup.user_id == user.id)
    ).all()
    return {
        "email": user.email,
        "role": user.role,
        "agencies": agencies,
        "working_groups": sorted(groups),
        "bureau": user.bureau,
        "disabled": user.disabled,
        "local_password": user.password_hash is not None,
        "locked_until": sign_in.locked_until(session, user.email),
    }


def _check_role(role: str, agencies: dict[str, int] | int, groups: dict[str, int] | int) -> None:
    if role not in ROLES:
        raise ValueError(f"role: must be one of {', '.join(ROLES)}")
    if role == Role.CONTRIBUTOR and not agencies:
        raise ValueError("agency: a contributor needs at least one agency to report for")
    if role == Role.CHAIR and not groups:
        raise ValueError("working group: a chair needs at least one working group to review")


def _active_admins(session: Session) -> int:
    return len(session.exec(select(AppUser.id).where(AppUser.role == Role.ADMIN, AppUser.disabled == False)).all())  # noqa: E712


def _binding_mission(session: Session, mission_id: int | None) -> int:
    """The mission agencies are bound at: the one given, or the only one."""
    if mission_id is not None:
        if session.get(Mission, mission_id) is None:
            raise ValueError(f"mission: no mission {mission_id}")
        return mission_id
    ids = session.exec(select(Mission.id)).all()
    if not ids:
        raise ValueError("agency: there is no mission to report at yet: import a strategy first")
    if len(ids) > 1:
        raise ValueError("mission: there are several missions: say at which one the user reports for these agencies")
    return int(ids[0])  # type: ignore[arg-type]


def _chaired(session: Session, user_id: int | None, groups: dict[str, int] | None, mission_id: int | None) -> int:
    """How many working groups the user will chair: ``groups`` (at ``mission_id``; None: as now) and the rest."""
    now = set(session.exec(select(UserWorkingGroup.working_group_id).where(UserWorkingGroup.user_id == user_id)).all())
    if groups is None:
        return len(now)
    if mission_id is not None:
        here = set(session.exec(select(WorkingGroup.id).where(WorkingGroup.mission_id == mission_id)).all())
        return len((now - here) | set(groups.values()))
    return len(groups)


def _other_posts(session: Session, user_id: int | None, mission_id: int) -> int:
    """How many agency bindings the user has at other missions."""
    rows = session.exec(
        select(UserAgency.agency_id).where(UserAgency.user_id == user_id, UserAgency.mission_id != mission_id)
    ).all()
    return len(rows)


def _set_links(
    session: Session,
    user_id: int,
    agencies: dict[str, int] | None,
    groups: dict[str, int] | None,
    mission_id: int | None,
) -> None:
    """Replace the user's agencies at ``mission_id`` and working groups (those of ``mission_id``; all when it is
    None); None leaves that kind of link as it is."""
    if agencies is not None and mission_id is not None:
        for row in session.exec(
            select(UserAgency).where(UserAgency.user_id == user_id, UserAgency.mission_id == mission_id)
        ).all():
            session.delete(row)
    if groups is not None:
        query = select(UserWorkingGroup).where(UserWorkingGroup.user_id == user_id)
        if mission_id is not None:
            here = select(WorkingGroup.id).where(WorkingGroup.mission_id == mission_id)
            query = query.where(col(UserWorkingGroup.working_group_id).in_(here))
        for row in session.exec(query).all():
            session.delete(row)
    session.flush()
    for agency_id in (agencies or {}).values():
        session.add(UserAgency(user_id=user_id, agency_id=agency_id, mission_id=mission_id))
    for group_id in (groups or {}).values():
        session.add(UserWorkingGroup(user_id=user_id, working_group_id=group_id))


def _check_bureau(bureau: str | None) -> str | None:
    """A bureau scope: one of BUREAUS, or None (every mission). An empty string also means every mission."""
    if bureau is None or not bureau.strip():
        return None
    code = bureau.strip().upper()
    if code not in BUREAUS:
        raise ValueError(f"bureau: {bureau!r} is not a regional bureau (one of {', '.join(BUREAUS)})")
    return code


def add_user(
    *,
    session: Session,
    actor_email: str | None,
    email: str,
    role: str,
    agencies: Sequence[str] = (),
    groups: Sequence[str] = (),
    password: str | None = None,
    bureau: str | None = None,
    mission_id: int | None = None,
) -> AppUser:
    """Create a user. ``password`` None means the user signs in through OIDC only (or gets one later).
    ``bureau`` scopes what the user sees to one regional bureau's missions (None: every mission). The
    ``agencies`` are bound at ``mission_id`` (None: the only mission)."""
    who = _admin(session, actor_email)
    email = normalise_email(email)
    if not looks_like_email(email):
        raise ValueError(f"email: {email!r} is not an e-mail address")
    if find_user(session, email) is not None:
        raise ValueError(f"email: {email} already has an account (change it instead)")
    agency_ids = _agency_ids(session, list(agencies))
    group_ids = _group_ids(session, list(groups), mission_id)
    _check_role(role, agency_ids, group_ids)
    at = _binding_mission(session, mission_id) if agency_ids else mission_id
    user = AppUser(email=email, role=role, bureau=_check_bureau(bureau))
    if password is not None:
        check_password_rules(password)
        user.password_hash, user.password_salt = hash_password(password)
    session.add(user)
    session.flush()
    assert user.id is not None
    _set_links(session, user.id, agency_ids, group_ids, at)
    session.flush()
    audit(
        session, actor=who, action="add user", entity="user", key=email, before=None, after=user_snapshot(session, user)
    )
    return user


def update_user(
    *,
    session: Session,
    actor_email: str | None,
    email: str,
    role: str | None = None,
    agencies: list[str] | None = None,
    groups: list[str] | None = None,
    disabled: bool | None = None,
    bureau: str | None = None,
    mission_id: int | None = None,
) -> AppUser:
    """Change a user's role, bindings, bureau scope or disabled flag. Refuses to leave the database without an
    active admin. ``bureau`` None leaves the scope as it is; an empty string removes it (every mission).
    ``agencies`` replaces the user's agencies at ``mission_id`` (None: the only mission) and leaves those at
    other missions; None leaves every agency as it is."""
    who = _admin(session, actor_email)
    user = find_user(session, email)
    if user is None:
        raise ValueError(f"email: no account for {normalise_email(email)}")
    assert user.id is not None
    before = user_snapshot(session, user)
    new_role = role if role is not None else user.role
    agency_ids = _agency_ids(session, agencies) if agencies is not None else None
    at = _binding_mission(session, mission_id) if agencies is not None else None
    group_ids = _group_ids(session, groups, mission_id) if groups is not None else None
    if agency_ids is None:
        held = len(_bindings(session, user.id))
    else:
        held = len(agency_ids) + _other_posts(session, user.id, at)  # type: ignore[arg-type]
    _check_role(new_role, held, _chaired(session, user.id, group_ids, mission_id))
    was_active_admin = user.role == Role.ADMIN and not user.disabled
    user.role = new_role
    if bureau is not None:
        user.bureau = _check_bureau(bureau)
    if disabled is not None:
        user.disabled = disabled
    session.add(user)
    session.flush()
    if was_active_admin and not (user.role == Role.ADMIN and not user.disabled) and _active_admins(session) == 0:
        raise AccessDenied("This is the last active admin: make someone else an admin first.")
    _set_links(session, user.id, agency_ids, group_ids, at if at is not None else mission_id)
    session.flush()
    after = user_snapshot(session, user)
    if after != before:
        audit(session, actor=who, action="change user", entity="user", key=user.email, before=before, after=after)
    return user


def set_password(*, session: Session, actor_email: str | None, email: str, password: str) -> None:
    """Set a local password and clear any lock. The audit records that it changed, never the hash."""
    who = _admin(session, actor_email)
    user = find_user(session, email)
    if user is None:
        raise ValueError(f"email: no account for {normalise_email(email)}")
    check_password_rules(password)
    user.password_hash, user.password_salt = hash_password(password)
    sign_in.clear_locks(session, user.email)
    session.add(user)
    audit(
        session,
        actor=who,
        action="set password",
        entity="user",
        key=user.email,
        before={"password": "(not recorded)"},
        after={"password": "changed", "lock": "cleared"},
    )


def save_agency(*, session: Session, actor_email: str | None, acronym: str, name: str) -> Agency:
    """Add an agency, or rename the one with this acronym."""
    who = _admin(session, actor_email)
    data = AgencyCreate(acronym=acronym, name=name)
    agency = session.exec(select(Agency).where(col(Agency.acronym).ilike(data.acronym))).first()
    before = None if agency is None else {"acronym": agency.acronym, "name": agency.name}
    if agency is None:
        agency = Agency.model_validate(data)
    else:
        agency.name = data.name
    session.add(agency)
    session.flush()
    after = {"acronym": agency.acronym, "name": agency.name}
    if after != before:
        action = "add agency" if before is None else "rename agency"
        audit(session, actor=who, action=action, entity="agency", key=agency.acronym, before=before, after=after)
    return agency


def _held(table: type[ObjectiveAgency] | type[WorkingGroupObjective], at: int | None) -> tuple[Any, ...]:
    """Rows in effect in quarter index ``at``; None = the latest arrangement (the rows still open-ended)."""
    return (col(table.until_qindex).is_(None),) if at is None else held_at(table, at)


def _effective_index(effective: FiscalQuarter | None) -> int:
    if effective is None:
        return SINCE_THE_BEGINNING
    if not 2000 <= effective.fiscal_year <= 2100:
        raise ValueError(f"effective: {effective.label} is not a quarter this dashboard reports on")
    return effective.index


def _reschedule(session: Session, rows: Sequence[Any], wanted: Sequence[Any], key: Any, start: int) -> list[Any]:
    """Make ``wanted`` (keys) hold from quarter index ``start`` on, leaving every earlier quarter as it was.

    Rows starting at or after ``start`` never took effect and are deleted; rows in effect at ``start`` are
    closed at the quarter before, except an open-ended row that stays as it is. Returns the keys to add.
    """
    kept = set()
    for row in rows:
        if row.from_qindex >= start:
            session.delete(row)
        elif row.until_qindex is not None and row.until_qindex < start:
            continue  # history: untouched
        elif row.until_qindex is None and key(row) in wanted and key(row) not in kept:
            kept.add(key(row))
        else:
            row.until_qindex = start - 1
            session.add(row)
    session.flush()
    return [k for k in wanted if k not in kept]


def group_snapshot(session: Session, group: WorkingGroup, at: int | None = None) -> dict[str, Any]:
    chair = session.get(Agency, group.chair_agency_id) if group.chair_agency_id else None
    members = session.exec(
        select(Agency.acronym)
        .join(WorkingGroupAgency, col(WorkingGroupAgency.agency_id) == Agency.id)
        .where(WorkingGroupAgency.working_group_id == group.id)
    ).all()
    objectives = session.exec(
        select(Objective.code)
        .join(WorkingGroupObjective, col(WorkingGroupObjective.objective_id) == Objective.id)
        .where(WorkingGroupObjective.working_group_id == group.id, *_held(WorkingGroupObjective, at))
    ).all()
    return {
        "name": group.name,
        "chair": chair.acronym if chair else None,
        "members": sorted(members),
        "objectives": sorted(objectives),
    }


def save_working_group(
    *,
    session: Session,
    actor_email: str | None,
    mission_id: int,
    name: str,
    chair: str | None,
    members: list[str],
    objectives: list[str],
    group_id: int | None = None,
    effective: FiscalQuarter | None = None,
) -> WorkingGroup:
    """Create a working group (``group_id`` None) or replace its name, chair agency, members and objectives.

    The objectives change from quarter ``effective`` on; earlier quarters keep the ones they had. ``effective``
    None rewrites every quarter (a correction). The name, chair and members change at once.
    """
    who = _admin(session, actor_email)
    start = _effective_index(effective)
    at = None if effective is None else start
    name = name.strip()
    if not name or len(name) > 200:
        raise ValueError("name: is required (at most 200 characters)")
    agency_ids = _agency_ids(session, [*members, *([chair] if chair else [])])
    codes = {o.code: o for o in session.exec(select(Objective).where(Objective.mission_id == mission_id)).all()}
    unknown = [c for c in objectives if c not in codes]
    if unknown:
        raise ValueError(f"objectives: unknown {', '.join(unknown)}")
    if group_id is None:
        group = WorkingGroup(mission_id=mission_id, name=name)
        before = None
    else:
        found = session.get(WorkingGroup, group_id)
        if found is None or found.mission_id != mission_id:
            raise ValueError("working group: not found")
        group = found
        before = group_snapshot(session, group, at)
    clash = session.exec(
        select(WorkingGroup).where(WorkingGroup.mission_id == mission_id, WorkingGroup.name == name)
    ).first()
    if clash is not None and clash.id != group.id:
        raise ValueError(f"name: a working group called {name!r} already exists")
    group.name = name
    group.chair_agency_id = agency_ids[chair.strip().upper()] if chair else None
    session.add(group)
    session.flush()
    for row in session.exec(select(WorkingGroupAgency).where(WorkingGroupAgency.working_group_id == group.id)).all():
        session.delete(row)
    session.flush()
    assert group.id is not None
    for acronym in dict.fromkeys(members):
        session.add(WorkingGroupAgency(working_group_id=group.id, agency_id=agency_ids[acronym.strip().upper()]))
    links = session.exec(select(WorkingGroupObjective).where(WorkingGroupObjective.working_group_id == group.id)).all()
    wanted = [codes[code].id for code in dict.fromkeys(objectives)]
    for objective_id in _reschedule(session, links, wanted, lambda r: r.objective_id, start):
        session.add(WorkingGroupObjective(working_group_id=group.id, objective_id=objective_id, from_qindex=start))
    session.flush()
    after = group_snapshot(session, group, at)
    if after != before:
        action = "add working group" if before is None else "change working group"
        if effective is not None and (before is None or after["objectives"] != before["objectives"]):
            after["objectives_from"] = effective.label
        audit(session, actor=who, action=action, entity="working group", key=group.name, before=before, after=after)
    return group


def roles_snapshot(session: Session, objective_id: int, at: int | None = None) -> dict[str, Any]:
    """The objective's lead and contributing agencies in quarter index ``at`` (None = the latest arrangement)."""
    rows = session.exec(
        select(Agency.acronym, ObjectiveAgency.role)
        .join(ObjectiveAgency, col(ObjectiveAgency.agency_id) == Agency.id)
        .where(ObjectiveAgency.objective_id == objective_id, *_held(ObjectiveAgency, at))
    ).all()
    return {
        "lead": next((a for a, r in rows if r == "lead"), None),
        "contributing": sorted(a for a, r in rows if r == "contributing"),
    }


def set_objective_agencies(
    *,
    session: Session,
    actor_email: str | None,
    objective_id: int,
    lead: str | None,
    contributing: list[str],
    effective: FiscalQuarter | None = None,
) -> None:
    """Set an objective's lead and contributing agencies from quarter ``effective`` on.

    Earlier quarters keep the agencies they had, so their expected and missing figures never change.
    ``effective`` None rewrites every quarter (a correction of a mistake). Status updates are never touched.
    """
    who = _admin(session, actor_email)
    start = _effective_index(effective)
    at = None if effective is None else start
    objective = session.get(Objective, objective_id)
    if objective is None:
        raise ValueError("objective: not found")
    contributing = [c for c in dict.fromkeys(contributing) if not lead or c.upper() != lead.upper()]
    found = _agency_ids(session, [*contributing, *([lead] if lead else [])])
    before = roles_snapshot(session, objective_id, at)
    wanted = ([(found[lead.strip().upper()], "lead")] if lead else []) + [
        (found[acronym.strip().upper()], "contributing") for acronym in contributing
    ]
    rows = session.exec(select(ObjectiveAgency).where(ObjectiveAgency.objective_id == objective_id)).all()
    for agency_id, role in _reschedule(session, rows, wanted, lambda r: (r.agency_id, r.role), start):
        session.add(ObjectiveAgency(objective_id=objective_id, agency_id=agency_id, role=role, from_qindex=start))
    session.flush()
    after = roles_snapshot(session, objective_id, at)
    if after != before:
        if effective is not None:
            after["from"] = effective.label
        audit(
            session,
            actor=who,
            action="change objective agencies",
            entity="objective",
            key=objective.code,
            before=before,
            after=after,
        )
