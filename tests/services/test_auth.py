"""Sign-in, passwords, lockout and who may do what (through the service functions, as the pages call them)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from dashboard.domain import actor
from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.domain.fiscal import FiscalQuarter, quarter_range
from dashboard.services import access, admin, passwords, sign_in, submissions
from dashboard.services.sign_in import SignInError
from dashboard.store.database import read_session, write_session
from models import AppUser, AuditEntry, ReviewEvent, SignInThrottle, StatusUpdate
from tests import people
from tests.people import (
    ADMIN,
    CHAIR1,
    CHAIR2,
    DEA,
    DISABLED,
    PASSWORD,
    STATE,
    STRANGER,
    TODAY,
    USAID,
    VIEWER,
    World,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MAX_FAILURES, LOCK_MINUTES = 5, 15


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper scrypt for the sign-in tests, which are about counting attempts, not about the hash's cost."""
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)


def _add_password_user(world: World, email: str = "pw@example.gov", password: str = PASSWORD) -> None:
    with write_session(world.engine) as session:
        admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email=email,
            role="contributor",
            agencies=["USAID"],
            password=password,
        )


def _sign_in(world: World, email: str, password: str, now: datetime) -> actor.Actor:
    return sign_in.sign_in(world.engine, email, password, max_failures=MAX_FAILURES, lock_minutes=LOCK_MINUTES, now=now)


def _audit(world: World) -> list[AuditEntry]:
    with read_session(world.engine) as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)))


def _record(world: World, email: str) -> SignInThrottle | None:
    """The stored failure record of ``email`` from the default client."""
    with read_session(world.engine) as session:
        return sign_in.lock_state(session, email)


def _failures(world: World, email: str) -> int:
    record = _record(world, email)
    return record.failures if record is not None else 0


def _user(world: World, email: str) -> AppUser:
    with read_session(world.engine) as session:
        user = access.find_user(session, email)
        assert user is not None
        return user


# --- passwords -------------------------------------------------------------------------------------------------


def test_hash_uses_a_fresh_salt_and_verifies() -> None:
    first_hash, first_salt = passwords.hash_password(PASSWORD)
    second_hash, second_salt = passwords.hash_password(PASSWORD)
    assert first_salt != second_salt and first_hash != second_hash
    assert len(bytes.fromhex(first_salt)) == 16
    assert passwords.verify_password(PASSWORD, first_hash, first_salt)
    assert passwords.verify_password(PASSWORD, second_hash, second_salt)
    assert not passwords.verify_password(PASSWORD + "x", first_hash, first_salt)
    assert not passwords.verify_password(PASSWORD, first_hash, second_salt)  # the salt is part of the hash


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("x" * (passwords.MIN_PASSWORD_LENGTH - 1), "at least 12 characters"),
        ("", "at least 12 characters"),
        ("x" * (passwords.MAX_PASSWORD_LENGTH + 1), "at most 1024 characters"),
    ],
)
def test_password_rules(password: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        passwords.check_password_rules(password)


def test_stored_passwords_are_salted_per_user_and_short_ones_refused(database_url: str) -> None:
    world = people.build(database_url, cast=[])
    _add_password_user(world, "a@example.gov")
    _add_password_user(world, "b@example.gov")
    a, b = _user(world, "a@example.gov"), _user(world, "b@example.gov")
    assert a.password_hash and b.password_hash and a.password_salt and b.password_salt
    assert PASSWORD not in (a.password_hash, b.password_hash)
    assert a.password_salt != b.password_salt
    assert a.password_hash != b.password_hash
    assert passwords.verify_password(PASSWORD, a.password_hash, a.password_salt)
    assert not passwords.verify_password("wrong password!", a.password_hash, a.password_salt)

    with pytest.raises(ValueError, match="password: must be at least 12 characters"):
        _add_password_user(world, "short@example.gov", "elevenchars")
    with pytest.raises(ValueError, match="password: must be at least 12 characters"):
        with write_session(world.engine) as session:
            admin.set_password(session=session, actor_email=SYSTEM_ACTOR, email="a@example.gov", password="too short")
    assert world.count(AppUser) == 2
    assert _user(world, "a@example.gov").password_hash == a.password_hash
    assert [e.action for e in _audit(world)] == ["add user", "add user"]


# --- who may do what --------------------------------------------------------------------------------------------

# Submitting an update for USAID on objective 1.1 (USAID is the lead): only the USAID contributor may.
SUBMIT_MATRIX: list[tuple[str | None, str | None]] = [
    (None, "Sign in to make changes."),
    (STRANGER, f"{STRANGER} has no account here, so it can view but not change anything."),
    (VIEWER, f"{VIEWER} has viewer access, which cannot change anything."),
    (STATE, "You report for State, not for USAID."),
    (DEA, "You report for DEA, not for USAID."),
    (CHAIR1, "You report for no agency, not for USAID."),
    (ADMIN, "You report for no agency, not for USAID."),
    (SYSTEM_ACTOR, "You report for no agency, not for USAID."),
    (DISABLED, f"The account {DISABLED} is disabled, so it can no longer make changes."),
    (USAID, None),
]


def test_only_the_own_agency_contributor_can_submit(world: World) -> None:
    wrong = []
    for email, refusal in SUBMIT_MATRIX:
        try:
            row = world.submit(email, world.form("1.1", "USAID"), base_revision=0)
        except AccessDenied as exc:
            if refusal is None or str(exc) != refusal:
                wrong.append((email, str(exc)))
        else:
            if refusal is not None:
                wrong.append((email, "was allowed"))
            assert row.author == USAID
    assert wrong == []
    assert world.count(StatusUpdate) == 1

    # what the pages see before any write
    with read_session(world.engine) as session:
        anonymous = access.resolve(session, None)
        stranger = access.resolve(session, "  Stranger@Example.GOV ")
        usaid = access.resolve(session, USAID.upper())
        chair = access.resolve(session, CHAIR1)
        disabled = access.resolve(session, DISABLED)
    assert not anonymous.signed_in and not anonymous.can_submit and not anonymous.can_review
    assert stranger.email == STRANGER and stranger.user_id is None and stranger.role == "viewer"
    assert usaid.email == USAID and usaid.agencies == ("USAID",) and usaid.can_submit and not usaid.can_review
    assert chair.can_review and not chair.can_submit and len(chair.working_group_ids) == 1
    assert disabled.disabled and not disabled.can_submit


# Approving or returning USAID's update on 1.1 (Goal 1 working group).
REVIEW_MATRIX: list[tuple[str | None, str | None]] = [
    (None, "Sign in to make changes."),
    (STRANGER, "has no account here"),
    (VIEWER, "has viewer access"),
    (DISABLED, "is disabled"),
    (USAID, "Only the chair of a working group covering this objective can review this update."),
    (STATE, "Only the chair of a working group covering this objective can review this update."),
    (DEA, "Only the chair of a working group covering this objective can review this update."),
    (CHAIR2, "Only the chair of a working group covering this objective can review this update."),
    (CHAIR1, None),
    (ADMIN, None),
    (SYSTEM_ACTOR, None),
]


def test_only_the_goal_chair_or_an_admin_can_review(world: World) -> None:
    wrong = []
    quarters = iter(quarter_range(FiscalQuarter(2024, 1), people.QUARTER))
    waiting = world.submit(USAID, world.form("1.1", "USAID", next(quarters)))
    for email, refusal in REVIEW_MATRIX:
        for decision in ("approved", "returned"):
            # an allowed reviewer decides on a fresh update each time; a refusal leaves ``waiting`` waiting
            row = waiting if refusal is not None else world.submit(USAID, world.form("1.1", "USAID", next(quarters)))
            try:
                world.review(email, row.id, decision, comment="Please add the training numbers.")
            except AccessDenied as exc:
                if refusal is None or refusal not in str(exc):
                    wrong.append((email, decision, str(exc)))
            else:
                if refusal is not None:
                    wrong.append((email, decision, "was allowed"))
    assert wrong == []
    with read_session(world.engine) as session:
        decisions = sorted((e.reviewer, e.decision) for e in session.exec(select(ReviewEvent)))
        assert submissions.state_of(session, waiting) == "submitted"
    assert decisions == sorted((r, d) for r in (ADMIN, CHAIR1, SYSTEM_ACTOR) for d in ("approved", "returned"))


def test_only_an_admin_can_use_admin_functions(world: World) -> None:
    refusals = {
        None: "Sign in to make changes.",
        STRANGER: "has no account here",
        VIEWER: "has viewer access",
        DISABLED: "is disabled",
        USAID: "Only an admin can do this.",
        STATE: "Only an admin can do this.",
        CHAIR1: "Only an admin can do this.",
        CHAIR2: "Only an admin can do this.",
    }
    before = world.audit_count()
    for email, refusal in refusals.items():
        with pytest.raises(AccessDenied, match=refusal):
            with write_session(world.engine) as session:
                admin.add_user(session=session, actor_email=email, email="new@example.gov", role="viewer")
        with pytest.raises(AccessDenied, match=refusal):
            with write_session(world.engine) as session:
                admin.update_user(session=session, actor_email=email, email=USAID, role="admin")
    assert world.audit_count() == before
    assert _user(world, USAID).role == "contributor"
    with write_session(world.engine) as session:
        admin.add_user(session=session, actor_email=ADMIN, email="new@example.gov", role="viewer")
    assert world.audit_count() == before + 1


# --- sign-in and lockout ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("fast_hashing")
def test_five_failures_lock_the_account_until_the_lock_expires(world: World) -> None:
    _add_password_user(world)
    email = "pw@example.gov"
    moment = T0
    for attempt in range(1, MAX_FAILURES):
        with pytest.raises(SignInError) as failure:
            _sign_in(world, email, f"wrong password {attempt}", moment)
        assert str(failure.value) == sign_in.BAD_CREDENTIALS
        # each attempt is its own transaction: the count is stored, not kept in memory
        assert _failures(world, email) == attempt
        moment += timedelta(seconds=2)
    with pytest.raises(SignInError, match=f"now locked for {LOCK_MINUTES} minutes after {MAX_FAILURES} failed"):
        _sign_in(world, email, "wrong password 5", moment)
    locked_at = moment
    stored = _record(world, email)
    assert stored is not None and stored.locked_until is not None
    assert sign_in._aware(stored.locked_until) == locked_at + timedelta(minutes=LOCK_MINUTES)

    # the right password does not open a locked account
    for later in (timedelta(seconds=5), timedelta(minutes=LOCK_MINUTES) - timedelta(seconds=1)):
        with pytest.raises(SignInError, match="This account is locked after 5 failed attempts. Try again after 12:15"):
            _sign_in(world, email, PASSWORD, locked_at + later)

    actor = _sign_in(world, email, PASSWORD, locked_at + timedelta(minutes=LOCK_MINUTES, seconds=1))
    assert actor.email == email
    assert _record(world, email) is None  # a successful sign-in forgets the failures


@pytest.mark.usefixtures("fast_hashing")
def test_sign_in_resets_the_count_and_a_quick_retry_waits(world: World) -> None:
    _add_password_user(world)
    email = "pw@example.gov"
    with pytest.raises(SignInError, match="incorrect"):
        _sign_in(world, email, "wrong password!", T0)
    with pytest.raises(SignInError, match="Too many attempts. Wait a moment and try again."):
        _sign_in(world, email, PASSWORD, T0 + timedelta(milliseconds=500))  # even with the right password
    for attempt in range(2, MAX_FAILURES):
        with pytest.raises(SignInError, match="incorrect"):
            _sign_in(world, email, "wrong password!", T0 + timedelta(seconds=2 * attempt))
    assert _failures(world, email) == MAX_FAILURES - 1

    actor = _sign_in(world, "  PW@Example.gov ", PASSWORD, T0 + timedelta(seconds=20))
    assert actor.email == email and actor.role == "contributor" and actor.agencies == ("USAID",)
    assert _failures(world, email) == 0
    # another four failures do not lock: the count started again
    for attempt in range(MAX_FAILURES - 1):
        with pytest.raises(SignInError, match="incorrect"):
            _sign_in(world, email, "wrong password!", T0 + timedelta(seconds=30 + 2 * attempt))
    record = _record(world, email)
    assert record is not None and record.locked_until is None


@pytest.mark.usefixtures("fast_hashing")
def test_unknown_email_gets_the_same_message_as_a_wrong_password(world: World) -> None:
    _add_password_user(world)
    messages = set()
    for email, password in [
        ("pw@example.gov", "wrong password!"),
        ("nobody@example.gov", PASSWORD),
        (USAID, PASSWORD),  # an account without a local password (OIDC only)
        ("", PASSWORD),
    ]:
        with pytest.raises(SignInError) as failure:
            _sign_in(world, email, password, T0)
        messages.add(str(failure.value))
    assert messages == {sign_in.BAD_CREDENTIALS}
    assert world.count(AppUser) == len(people.CAST) + 1  # nothing created for unknown e-mails


@pytest.mark.usefixtures("fast_hashing")
def test_set_password_clears_the_lock(world: World) -> None:
    _add_password_user(world)
    email = "pw@example.gov"
    for attempt in range(MAX_FAILURES):
        with pytest.raises(SignInError):
            _sign_in(world, email, "wrong password!", T0 + timedelta(seconds=2 * attempt))
    with pytest.raises(SignInError, match="locked"):
        _sign_in(world, email, PASSWORD, T0 + timedelta(minutes=1))
    with write_session(world.engine) as session:
        admin.set_password(session=session, actor_email=ADMIN, email=email, password="a brand new password")
    with pytest.raises(SignInError, match="incorrect"):
        _sign_in(world, email, PASSWORD, T0 + timedelta(minutes=2))  # the old password is gone
    actor = _sign_in(world, email, "a brand new password", T0 + timedelta(minutes=2, seconds=2))
    assert actor.email == email


@pytest.mark.usefixtures("fast_hashing")
def test_disabled_users_cannot_sign_in_or_write(world: World) -> None:
    _add_password_user(world)
    with read_session(world.engine) as session:
        signed_in = access.resolve(session, USAID)  # signed in before being disabled
    assert signed_in.can_submit
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email="pw@example.gov", disabled=True)
        admin.update_user(session=session, actor_email=ADMIN, email=USAID, disabled=True)
    with pytest.raises(SignInError) as guessed:
        _sign_in(world, "pw@example.gov", "a wrong guess entirely", T0)
    assert str(guessed.value) == sign_in.BAD_CREDENTIALS  # a guesser does not learn that the account exists
    with pytest.raises(SignInError, match="This account is disabled."):
        _sign_in(world, "pw@example.gov", PASSWORD, T0 + timedelta(seconds=5))
    with pytest.raises(AccessDenied, match=f"The account {USAID} is disabled"):
        world.submit(signed_in.email, world.form())
    with pytest.raises(AccessDenied, match="is disabled"):
        with write_session(world.engine) as session:
            submissions.save_draft(
                session=session, actor_email=signed_in.email, form=world.form(), base_revision=0, today=TODAY
            )
    assert world.count(StatusUpdate) == 0
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=USAID, disabled=False)
    assert world.submit(signed_in.email, world.form()).author == USAID


def test_bindings_are_read_at_each_write(world: World) -> None:
    # the agency changes while the user is signed in: the next write uses the new binding
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=USAID, agencies=["FAS"])
    with pytest.raises(AccessDenied, match="You report for FAS, not for USAID."):
        world.submit(USAID, world.form())
    assert world.submit(USAID, world.form(agency="FAS")).author == USAID

    # the account is deleted outright (plain SQL, as an operator might)
    with read_session(world.engine) as session:
        signed_in = access.resolve(session, USAID)
    with write_session(world.engine) as session:
        user_id = {"id": signed_in.user_id}
        session.execute(text("DELETE FROM user_agency WHERE user_id = :id"), user_id)
        session.execute(text("DELETE FROM user_working_group WHERE user_id = :id"), user_id)
        session.execute(text("DELETE FROM app_user WHERE id = :id"), user_id)
    with pytest.raises(AccessDenied, match=f"{USAID} has no account here"):
        world.submit(signed_in.email, world.form(agency="FAS"), base_revision=1)
    assert world.count(StatusUpdate) == 1
