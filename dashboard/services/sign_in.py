"""Local sign-in: the password check with its failure count, retry interval and lock."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.domain.actor import Actor
from dashboard.services.access import normalise_email, resolve
from dashboard.services.passwords import hash_password, verify_password
from dashboard.store.database import write_session
from models import AppUser

# After a failed attempt the same account cannot try again for this long (rate limit).
RETRY_INTERVAL = timedelta(seconds=1)


BAD_CREDENTIALS = "E-mail or password is incorrect."


class SignInError(Exception):
    """A failed local sign-in. The message is shown to the user as is."""


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
