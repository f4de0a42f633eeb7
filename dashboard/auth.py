"""Who is acting: users, roles, local passwords and the checks every write makes.

Identity comes from outside (OIDC through ``st.user`` or a local sign-in) as an
e-mail address; the role and bindings come from the ``app_user`` table, read
fresh inside each write transaction, so a user disabled or deleted while signed
in can no longer write. Nothing here touches Streamlit.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.db import write_session
from models import AppUser, Role, UserAgency, UserWorkingGroup, WorkingGroupObjective
from models.tables import Agency

# scrypt cost: n=2**14, r=8, p=1 is the interactive-login setting (about 16 MB, tens of ms).
SCRYPT_N, SCRYPT_R, SCRYPT_P, SCRYPT_LEN = 2**14, 8, 1, 32
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# After a failed attempt the same account cannot try again for this long (rate limit).
RETRY_INTERVAL = timedelta(seconds=1)
BAD_CREDENTIALS = "E-mail or password is incorrect."
SYSTEM_ACTOR = "operator (command line)"


class AccessDenied(Exception):
    """A write the acting user may not make. The message is shown to the user as is."""


class SignInError(Exception):
    """A failed local sign-in. The message is shown to the user as is."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str, salt: bytes | None = None) -> tuple[str, str]:
    """``(hash_hex, salt_hex)`` with ``hashlib.scrypt`` and a fresh 16-byte salt unless one is given."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=SCRYPT_LEN, maxmem=64 * 1024 * 1024
    )
    return digest.hex(), salt.hex()


def verify_password(password: str, hash_hex: str, salt_hex: str) -> bool:
    candidate, _ = hash_password(password, bytes.fromhex(salt_hex))
    return hmac.compare_digest(candidate, hash_hex)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password: must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"password: must be at most {MAX_PASSWORD_LENGTH} characters")


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the services see them. ``email`` None means nobody is signed in."""

    email: str | None
    role: str = Role.VIEWER
    user_id: int | None = None
    agency_ids: frozenset[int] = field(default_factory=frozenset)
    agencies: tuple[str, ...] = ()
    working_group_ids: frozenset[int] = field(default_factory=frozenset)
    disabled: bool = False
    system: bool = False

    @property
    def signed_in(self) -> bool:
        return self.email is not None

    @property
    def label(self) -> str:
        return self.email or "anonymous"

    @property
    def is_admin(self) -> bool:
        return self.system or (self.role == Role.ADMIN and not self.disabled)

    @property
    def can_submit(self) -> bool:
        """Has at least one agency to report for (contributors, and chairs or admins bound to one)."""
        return not self.disabled and self.role != Role.VIEWER and bool(self.agency_ids)

    @property
    def can_review(self) -> bool:
        return not self.disabled and (self.is_admin or (self.role == Role.CHAIR and bool(self.working_group_ids)))

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls(email=None)

    @classmethod
    def operator(cls) -> "Actor":
        """The command line, run by whoever operates the server: full rights, recorded as such."""
        return cls(email=SYSTEM_ACTOR, role=Role.ADMIN, system=True)


def find_user(session: Session, email: str) -> AppUser | None:
    return session.exec(select(AppUser).where(AppUser.email == normalise_email(email))).first()


def resolve(session: Session, email: str | None) -> Actor:
    """The actor for an identity. No identity: anonymous. A signed-in identity with no row is a viewer."""
    if email is None or not email.strip():
        return Actor.anonymous()
    email = normalise_email(email)
    user = find_user(session, email)
    if user is None:
        return Actor(email=email)
    assert user.id is not None
    agency_rows = session.exec(
        select(Agency.id, Agency.acronym)
        .join(UserAgency, UserAgency.agency_id == Agency.id)
        .where(UserAgency.user_id == user.id)
        .order_by(Agency.acronym)
    ).all()
    groups = session.exec(select(UserWorkingGroup.working_group_id).where(UserWorkingGroup.user_id == user.id)).all()
    return Actor(
        email=email,
        role=user.role,
        user_id=user.id,
        agency_ids=frozenset(a for a, _ in agency_rows),
        agencies=tuple(acr for _, acr in agency_rows),
        working_group_ids=frozenset(groups),
        disabled=user.disabled,
    )


def acting(session: Session, email: str | None) -> Actor:
    """The actor for a write, read inside the write's transaction. Refuses nobody, disabled users and viewers."""
    if email == SYSTEM_ACTOR:
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


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccessDenied("Only an admin can do this.")


def require_agency(actor: Actor, agency_id: int, agency_name: str) -> None:
    """Refuse a report for an agency the actor does not report for."""
    if agency_id not in actor.agency_ids:
        mine = ", ".join(actor.agencies) or "no agency"
        raise AccessDenied(f"You report for {mine}, not for {agency_name}.")


def reviewable_objectives(session: Session, actor: Actor) -> set[int] | None:
    """Objective ids the actor may review; None means all (admin)."""
    if actor.is_admin:
        return None
    if actor.role != Role.CHAIR or actor.disabled:
        return set()
    if not actor.working_group_ids:
        return set()
    rows = session.exec(
        select(WorkingGroupObjective.objective_id).where(
            WorkingGroupObjective.working_group_id.in_(actor.working_group_ids)  # type: ignore[attr-defined]
        )
    ).all()
    return set(rows)


def authenticate(
    session: Session, email: str, password: str, *, max_failures: int, lock_minutes: int, now: datetime | None = None
) -> Actor:
    """Check a local password. Counts failures, locks the account after ``max_failures`` in a row.

    Writes the failure count (call inside ``write_session``). Raises SignInError with the message to show.
    """
    now = now or datetime.now(UTC)
    # FOR UPDATE: on PostgreSQL, parallel attempts on one account wait for each other, so each sees the
    # previous one's failure count and retry time (SQLite's BEGIN IMMEDIATE already serialises them).
    query = select(AppUser).where(AppUser.email == normalise_email(email)).with_for_update()
    user = session.exec(query).first() if email.strip() else None
    if user is None or user.password_hash is None or user.password_salt is None:
        hash_password(password)  # same work as a real check, so timing does not reveal unknown accounts
        raise SignInError(BAD_CREDENTIALS)
    if user.locked_until is not None and _aware(user.locked_until) > now:
        until = _aware(user.locked_until).strftime("%H:%M UTC")
        raise SignInError(
            f"This account is locked after {max_failures} failed attempts. Try again after {until}, "
            "or ask an admin to reset the password."
        )
    if user.last_failed_at is not None and now - _aware(user.last_failed_at) < RETRY_INTERVAL:
        raise SignInError("Too many attempts. Wait a moment and try again.")
    if not verify_password(password, user.password_hash, user.password_salt):
        user.failed_attempts += 1
        user.last_failed_at = now
        if user.failed_attempts >= max_failures:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_attempts = 0
        session.add(user)
        if user.locked_until is not None and _aware(user.locked_until) > now:
            raise SignInError(
                f"This account is now locked for {lock_minutes} minutes after {max_failures} failed attempts."
            )
        raise SignInError(BAD_CREDENTIALS)
    user.failed_attempts = 0
    user.last_failed_at = None
    user.locked_until = None
    session.add(user)
    if user.disabled:  # said only to someone who knows the password, so it reveals nothing to a guesser
        raise SignInError("This account is disabled. Ask an admin if you need access.")
    return resolve(session, user.email)


def sign_in(
    engine: Engine, email: str, password: str, *, max_failures: int, lock_minutes: int, now: datetime | None = None
) -> Actor:
    """``authenticate`` in its own write transaction, keeping the failure count even when the attempt fails."""
    failure: SignInError | None = None
    with write_session(engine) as session:
        try:
            actor = authenticate(
                session, email, password, max_failures=max_failures, lock_minutes=lock_minutes, now=now
            )
        except SignInError as exc:
            failure = exc
    if failure is not None:
        raise failure
    return actor


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
