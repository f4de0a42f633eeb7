"""A mission's settings (bureau, country and post, strategy period, first reporting quarter, release marking, time
zone, due days, the mission visitors open on) and each user's home mission, on both databases: checked whole
before anything is written, audited, and followed by the roll-up and the due dates."""

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from dashboard.domain import reporting, rollup
from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.domain.fiscal import FiscalQuarter, reporting_quarter
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import access, admin, missions
from dashboard.services.missions import MissionChanges
from dashboard.services.strategy_import import import_strategy
from dashboard.store import rollup as rollup_sql
from dashboard.store.database import read_session, write_session
from models import AuditEntry, Mission
from tests.people import ADMIN, TODAY, USAID, VIEWER, World, build

NOW_Q = reporting_quarter(TODAY).index  # the quarter being reported on TODAY
GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"
SCA_ADMIN = "sca.admin@example.gov"


@pytest.fixture
def two_posts(database_url: str) -> tuple[World, int]:
    """Peru with its cast, and Ghana imported beside it as a new post's admin would: no bureau, no time zone.
    Returns (world, Ghana's mission id)."""
    world = build(database_url)
    with write_session(world.engine) as session:
        ghana = import_strategy(session=session, strategy=parse_ics_file(GHANA_SAMPLE), today=TODAY).mission_id
    return world, ghana


def _mission(world: World, mission_id: int) -> Mission:
    with read_session(world.engine) as session:
        found = session.get(Mission, mission_id)
    assert found is not None
    return found


def _set(world: World, mission_id: int, actor: str = ADMIN, **changes: Any) -> None:
    with write_session(world.engine) as session:
        missions.set_mission(
            session=session, actor_email=actor, mission_id=mission_id, changes=MissionChanges(**changes)
        )


def _audits(world: World) -> list[AuditEntry]:
    with read_session(world.engine) as session:
        return list(
            session.exec(select(AuditEntry).where(AuditEntry.action == "change mission").order_by(col(AuditEntry.id)))
        )


def test_a_new_post_gets_every_setting_and_then_shows_under_its_bureau(two_posts: tuple[World, int]) -> None:
    world, ghana = two_posts
    assert rollup_sql.mission_expected_frame(world.engine, qindex=NOW_Q, bureau="AF").empty  # today: under no bureau
    _set(
        world,
        ghana,
        bureau="af",
        country="Ghana",
        post="U.S. Embassy Accra",
        strategy_start=2023,
        strategy_end=2027,
        first_quarter="FY2023Q2",
        release_marking="Sensitive but Unclassified",
        time_zone="Africa/Accra",
        due_days=45,
    )
    stored = _mission(world, ghana)
    assert (stored.bureau, stored.post, stored.strategy_start, stored.strategy_end) == (
        "AF",
        "U.S. Embassy Accra",
        2023,
        2027,
    )
    assert reporting.first_reporting_quarter(stored) == FiscalQuarter(2023, 2)
    assert (stored.release_marking, stored.time_zone, stored.due_days) == (
        "SENSITIVE BUT UNCLASSIFIED",
        "Africa/Accra",
        45,
    )
    assert list(rollup_sql.mission_expected_frame(world.engine, qindex=NOW_Q, bureau="AF")["country"]) == ["Ghana"]
    [entry] = _audits(world)
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert (entry.actor, entry.action, entry.entity_key) == (ADMIN, "change mission", "Ghana")
    assert (before["bureau"], after["bureau"]) == (None, "AF")
    assert (before["strategy"], after["strategy"]) == ("FY2022–FY2026", "FY2023–FY2027")
    assert (before["time_zone"], after["time_zone"], after["due_days"]) == (None, "Africa/Accra", 45)
    assert after["first_reporting_quarter"] == "FY2023 Q2"

    _set(world, ghana, bureau="AF", time_zone="Africa/Accra")  # the same values again: nothing to record
    assert len(_audits(world)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bureau": "XYZ"}, "Regional bureau: 'XYZ' is not one of the six regional bureaus"),
        ({"first_quarter": "FY2021Q4"}, "First reporting quarter: FY2021 Q4 is outside the strategy period"),
        ({"first_quarter": "FY2027Q1"}, "First reporting quarter: FY2027 Q1 is outside the strategy period"),
        ({"first_quarter": "next spring"}, "First reporting quarter: 'next spring' is not a quarter"),
        ({"time_zone": "Mars/Olympus_Mons"}, "Time zone: 'Mars/Olympus_Mons' is not a time zone name"),
        ({"strategy_start": 2025, "strategy_end": 2023}, "Strategy period: it ends in FY2023, before it starts"),
        ({"strategy_end": 2021}, "Strategy period: it ends in FY2021, before it starts in FY2022"),
        ({"strategy_start": 1899}, "Strategy period: it starts in FY1899"),
        ({"due_days": 400}, "Due days: 400 is not a whole number of days from 0 to 365"),
        ({"due_days": "soon"}, "Due days: 'soon' is not a whole number"),
        ({"country": "peru"}, "Country: another mission is already Peru"),
        ({"post": "   "}, "Post: is required"),
        ({"release_marking": ""}, "Release marking: is required"),
        # a valid bureau with a bad time zone: nothing at all is written, not even the bureau
        ({"bureau": "AF", "time_zone": "Accra"}, "Time zone: 'Accra' is not a time zone name"),
    ],
)
def test_bad_input_is_refused_in_one_sentence_and_nothing_is_written(
    two_posts: tuple[World, int], changes: dict[str, Any], message: str
) -> None:
    world, ghana = two_posts
    before = _mission(world, ghana).model_dump()
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(")) as refused:
        _set(world, ghana, **changes)
    assert "\n" not in str(refused.value) and str(refused.value).endswith(".")
    assert _mission(world, ghana).model_dump() == before
    assert _audits(world) == []


def test_a_stored_first_quarter_after_a_shortened_strategy_is_refused_until_one_inside_is_given(
    two_posts: tuple[World, int],
) -> None:
    world, ghana = two_posts
    _set(world, ghana, first_quarter="FY2025Q1")
    with pytest.raises(ValueError, match="First reporting quarter: FY2025 Q1 would lie after the strategy period"):
        _set(world, ghana, strategy_end=2024)
    _set(world, ghana, strategy_end=2024, first_quarter="FY2023Q1")
    assert (_mission(world, ghana).strategy_end, _mission(world, ghana).reporting_from_fy) == (2024, 2023)


def test_only_an_admin_may_change_a_mission_and_a_bureau_admin_only_their_bureaus(
    two_posts: tuple[World, int],
) -> None:
    world, ghana = two_posts
    for who in (USAID, VIEWER, None):
        with pytest.raises(AccessDenied):
            _set(world, ghana, time_zone="Africa/Accra", actor=who)
    with write_session(world.engine) as session:
        admin.add_user(session=session, actor_email=SYSTEM_ACTOR, email=SCA_ADMIN, role="admin", bureau="SCA")
    with pytest.raises(AccessDenied, match="outside the regional bureau your account sees"):
        _set(world, world.mission_id, post="Lima", actor=SCA_ADMIN)  # Peru is in WHA
    assert _mission(world, world.mission_id).post == "Embassy Lima"


def test_the_default_mission_moves_and_both_missions_record_it(two_posts: tuple[World, int]) -> None:
    world, ghana = two_posts
    with read_session(world.engine) as session:
        peru = session.get(Mission, world.mission_id)
        assert missions.is_default(session, peru)  # none marked: the oldest, not Ghana that sorts first
    _set(world, ghana, default=True)
    with read_session(world.engine) as session:
        assert missions.is_default(session, session.get(Mission, ghana))
        assert not missions.is_default(session, session.get(Mission, world.mission_id))
    changes = {e.entity_key: (json.loads(e.before)["default"], json.loads(e.after)["default"]) for e in _audits(world)}
    assert changes == {"Peru": (True, False), "Ghana": (False, True)}


def test_a_missions_own_due_days_set_its_due_date_and_days_late(two_posts: tuple[World, int]) -> None:
    world, ghana = two_posts
    quarter = FiscalQuarter(2026, 4)  # ended 30 Sep 2026
    _set(world, ghana, due_days=60)
    owed = rollup_sql.mission_expected_frame(world.engine, qindex=quarter.index).assign(expected=1)  # one owed, none in
    none_in = rollup_sql.objective_quarters_frame(world.engine, first_qindex=quarter.index, last_qindex=quarter.index)
    summary = rollup.mission_summary(owed, none_in, quarter, today=date(2026, 11, 23), due_days=30)
    summary = summary.set_index("mission")
    # Peru follows ICS_DUE_DAYS (due 30 Oct: 24 days late); Ghana its own 60 days (due 29 Nov: not late yet).
    assert summary["days_late"].to_dict() == {"Ghana (Embassy Accra)": 0, "Peru (Embassy Lima)": 24}
    assert reporting.mission_due_days(_mission(world, ghana).due_days, 30) == 60
    _set(world, ghana, due_days=missions.DEPLOYMENT)
    assert _mission(world, ghana).due_days is None
    assert reporting.mission_due_days(_mission(world, ghana).due_days, 30) == 30


def test_a_new_users_home_is_where_they_report_else_the_admins_mission(two_posts: tuple[World, int]) -> None:
    world, ghana = two_posts
    with write_session(world.engine) as session:
        add = admin.add_user
        add(session=session, actor_email=ADMIN, email="a@x.gov", role="contributor", agencies=["DEA"], mission_id=ghana)
        add(session=session, actor_email=ADMIN, email="b@x.gov", role="viewer", mission_id=world.mission_id)
        add(session=session, actor_email=ADMIN, email="c@x.gov", role="viewer", mission_id=ghana, home_mission_id=1)
        add(session=session, actor_email=ADMIN, email="d@x.gov", role="viewer", mission_id=ghana, bureau="WHA")
    with read_session(world.engine) as session:
        homes = {e: access.resolve(session, e).home_mission_id for e in ("a@x.gov", "b@x.gov", "c@x.gov", "d@x.gov")}
    # d sees WHA's missions only and Ghana has no bureau: no home, so d opens where visitors do (in reach)
    assert homes == {"a@x.gov": ghana, "b@x.gov": world.mission_id, "c@x.gov": world.mission_id, "d@x.gov": None}


def test_an_admin_changes_a_home_and_a_home_out_of_reach_is_refused(two_posts: tuple[World, int]) -> None:
    world, ghana = two_posts
    with write_session(world.engine) as session:
        admin.update_user(session=session, actor_email=ADMIN, email=VIEWER, home_mission_id=ghana)
    with read_session(world.engine) as session:
        assert access.resolve(session, VIEWER).home_mission_id == ghana
        entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
    assert (json.loads(entry.before)["home"], json.loads(entry.after)["home"]) == (None, "Ghana")
    with pytest.raises(ValueError, match="^Home mission: Ghana is outside the WHA bureau this user sees"):
        with write_session(world.engine) as session:
            admin.update_user(session=session, actor_email=ADMIN, email=USAID, bureau="WHA", home_mission_id=ghana)
    with pytest.raises(ValueError, match="^Home mission: there is no mission 99"):
        with write_session(world.engine) as session:
            admin.update_user(session=session, actor_email=ADMIN, email=USAID, home_mission_id=99)
    with read_session(world.engine) as session:
        actor = access.resolve(session, USAID)
    assert (actor.bureau, actor.home_mission_id) == (None, world.mission_id)
