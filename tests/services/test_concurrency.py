"""Many writers at once, on one SQLite file and on PostgreSQL: every write lands once, or meets a clean Conflict.

Writers are threads released together by a barrier, each with its own ``write_session``; on SQLite a
second scenario uses separate processes with separate engines.
"""

import multiprocessing
import sys
import threading
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import access, admin, sign_in, submissions
from dashboard.services.sign_in import SignInError
from dashboard.store.database import dispose_engine, get_engine, read_session, write_session
from models import Indicator, IndicatorValue, ObjectiveAgency, StatusUpdate, UpdateDraft, UpdateInput
from tests import people
from tests.people import ADMIN, TODAY, World

WRITERS = 24
QUARTERS = [FiscalQuarter(2026, q) for q in (1, 2, 3, 4)]


def _together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs in threads released at the same moment; each result is the return value or the exception."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(number: int) -> None:
        barrier.wait()
        try:
            results[number] = jobs[number]()
        except BaseException as exc:  # noqa: BLE001 - every outcome is checked by the test
            results[number] = exc

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return results


def _keys(world: World, count: int) -> list[tuple[int, int, FiscalQuarter]]:
    """``count`` distinct (objective, agency, quarter) keys: every objective's agencies, then the next quarter."""
    with read_session(world.engine) as session:
        pairs = sorted((r.objective_id, r.agency_id) for r in session.exec(select(ObjectiveAgency)))
    keys = [(objective, agency, quarter) for quarter in QUARTERS for objective, agency in pairs]
    assert len(keys) >= count
    return keys[:count]


def _contributors(world: World, agency_ids: list[int], prefix: str = "writer") -> list[str]:
    """One passwordless contributor per entry, bound to that agency."""
    acronyms = {agency_id: acronym for acronym, agency_id in world.agencies.items()}
    emails = [f"{prefix}{n}@example.gov" for n in range(len(agency_ids))]
    with write_session(world.engine) as session:
        for email, agency_id in zip(emails, agency_ids, strict=True):
            admin.add_user(
                session=session,
                actor_email=SYSTEM_ACTOR,
                email=email,
                role="contributor",
                agencies=[acronyms[agency_id]],
            )
    return emails


def _form(objective_id: int, agency_id: int, quarter: FiscalQuarter, progress: int = 40) -> UpdateInput:
    return UpdateInput(
        objective_id=objective_id,
        agency_id=agency_id,
        fiscal_year=quarter.fiscal_year,
        quarter=quarter.quarter,
        status="On track",
        progress=progress,
        risk_level="Low",
        accomplishments=f"Reported with progress {progress}",
    )


def _submit(url: str, email: str, form: UpdateInput, base_revision: int = 0) -> StatusUpdate:
    with write_session(get_engine(url)) as session:
        return submissions.submit(
            session=session, actor_email=email, form=form, base_revision=base_revision, today=TODAY
        )


def _stored(world: World) -> list[tuple[int, int, int, int, int, str]]:
    with read_session(world.engine) as session:
        rows = session.exec(select(StatusUpdate)).all()
        return [(r.objective_id, r.agency_id, r.fiscal_year, r.quarter, r.revision, r.author) for r in rows]


def test_writers_of_different_updates_all_land_once(database_url: str) -> None:
    world = people.build(database_url, cast=[])
    keys = _keys(world, WRITERS)
    emails = _contributors(world, [agency for _, agency, _ in keys])
    jobs = [
        (lambda e=email, k=key: _submit(database_url, e, _form(k[0], k[1], k[2])))
        for email, key in zip(emails, keys, strict=True)
    ]
    results = _together(jobs)
    assert [r for r in results if not isinstance(r, StatusUpdate)] == []
    expected = sorted((o, a, q.fiscal_year, q.quarter, 1, e) for e, (o, a, q) in zip(emails, keys, strict=True))
    assert sorted(_stored(world)) == expected
    assert len({row[:4] for row in expected}) == WRITERS


def test_writers_of_one_update_get_one_revision_and_conflicts(database_url: str) -> None:
    world = people.build(database_url, cast=[])
    objective, agency = world.objectives["1.1"], world.agencies["State"]
    emails = _contributors(world, [agency] * WRITERS)
    jobs = [
        (lambda e=email, n=number: _submit(database_url, e, _form(objective, agency, people.QUARTER, n)))
        for number, email in enumerate(emails)
    ]
    results = _together(jobs)
    winners = [r for r in results if isinstance(r, StatusUpdate)]
    conflicts = [r for r in results if isinstance(r, submissions.Conflict)]
    others = [r for r in results if not isinstance(r, StatusUpdate | submissions.Conflict)]
    assert others == []
    assert len(winners) == 1 and len(conflicts) == WRITERS - 1
    winner = winners[0]
    stored = _stored(world)
    assert stored == [(objective, agency, 2026, 4, 1, winner.author)]
    for conflict in conflicts:
        assert conflict.current.id == winner.id and conflict.current.author == winner.author
        assert f"{winner.author} saved revision 1" in str(conflict)


def test_one_chain_of_revisions_under_contention(database_url: str) -> None:
    """Each writer retries from the revision it was shown until it lands: revisions 1..N, no gaps, no losses."""
    world = people.build(database_url, cast=[])
    objective, agency = world.objectives["2.1"], world.agencies["DEA"]
    writers = 8
    emails = _contributors(world, [agency] * writers)

    def persist(email: str, number: int) -> int:
        base = 0
        for _ in range(writers + 1):
            try:
                return _submit(database_url, email, _form(objective, agency, people.QUARTER, number), base).revision
            except submissions.Conflict as conflict:
                base = conflict.current.revision
        raise AssertionError("never landed")

    results = _together([(lambda e=email, n=number: persist(e, n)) for number, email in enumerate(emails)])
    assert sorted(results) == list(range(1, writers + 1))
    stored = sorted(_stored(world), key=lambda row: row[4])
    assert [row[4] for row in stored] == list(range(1, writers + 1))
    assert sorted(row[5] for row in stored) == sorted(emails)


def test_agencies_reporting_one_indicator_at_once(database_url: str) -> None:
    """Every agency on 1.1 reports the same indicator for the same quarter at once: one value revision each."""
    world = people.build(database_url, cast=[])
    objective = world.objectives["1.1"]
    with write_session(world.engine) as session:
        indicator = Indicator(objective_id=objective, name="Officers trained", baseline=0, target=100)
        session.add(indicator)
        session.flush()
        indicator_id = indicator.id
    with read_session(world.engine) as session:
        agencies = sorted(
            r.agency_id for r in session.exec(select(ObjectiveAgency).where(ObjectiveAgency.objective_id == objective))
        )
    emails = _contributors(world, agencies * 2)
    quarters = [people.QUARTER] * len(agencies) + [FiscalQuarter(2026, 3)] * len(agencies)
    jobs = [
        (
            lambda e=email, a=agency, q=quarter, n=number: _submit(
                database_url,
                e,
                _form(objective, a, q).model_copy(update={"indicator_values": {indicator_id: float(n)}}),
            )
        )
        for number, (email, agency, quarter) in enumerate(zip(emails, agencies * 2, quarters, strict=True))
    ]
    results = _together(jobs)
    assert [r for r in results if not isinstance(r, StatusUpdate)] == []
    with read_session(world.engine) as session:
        values = session.exec(select(IndicatorValue)).all()
    for quarter in (3, 4):
        revisions = sorted(v.revision for v in values if v.quarter == quarter)
        assert revisions == list(range(1, len(agencies) + 1))


def test_drafts_of_one_update_saved_at_once(database_url: str) -> None:
    world = people.build(database_url, cast=[])
    objective, agency = world.objectives["1.1"], world.agencies["USAID"]
    emails = _contributors(world, [agency] * WRITERS)

    def save(email: str, number: int) -> None:
        with write_session(get_engine(database_url)) as session:
            submissions.save_draft(
                session=session,
                actor_email=email,
                form=_form(objective, agency, people.QUARTER, number),
                base_revision=0,
                today=TODAY,
            )

    results = _together([(lambda e=email, n=number: save(e, n)) for number, email in enumerate(emails)])
    assert results == [None] * WRITERS
    assert world.count(UpdateDraft) == 1


def test_parallel_wrong_passwords_are_counted_one_at_a_time(database_url: str) -> None:
    """Guessing in parallel must not get around the one-attempt-per-second throttle or the failure count."""
    world = people.build(database_url, cast=[])
    with write_session(world.engine) as session:
        admin.add_user(
            session=session, actor_email=SYSTEM_ACTOR, email="pw@example.gov", role="viewer", password=people.PASSWORD
        )
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    guesses = 10

    def guess(number: int) -> Any:
        return sign_in.sign_in(
            world.engine, "pw@example.gov", f"guess number {number}", max_failures=5, lock_minutes=15, now=now
        )

    results = _together([(lambda n=number: guess(n)) for number in range(guesses)])
    messages = sorted(str(r) for r in results)
    assert all(isinstance(r, SignInError) for r in results), messages
    assert messages.count(sign_in.BAD_CREDENTIALS) == 1, messages  # only one guess was checked
    assert messages.count("Too many attempts. Wait a moment and try again.") == guesses - 1
    with read_session(world.engine) as session:
        record = sign_in.lock_state(session, "pw@example.gov")
        assert record is not None and record.failures == 1
    later = now + timedelta(seconds=2)
    assert sign_in.sign_in(world.engine, "pw@example.gov", people.PASSWORD, max_failures=5, lock_minutes=15, now=later)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(database_url: str) -> None:
    world = people.build(database_url, cast=[{"email": ADMIN, "role": "admin"}])
    other = "admin2@example.gov"
    with write_session(world.engine) as session:
        admin.add_user(session=session, actor_email=ADMIN, email=other, role="admin")

    def demote(actor: str, target: str) -> None:
        with write_session(get_engine(database_url)) as session:
            admin.update_user(session=session, actor_email=actor, email=target, role="viewer")

    for _ in range(3):  # a race: try a few times
        results = _together([lambda: demote(ADMIN, other), lambda: demote(other, ADMIN)])
        assert sum(r is None for r in results) == 1, results
        assert all(r is None or isinstance(r, AccessDenied) for r in results), results
        with read_session(world.engine) as session:
            admins = [e for e in (ADMIN, other) if access.resolve(session, e).is_admin]
        assert len(admins) == 1
        with write_session(world.engine) as session:  # back to two admins for the next round
            admin.update_user(
                session=session, actor_email=admins[0], email=({ADMIN, other} - set(admins)).pop(), role="admin"
            )


# --- separate processes (SQLite: one file, many programs) -------------------------------------------------------


def _process_writer(url: str, email: str, form_data: dict[str, Any], barrier: Any, results: Any) -> None:
    get_engine.cache_clear()  # a fresh engine in this process, whatever the parent had open
    barrier.wait(timeout=180)
    try:
        row = _submit(url, email, UpdateInput(**form_data))
        results.put((email, "stored", row.id))
    except submissions.Conflict as conflict:
        results.put((email, "conflict", conflict.current.id))
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        results.put((email, "error", repr(exc)))


def test_writer_processes_on_one_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """20 programs at once: 10 write different updates, 10 race for one more update."""
    # A page test run earlier in this worker may leave Streamlit's script module as __main__; children must not
    # re-run the app's entrypoint when they start.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    world = people.build(url, cast=[])
    distinct, racing = 10, 10
    keys = _keys(world, distinct + 1)
    contested, keys = keys[0], keys[1:] + [keys[0]] * racing
    emails = _contributors(world, [agency for _, agency, _ in keys])
    dispose_engine(url)  # nothing open in the parent while the children write
    # forkserver: writers fork from a clean single-threaded server that has imported this module, never from the
    # test worker itself (forking a process that runs threads, such as AppTest's or the browser driver's, is unsafe)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier, results = context.Barrier(len(keys)), context.Queue()
    processes = [
        context.Process(target=_process_writer, args=(url, email, _form(*key).model_dump(), barrier, results))
        for email, key in zip(emails, keys, strict=True)
    ]
    for process in processes:
        process.start()
    outcomes = {email: (kind, detail) for email, kind, detail in (results.get(timeout=60) for _ in processes)}
    for process in processes:
        process.join(timeout=30)
    assert [p.exitcode for p in processes] == [0] * len(processes)
    assert [o for o in outcomes.values() if o[0] == "error"] == []
    assert all(outcomes[e][0] == "stored" for e in emails[:distinct])
    race = [outcomes[e] for e in emails[distinct:]]
    winners = [detail for kind, detail in race if kind == "stored"]
    assert len(winners) == 1 and [detail for kind, detail in race if kind == "conflict"] == winners * (racing - 1)
    winner = next(e for e in emails[distinct:] if outcomes[e][0] == "stored")
    expected = [(o, a, q.fiscal_year, q.quarter, 1, e) for e, (o, a, q) in zip(emails[:distinct], keys, strict=False)]
    expected.append((contested[0], contested[1], contested[2].fiscal_year, contested[2].quarter, 1, winner))
    assert sorted(_stored(world)) == sorted(expected)
    dispose_engine(url)
