"""Importing another post's ICS from the browser or the command line: the diff, retiring, auditing, a new mission."""

import hashlib
import json
from datetime import date

import pytest
from sqlmodel import select

from dashboard.domain.actor import AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.domain.reporting import first_open_quarter
from dashboard.formats.ics_document import ParsedStrategy, parse_ics_text
from dashboard.services.strategy_import import apply_import, diff_strategy, quarter_after, text_diff
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from dashboard.views.admin_lists import effective_choices
from models import AuditEntry, Mission, Objective, StatusUpdate
from tests.formats.ics_corpus import pages_text, paginate, sample
from tests.people import ADMIN, STATE, VIEWER, World, build
from tests.services.test_strategy_import import _without_objective_43

GHANA_TEXT = pages_text(paginate(sample("ics_ghana.txt"), marking="SENSITIVE BUT UNCLASSIFIED"))
SHA = hashlib.sha256(GHANA_TEXT.encode()).hexdigest()
TODAY = date(2026, 11, 30)


@pytest.fixture
def world(database_url: str) -> World:
    return build(database_url)


@pytest.fixture
def ghana() -> ParsedStrategy:
    return parse_ics_text(GHANA_TEXT)


def _apply(world: World, strategy: ParsedStrategy, mission_id: int | None = None, email: str = ADMIN) -> int:
    with write_session(world.engine) as session:
        return apply_import(
            session=session, actor_email=email, strategy=strategy, source_sha256=SHA, mission_id=mission_id, today=TODAY
        ).mission_id


def test_another_country_creates_a_new_mission(world: World, ghana: ParsedStrategy) -> None:
    with read_session(world.engine) as session:
        diff = diff_strategy(session=session, strategy=ghana)
    assert (diff.mission_id, diff.country) == (None, "Ghana")
    assert diff.added[:3] == ["goal 1", "objective 1.1", "objective 1.2"]
    assert diff.summary_lines()[0] == "new mission: Ghana"

    mission_id = _apply(world, ghana)
    with read_session(world.engine) as session:
        mission = session.get(Mission, mission_id)
        assert mission is not None
        assert (mission.country, mission.post, mission.strategy_start, mission.strategy_end) == (
            "Ghana", "Embassy Accra", 2022, 2026
        )  # fmt: skip
        assert mission.release_marking == "SENSITIVE BUT UNCLASSIFIED"
        # Approved 12 April 2022 (FY2022 Q3): reporting starts the quarter after.
        assert (mission.reporting_from_fy, mission.reporting_from_quarter) == (2022, 4)
        codes = [o.code for o in session.exec(select(Objective).where(Objective.mission_id == mission_id))]
        assert sorted(codes) == ["1.1", "1.2", "2.1", "2.2", "M1", "M2"]
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert entry is not None
    assert (entry.actor, entry.action, entry.entity_key) == (ADMIN, "import strategy", "Ghana")
    after = json.loads(entry.after)
    assert after["document_sha256"] == SHA
    assert after["warnings"] == ghana.warnings
    # The Peru mission is untouched.
    assert world.count(Mission) == 2


def test_only_an_admin_may_apply(world: World, ghana: ParsedStrategy) -> None:
    with pytest.raises(AccessDenied):
        _apply(world, ghana, email=VIEWER)
    assert world.count(Mission) == 1


def test_diff_lists_retitled_changed_removed_then_apply_retires(world: World) -> None:
    world.submit(STATE, world.form(code="4.3", agency="State"))
    peru_text = _peru_text()
    revised = parse_ics_text(
        _without_objective_43(peru_text)
        .replace("Peru progressed in closing its infrastructure gap.", "Peru closed its infrastructure gap.")
        .replace("Peru continues to be a dynamic", "Peru remains a dynamic")
    )
    with read_session(world.engine) as session:
        diff = diff_strategy(session=session, strategy=revised)
    assert diff.mission_id == world.mission_id
    assert [c.item for c in diff.retitled] == ["objective 1.3"]
    assert diff.retitled[0].diff.splitlines()[3:] == [
        "-Peru progressed in closing its infrastructure gap.",
        "+Peru closed its infrastructure gap.",
    ]
    assert ("objective 1.1", "Justification") in [(c.item, c.field) for c in diff.changed]
    assert diff.removed == ["objective 4.3"]
    assert "removed (will be retired, history kept): objective 4.3" in diff.summary_lines()

    updates_before = world.count(StatusUpdate)
    with write_session(world.engine) as session:
        result = apply_import(session=session, actor_email=ADMIN, strategy=revised, source_sha256=SHA,
                              mission_id=world.mission_id, today=TODAY, retire_from=FiscalQuarter(2026, 3))  # fmt: skip
    assert result.summary().endswith("retired from FY2026 Q3 (no longer in the document, history kept): 4.3")
    with read_session(world.engine) as session:
        o43 = session.get(Objective, world.objectives["4.3"])
        assert o43 is not None and (o43.retired_on, o43.retired_from_qindex) == (TODAY, FiscalQuarter(2026, 3).index)
        entry = session.exec(select(AuditEntry).order_by(AuditEntry.id.desc())).first()  # type: ignore[union-attr]
    assert entry is not None and json.loads(entry.after)["retired_from"] == "FY2026 Q3"
    assert world.count(StatusUpdate) == updates_before
    # Owed up to the quarter before its retirement, and no longer from it; earlier quarters keep it.
    expected = queries.expected_frame(world.engine, world.mission_id)
    last = {code: int(rows["until_qindex"].max()) for code, rows in expected.groupby("code")}
    assert (last["4.3"], last["4.2"]) == (FiscalQuarter(2026, 2).index, FiscalQuarter(2026, 4).index)
    retired = queries.retired_history(world.engine, world.mission_id)
    assert list(retired[["code", "owed_until", "agency", "status", "progress"]].itertuples(index=False, name=None)) == [
        ("4.3", "FY2026 Q2", "State", "On track", 40)
    ]

    # Back in a later document: the retirement is lifted and it is expected again.
    with read_session(world.engine) as session:
        again = diff_strategy(session=session, strategy=parse_ics_text(peru_text))
    assert again.restored == ["objective 4.3"]
    _apply(world, parse_ics_text(peru_text))
    expected = queries.expected_frame(world.engine, world.mission_id)
    assert expected[expected["code"] == "4.3"]["until_qindex"].max() == FiscalQuarter(2026, 4).index


def test_a_retirement_defaults_to_the_first_quarter_nobody_has_reported_on(world: World) -> None:
    """On 20 August 2026 FY2026 Q4 is in progress and Q3 is being reported: retiring 4.3 leaves Q3 owing it (its
    reports already in keep counting) and stops Q4 owing it, as a lead change made that day would start from Q4.
    A quarter outside the strategy is refused in one sentence, and nothing is written."""
    revised = parse_ics_text(_without_objective_43(_peru_text()))
    with pytest.raises(
        ValueError, match=r"^retire from: FY2031 Q1 is outside the strategy period \(FY2022 Q1 to FY2026 Q4\)$"
    ):
        with write_session(world.engine) as session:
            apply_import(session=session, actor_email=ADMIN, strategy=revised, source_sha256=SHA,
                         mission_id=world.mission_id, today=date(2026, 8, 20),
                         retire_from=FiscalQuarter(2031, 1))  # fmt: skip
    with read_session(world.engine) as session:
        assert session.get(Objective, world.objectives["4.3"]).retired_on is None  # type: ignore[union-attr]
    with write_session(world.engine) as session:
        result = apply_import(session=session, actor_email=ADMIN, strategy=revised, source_sha256=SHA,
                              mission_id=world.mission_id, today=date(2026, 8, 20))  # fmt: skip
    assert result.retired_from == "FY2026 Q4"
    expected = queries.expected_frame(world.engine, world.mission_id)
    assert expected[expected["code"] == "4.3"]["until_qindex"].max() == FiscalQuarter(2026, 3).index
    # The same first open quarter as the Admin page's "effective from" default.
    with read_session(world.engine) as session:
        mission = session.get(Mission, world.mission_id)
    assert mission is not None
    choices, default = effective_choices(mission, date(2026, 8, 20))
    assert choices[default] == first_open_quarter(date(2026, 8, 20)) == FiscalQuarter(2026, 4)


def test_reimporting_the_same_document_shows_no_changes(world: World) -> None:
    with read_session(world.engine) as session:
        diff = diff_strategy(session=session, strategy=parse_ics_text(_peru_text()))
    assert diff.empty
    assert diff.summary_lines() == ["mission: Peru", "no changes"]


def test_unknown_mission_is_one_message(world: World, ghana: ParsedStrategy) -> None:
    with read_session(world.engine) as session, pytest.raises(ValueError, match="mission 999 does not exist"):
        diff_strategy(session=session, strategy=ghana, mission_id=999)


def test_text_diff_wraps_and_marks_changes() -> None:
    before = "The Embassy trains judges. " * 8
    after = before.replace("trains judges", "trains prosecutors", 1)
    lines = text_diff(before, after, width=60).splitlines()
    assert lines[:2] == ["--- current", "+++ document"]
    assert any(line.startswith("-The Embassy trains judges.") for line in lines)
    assert any(line.startswith("+The Embassy trains prosecutors.") for line in lines)
    assert all(len(line) <= 61 for line in lines[3:])


@pytest.mark.parametrize(("approved", "first"), [(date(2022, 4, 12), (2022, 4)), (date(2023, 9, 22), (2024, 1)),
                                                 (date(2022, 3, 21), (2022, 3))])  # fmt: skip
def test_reporting_starts_the_quarter_after_approval(approved: date, first: tuple[int, int]) -> None:
    q = quarter_after(approved)
    assert (q.fiscal_year, q.quarter) == first


def _peru_text() -> str:
    from dashboard.settings import DATA_DIR

    return (DATA_DIR / "ics_peru.md").read_text(encoding="utf-8")
