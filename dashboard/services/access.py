"""Authorisation: the actor behind an e-mail, read fresh inside each write transaction.

A user disabled or deleted while signed in can no longer write, because every write calls ``acting``.
"""

from sqlmodel import Session, select

from dashboard.domain.actor import AccessDenied, Actor, is_operator
from dashboard.store.roles import held_at
from models import AppUser, Role, UserAgency, UserWorkingGroup, WorkingGroupObjective
from models.tables import Agency


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> AppUser | None:
    return session.exec(select(AppUser).where(AppUser.email == normalise_email(email))).first()


def resolve(session: Session, email: str | None, default_role: str = "") -> Actor:
    """The actor for an identity. No identity: anonymous. A signed-in identity with no row gets ``default_role``
    (ICS_OIDC_DEFAULT_ROLE): empty is no access, "viewer" views."""
    if email is None or not email.strip():
        return Actor.anonymous()
    email = normalise_email(email)
    user = find_user(session, email)
    if user is None:
        return Actor(email=email, can_view=default_role == Role.VIEWER)
    assert user.id is not None
    agency_rows = session.exec(
        select(Agency.id, Agency.acronym, UserAgency.mission_id)
        .join(UserAgency, UserAgency.agency_id == Agency.id)
        .where(UserAgency.user_id == user.id)
        .order_by(Agency.acronym)
    ).all()
    groups = session.exec(select(UserWorkingGroup.working_group_id).where(UserWorkingGroup.user_id == user.id)).all()
    return Actor(
        email=email,
        role=user.role,
        user_id=user.id,
        agency_ids=frozenset(a for a, _, _ in agency_rows),
        agencies=tuple(dict.fromkeys(acr for _, acr, _ in agency_rows)),
        bindings=tuple((m, a, acr) for a, acr, m in agency_rows),
        working_group_ids=frozenset(groups),
        disabled=user.disabled,
        bureau=user.bureau,
        home_mission_id=user.home_mission_id,
    )


def acting(session: Session, email: str | None) -> Actor:
    """The actor for a write, read inside the write's transaction. Refuses nobody, disabled users and viewers."""
    if is_operator(email):
        return Actor.operator()
    actor = resolve(session, email)
    if not actor.signed_in:
        raise AccessDenied("Sign in to make changes.")
    if actor.user_id is None:
        raise AccessDenied(f"{actor.email} has no account here, so it can view but not change anything.")
    if actor.disabled:
        raise AccessDenied(f"The account {actor.email} is disabled, so it can no longer make changes.")
    if actor.role == Role.VIEWER:
        raise AccessDenied(f"{actor.email} has viewer access, which cannot change anything.")
    return actor


def reviewable_objectives(session: Session, actor: Actor, qindex: int | None = None) -> set[int] | None:
    """Objective ids the actor may review; None means all (admin).

    With ``qindex`` (a FiscalQuarter.index), only the objectives their working groups cover in that quarter;
    without, every objective their groups ever covered (for the queues).
    """
    if actor.is_admin:
        return None
    if actor.role != Role.CHAIR or actor.disabled:
        return set()
    if not actor.working_group_ids:
        return set()
    rows = session.exec(
        select(WorkingGroupObjective.objective_id).where(
            WorkingGroupObjective.working_group_id.in_(actor.working_group_ids),  # type: ignore[attr-defined]
            *(() if qindex is None else held_at(WorkingGroupObjective, qindex)),
        )
    ).all()
    return set(rows)
