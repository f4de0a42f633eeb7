"""Local sign-in: the password check with its failure count, retry interval and lock, per e-mail and client,
and a limit per account that no choice of client gets around (backoff, hourly cap).
"""

import hashlib
import zlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, or_, text, tuple_
from sqlmodel import Session, select

from dashboard.domain.actor import Actor
from dashboard.services.access import find_user, normalise_email, resolve
from dashboard.services.passwords import hash_password, verify_password
from dashboard.store.database import write_session
from models import SignInThrottle

# After a failed attempt the same account cannot try again for this long (rate limit).
RETRY_INTERVAL = timedelta(seconds=1)


BAD_CREDENTIALS = "E-mail or password is incorrect."
# Failures are counted per client (the browser's address as Streamlit sees it); this stands in when it is unknown.
UNKNOWN_CLIENT = "unknown client"

# Per account, from every client together: this many failures in a row are free; the k-th failure after them
# makes the account wait 2**k seconds before the next password is checked, at most ACCOUNT_MAX_WAIT. A
# refused attempt counts nothing and extends no wait, so the owner waits at most ACCOUNT_MAX_WAIT after the
# last checked guess. The count is forgotten after WINDOW without a failure.
ACCOUNT_FREE_FAILURES = 10
ACCOUNT_MAX_WAIT = timedelta(minutes=15)
# A second guard, whatever the backoff allows: at most this many checked failures per account per clock hour.
HOURLY_CAP = 30
WINDOW = timedelta(hours=1)
# Rows removed per write at most, so pruning stays cheap however many rows a flood left.
PRUNE_BATCH = 500
# Client keys no address can take: the per-account record and the per-hour count.
_ACCOUNT = "\x00account"


class SignInError(Exception):
    """A failed local sign-in. The message is shown to the user as is."""


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _throttle(session: Session, email: str, client: str) -> SignInThrottle:
    """The failure record of (e-mail, client), created empty if there is none."""
    email_digest, client_digest = _digest(normalise_email(email)), _digest(client)
    row = session.get(SignInThrottle, (email_digest, client_digest))
    return row or SignInThrottle(email_digest=email_digest, client_digest=client_digest)


def _serialise(session: Session, email: str) -> None:
    """On PostgreSQL, lock the e-mail for this transaction so parallel attempts on one account, from any client,
    wait for each other (SQLite's BEGIN IMMEDIATE already serialises)."""
    if session.get_bind().dialect.name == "postgresql":
        lock_id = zlib.crc32(f"sign-in:{_digest(normalise_email(email))}".encode())
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})


def _hour(now: datetime) -> str:
    return f"\x00hour {now:%Y-%m-%dT%H}"


def prune(session: Session, now: datetime) -> None:
    """Delete up to PRUNE_BATCH records whose lock has run out and whose last failure is older than WINDOW."""
    cutoff = now - WINDOW
    table = SignInThrottle.__table__  # type: ignore[attr-defined]
    stale = (
        select(table.c.email_digest, table.c.client_digest)
        .where(
            or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
            or_(table.c.last_failed_at.is_(None), table.c.last_failed_at < cutoff),
        )
        .limit(PRUNE_BATCH)
    )
    if session.get_bind().dialect.name == "postgresql":
        stale = stale.with_for_update(skip_locked=True)  # rows another attempt holds are left for later
    keys = tuple_(table.c.email_digest, table.c.client_digest)
    session.execute(delete(table).where(keys.in_(stale)))


def lock_state(session: Session, email: str, client: str = UNKNOWN_CLIENT) -> SignInThrottle | None:
    """The stored failure record of (e-mail, client), if any (for the account list and tests)."""
    return session.get(SignInThrottle, (_digest(normalise_email(email)), _digest(client)))


def locked_until(session: Session, email: str, now: datetime | None = None) -> datetime | None:
    """The latest lock on ``email`` from any client that has not run out yet (None: not locked anywhere)."""
    now = now or datetime.now(UTC)
    rows = session.exec(select(SignInThrottle).where(SignInThrottle.email_digest == _digest(normalise_email(email))))
    locks = [_aware(r.locked_until) for r in rows if r.locked_until is not None and _aware(r.locked_until) > now]
    return max(locks, default=None)


def clear_locks(session: Session, email: str) -> None:
    """Forget every failure and lock of ``email`` (an admin set a new password)."""
    for row in session.exec(
        select(SignInThrottle).where(SignInThrottle.email_digest == _digest(normalise_email(email)))
    ):
        session.delete(row)


def _refuse_early(
    record: SignInThrottle, account: SignInThrottle, hour: SignInThrottle, now: datetime, max_failures: int
) -> None:
    """Raise SignInError when this attempt may not be checked: the client is locked or too quick, or the account
    is waiting out its backoff or has reached its hourly cap. A refusal counts nothing."""
    if record.locked_until is not None and _aware(record.locked_until) > now:
        until = _aware(record.locked_until).strftime("%H:%M UTC")
        raise SignInError(
            f"This account is locked after {max_failures} failed attempts. Try again after {until}, "
            "or ask an admin to reset the password."
        )
    if record.last_failed_at is not None and now - _aware(record.last_failed_at) < RETRY_INTERVAL:
        raise SignInError("Too many attempts. Wait a moment and try again.")
    if hour.locked_until is not None and _aware(hour.locked_until) > now:
        until = _aware(hour.locked_until).strftime("%H:%M UTC")
        raise SignInError(f"Too many failed sign-ins on this account this hour. Try again after {until}.")
    if account.locked_until is not None and _aware(account.locked_until) > now:
        until = _aware(account.locked_until).strftime("%H:%M:%S UTC")
        raise SignInError(f"Too many failed sign-ins on this account. Try again after {until}.")


def backoff(failures: int) -> timedelta:
    """How long an account waits after its ``failures``-th failure in a row, from every client together."""
    extra = failures - ACCOUNT_FREE_FAILURES
    if extra <= 0:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(extra, 20)), ACCOUNT_MAX_WAIT)


def _count_account_failure(session: Session, account: SignInThrottle, hour: SignInThrottle, now: datetime) -> None:
    """One more checked failure for the account: its backoff and this clock hour's count (capped at HOURLY_CAP)."""
    if account.last_failed_at is not None and now - _aware(account.last_failed_at) >= WINDOW:
        account.failures = 0  # quiet for a whole window: the run of failures is over
    account.failures += 1
    account.last_failed_at = now
    wait = backoff(account.failures)
    account.locked_until = now + wait if wait else None
    hour.failures += 1
    hour.last_failed_at = now
    if hour.failures >= HOURLY_CAP:
        hour.locked_until = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    session.add(account)
    session.add(hour)


def authenticate(
    session: Session,
    email: str,
    password: str,
    *,
    max_failures: int,
    lock_minutes: int,
    now: datetime | None = None,
    client: str = UNKNOWN_CLIENT,
) -> Actor:
    """Check a local password; count failures per (e-mail, client) and lock that pair after ``max_failures``;
    count them per account too, where a backoff and an hourly cap hold whatever client the guesses come from.

    Every e-mail typed is treated alike, whether an account has it or not: the same throttle, the same lock,
    the same messages and one scrypt computation per checked guess, so the answers never reveal which accounts
    exist. Failures count per client, so a guesser elsewhere never locks the account for its owner.
    Writes the failure record (call inside ``write_session``). Raises SignInError with the message to show.
    """
    now = now or datetime.now(UTC)
    _serialise(session, email)
    record = _throttle(session, email, client)
    account, hour = _throttle(session, email, _ACCOUNT), _throttle(session, email, _hour(now))
    _refuse_early(record, account, hour, now, max_failures)
    user = find_user(session, email) if email.strip() else None
    if user is None or user.password_hash is None or user.password_salt is None:
        hash_password(password)  # the same work as a real check, so timing does not reveal unknown accounts
        correct = False
    else:
        correct = verify_password(password, user.password_hash, user.password_salt)
    if not correct:
        prune(session, now)
        _count_account_failure(session, account, hour, now)
        record.failures += 1
        record.last_failed_at = now
        if record.failures >= max_failures:
            record.locked_until = now + timedelta(minutes=lock_minutes)
            record.failures = 0
        session.add(record)
        if record.locked_until is not None and _aware(record.locked_until) > now:
            raise SignInError(
                f"This account is now locked for {lock_minutes} minutes after {max_failures} failed attempts."
            )
        raise SignInError(BAD_CREDENTIALS)
    assert user is not None
    if record in session:
        session.delete(record)
    if user.disabled:  # said only to someone who knows the password, so it reveals nothing to a guesser
        raise SignInError("This account is disabled. Ask an admin if you need access.")
    return resolve(session, user.email)


def sign_in(
    engine: Engine,
    email: str,
    password: str,
    *,
    max_failures: int,
    lock_minutes: int,
    now: datetime | None = None,
    client: str = UNKNOWN_CLIENT,
) -> Actor:
    """``authenticate`` in its own write transaction, keeping the failure count even when the attempt fails."""
    failure: SignInError | None = None
    with write_session(engine) as session:
        try:
            actor = authenticate(
                session, email, password, max_failures=max_failures, lock_minutes=lock_minutes, now=now, client=client
            )
        except SignInError as exc:
            failure = exc
    if failure is not None:
        raise failure
    return actor


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
