"""``form_save.save``: what the Submit page gets back for each kind of outcome (never an exception)."""

import pytest

from dashboard.domain.fiscal import reporting_quarter
from dashboard.services import form_save
from models import StatusUpdate, UpdateDraft
from tests import people
from tests.people import DEA, STATE, STATE2, World

VALUES = {"status": "On track", "progress": 40, "risk_level": "Low", "accomplishments": "Trade mission held."}


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


def _key(world: World, agency: str = "State") -> tuple[int, int, int, int]:
    quarter = min(reporting_quarter(people.TODAY), people.QUARTER)
    return (world.objectives["1.1"], world.agencies[agency], quarter.fiscal_year, quarter.quarter)


def test_submit_then_draft_messages(world: World) -> None:
    submitted = form_save.save(world.engine, STATE, _key(world), VALUES, action="submit", base_revision=0)
    assert submitted.ok and submitted.revision == 1
    assert submitted.message == "Submitted as revision 1. The working-group chair will review it."
    drafted = form_save.save(world.engine, STATE, _key(world), VALUES, action="draft", base_revision=1)
    assert drafted.ok and drafted.revision is None and drafted.message == "Draft saved. It is not submitted yet."
    assert world.count(StatusUpdate) == 1 and world.count(UpdateDraft) == 1


def test_bad_fields_come_back_one_message_each_and_nothing_is_written(world: World) -> None:
    values = {**VALUES, "progress": 150, "challenges": "x" * 100_000}
    outcome = form_save.save(world.engine, STATE, _key(world), values, action="submit", base_revision=0)
    assert not outcome.ok
    assert outcome.field_errors == ["progress: must be at most 100", "challenges: is too long: at most 5000 characters"]
    assert world.count(StatusUpdate) == 0


def test_a_refusal_is_a_message(world: World) -> None:
    outcome = form_save.save(world.engine, DEA, _key(world, "USAID"), VALUES, action="submit", base_revision=0)
    assert not outcome.ok and outcome.refusal == "You report for DEA, not for USAID."
    assert world.count(StatusUpdate) == 0


def test_a_conflict_carries_their_revision_and_the_differences(world: World) -> None:
    assert form_save.save(world.engine, STATE, _key(world), VALUES, action="submit", base_revision=0).ok
    mine = {**VALUES, "progress": 55}
    outcome = form_save.save(world.engine, STATE2, _key(world), mine, action="submit", base_revision=0)
    assert not outcome.ok and outcome.conflict is not None
    assert outcome.conflict.current.author == STATE and outcome.conflict.current.revision == 1
    assert outcome.conflict_changes == [("Progress (%)", "40", "55")]
    assert world.count(StatusUpdate) == 1


def test_submitting_unchanged_content_says_so_and_keeps_the_state(world: World) -> None:
    first = form_save.save(world.engine, STATE, _key(world), VALUES, action="submit", base_revision=0)
    (row,) = world.all(StatusUpdate)
    world.review(people.CHAIR1, row.id, "approved")
    again = form_save.save(world.engine, STATE, _key(world), VALUES, action="submit", base_revision=first.revision)
    assert again.ok and again.revision == 1
    assert (
        again.message
        == "Nothing changed since revision 1 (approved): nothing was stored and its state stays as it was."
    )
    assert world.count(StatusUpdate) == 1


def test_required_narratives_come_back_one_message_each(world: World) -> None:
    values = {**VALUES, "status": "At risk", "accomplishments": ""}
    outcome = form_save.save(world.engine, STATE, _key(world), values, action="submit", base_revision=0)
    assert outcome.field_errors == [
        "accomplishments: is required: say what was achieved this quarter",
        "challenges: is required when the status is At risk: say what held progress back",
        "risk_note: is required when the status is At risk: say what the risk is and how it is mitigated",
    ]
    assert world.count(StatusUpdate) == 0
    assert form_save.save(world.engine, STATE, _key(world), values, action="draft", base_revision=0).ok
