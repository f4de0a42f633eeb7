"""Closing a quarter for every mission at once: each record is, to the byte, the one that mission's own close
stores; missions closed already or outside their strategy are skipped with the reason; the command exits
non-zero only when nothing closed or the input is bad; writes for the closed quarter are refused after."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from dashboard.cli import main
from dashboard.domain.actor import SYSTEM_ACTOR
from dashboard.services import quarters
from dashboard.services.quarters import QuarterClosed
from dashboard.settings import Settings
from dashboard.store import closed_records
from dashboard.store.database import dispose_engine, get_engine, migrate, read_session, write_session
from dashboard.views import quarter_record, quarter_records
from models import Goal, Mission, Objective, ObjectiveAgency, QuarterClose
from models.schemas import FieldError
from tests.people import ADMIN, QUARTER, STATE, TODAY, USAID, World, build, demo_template

COUNTED = ("submitted", "approved")
Q3 = QUARTER.previous()


def _add_missions(world: World) -> dict[str, int]:
    """Chile (one goal; objective 1.1 with USAID leading and State contributing, in no working group; one
    management objective) and Ecuador, whose strategy ended before the quarter."""
    with write_session(world.engine) as session:
        chile = Mission(country="Chile", post="Embassy Santiago", strategy_start=2023, strategy_end=2027, bureau="WHA")
        ecuador = Mission(country="Ecuador", post="Embassy Quito", strategy_start=2019, strategy_end=2022)
        session.add_all([chile, ecuador])
        session.flush()
        goal = Goal(mission_id=chile.id, code="1", title="Trade", position=1)  # type: ignore[arg-type]
        session.add(goal)
        session.flush()
        for code, goal_id, position in (("1.1", goal.id, 1), ("M.1", None, 2)):
            objective = Objective(mission_id=chile.id, goal_id=goal_id, code=code, title=f"Objective {code}",  # type: ignore[arg-type]
                                  justification="Why", position=position)  # fmt: skip
            session.add(objective)
            session.flush()
            session.add(ObjectiveAgency(objective_id=objective.id, agency_id=world.agencies["USAID"], role="lead"))  # type: ignore[arg-type]
            session.add(ObjectiveAgency(objective_id=objective.id, agency_id=world.agencies["State"]))  # type: ignore[arg-type]
        return {"Peru": world.mission_id, "Chile": chile.id, "Ecuador": ecuador.id}  # type: ignore[dict-item]


@pytest.fixture
def world(database_url: str) -> World:
    world = build(database_url)
    world.missions = _add_missions(world)  # type: ignore[attr-defined]
    reports = [("1.1", "USAID", Q3, "At risk"), ("1.1", "USAID", QUARTER, "On track")]
    reports += [("1.2", "State", QUARTER, "Off track"), ("1.1", "State", QUARTER, "At risk")]
    for code, agency, quarter, status in reports:
        narratives = {"challenges": "Customs delays.", "risk_note": "Delays; weekly meetings."}
        world.submit(
            USAID if agency == "USAID" else STATE, world.form(code, agency, quarter, status=status, **narratives)
        )
    return world


def _close_one(world: World, mission_id: int, quarter: Any = QUARTER) -> QuarterClose:
    with write_session(world.engine) as session:
        record = quarter_record.reader(mission_id, quarter, Settings(database_url=world.url))
        return quarters.close(
            session=session, actor_email=ADMIN, mission_id=mission_id, quarter=quarter, today=TODAY, record=record
        )


def _close_all(world: World, email: str = ADMIN) -> tuple[list[quarters.Closed], list[quarters.Skipped]]:
    with write_session(world.engine) as session:
        records = quarter_records.reader(QUARTER, Settings(database_url=world.url))
        return quarters.close_many(
            session=session, actor_email=email, mission_ids=None, quarter=QUARTER, today=TODAY, records=records
        )


def _own(world: World, mission_id: int) -> str:
    """The canonical record the mission's own close would store now."""
    made = quarter_record.build(world.engine, mission_id, QUARTER, states=COUNTED, on_target=0.9)
    return closed_records.canonical(made)


def test_every_record_of_a_batch_close_is_the_one_its_mission_s_own_close_stores(world: World) -> None:
    _close_one(world, world.mission_id, Q3)  # Peru's quarter before is closed: its record stands in for it
    missions = world.missions  # type: ignore[attr-defined]
    own = {m: closed_records.digest(_own(world, m)) for m in (missions["Peru"], missions["Chile"])}
    closed, skipped = _close_all(world)
    assert {c.mission_id: c.sha256 for c in closed} == own
    with read_session(world.engine) as session:
        rows = session.exec(select(QuarterClose).where(QuarterClose.quarter == QUARTER.quarter)).all()
    assert {r.mission_id: closed_records.digest(r.snapshot) for r in rows} == own
    assert all(closed_records.digest(r.snapshot) == r.sha256 for r in rows)
    assert [(s.country, s.reason) for s in skipped] == [
        ("Ecuador", "FY2026 Q4 is outside the strategy period (FY2019 Q1 to FY2022 Q4)")
    ]
    record = closed_records.records_of(world.engine, missions["Chile"])[QUARTER.index]
    assert record["figures"]["expected"] == 4  # both objectives, two agencies each
    with read_session(world.engine) as session:
        assert quarters.verify(session, missions["Chile"], QUARTER).sha256 == own[missions["Chile"]]


def test_a_mission_closed_already_is_skipped_and_writes_for_the_quarter_are_refused_after(world: World) -> None:
    _close_one(world, world.mission_id)
    closed, skipped = _close_all(world)
    assert [c.country for c in closed] == ["Chile"]
    assert [s.country for s in skipped] == ["Peru", "Ecuador"]
    assert skipped[0].reason.startswith("FY2026 Q4 is already closed (on ")
    with pytest.raises(QuarterClosed, match="FY2026 Q4 was closed on"):
        world.submit(USAID, world.form("1.3", "USAID"))
    assert _close_all(world)[0] == []  # nothing left to close


def test_a_batch_close_refuses_a_quarter_not_over_and_anyone_not_an_admin(world: World) -> None:
    with write_session(world.engine) as session, pytest.raises(FieldError, match="has not ended yet"):
        quarters.close_many(session=session, actor_email=ADMIN, mission_ids=None, quarter=QUARTER,
                            today=date(2026, 9, 1), records=quarter_records.reader(QUARTER, Settings()))  # fmt: skip
    with pytest.raises(Exception, match="admin"):
        _close_all(world, USAID)
    with read_session(world.engine) as session:
        assert session.exec(select(QuarterClose)).all() == []


def test_the_command_closes_every_mission_says_which_it_skipped_and_fails_when_none_closed(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", world.url)
    try:
        code = main(["quarter", "close", "FY2026Q4", "--all-missions", "--as", ADMIN])
        out = capsys.readouterr().out
        assert code == 0, out
        assert "closed Peru FY2026 Q4: record of " in out and "closed Chile FY2026 Q4: record of " in out
        assert "skipped Ecuador: FY2026 Q4 is outside the strategy period (FY2019 Q1 to FY2022 Q4)" in out
        assert "closed FY2026 Q4 for 2 of 3 missions (1 skipped;" in out
        code = main(["quarter", "close", "FY2026Q4", "--all-missions", "--as", ADMIN])
        out = capsys.readouterr().out
        assert code != 0
        assert "skipped Peru: FY2026 Q4 is already closed" in out and "for 0 of 3 missions" in out
        with pytest.raises(SystemExit) as bad:  # one mission or all of them, not both
            main(["quarter", "close", "FY2026Q4", "--all-missions", "--mission", "Peru", "--as", ADMIN])
        assert bad.value.code != 0
        with pytest.raises(SystemExit) as bad:
            main(["quarter", "close", "someday", "--all-missions", "--as", ADMIN])
        assert bad.value.code != 0
    finally:
        dispose_engine(world.url)


def test_on_the_demo_history_with_earlier_quarters_closed_the_batch_stores_each_missions_own_record(
    tmp_path: Path,
) -> None:
    """The demo mission (every agency reporting for years, indicators, three earlier quarters closed one by one)
    closed with the batch: the same bytes as its own close would store."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template(), path)
    url = f"sqlite:///{path}"
    migrate(url)
    world = World(url, get_engine(url), 1, {}, {})
    settings = Settings(database_url=url)
    try:
        for quarter in (Q3.previous().previous(), Q3.previous(), Q3):
            with write_session(world.engine) as session:
                quarters.close(session=session, actor_email=SYSTEM_ACTOR, mission_id=1, quarter=quarter, today=TODAY,
                               record=quarter_record.reader(1, quarter, settings))  # fmt: skip
        own = closed_records.digest(_own(world, 1))
        with write_session(world.engine) as session:
            closed, skipped = quarters.close_many(
                session=session, actor_email=SYSTEM_ACTOR, mission_ids=None, quarter=QUARTER, today=TODAY,
                records=quarter_records.reader(QUARTER, settings),
            )  # fmt: skip
        assert skipped == [] and [(c.mission_id, c.sha256) for c in closed] == [(1, own)]
    finally:
        dispose_engine(url)
