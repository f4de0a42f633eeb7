"""expected_frame and updates_frame against a real database (SQLite, and PostgreSQL when configured).

Mission Peru (the one under test):
    goal 1  -> objective 1.1 (position 1): State lead, DEA and USAID contributing; in "Security WG"
    no goal -> objective M1 (management, position 2): State lead; in no working group
Mission Colombia: goal 1 -> objective 1.1: DEA lead, with one submitted update (must never leak into Peru's).

Peru's status_update rows (qindex = fiscal_year * 4 + quarter - 1):
    1.1 State FY2026 Q1 (8104): rev 1 submitted At risk 10 Medium; rev 2 approved On track 20 Low  -> rev 2
    1.1 State FY2026 Q2 (8105): rev 1 submitted On track 30 Low;   rev 2 draft Off track 5 Critical -> rev 1
    1.1 USAID FY2026 Q2 (8105): rev 1 returned Off track 0 High (not counted by default)            -> nothing
    1.1 DEA   FY2026 Q3 (8106): rev 1 submitted On track 40 Medium                                  -> rev 1
    M1  State FY2025 Q4 (8103): rev 1 approved Completed 100 Low                                     -> rev 1
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from dashboard.store.database import write_session
from dashboard.store.queries import EXPECTED_COLUMNS, UPDATE_COLUMNS, drafts_frame, expected_frame, updates_frame
from models import (
    Agency,
    Goal,
    Mission,
    Objective,
    ObjectiveAgency,
    StatusUpdate,
    UpdateDraft,
    WorkingGroup,
    WorkingGroupObjective,
)
from models.fields import NARRATIVE_FIELDS

Q4_2025, Q1_2026, Q2_2026, Q3_2026 = 8103, 8104, 8105, 8106


@dataclass
class Ids:
    peru: int
    colombia: int
    o11: int
    om1: int
    co11: int
    state: int
    usaid: int
    dea: int


@pytest.fixture
def ids(engine: Engine) -> Ids:
    with write_session(engine) as session:
        peru = Mission(country="Peru", post="U.S. Embassy Lima", strategy_start=2022, strategy_end=2026)
        colombia = Mission(country="Colombia", post="U.S. Embassy Bogota", strategy_start=2022, strategy_end=2026)
        state = Agency(acronym="State", name="Department of State")
        usaid = Agency(acronym="USAID", name="United States Agency for International Development")
        dea = Agency(acronym="DEA", name="Drug Enforcement Administration")
        session.add_all([peru, colombia, state, usaid, dea])
        session.flush()
        goal = Goal(mission_id=peru.id, code="1", title="Security", position=1)
        co_goal = Goal(mission_id=colombia.id, code="1", title="Peace", position=1)
        session.add_all([goal, co_goal])
        session.flush()
        o11 = Objective(mission_id=peru.id, goal_id=goal.id, code="1.1", title="Counter crime", position=1)
        om1 = Objective(mission_id=peru.id, code="M1", kind="management", title="Platform", position=2)
        co11 = Objective(mission_id=colombia.id, goal_id=co_goal.id, code="1.1", title="Rural peace", position=1)
        session.add_all([o11, om1, co11])
        session.flush()
        wg = WorkingGroup(mission_id=peru.id, name="Security WG", chair_agency_id=state.id)
        session.add(wg)
        session.flush()
        session.add(WorkingGroupObjective(working_group_id=wg.id, objective_id=o11.id))
        session.add_all(
            [
                ObjectiveAgency(objective_id=o11.id, agency_id=usaid.id, role="contributing"),
                ObjectiveAgency(objective_id=o11.id, agency_id=state.id, role="lead"),
                ObjectiveAgency(objective_id=o11.id, agency_id=dea.id, role="contributing"),
                ObjectiveAgency(objective_id=om1.id, agency_id=state.id, role="lead"),
                ObjectiveAgency(objective_id=co11.id, agency_id=dea.id, role="lead"),
            ]
        )

        def update(
            objective: Objective,
            agency: Agency,
            fy: int,
            q: int,
            rev: int,
            state_: str,
            status: str,
            progress: int,
            risk: str,
        ) -> StatusUpdate:
            return StatusUpdate(
                objective_id=objective.id,
                agency_id=agency.id,
                fiscal_year=fy,
                quarter=q,
                revision=rev,
                state=state_,
                status=status,
                progress=progress,
                risk_level=risk,
                author=f"{agency.acronym.lower()}@example.gov",
                accomplishments=f"{status} rev {rev}",
            )

        session.add_all(
            [
                update(o11, state, 2026, 1, 1, "submitted", "At risk", 10, "Medium"),
                update(o11, state, 2026, 1, 2, "approved", "On track", 20, "Low"),
                update(o11, state, 2026, 2, 1, "submitted", "On track", 30, "Low"),
                update(o11, state, 2026, 2, 2, "draft", "Off track", 5, "Critical"),
                update(o11, usaid, 2026, 2, 1, "returned", "Off track", 0, "High"),
                update(o11, dea, 2026, 3, 1, "submitted", "On track", 40, "Medium"),
                update(om1, state, 2025, 4, 1, "approved", "Completed", 100, "Low"),
                update(co11, dea, 2026, 1, 1, "submitted", "Off track", 15, "Critical"),
            ]
        )
        result = Ids(peru.id, colombia.id, o11.id, om1.id, co11.id, state.id, usaid.id, dea.id)
    return result


def rows(frame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in frame[columns].itertuples(index=False, name=None)]


# ---------------------------------------------------------------- expected_frame


def test_expected_frame_lists_every_owed_pair_in_order(engine: Engine, ids: Ids) -> None:
    frame = expected_frame(engine, ids.peru)
    assert list(frame.columns) == EXPECTED_COLUMNS
    # position, then the lead first, then contributors by acronym
    assert rows(frame, ["code", "agency", "role"]) == [
        ("1.1", "State", "lead"),
        ("1.1", "DEA", "contributing"),
        ("1.1", "USAID", "contributing"),
        ("M1", "State", "lead"),
    ]
    assert rows(frame, ["objective_id", "agency_id"]) == [
        (ids.o11, ids.state),
        (ids.o11, ids.dea),
        (ids.o11, ids.usaid),
        (ids.om1, ids.state),
    ]


def test_expected_frame_goal_kind_and_working_group(engine: Engine, ids: Ids) -> None:
    frame = expected_frame(engine, ids.peru).drop_duplicates("code").set_index("code")
    assert frame.loc["1.1", "goal_code"] == "1"
    assert frame.loc["1.1", "goal_title"] == "Security"
    assert frame.loc["1.1", "kind"] == "mission"
    assert frame.loc["1.1", "working_group"] == "Security WG"
    assert frame.loc["1.1", "objective_title"] == "Counter crime"
    # the management objective has no goal and here no working group
    assert frame.loc["M1", "goal_code"] == "M"
    assert frame.loc["M1", "goal_title"] == "Management"
    assert frame.loc["M1", "kind"] == "management"
    assert frame.loc["M1", "working_group"] == "(no working group)"


def test_expected_frame_excludes_other_missions(engine: Engine, ids: Ids) -> None:
    peru = expected_frame(engine, ids.peru)
    assert ids.co11 not in set(peru["objective_id"])
    colombia = expected_frame(engine, ids.colombia)
    assert rows(colombia, ["objective_id", "agency", "role", "goal_title"]) == [(ids.co11, "DEA", "lead", "Peace")]


def test_expected_frame_of_unknown_mission_is_empty(engine: Engine, ids: Ids) -> None:
    frame = expected_frame(engine, ids.peru + ids.colombia + 100)
    assert frame.empty
    assert list(frame.columns) == EXPECTED_COLUMNS


# ---------------------------------------------------------------- updates_frame


def keyed(frame) -> dict[tuple[int, int, int], tuple]:
    return {
        (r.objective_id, r.agency_id, r.qindex): (r.revision, r.status, r.progress, r.risk_level)
        for r in frame.itertuples(index=False)
    }


def test_updates_frame_latest_counted_revision(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru)
    assert list(frame.columns) == UPDATE_COLUMNS
    assert keyed(frame) == {
        # revision 2 (approved) replaces revision 1
        (ids.o11, ids.state, Q1_2026): (2, "On track", 20, "Low"),
        # the draft revision 2 does not shadow the submitted revision 1
        (ids.o11, ids.state, Q2_2026): (1, "On track", 30, "Low"),
        (ids.o11, ids.dea, Q3_2026): (1, "On track", 40, "Medium"),
        (ids.om1, ids.state, Q4_2025): (1, "Completed", 100, "Low"),
        # USAID's returned update is not counted; Colombia's update is another mission's
    }
    assert len(frame) == 4


def test_updates_frame_columns_and_types(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru)
    row = frame[frame["qindex"] == Q4_2025].iloc[0]
    assert (row["fiscal_year"], row["quarter"]) == (2025, 4)
    assert row["author"] == "state@example.gov"
    assert frame["is_demo"].dtype == bool
    assert not frame["is_demo"].any()
    assert sorted(frame["progress"].tolist()) == [20, 30, 40, 100]
    assert all(isinstance(p, int) for p in frame["progress"].tolist())


def test_updates_frame_with_drafts_counted(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, states=("draft", "submitted", "approved"))
    assert keyed(frame)[(ids.o11, ids.state, Q2_2026)] == (2, "Off track", 5, "Critical")
    assert len(frame) == 4


def test_updates_frame_only_approved(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, states=("approved",))
    assert keyed(frame) == {
        (ids.o11, ids.state, Q1_2026): (2, "On track", 20, "Low"),
        (ids.om1, ids.state, Q4_2025): (1, "Completed", 100, "Low"),
    }


def test_updates_frame_returned_counted_when_asked(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, states=("returned",))
    assert keyed(frame) == {(ids.o11, ids.usaid, Q2_2026): (1, "Off track", 0, "High")}


@pytest.mark.parametrize(
    ("first", "last", "quarters"),
    [
        (None, None, [Q4_2025, Q1_2026, Q2_2026, Q3_2026]),
        (Q1_2026, None, [Q1_2026, Q2_2026, Q3_2026]),
        (None, Q1_2026, [Q4_2025, Q1_2026]),
        (Q1_2026, Q2_2026, [Q1_2026, Q2_2026]),  # both bounds inclusive
        (Q4_2025, Q4_2025, [Q4_2025]),  # across the fiscal-year boundary
        (Q3_2026 + 1, None, []),
    ],
)
def test_updates_frame_quarter_range(
    engine: Engine, ids: Ids, first: int | None, last: int | None, quarters: list[int]
) -> None:
    frame = updates_frame(engine, ids.peru, first_qindex=first, last_qindex=last)
    assert sorted(frame["qindex"].tolist()) == quarters


def test_updates_frame_by_objective(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, objective_id=ids.om1)
    assert keyed(frame) == {(ids.om1, ids.state, Q4_2025): (1, "Completed", 100, "Low")}


def test_updates_frame_by_agency(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, agency_id=ids.dea)
    # DEA also reported for Colombia: not included
    assert keyed(frame) == {(ids.o11, ids.dea, Q3_2026): (1, "On track", 40, "Medium")}


def test_updates_frame_by_objective_and_agency(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, objective_id=ids.o11, agency_id=ids.state)
    assert sorted(frame["qindex"].tolist()) == [Q1_2026, Q2_2026]
    assert updates_frame(engine, ids.peru, objective_id=ids.om1, agency_id=ids.dea).empty


def test_updates_frame_nothing_counted_is_empty_with_columns(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, agency_id=ids.usaid)  # only a returned update
    assert frame.empty
    assert list(frame.columns) == UPDATE_COLUMNS


def test_updates_frame_other_mission(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.colombia)
    assert keyed(frame) == {(ids.co11, ids.dea, Q1_2026): (1, "Off track", 15, "Critical")}


def test_updates_frame_with_narratives_comes_from_the_winning_revision(engine: Engine, ids: Ids) -> None:
    frame = updates_frame(engine, ids.peru, narratives=True)
    assert list(frame.columns) == UPDATE_COLUMNS + list(NARRATIVE_FIELDS)
    texts = {(r.agency_id, r.qindex): r.accomplishments for r in frame.itertuples(index=False)}
    assert texts[(ids.state, Q1_2026)] == "On track rev 2"
    assert texts[(ids.state, Q2_2026)] == "On track rev 1"
    assert set(frame["challenges"]) == {""}


def test_drafts_frame_holds_the_agencies_own_drafts_at_the_mission_with_an_aware_utc_time(
    engine: Engine, ids: Ids
) -> None:
    saved = datetime(2026, 12, 2, 12, 5, tzinfo=UTC)
    with write_session(engine) as session:
        for objective, agency in ((ids.o11, ids.usaid), (ids.o11, ids.dea), (ids.co11, ids.usaid)):
            session.add(
                UpdateDraft(
                    objective_id=objective,
                    agency_id=agency,
                    fiscal_year=2026,
                    quarter=4,
                    status="On track",
                    progress=10,
                    risk_level="Low",
                    author="someone@example.gov",
                    saved_at=saved,
                )
            )
    frame = drafts_frame(engine, frozenset({ids.usaid}), ids.peru)
    keys = frame[["objective_id", "agency_id", "fiscal_year", "quarter"]].values.tolist()
    assert keys == [[ids.o11, ids.usaid, 2026, 4]]  # not DEA's, not another mission's
    assert frame["draft_saved"].iloc[0].to_pydatetime() == saved  # the same moment, tz-aware, on both databases
    assert drafts_frame(engine, frozenset(), ids.peru).empty
