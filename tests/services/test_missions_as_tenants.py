"""Agencies are bound per mission: a contributor for USAID at one post cannot report for USAID at another, on
either database, through the form, the template or a draft."""

from pathlib import Path

import pytest
from sqlmodel import select

from dashboard.domain.actor import SYSTEM_ACTOR, AccessDenied
from dashboard.formats.ics_document import parse_ics_file
from dashboard.services import access, admin, bulk_updates, submissions
from dashboard.services.strategy_import import import_strategy
from dashboard.store.database import read_session, write_session
from models import Agency, Mission, Objective, ObjectiveAgency, UpdateInput, WorkingGroup
from models.tables import SINCE_THE_BEGINNING
from tests.people import QUARTER, TODAY, USAID, World, build

GHANA_SAMPLE = Path(__file__).resolve().parents[1] / "formats" / "samples" / "ics_ghana.txt"
ACCRA = "usaid.accra@example.gov"


@pytest.fixture
def two_posts(database_url: str) -> tuple[World, int, int]:
    """Peru with its cast (USAID's contributor at Lima), Ghana beside it with USAID on one objective, and a USAID
    contributor bound at Accra. Returns (world, a Ghana objective id, Ghana's mission id)."""
    world = build(database_url)
    with write_session(world.engine) as session:
        import_strategy(session=session, strategy=parse_ics_file(GHANA_SAMPLE), today=TODAY)
        ghana = session.exec(select(Mission).where(Mission.country != "Peru")).one()
        objective = session.exec(select(Objective).where(Objective.mission_id == ghana.id)).first()
        usaid = session.exec(select(Agency).where(Agency.acronym == "USAID")).one()
        session.add(
            ObjectiveAgency(objective_id=objective.id, agency_id=usaid.id, role="lead", from_qindex=SINCE_THE_BEGINNING)
        )
        session.flush()
        admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email=ACCRA,
            role="contributor",
            agencies=["USAID"],
            mission_id=ghana.id,
        )
        return world, int(objective.id), int(ghana.id)  # type: ignore[arg-type]


def _form(objective_id: int, agency_id: int) -> UpdateInput:
    return UpdateInput(
        objective_id=objective_id,
        agency_id=agency_id,
        fiscal_year=QUARTER.fiscal_year,
        quarter=QUARTER.quarter,
        status="On track",
        progress=40,
        risk_level="Low",
        accomplishments="Reported from the wrong post",
    )


def test_a_contributor_at_one_post_cannot_report_for_the_same_agency_at_another(
    two_posts: tuple[World, int, int],
) -> None:
    world, ghana_objective, _ = two_posts
    peru_objective, usaid = world.objectives["1.1"], world.agencies["USAID"]
    with pytest.raises(AccessDenied, match="at another post, not at Embassy Lima"):
        with write_session(world.engine) as session:
            submissions.submit(
                session=session, actor_email=ACCRA, form=_form(peru_objective, usaid), base_revision=0, today=TODAY
            )
    with pytest.raises(AccessDenied, match="at another post"):
        with write_session(world.engine) as session:
            submissions.submit(
                session=session, actor_email=USAID, form=_form(ghana_objective, usaid), base_revision=0, today=TODAY
            )
    with write_session(world.engine) as session:  # each at their own post: accepted
        mine = submissions.submit(
            session=session, actor_email=ACCRA, form=_form(ghana_objective, usaid), base_revision=0, today=TODAY
        )
        assert mine.revision == 1 and mine.author == ACCRA


def test_the_template_offers_only_the_agencies_bound_at_that_post(two_posts: tuple[World, int, int]) -> None:
    world, _, ghana = two_posts
    with read_session(world.engine) as session:
        with pytest.raises(AccessDenied, match="no agency at this post"):
            bulk_updates.template_rows(session=session, actor_email=ACCRA, mission_id=world.mission_id, quarter=QUARTER)
        rows = bulk_updates.template_rows(session=session, actor_email=ACCRA, mission_id=ghana, quarter=QUARTER)
        assert rows and {row["agency"] for row in rows} == {"USAID"}
        actor = access.resolve(session, ACCRA)
    assert actor.at_mission(ghana).can_submit and not actor.at_mission(world.mission_id).can_submit


def test_binding_agencies_needs_a_mission_once_there_are_several(two_posts: tuple[World, int, int]) -> None:
    world, _, ghana = two_posts
    with pytest.raises(ValueError, match="several missions"):
        with write_session(world.engine) as session:
            admin.add_user(
                session=session, actor_email=SYSTEM_ACTOR, email="x@example.gov", role="contributor", agencies=["DEA"]
            )
    with write_session(world.engine) as session:  # a second post for the same person keeps the first
        admin.update_user(session=session, actor_email=SYSTEM_ACTOR, email=USAID, agencies=["DEA"], mission_id=ghana)
    with read_session(world.engine) as session:
        actor = access.resolve(session, USAID)
        assert actor.agencies_at(world.mission_id) == {world.agencies["USAID"]}
        assert actor.agencies_at(ghana) == {world.agencies["DEA"]}
        posts = [m.post for m in session.exec(select(Mission).order_by(Mission.id))]
        row = admin.user_snapshot(session, admin.find_user(session, USAID))
    assert row["agencies"] == [f"DEA at {posts[1]}", f"USAID at {posts[0]}"]


def test_a_chair_is_bound_to_a_group_of_the_mission_named_even_when_another_post_has_one_of_that_name(
    two_posts: tuple[World, int, int],
) -> None:
    world, _, ghana = two_posts
    with write_session(world.engine) as session:
        admin.save_working_group(
            session=session,
            actor_email=SYSTEM_ACTOR,
            mission_id=ghana,
            name="Goal 1",
            chair=None,
            members=[],
            objectives=[],
        )
        admin.add_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email="chair.both@example.gov",
            role="chair",
            groups=["Goal 1"],
            mission_id=world.mission_id,
        )
        admin.update_user(
            session=session,
            actor_email=SYSTEM_ACTOR,
            email="chair.both@example.gov",
            groups=["Goal 1"],
            mission_id=ghana,
        )
    with read_session(world.engine) as session:
        actor = access.resolve(session, "chair.both@example.gov")
        missions = {g.mission_id for g in session.exec(select(WorkingGroup)) if g.id in actor.working_group_ids}
    assert missions == {world.mission_id, ghana}  # the second post's group was added, the first one's kept
