"""Writers under overload: 40 `updates import` programs at once, beside two busy processes, on one database.

Every distinct write lands and nobody sees a lock error: imports check their rows before taking the write
lock, and a busy database is tried again with backoff before the one plain sentence is given.
"""

import contextlib
import io
import multiprocessing
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from dashboard import cli
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import admin
from dashboard.store.database import dispose_engine, read_session, write_session
from models import Agency, Objective, ObjectiveAgency, StatusUpdate
from tests import people
from tests.people import ADMIN

PROCESSES = 40
QUARTERS = [FiscalQuarter(2026, 3), FiscalQuarter(2026, 4)]
HEADER = ",".join(
    ["objective", "agency", "quarter", "status", "progress", "risk_level", "accomplishments", "challenges"]
    + ["next_steps", "risk_note", "current_revision"]
)


def _importer(url: str, path: str, email: str, barrier: Any, results: Any) -> None:
    """One `python -m dashboard updates import` run, in this process, started with the others."""
    os.environ["DATABASE_URL"] = url
    out, err = io.StringIO(), io.StringIO()
    try:
        barrier.wait(timeout=180)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["updates", "import", path, "--as", email])
    except BaseException as exc:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((email, -1, f"{type(exc).__name__}: {exc}"))
        return
    results.put((email, code, out.getvalue() + err.getvalue()))


def _jobs(world: people.World, folder: Path) -> list[tuple[str, str]]:
    """(file, e-mail) per writer: each reports one distinct update, as a contributor of that agency."""
    with read_session(world.engine) as session:
        pairs = session.exec(
            select(Objective.code, Agency.acronym)
            .join(ObjectiveAgency, ObjectiveAgency.objective_id == Objective.id)
            .join(Agency, Agency.id == ObjectiveAgency.agency_id)
            .where(Objective.mission_id == world.mission_id)
            .order_by(Objective.code, Agency.acronym)
        ).all()
    updates = [(code, acronym, quarter) for quarter in QUARTERS for code, acronym in pairs][:PROCESSES]
    assert len(updates) == PROCESSES
    jobs = []
    with write_session(world.engine) as session:
        for n, (code, acronym, quarter) in enumerate(updates):
            email = f"writer{n}@example.gov"
            admin.add_user(session=session, actor_email=ADMIN, email=email, role="contributor", agencies=[acronym])
            path = folder / f"update{n}.csv"
            path.write_text(
                f"{HEADER}\n{code},{acronym},{quarter.label},On track,{n},Low,Writer {n} reports,,,,0\n",
                encoding="utf-8",
            )
            jobs.append((str(path), email))
    return jobs


def _busy() -> list[subprocess.Popen]:
    """Two processes that keep both cores busy, as other work on a loaded server would."""
    spin = "import time\nend = time.time() + 300\nwhile time.time() < end: pass"
    return [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(2)]


def test_forty_importers_beside_busy_processes_all_land(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite:///{tmp_path / 'shared.db'}"  # one file every process opens
    world = people.build(database_url)
    jobs = _jobs(world, tmp_path)
    dispose_engine(database_url)
    # A page test run earlier in this worker may leave Streamlit's script module as __main__; children must not
    # re-run the app's entrypoint when they start.
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    barrier, results = context.Barrier(len(jobs)), context.Queue()
    spinners = _busy()
    try:
        processes = [
            context.Process(target=_importer, args=(database_url, path, email, barrier, results))
            for path, email in jobs
        ]
        for process in processes:
            process.start()
        outcomes = [results.get(timeout=240) for _ in processes]
        for process in processes:
            process.join(timeout=60)
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    failures = [(email, code, output) for email, code, output in outcomes if code != 0]
    assert failures == [], failures[:3]
    assert not [o for _, _, o in outcomes if "locked" in o or "OperationalError" in o or "busy" in o]
    assert all("wrote 1 update" in output for _, _, output in outcomes), outcomes[:3]
    with read_session(world.engine) as session:
        stored = session.exec(select(StatusUpdate.author, StatusUpdate.revision)).all()
    assert sorted(stored) == sorted((email, 1) for _, email in jobs)
    dispose_engine(database_url)
