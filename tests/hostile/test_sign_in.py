"""Sign-in answers the same for accounts that exist and those that do not, and a lock cannot shut an owner out."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from dashboard.domain.client import client_address
from dashboard.services import admin, passwords, sign_in
from dashboard.services.sign_in import SignInError
from dashboard.store.database import read_session, write_session
from models import SignInThrottle
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


def _checked(answers: list[str]) -> int:
    """How many of the answers came from a checked password (a wrong guess or a new lock)."""
    return sum(a == sign_in.BAD_CREDENTIALS or "now locked" in a for a in answers)


def _rotating(world: World, start: datetime, seconds: int, step: int = 5, prefix: str = "2001:db8:") -> list[str]:
    """A guesser with a new address every try (an IPv6 block gives 2**64 of them), one guess every ``step``."""
    return [
        _answer(world, KNOWN, f"guess {n}", start + timedelta(seconds=s), client=f"{prefix}{n:x}::1")
        for n, s in enumerate(range(0, seconds, step))
    ]


def test_forged_forwarded_for_headers_are_one_client(world: World) -> None:
    """With no trusted proxy, a new X-Forwarded-For each try is ignored: the sixth guess meets the lock."""
    answers = []
    for n in range(12):
        client = client_address("198.51.100.66", f"203.0.113.{n}", ())  # what the sign-in page passes
        password = PASSWORD if n == 11 else f"guess {n}"
        answers.append(_answer(world, KNOWN, password, T0 + timedelta(seconds=2 * n), client=client))
    assert answers[:4] == [sign_in.BAD_CREDENTIALS] * 4
    assert "now locked" in answers[4]
    assert all("locked after 5 failed attempts" in a for a in answers[5:]), answers
    assert answers[-1] != "signed in"


def test_a_new_address_every_guess_meets_the_account_backoff(world: World) -> None:
    first_hour = _rotating(world, T0, 3600)
    # 10 free failures, then waits of 2 and 4 s that a guess every 5 s does not notice; the 8 s wait refuses
    assert first_hour[:13] == [sign_in.BAD_CREDENTIALS] * 13
    assert "Too many failed sign-ins on this account" in first_hour[13]
    assert _checked(first_hour) <= 22, _checked(first_hour)  # 10 free + 2, 4, ... 512 s + three 15-minute waits
    second_hour = _rotating(world, T0 + timedelta(hours=1), 3600, prefix="2001:db9:")
    assert _checked(second_hour) == 4  # one guess per 15 minutes


@pytest.mark.parametrize("failures", [11, 14, 40])
def test_the_owner_waits_no_longer_than_the_backoff(world: World, failures: int) -> None:
    moment = T0
    for n in range(failures):  # guesses from many clients, each as soon as the account allows
        moment += sign_in.backoff(n) + timedelta(seconds=1)
        assert _answer(world, KNOWN, f"guess {n}", moment, client=f"198.51.100.{n}") == sign_in.BAD_CREDENTIALS
    wait = sign_in.backoff(failures)
    assert timedelta(0) < wait <= timedelta(minutes=15)
    owner = "192.0.2.10"
    early = _answer(world, KNOWN, PASSWORD, moment + wait - timedelta(seconds=1), client=owner)
    assert "Too many failed sign-ins on this account" in early
    # the refused attempt extended nothing: once the backoff has passed, the owner's password signs in
    assert _answer(world, KNOWN, PASSWORD, moment + wait, client=owner) == "signed in"


def test_the_hourly_cap_holds_even_when_the_backoff_allows_more(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sign_in, "ACCOUNT_MAX_WAIT", timedelta(seconds=1))
    answers = _rotating(world, T0, 3000, step=2)
    assert _checked(answers) == sign_in.HOURLY_CAP
    assert "this hour. Try again after 13:00 UTC" in answers[-1]
    assert _answer(world, KNOWN, PASSWORD, T0 + timedelta(minutes=59), client="192.0.2.10") != "signed in"
    assert _answer(world, KNOWN, PASSWORD, T0 + timedelta(hours=1), client="192.0.2.10") == "signed in"


def test_expired_records_are_pruned_as_failures_are_written(world: World) -> None:
    for n in range(60):  # a spray: one guess at each of 60 e-mails from 60 clients
        _answer(world, f"user{n}@example.gov", "guess", T0 + timedelta(seconds=n), client=f"198.51.100.{n}")
    assert _rows(world) == 60 * 3  # for each e-mail: per client, per account and this hour's count
    _answer(world, KNOWN, "guess", T0 + timedelta(hours=2), client="203.0.113.1")
    assert _rows(world) == 3  # only the last attempt's records remain


def _rows(world: World) -> int:
    with read_session(world.engine) as session:
        return len(session.exec(select(SignInThrottle)).all())
