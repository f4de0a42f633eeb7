"""A post set up in one step: agencies, objective roles, working groups and users from one setup file
(``formats.setup_file``), checked whole before anything is written, applied through the same admin services
as the forms (so every change is validated and audited), and written back for a lossless round trip.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from dashboard.domain.actor import AccessDenied, looks_like_email
from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
from dashboard.formats.setup_file import AgencyEntry, GroupEntry, ObjectiveEntry, PostSetup, UserEntry
from dashboard.services import admin
from dashboard.services.access import find_user, normalise_email
from dashboard.store.database import write_session
from models import (
    Agency,
    AppUser,
    AuditEntry,
    Mission,
    Objective,
    Role,
    StatusUpdate,
    UserAgency,
    UserWorkingGroup,
    WorkingGroup,
)
from models.scales import BUREAUS


class SetupError(ValueError):
    """A setup file that cannot be applied; the message names the row and is shown as is."""


@dataclass(frozen=True)
class Change:
    """One change the setup makes, as the audit log records it."""

    action: str
    key: str
    before: str
    after: str


def _agencies(session: Session) -> list[Agency]:
    return list(session.exec(select(Agency).order_by(Agency.acronym)))


def _objectives(session: Session, mission_id: int) -> list[Objective]:
    query = select(Objective).where(Objective.mission_id == mission_id, col(Objective.retired_on).is_(None))
    return list(session.exec(query.order_by(Objective.position)))


def _groups(session: Session, mission_id: int) -> list[WorkingGroup]:
    return list(
        session.exec(select(WorkingGroup).where(WorkingGroup.mission_id == mission_id).order_by(WorkingGroup.name))
    )


def _users_here(session: Session, mission_id: int) -> list[AppUser]:
    """Users with an agency or a working group at this mission."""
    groups = select(WorkingGroup.id).where(WorkingGroup.mission_id == mission_id)
    by_agency = select(UserAgency.user_id).where(UserAgency.mission_id == mission_id)
    by_group = select(UserWorkingGroup.user_id).where(col(UserWorkingGroup.working_group_id).in_(groups))
    ids = set(session.exec(by_agency).all()) | set(session.exec(by_group).all())
    return list(session.exec(select(AppUser).where(col(AppUser.id).in_(ids or {-1})).order_by(AppUser.email)))


def current_setup(session: Session, mission_id: int) -> PostSetup:
    """The mission's setup as it stands (the latest arrangement): what ``mission setup --export`` writes."""
    groups = _groups(session, mission_id)
    chairs = {
        g.id: sorted(
            session.exec(
                select(AppUser.email)
                .join(UserWorkingGroup, col(UserWorkingGroup.user_id) == AppUser.id)
                .where(UserWorkingGroup.working_group_id == g.id)
            ).all()
        )
        for g in groups
    }
    group_entries = []
    for group in groups:
        snap = admin.group_snapshot(session, group)
        group_entries.append(
            GroupEntry(
                where="",
                name=snap["name"],
                chair_agency=snap["chair"] or "",
                members=tuple(snap["members"]),
                objectives=tuple(snap["objectives"]),
                chairs=tuple(chairs[group.id]),
            )
        )
    objective_entries = []
    for objective in _objectives(session, mission_id):
        roles = admin.roles_snapshot(session, objective.id)  # type: ignore[arg-type]
        lead, contributing = roles["lead"] or "", tuple(roles["contributing"])
        objective_entries.append(ObjectiveEntry(where="", code=objective.code, lead=lead, contributing=contributing))
    return PostSetup(
        agencies=tuple(AgencyEntry(where="", acronym=a.acronym, name=a.name) for a in _agencies(session)),
        objectives=tuple(objective_entries),
        working_groups=tuple(group_entries),
        users=tuple(_user_entry(session, user, mission_id) for user in _users_here(session, mission_id)),
    )


def _user_entry(session: Session, user: AppUser, mission_id: int) -> UserEntry:
    agencies = session.exec(
        select(Agency.acronym)
        .join(UserAgency, col(UserAgency.agency_id) == Agency.id)
        .where(UserAgency.user_id == user.id, UserAgency.mission_id == mission_id)
        .order_by(Agency.acronym)
    ).all()
    groups = session.exec(
        select(WorkingGroup.name)
        .join(UserWorkingGroup, col(UserWorkingGroup.working_group_id) == WorkingGroup.id)
        .where(UserWorkingGroup.user_id == user.id, WorkingGroup.mission_id == mission_id)
        .order_by(WorkingGroup.name)
    ).all()
    return UserEntry(
        where="",
        email=user.email,
        role=user.role,
        agencies=tuple(agencies),
        working_groups=tuple(groups),
        bureau=user.bureau or "",
    )


def _twice(entries: tuple, key: object, what: str) -> None:
    seen: dict[str, str] = {}
    for entry in entries:
        value = key(entry)  # type: ignore[operator]
        if value in seen:
            raise SetupError(f"{entry.where}: {what} {value!r} is listed twice (first at {seen[value]}).")
        seen[value] = entry.where


def _check_agencies(session: Session, setup: PostSetup) -> set[str]:
    """The acronyms the setup may use (upper case): those stored and those the file adds."""
    _twice(setup.agencies, lambda e: e.acronym.upper(), "agency")
    for entry in setup.agencies:
        if not entry.acronym or not entry.name:
            raise SetupError(f"{entry.where}: an agency needs an acronym and a name.")
    return {a.acronym.upper() for a in _agencies(session)} | {e.acronym.upper() for e in setup.agencies}


def _known_agency(entry: object, acronyms: tuple[str, ...], known: set[str]) -> None:
    for acronym in acronyms:
        if acronym and acronym.upper() not in known:
            raise SetupError(f"{entry.where}: unknown agency {acronym!r}; add it to the agencies first.")  # type: ignore[attr-defined]


def _check_objectives(session: Session, mission_id: int, setup: PostSetup, known: set[str]) -> set[str]:
    codes = {o.code for o in _objectives(session, mission_id)}
    _twice(setup.objectives, lambda e: e.code, "objective")
    for entry in setup.objectives:
        if entry.code not in codes:
            raise SetupError(f"{entry.where}: there is no objective {entry.code!r} in this mission's strategy.")
        _known_agency(entry, (entry.lead, *entry.contributing), known)
    return codes


def _check_groups(setup: PostSetup, codes: set[str], known: set[str], emails: set[str]) -> None:
    _twice(setup.working_groups, lambda e: e.name.lower(), "working group")
    covered: dict[str, GroupEntry] = {}
    for entry in setup.working_groups:
        if not entry.name:
            raise SetupError(f"{entry.where}: a working group needs a name.")
        _known_agency(entry, (entry.chair_agency, *entry.members), known)
        for code in entry.objectives:
            if code not in codes:
                raise SetupError(f"{entry.where}: there is no objective {code!r} in this mission's strategy.")
            if code in covered:
                raise SetupError(
                    f"{entry.where}: objective {code} is already covered by {covered[code].name!r} "
                    f"({covered[code].where}); an objective belongs to one working group."
                )
            covered[code] = entry
        for email in entry.chairs:
            if normalise_email(email) not in emails:
                raise SetupError(f"{entry.where}: unknown user {email!r}; list them under users.")


def _check_users(session: Session, mission_id: int, setup: PostSetup, known: set[str]) -> None:
    _twice(setup.users, lambda e: normalise_email(e.email), "user")
    groups = {g.name.lower() for g in _groups(session, mission_id)} | {g.name.lower() for g in setup.working_groups}
    chaired = {normalise_email(email) for g in setup.working_groups for email in g.chairs}
    for entry in setup.users:
        if not looks_like_email(normalise_email(entry.email)):
            raise SetupError(f"{entry.where}: {entry.email!r} is not an e-mail address.")
        if entry.role not in admin.ROLES:
            raise SetupError(f"{entry.where}: role must be one of {', '.join(admin.ROLES)}, not {entry.role!r}.")
        if entry.bureau and entry.bureau.upper() not in BUREAUS:
            raise SetupError(f"{entry.where}: bureau {entry.bureau!r} is not one of {', '.join(BUREAUS)}.")
        _known_agency(entry, entry.agencies, known)
        unknown = [g for g in entry.working_groups if g.lower() not in groups]
        if unknown:
            raise SetupError(f"{entry.where}: unknown working group {unknown[0]!r}.")
        if entry.role == Role.CONTRIBUTOR and not entry.agencies:
            raise SetupError(f"{entry.where}: a contributor needs at least one agency to report for.")
        if entry.role == Role.CHAIR and not entry.working_groups and normalise_email(entry.email) not in chaired:
            raise SetupError(f"{entry.where}: a chair needs at least one working group to review.")


def check_setup(session: Session, mission_id: int, setup: PostSetup) -> None:
    """Refuse the whole setup, in one sentence naming the row, unless every entry can be applied."""
    if session.get(Mission, mission_id) is None:
        raise SetupError("There is no such mission.")
    known = _check_agencies(session, setup)
    codes = _check_objectives(session, mission_id, setup, known)
    stored = {u.email for u in session.exec(select(AppUser))}
    _check_groups(setup, codes, known, stored | {normalise_email(u.email) for u in setup.users})
    _check_users(session, mission_id, setup, known)


def default_effective(session: Session, mission_id: int, today: date) -> FiscalQuarter | None:
    """From when objective and group changes hold: every quarter for a post with no update yet (a first set-up
    or a correction), else the quarter being reported now, so quarters already reported keep their arrangement."""
    reported = session.exec(
        select(func.count())
        .select_from(StatusUpdate)
        .join(Objective, col(Objective.id) == StatusUpdate.objective_id)
        .where(Objective.mission_id == mission_id, StatusUpdate.is_demo == False)  # noqa: E712
    ).one()
    return None if not reported else reporting_quarter(today)


def _apply_groups(session: Session, who: str | None, mission_id: int, setup: PostSetup, effective) -> None:  # noqa: ANN001
    existing = {g.name.lower(): g.id for g in _groups(session, mission_id)}
    for entry in setup.working_groups:
        admin.save_working_group(
            session=session,
            actor_email=who,
            mission_id=mission_id,
            name=entry.name,
            chair=entry.chair_agency or None,
            members=list(entry.members),
            objectives=list(entry.objectives),
            group_id=existing.get(entry.name.lower()),
            effective=effective,
        )


def _apply_users(session: Session, who: str | None, mission_id: int, setup: PostSetup) -> None:
    names = {g.name.lower(): g.name for g in _groups(session, mission_id)}
    chairs: dict[str, list[str]] = {}
    for group in setup.working_groups:
        for email in group.chairs:
            chairs.setdefault(normalise_email(email), []).append(group.name)
    for entry in setup.users:
        email = normalise_email(entry.email)
        groups = list(dict.fromkeys([names[g.lower()] for g in entry.working_groups] + chairs.pop(email, [])))
        common = {"session": session, "actor_email": who, "email": email, "mission_id": mission_id}
        try:
            if find_user(session, email) is None:
                admin.add_user(**common, role=entry.role, agencies=list(entry.agencies), groups=groups,
                               bureau=entry.bureau or None)  # fmt: skip
            else:
                admin.update_user(**common, role=entry.role, agencies=list(entry.agencies), groups=groups,
                                  bureau=entry.bureau or None)  # fmt: skip
        except (ValueError, AccessDenied) as exc:
            raise SetupError(f"{entry.where}: {exc}") from None
    for email, groups in chairs.items():  # chairs named only on their group: stored users keep their other roles
        admin.update_user(session=session, actor_email=who, email=email, groups=groups, mission_id=mission_id)


def apply_setup(
    *, session: Session, actor_email: str | None, mission_id: int, setup: PostSetup, effective: FiscalQuarter | None
) -> list[Change]:
    """Check the whole setup, then apply it: agencies, working groups, objective roles (from ``effective`` on;
    None: every quarter), users. Returns the changes, as audited. Nothing is written when anything is refused."""
    check_setup(session, mission_id, setup)
    newest = session.exec(select(func.max(AuditEntry.id))).one() or 0
    for entry in setup.agencies:
        admin.save_agency(session=session, actor_email=actor_email, acronym=entry.acronym, name=entry.name)
    _apply_groups(session, actor_email, mission_id, setup, effective)
    ids = {o.code: o.id for o in _objectives(session, mission_id)}
    for entry in setup.objectives:
        admin.set_objective_agencies(
            session=session,
            actor_email=actor_email,
            objective_id=ids[entry.code],  # type: ignore[arg-type]
            lead=entry.lead or None,
            contributing=list(entry.contributing),
            effective=effective,
        )
    _apply_users(session, actor_email, mission_id, setup)
    session.flush()
    rows = session.exec(select(AuditEntry).where(col(AuditEntry.id) > newest).order_by(AuditEntry.id)).all()
    return [Change(r.action, r.entity_key, r.before, r.after) for r in rows]


class _DryRun(Exception):
    def __init__(self, changes: list[Change]) -> None:
        self.changes = changes


def preview_setup(
    engine: Engine, *, actor_email: str | None, mission_id: int, setup: PostSetup, effective: FiscalQuarter | None
) -> list[Change]:
    """What ``apply_setup`` would change, with nothing written (the transaction is rolled back)."""
    try:
        with write_session(engine) as session:
            changes = apply_setup(
                session=session, actor_email=actor_email, mission_id=mission_id, setup=setup, effective=effective
            )
            raise _DryRun(changes)
    except _DryRun as done:
        return done.changes
