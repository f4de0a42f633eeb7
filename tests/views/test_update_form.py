"""``form_save.save``: what the Submit page gets back for each kind of outcome (never an exception)."""

import pytest

from dashboard.domain import links
from dashboard.domain.fiscal import reporting_quarter
from dashboard.services import form_save
from dashboard.store import queries
from dashboard.views import update_form
from models import Indicator, StatusUpdate, UpdateDraft
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
    assert outcome.field_errors == [  # each field named as the form labels it
        "Progress (%): must be at most 100",
        "Challenges: is too long: at most 5000 characters",
    ]
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
        "Accomplishments: is required: say what was achieved this quarter",
        "Challenges: is required when the status is At risk: say what held progress back",
        "Risk and mitigation: is required when the status is At risk: say what the risk is and how it is mitigated",
    ]
    assert world.count(StatusUpdate) == 0
    assert form_save.save(world.engine, STATE, _key(world), values, action="draft", base_revision=0).ok


def test_the_chair_compares_with_the_last_approved_and_the_previous_revision(world: World) -> None:
    key = world.key()
    done = world.form(status="Completed", progress=100, risk_level="Low")
    first = world.submit(people.USAID, done)
    world.review(people.CHAIR1, first.id, "approved")
    slipped = world.form(status="On track", progress=95, risk_level="Medium", accomplishments="Reform reopened.")
    second = world.submit(people.USAID, slipped, base_revision=1)
    world.review(people.CHAIR1, second.id, "returned", "Say why.")
    world.submit(
        people.USAID,
        world.form(status="On track", progress=95, risk_level="Medium", accomplishments="Reopened by decree."),
        base_revision=2,
    )
    context = update_form.load(world.engine, key)
    (since_approved, approved_changes), (since_previous, previous_changes) = update_form.comparisons(context.history)
    assert since_approved == "Changed since revision 1, the last approved one"
    assert approved_changes == [
        ("Status", "Completed", "On track"),
        ("Progress (%)", "100", "95"),
        ("Risk level", "Low", "Medium"),
        ("Accomplishments", "Trained 40 customs officers.", "Reopened by decree."),
    ]
    assert since_previous == "Changed since revision 2, the previous one"
    assert previous_changes == [("Accomplishments", "Reform reopened.", "Reopened by decree.")]
    lines = update_form.trail_lines(context.history)
    assert [line.split(",")[0] for line in lines] == [
        f"Revision 2: Returned by {people.CHAIR1}",
        f"Revision 1: Approved by {people.CHAIR1}",
    ]
    assert lines[0].endswith(": Say why.")
    labels = [update_form.revision_label(context.history, i) for i in range(3)]
    assert labels == [
        "Approved, then superseded by revision 2",
        "Returned, then superseded by revision 3",
        "Submitted, waiting for review",
    ]


def test_a_single_comparison_when_the_previous_revision_is_the_approved_one(world: World) -> None:
    first = world.submit(people.USAID, world.form())
    world.review(people.CHAIR1, first.id, "approved")
    world.submit(people.USAID, world.form(progress=50), base_revision=1)
    history = update_form.load(world.engine, world.key()).history
    assert update_form.comparisons(history) == [
        ("Changed since revision 1, the previous one, last approved", [("Progress (%)", "40", "50")])
    ]
    assert update_form.comparisons(history[:1]) == []


def test_the_previous_quarter_and_indicator_labels_read_as_the_form_shows_them(world: World) -> None:
    assert form_save.save(world.engine, STATE, _key(world), VALUES, action="submit", base_revision=0).ok
    [revision] = update_form.load(world.engine, _key(world)).history
    assert update_form.previous_line(revision) == (f"On track · 40% · risk Low\nRevision 1 by {STATE} (submitted)")
    officers = Indicator(objective_id=world.objectives["1.1"], name="Officers trained", unit="people", target=80)
    assert update_form.indicator_label(officers) == "Officers trained (people; target 80)"
    share = Indicator(objective_id=world.objectives["1.1"], name="Share cleared", target=0.75)
    assert update_form.indicator_label(share) == "Share cleared (value; target 0.75)"


def test_completed_below_100_comes_back_as_a_question_then_is_stored_once_confirmed(world: World) -> None:
    values = {**VALUES, "status": "Completed", "progress": 95}
    asked = form_save.save(world.engine, STATE, _key(world), values, action="submit", base_revision=0)
    assert not asked.ok and not asked.field_errors and asked.refusal is None
    assert asked.confirm == 'Completed with progress 95% would read "95% ✔ Completed" on every page and in the brief'
    assert world.count(StatusUpdate) == 0
    drafted = form_save.save(world.engine, STATE, _key(world), values, action="draft", base_revision=0)
    assert drafted.ok  # a draft is work in progress: nothing to confirm yet
    stored = form_save.save(world.engine, STATE, _key(world), values, action="submit", base_revision=0, confirmed=True)
    assert stored.ok and stored.revision == 1
    (row,) = world.all(StatusUpdate)
    assert (row.status, row.progress) == ("Completed", 95)


def test_texts_kept_from_an_on_track_revision_come_back_by_their_labels(world: World) -> None:
    on_track = {**VALUES, "challenges": "No significant challenges this quarter.", "risk_note": "Low risk."}
    assert form_save.save(world.engine, STATE, _key(world), on_track, action="submit", base_revision=0).ok
    at_risk = {**on_track, "status": "At risk"}
    outcome = form_save.save(world.engine, STATE, _key(world), at_risk, action="submit", base_revision=1)
    assert outcome.field_errors == [
        "Challenges: still holds the text of revision 1, when the status was On track: "
        "say what holds progress back now that it is At risk",
        "Risk and mitigation: still holds the text of revision 1, when the status was On track: "
        "say what the risk is now and how it is mitigated, and check the risk level (Low)",
    ]
    assert world.count(StatusUpdate) == 1


def test_a_refusal_about_a_field_names_its_label(world: World) -> None:
    key = (*_key(world)[:2], 2030, 1)  # a quarter past the strategy's end
    outcome = form_save.save(world.engine, STATE, key, VALUES, action="submit", base_revision=0)
    assert outcome.refusal == "Quarter: FY2030 Q1 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"


def test_a_review_link_opens_the_update_it_names_once_and_says_when_it_is_not_waiting(world: World) -> None:
    first = world.submit(people.USAID, world.form("1.1"))
    second = world.submit(people.USAID, world.form("1.2", accomplishments="Two exchange programmes."))
    queue = queries.submissions_frame(world.engine, world.mission_id).assign(
        code=lambda f: f["objective_id"].map({v: k for k, v in world.objectives.items()}),
        agency=lambda f: f["agency_id"].map({v: k for k, v in world.agencies.items()}),
    )
    state: dict[str, object] = {}
    link = links.review_link("1.2", "USAID", people.QUARTER, world.mission_id)
    assert update_form.follow_review_link(state, link, queue) == ""
    assert state[update_form.REVIEW_PICK] == second.id

    # A pick made on the page moves the address along, so the link is not taken again on the next run.
    params = dict(link)
    state[update_form.REVIEW_PICK] = first.id
    update_form.remember_pick(state, params, queue)
    assert params == links.review_link("1.1", "USAID", people.QUARTER, world.mission_id)
    assert update_form.follow_review_link(state, params, queue) == ""
    assert state[update_form.REVIEW_PICK] == first.id

    gone = links.review_link("2.1", "DEA", people.QUARTER)
    assert update_form.follow_review_link(state, gone, queue) == (
        "2.1 · DEA · 2026Q4 is not waiting for your review (already decided, or not on your groups' objectives)."
    )
    assert state[update_form.REVIEW_PICK] == first.id
    assert update_form.follow_review_link(state, {}, queue) == ""
