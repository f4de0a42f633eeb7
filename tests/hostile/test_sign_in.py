"""Sign-in answers the same for accounts that exist and those that do not, and a lock cannot shut an owner out."""

from datetime import UTC, datetime, timedelta

import pytest

from dashboard.services import admin, passwords, sign_in
from dashboard.services.sign_in import SignInError
from dashboard.store.database import write_session
from tests import people
from tests.people import ADMIN, PASSWORD, World

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KNOWN = "admin2@example.gov"
UNKNOWN = "nobody-here@example.gov"


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setattr(passwords, "SCRYPT_N", 2**10)
    built = people.build(database_url)
    with write_session(built.engine) as session:
        admin.add_user(session=session, actor_email=ADMIN, email=KNOWN, role="admin", password=PASSWORD)
    return built


def _answer(world: World, email: str, password: str, moment: datetime, client: str = "203.0.113.7") -> str:
    try:
        sign_in.sign_in(world.engine, email, password, max_failures=5, lock_minutes=15, now=moment, client=client)
    except SignInError as exc:
        return str(exc)
    return "signed in"


def _script(world: World, email: str) -> list[str]:
    """A guesser's session: two quick tries, then wrong passwords two seconds apart until locked, then more."""
    steps = [T0, T0 + timedelta(milliseconds=300)] + [T0 + timedelta(seconds=2 * n) for n in range(1, 8)]
    return [_answer(world, email, f"guess {n}", moment) for n, moment in enumerate(steps)]


def test_known_and_unknown_accounts_get_the_same_answers_in_the_same_order(world: World) -> None:
    known, unknown = _script(world, KNOWN), _script(world, UNKNOWN)
    assert known == unknown
    assert known[0] == sign_in.BAD_CREDENTIALS
    assert known[1] == "Too many attempts. Wait a moment and try again."
    assert any("now locked" in answer for answer in known)
    assert "locked after 5 failed attempts" in known[-1]


def test_every_checked_guess_costs_one_password_hash_whether_the_account_exists_or_not(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = passwords.hash_password

    def counted(password: str, salt: bytes | None = None) -> tuple[str, str]:
        calls.append(password)
        return real(password, salt)

    monkeypatch.setattr(sign_in, "hash_password", counted)
    monkeypatch.setattr(passwords, "hash_password", counted)
    for email in (KNOWN, UNKNOWN):
        calls.clear()
        _answer(world, email, "wrong one", T0)
        assert len(calls) == 1, email
        calls.clear()
        _answer(world, email, "too quick", T0 + timedelta(milliseconds=100))  # throttled: no hash for either
        assert calls == [], email


def test_a_guesser_elsewhere_never_locks_the_owner_out(world: World) -> None:
    for n in range(6):
        _answer(world, KNOWN, f"guess {n}", T0 + timedelta(seconds=2 * n), client="198.51.100.66")
    assert "locked" in _answer(world, KNOWN, PASSWORD, T0 + timedelta(seconds=20), client="198.51.100.66")
    # the owner, from their own client, signs in at once, while the guesser stays locked
    assert _answer(world, KNOWN, PASSWORD, T0 + timedelta(seconds=21), client="192.0.2.10") == "signed in"


def test_the_lock_ends_and_a_password_reset_clears_it(world: World) -> None:
    for n in range(5):
        _answer(world, KNOWN, f"guess {n}", T0 + timedelta(seconds=2 * n))
    assert "locked" in _answer(world, KNOWN, PASSWORD, T0 + timedelta(minutes=1))
    assert _answer(world, KNOWN, PASSWORD, T0 + timedelta(minutes=16)) == "signed in"
