"""Effective-dated roles: a change made in Admin holds from a chosen quarter on and never rewrites the past.

The scenario of issue 12: on the Peru objective 1.1 (USAID lead; FAS, FCS and State contributing),
DEA replaces FAS from FY2026 Q3. Every figure below is counted by hand from the four pairs on 1.1.
"""

import json

import pandas as pd
import pytest
from sqlmodel import col, select

from dashboard.domain import aggregation, effective, reporting
from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.domain.filters import Filters
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.formats import exports
from dashboard.services import admin, bulk_updates
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from models import AuditEntry, StatusUpdate, WorkingGroup
from tests import people
from tests.people import ADMIN, CHAIR1, CHAIR2, DEA, TODAY, USAID, World

FAS = "fas@example.gov"
Q1, Q2, Q3, Q4 = (FiscalQuarter(2026, q) for q in (1, 2, 3, 4))
GOAL1 = "Goal 1 Working Group: Economic, Educational and Cultural Ties"


@pytest.fixture
def world(database_url: str) -> World:
    world = people.build(database_url)
    with write_session(world.engine) as session:
        admin.add_user(session=session, actor_email=SYSTEM_ACTOR, email=FAS, role="contributor", agencies=["FAS"])
    return world


def _frames(world: World) -> tuple[pd.DataFrame, pd.DataFrame]:
    expected = queries.expected_frame(world.engine, world.mission_id)
    return expected[expected["code"] == "1.1"], queries.submissions_frame(world.engine, world.mission_id)


def _figures(world: World, quarters: list[FiscalQuarter]) -> list[tuple[int, int, int]]:
    """(expected, received, missing) on objective 1.1 per quarter, from the tracker."""
    expected, submitted = _frames(world)
    rows = reporting.tracker(expected, submitted, quarters, today=TODAY, due_days=30)
    return [(int(r.expected), int(r.received), int(r.missing)) for r in rows.itertuples()]


def _replace_fas_with_dea(world: World) -> None:
    with write_session(world.engine) as session:
        admin.set_objective_agencies(
            session=session,
            actor_email=ADMIN,
            objective_id=world.objectives["1.1"],
            lead="USAID",
            contributing=["FCS", "State", "DEA"],
            effective=Q3,
        )


def test_replacing_fas_with_dea_keeps_every_earlier_quarter(world: World) -> None:
    world.submit(FAS, world.form("1.1", "FAS", quarter=Q1))
    world.submit(FAS, world.form("1.1", "FAS", quarter=Q2))
    world.submit(USAID, world.form("1.1", "USAID", quarter=Q2))
    before = _figures(world, [Q1, Q2, Q3])
    # four pairs owe each quarter; FAS sent Q1 and Q2, USAID sent Q2
    assert before == [(4, 1, 3), (4, 2, 2), (4, 0, 4)]
    whole_mission_q2 = reporting.tracker(*_frames_all(world), [Q2], today=TODAY, due_days=30).iloc[0]

    _replace_fas_with_dea(world)

    # the past is unchanged, FAS's reports still count; from FY2026 Q3 on DEA owes instead of FAS
    assert _figures(world, [Q1, Q2, Q3]) == before
    assert reporting.tracker(*_frames_all(world), [Q2], today=TODAY, due_days=30).iloc[0].equals(whole_mission_q2)
    expected, submitted = _frames(world)
    owed = {
        q.label: set(reporting.outstanding(expected, submitted, q, today=TODAY, due_days=30)["agency"])
        for q in (Q1, Q2, Q3)
    }
    assert owed == {
        "FY2026 Q1": {"USAID", "FCS", "State"},  # DEA is not overdue for a quarter before it joined
        "FY2026 Q2": {"FCS", "State"},
        "FY2026 Q3": {"USAID", "FCS", "State", "DEA"},  # and FAS owes nothing any more
    }

    # DEA reports for FY2026 Q4; FAS may still correct FY2026 Q2 but not report for FY2026 Q3
    world.submit(DEA, world.form("1.1", "DEA", quarter=Q4))
    world.submit(FAS, world.form("1.1", "FAS", quarter=Q2, progress=55), base_revision=1)
    with pytest.raises(AccessDenied, match="FAS is not a lead or contributing agency on objective 1.1 in FY2026 Q3"):
        world.submit(FAS, world.form("1.1", "FAS", quarter=Q3))
    with pytest.raises(AccessDenied, match="DEA is not a lead or contributing agency on objective 1.1 in FY2026 Q2"):
        world.submit(DEA, world.form("1.1", "DEA", quarter=Q2))
    assert _figures(world, [Q1, Q2, Q3, Q4]) == [(4, 1, 3), (4, 2, 2), (4, 0, 4), (4, 1, 3)]

    # the Agency page's missed quarters: DEA on 1.1 missed FY2026 Q3 only (it joined then, and sent Q4)
    expected, _ = _frames(world)
    updates = queries.updates_frame(world.engine, world.mission_id)
    dea = expected[expected["agency"] == "DEA"]
    missed = aggregation.missed_quarters(dea, updates, FiscalQuarter(2022, 3), Q4)
    assert list(missed["quarter"]) == ["FY2026 Q3"]
    fas = expected[expected["agency"] == "FAS"]
    # FAS owed FY2022 Q3 .. FY2026 Q2 (16 quarters) and sent two of them
    assert len(aggregation.missed_quarters(fas, updates, FiscalQuarter(2022, 3), Q4)) == 14

    # the overview's headline for FY2026 Q2 still counts FAS's report (1.1 alone: 2 of 4 received)
    view = aggregation.overview(expected, updates, Filters(objectives=("1.1",)), Q2)
    assert (view.headline.received, view.headline.expected) == (2, 4)
    assert set(aggregation.received_pairs(view.expected, view.updates, Q2)["agency"]) == {
        "USAID",
        "FAS",
        "FCS",
        "State",
    }
    # the export keeps FAS's rows with the role it had
    rows = exports.export_frame(expected, updates)
    assert sorted(zip(rows["quarter"], rows["agency"], rows["role"], strict=True)) == [
        ("FY2026 Q1", "FAS", "contributing"),
        ("FY2026 Q2", "FAS", "contributing"),
        ("FY2026 Q2", "USAID", "lead"),
        ("FY2026 Q4", "DEA", "contributing"),
    ]


def _frames_all(world: World) -> tuple[pd.DataFrame, pd.DataFrame]:
    return (
        queries.expected_frame(world.engine, world.mission_id),
        queries.submissions_frame(world.engine, world.mission_id),
    )


def test_the_change_is_audited_with_its_quarter_and_can_be_redated(world: World) -> None:
    _replace_fas_with_dea(world)
    with read_session(world.engine) as session:
        entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
    assert entry is not None and entry.action == "change objective agencies" and entry.entity_key == "1.1"
    assert json.loads(entry.before) == {"lead": "USAID", "contributing": ["FAS", "FCS", "State"]}
    assert json.loads(entry.after) == {"lead": "USAID", "contributing": ["DEA", "FCS", "State"], "from": "FY2026 Q3"}

    # DEA also becomes lead from FY2026 Q4; FY2026 Q3 keeps USAID as lead
    with write_session(world.engine) as session:
        admin.set_objective_agencies(
            session=session,
            actor_email=ADMIN,
            objective_id=world.objectives["1.1"],
            lead="DEA",
            contributing=["FCS", "State", "USAID"],
            effective=Q4,
        )
    expected, _ = _frames(world)
    leads = {q.label: list(effective.in_effect(expected, q).query("role == 'lead'")["agency"]) for q in (Q2, Q3, Q4)}
    assert leads == {"FY2026 Q2": ["USAID"], "FY2026 Q3": ["USAID"], "FY2026 Q4": ["DEA"]}
    assert _figures(world, [Q2, Q3, Q4]) == [(4, 0, 4), (4, 0, 4), (4, 0, 4)]

    # a second change from FY2026 Q3 replaces both later ones; FY2026 Q2 still has FAS
    with write_session(world.engine) as session:
        admin.set_objective_agencies(
            session=session,
            actor_email=ADMIN,
            objective_id=world.objectives["1.1"],
            lead="USAID",
            contributing=["FAS"],
            effective=Q3,
        )
    expected, _ = _frames(world)
    owed = {q.label: sorted(effective.in_effect(expected, q)["agency"]) for q in (Q2, Q3, Q4)}
    assert owed == {
        "FY2026 Q2": ["FAS", "FCS", "State", "USAID"],
        "FY2026 Q3": ["FAS", "USAID"],
        "FY2026 Q4": ["FAS", "USAID"],
    }


def test_the_spreadsheet_template_lists_the_pairs_of_its_quarter(world: World) -> None:
    _replace_fas_with_dea(world)

    def codes(email: str, quarter: FiscalQuarter) -> list[str]:
        with read_session(world.engine) as session:
            rows = bulk_updates.template_rows(
                session=session, actor_email=email, mission_id=world.mission_id, quarter=quarter
            )
        return [r["objective"] for r in rows]

    assert "1.1" not in codes(DEA, Q2) and "1.1" in codes(DEA, Q3)
    assert "1.1" in codes(FAS, Q2) and "1.1" not in codes(FAS, Q3)


def _group(world: World, prefix: str) -> WorkingGroup:
    with read_session(world.engine) as session:
        return session.exec(select(WorkingGroup).where(col(WorkingGroup.name).startswith(prefix))).one()


def test_an_objective_moves_to_another_working_group_from_a_quarter(world: World) -> None:
    goal1, goal2 = _group(world, "Goal 1"), _group(world, "Goal 2")
    with write_session(world.engine) as session:
        for group, codes in ((goal1, ["1.1", "1.2"]), (goal2, ["2.1", "2.2", "1.3"])):
            admin.save_working_group(
                session=session,
                actor_email=ADMIN,
                mission_id=world.mission_id,
                group_id=group.id,
                name=group.name,
                chair=admin.group_snapshot(session, group)["chair"],
                members=admin.group_snapshot(session, group)["members"],
                objectives=codes,
                effective=Q4,
            )
    expected, submitted = _frames_all(world)
    on_13 = expected[expected["code"] == "1.3"]
    groups = {q.label: set(effective.in_effect(on_13, q)["working_group"]) for q in (Q3, Q4)}
    assert groups == {"FY2026 Q3": {goal1.name}, "FY2026 Q4": {goal2.name}}
    # 1.3 owes three updates (FCS, State, USAID): counted under Goal 1 for Q3 and under Goal 2 for Q4
    by_group = {
        q.label: reporting.outstanding(expected, submitted, q, today=TODAY, due_days=30)
        .query("code == '1.3'")["working_group"]
        .value_counts()
        .to_dict()
        for q in (Q3, Q4)
    }
    assert by_group == {"FY2026 Q3": {goal1.name: 3}, "FY2026 Q4": {goal2.name: 3}}
    # an update carries the working group of its quarter
    q3 = world.submit(USAID, world.form("1.3", "USAID", quarter=Q3))
    q4 = world.submit(USAID, world.form("1.3", "USAID", quarter=Q4))
    assert (q3.working_group_id, q4.working_group_id) == (goal1.id, goal2.id)
    # and the chair of the group covering the update's quarter reviews it
    with pytest.raises(AccessDenied, match="Only the chair of a working group covering this objective"):
        world.review(CHAIR1, q4.id, "approved")
    with pytest.raises(AccessDenied, match="Only the chair of a working group covering this objective"):
        world.review(CHAIR2, q3.id, "approved")
    world.review(CHAIR1, q3.id, "approved")
    world.review(CHAIR2, q4.id, "approved")
    # the audit says from when the objectives change; the group's list shows what holds from then on
    with read_session(world.engine) as session:
        entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert admin.group_snapshot(session, goal1)["objectives"] == ["1.1", "1.2"]
    assert entry is not None
    assert json.loads(entry.before)["objectives"] == ["2.1", "2.2"]
    assert json.loads(entry.after)["objectives"] == ["1.3", "2.1", "2.2"]
    assert json.loads(entry.after)["objectives_from"] == "FY2026 Q4"


def test_a_quarter_out_of_range_is_refused_and_nothing_is_written(world: World) -> None:
    before = _frames(world)[0]
    count = world.audit_count()
    with pytest.raises(ValueError, match="effective: FY1999 Q1 is not a quarter this dashboard reports on"):
        with write_session(world.engine) as session:
            admin.set_objective_agencies(
                session=session,
                actor_email=ADMIN,
                objective_id=world.objectives["1.1"],
                lead="DEA",
                contributing=[],
                effective=FiscalQuarter(1999, 1),
            )
    pd.testing.assert_frame_equal(_frames(world)[0], before)
    assert world.audit_count() == count
    with read_session(world.engine) as session:
        assert session.exec(select(StatusUpdate)).first() is None
