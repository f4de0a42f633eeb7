"""Getting a database ready (init_database, ensure_ready) and the deterministic demo history."""

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import func, select

from dashboard.domain.fiscal import FiscalQuarter, quarter_range
from dashboard.services.bootstrap import demo_through, ensure_ready, init_database
from dashboard.services.demo import DEMO_START, LATE_REPORTERS, seed_demo
from dashboard.settings import DATA_DIR, Settings
from dashboard.store.database import dispose_engine, get_engine, is_empty, read_session, write_session
from models import (
    Agency,
    Goal,
    Indicator,
    IndicatorValue,
    Mission,
    Objective,
    ObjectiveAgency,
    StatusUpdate,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
)

TODAY = date(2026, 11, 23)
TABLES = (
    Mission,
    Goal,
    Objective,
    Agency,
    ObjectiveAgency,
    WorkingGroup,
    WorkingGroupAgency,
    WorkingGroupObjective,
    StatusUpdate,
    Indicator,
    IndicatorValue,
)
LAST = FiscalQuarter(2026, 4)


def _counts(url: str) -> dict[str, int]:
    with read_session(get_engine(url)) as session:
        return {t.__name__: int(session.exec(select(func.count()).select_from(t)).one()) for t in TABLES}


def _demo_rows(url: str) -> list[tuple[str, str, int, int, str, int, str, int]]:
    with read_session(get_engine(url)) as session:
        rows = session.exec(
            select(
                Objective.code,
                Agency.acronym,
                StatusUpdate.fiscal_year,
                StatusUpdate.quarter,
                StatusUpdate.status,
                StatusUpdate.progress,
                StatusUpdate.risk_level,
                StatusUpdate.revision,
            )
            .join(Objective, Objective.id == StatusUpdate.objective_id)
            .join(Agency, Agency.id == StatusUpdate.agency_id)
        ).all()
    return sorted(tuple(r) for r in rows)


def _latest_by_pair(url: str) -> dict[tuple[str, str], list[tuple[FiscalQuarter, str, int, str]]]:
    """(objective code, agency) -> [(quarter, status, progress, risk)] by quarter, latest revision only."""
    latest: dict[tuple[str, str, int, int], tuple[int, str, int, str]] = {}
    for code, acronym, fy, q, status, progress, risk, revision in _demo_rows(url):
        key = (code, acronym, fy, q)
        if key not in latest or latest[key][0] < revision:
            latest[key] = (revision, status, progress, risk)
    pairs: dict[tuple[str, str], list[tuple[FiscalQuarter, str, int, str]]] = defaultdict(list)
    for (code, acronym, fy, q), (_, status, progress, risk) in sorted(latest.items()):
        pairs[(code, acronym)].append((FiscalQuarter(fy, q), status, progress, risk))
    for series in pairs.values():
        series.sort()
    return dict(pairs)


@pytest.fixture
def seeded(settings: Settings) -> str:
    init_database(settings, demo=True, today=TODAY)
    return settings.database_url


def test_init_twice_adds_nothing_the_second_time(settings: Settings) -> None:
    assert is_empty(settings.database_url)
    first = init_database(settings, demo=True, today=TODAY)
    assert first.new_database is True
    assert first.agencies_added == 8
    assert first.structure_added > 0
    assert first.demo_rows > 0
    assert first.imported.changed
    counts = _counts(settings.database_url)
    assert counts["Mission"] == 1 and counts["Goal"] == 4 and counts["Objective"] == 11
    assert counts["StatusUpdate"] == first.demo_rows

    second = init_database(settings, demo=True, today=TODAY)
    assert second.new_database is False
    assert second.imported.changed is False
    assert (second.agencies_added, second.structure_added, second.demo_rows) == (0, 0, 0)
    assert _counts(settings.database_url) == counts
    lines = second.lines()
    assert "database: up to date" in lines
    assert "strategy: 0 created, 0 updated, 16 unchanged" in lines
    assert "demo status updates written: 0" in lines


def test_every_demo_row_is_marked_demo(seeded: str) -> None:
    with read_session(get_engine(seeded)) as session:
        updates = session.exec(select(StatusUpdate)).all()
        indicators = session.exec(select(Indicator)).all()
        values = session.exec(select(IndicatorValue)).all()
    assert updates and indicators and values
    assert all(u.is_demo for u in updates)
    assert all(i.is_demo for i in indicators)
    assert all(v.is_demo for v in values)


def test_demo_covers_fy2022_q3_to_the_strategy_end(seeded: str) -> None:
    rows = _demo_rows(seeded)
    quarters = {FiscalQuarter(fy, q) for _, _, fy, q, *_ in rows}
    expected = set(quarter_range(FiscalQuarter(2022, 3), LAST))
    assert DEMO_START == FiscalQuarter(2022, 3)
    assert quarters == expected  # every quarter has reports, none outside the range
    assert len(expected) == 18


def test_every_objective_agency_pair_has_updates(seeded: str) -> None:
    with read_session(get_engine(seeded)) as session:
        agencies = {a.id: a.acronym for a in session.exec(select(Agency))}
        objectives = {o.id: o.code for o in session.exec(select(Objective))}
        expected_pairs = {
            (objectives[r.objective_id], agencies[r.agency_id]) for r in session.exec(select(ObjectiveAgency))
        }
        groups = {r.objective_id: r.working_group_id for r in session.exec(select(WorkingGroupObjective))}
        updates = session.exec(select(StatusUpdate)).all()
    pairs = _latest_by_pair(seeded)
    assert set(pairs) == expected_pairs
    structure = json.loads((DATA_DIR / "peru_structure.json").read_text(encoding="utf-8"))
    assert expected_pairs == {
        (code, acronym)
        for code, spec in structure["objective_agencies"].items()
        for acronym in [spec["lead"], *spec["contributing"]]
    }
    # Each pair reports most quarters (a few missed reports are allowed).
    assert all(len(series) >= 12 for series in pairs.values())
    # Late reporters skip the newest quarter; everyone else files it.
    for (_, acronym), series in pairs.items():
        newest = series[-1][0]
        if acronym in LATE_REPORTERS:
            assert newest < LAST
        else:
            assert newest == LAST
    # Rows are consistent with the schema's scales and the structure.
    for u in updates:
        assert 0 <= u.progress <= 100
        assert u.state == "approved"
        assert u.working_group_id == groups[u.objective_id]
        if u.revision > 1:
            assert u.supersedes_id is not None


def test_demo_trajectories_tell_stories(seeded: str) -> None:
    pairs = _latest_by_pair(seeded)
    finals = {pair: series[-1] for pair, series in pairs.items()}
    assert any(status == "Completed" and progress == 100 for _, status, progress, _ in finals.values())
    assert any(status == "Off track" for _, status, _, _ in finals.values())
    non_decreasing = [
        pair
        for pair, series in pairs.items()
        if len(series) > 3 and all(a[2] <= b[2] for a, b in zip(series, series[1:], strict=False))
    ]
    assert non_decreasing
    # Not uniform noise: the last status differs from the first for most pairs, and progress moves.
    first_statuses = {series[0][1] for series in pairs.values()}
    assert first_statuses <= {"Not started", "On track"}
    assert len({status for _, status, _, _ in finals.values()}) >= 3
    # A completed pair stays completed at 100 once it gets there.
    for series in pairs.values():
        done = [i for i, point in enumerate(series) if point[1] == "Completed"]
        if done:
            assert all(point[1] == "Completed" and point[2] == 100 for point in series[done[0] :])


def test_demo_is_deterministic(settings: Settings, tmp_path: Path) -> None:
    init_database(settings, demo=True, today=TODAY)
    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    try:
        init_database(Settings(database_url=other_url), demo=True, today=TODAY)
        assert _demo_rows(settings.database_url) == _demo_rows(other_url)
    finally:
        dispose_engine(other_url)


def test_seed_demo_is_idempotent(seeded: str) -> None:
    before = _counts(seeded)
    with write_session(get_engine(seeded)) as session:
        mission = session.exec(select(Mission)).one()
        assert seed_demo(session=session, mission_id=mission.id, through=LAST) == 0
    assert _counts(seeded) == before


def test_demo_through_clamps_to_the_strategy_end(seeded: str) -> None:
    with read_session(get_engine(seeded)) as session:
        mission = session.exec(select(Mission)).one()
    assert demo_through(mission, date(2024, 5, 1)) == FiscalQuarter(2024, 2)
    assert demo_through(mission, date(2024, 10, 1)) == FiscalQuarter(2024, 4)
    assert demo_through(mission, TODAY) == LAST
    assert demo_through(mission, date(2028, 1, 15)) == LAST
    assert demo_through(mission, date(2031, 6, 30)) == LAST


def test_demo_after_the_strategy_end_stops_at_its_last_quarter(settings: Settings) -> None:
    init_database(settings, demo=True, today=date(2029, 3, 1))
    quarters = {FiscalQuarter(fy, q) for _, _, fy, q, *_ in _demo_rows(settings.database_url)}
    assert max(quarters) == LAST


def test_demo_up_to_an_earlier_quarter(settings: Settings) -> None:
    init_database(settings, demo=True, today=date(2024, 5, 1))
    quarters = {FiscalQuarter(fy, q) for _, _, fy, q, *_ in _demo_rows(settings.database_url)}
    assert quarters == set(quarter_range(FiscalQuarter(2022, 3), FiscalQuarter(2024, 2)))


def test_ensure_ready_without_demo_loads_the_strategy_only(database_url: str) -> None:
    settings = Settings(database_url=database_url, demo_on_new_database=False)
    report = ensure_ready(settings)
    assert report is not None
    assert report.new_database is True
    assert report.demo_rows == 0
    counts = _counts(database_url)
    assert counts["Mission"] == 1 and counts["Objective"] == 11 and counts["Agency"] == 8
    assert counts["WorkingGroup"] == 5
    assert counts["StatusUpdate"] == 0 and counts["Indicator"] == 0 and counts["IndicatorValue"] == 0
    # Ready now: a second call only migrates.
    assert ensure_ready(settings) is None
    assert _counts(database_url) == counts


def test_ensure_ready_with_demo_on_a_new_database(database_url: str) -> None:
    report = ensure_ready(Settings(database_url=database_url, demo_on_new_database=True))
    assert report is not None and report.demo_rows > 0
    assert _counts(database_url)["StatusUpdate"] == report.demo_rows


def test_ensure_ready_on_a_migrated_but_empty_database_loads_the_strategy(engine: Engine, database_url: str) -> None:
    assert not is_empty(database_url)
    report = ensure_ready(Settings(database_url=database_url, demo_on_new_database=False))
    assert report is not None
    assert report.new_database is False
    assert _counts(database_url)["Objective"] == 11
