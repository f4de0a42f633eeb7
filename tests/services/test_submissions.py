"""Status updates: drafts, append-only revisions, conflicts, review, input checks and what the dashboard counts."""

import json
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import col, select

from dashboard.domain.actor import AccessDenied
from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services import admin, submissions
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from models import (
    Indicator,
    IndicatorValue,
    Objective,
    ReviewEvent,
    StatusUpdate,
    UpdateDraft,
    UpdateInput,
    format_validation_error,
)
from models.fields import FIELD_LABELS, UpdateKey
from tests import people
from tests.people import ADMIN, CHAIR1, CHAIR2, DEA, QUARTER, STATE, STATE2, TODAY, USAID, World


@pytest.fixture
def world(database_url: str) -> World:
    return people.build(database_url)


def _save_draft(world: World, email: str, form: UpdateInput, base_revision: int = 0) -> None:
    with write_session(world.engine) as session:
        submissions.save_draft(session=session, actor_email=email, form=form, base_revision=base_revision, today=TODAY)


def _draft(world: World, key: tuple[int, ...]) -> UpdateDraft | None:
    with read_session(world.engine) as session:
        return submissions.load_draft(session, key)  # type: ignore[arg-type]


def _revisions(world: World, key: UpdateKey) -> list[submissions.Revision]:
    with read_session(world.engine) as session:
        return submissions.revisions(session, key)


def _state(world: World, row: StatusUpdate) -> str:
    with read_session(world.engine) as session:
        return submissions.state_of(session, row)


# --- lifecycle --------------------------------------------------------------------------------------------------


def test_draft_submit_return_resubmit_approve(world: World) -> None:
    key = world.key()
    _save_draft(world, USAID, world.form(progress=10, challenges="Staff turnover"))
    _save_draft(world, USAID, world.form(progress=30, accomplishments="Half the officers trained"))
    draft = _draft(world, key)
    assert draft is not None and world.count(UpdateDraft) == 1  # re-saving replaces the draft
    assert (draft.progress, draft.accomplishments, draft.challenges) == (30, "Half the officers trained", "")
    assert (draft.author, draft.base_revision) == (USAID, 0)

    first = world.submit(USAID, world.form(progress=30))
    assert _draft(world, key) is None  # submitting removes the draft
    assert (first.revision, first.state, first.supersedes_id, first.author) == (1, "submitted", None, USAID)
    assert _state(world, first) == "submitted"

    for comment in ("", "   "):
        with pytest.raises(ValueError, match="comment: say what needs fixing when you return an update"):
            world.review(CHAIR1, first.id, "returned", comment=comment)
    with pytest.raises(ValueError, match="decision: must be approved or returned"):
        world.review(CHAIR1, first.id, "rejected", comment="no")
    world.review(CHAIR1, first.id, "returned", comment="  Please add the number of officers.  ")
    assert _state(world, first) == "returned"

    second = world.submit(USAID, world.form(progress=35, accomplishments="38 officers trained"), base_revision=1)
    assert (second.revision, second.supersedes_id, second.author) == (2, first.id, USAID)
    assert _state(world, second) == "submitted"
    assert _state(world, first) == "returned"  # the old revision keeps its own history

    world.review(CHAIR1, second.id, "approved")
    assert _state(world, second) == "approved"
    with pytest.raises(ValueError, match="update: revision 2 is already approved"):
        world.review(ADMIN, second.id, "approved")
    with pytest.raises(ValueError, match="already approved"):
        world.review(ADMIN, second.id, "returned", comment="Too late")

    # a superseded revision cannot be reviewed: the reviewer is shown the newest one
    with pytest.raises(submissions.Conflict) as conflict:
        world.review(ADMIN, first.id, "approved")
    assert conflict.value.current.id == second.id

    # an approved update is changed by a new revision, which waits for review again
    third = world.submit(USAID, world.form(progress=50), base_revision=2)
    assert (third.revision, third.supersedes_id) == (3, second.id)
    assert _state(world, third) == "submitted"

    trail = _revisions(world, key)
    assert [(r.revision, r.state) for r in trail] == [(1, "returned"), (2, "approved"), (3, "submitted")]
    assert trail[0].reviews[0].comment == "Please add the number of officers."
    assert trail[0].reviews[0].reviewer == CHAIR1
    assert world.count(StatusUpdate) == 3
    assert world.count(ReviewEvent) == 2

    # a draft can be thrown away, by the agency only
    _save_draft(world, USAID, world.form(progress=60), base_revision=3)
    with pytest.raises(AccessDenied, match="You report for State, not for USAID."):
        with write_session(world.engine) as session:
            submissions.discard_draft(session=session, actor_email=STATE, key=key)
    with write_session(world.engine) as session:
        assert submissions.discard_draft(session=session, actor_email=USAID, key=key)
        assert not submissions.discard_draft(session=session, actor_email=USAID, key=key)
    assert world.count(UpdateDraft) == 0


def test_nobody_reviews_their_own_update(world: World) -> None:
    with write_session(world.engine) as session:
        admin.add_user(
            session=session,
            actor_email=ADMIN,
            email="chair-state@example.gov",
            role="chair",
            agencies=["State"],
            groups=["Goal 1"],
        )
        admin.update_user(session=session, actor_email=ADMIN, email=ADMIN, agencies=["DEA"])
    own = world.submit("chair-state@example.gov", world.form("1.1", "State"))
    with pytest.raises(AccessDenied, match="You cannot review your own update: another chair or an admin must."):
        world.review("chair-state@example.gov", own.id, "approved")
    admins_own = world.submit(ADMIN, world.form("2.1", "DEA"))
    with pytest.raises(AccessDenied, match="You cannot review your own update"):
        world.review(ADMIN, admins_own.id, "approved")
    world.review(CHAIR1, own.id, "approved")
    world.review(CHAIR2, admins_own.id, "approved")
    assert world.count(ReviewEvent) == 2


# --- revisions and conflicts ------------------------------------------------------------------------------------


def test_earlier_revisions_stay_readable_and_diff_lists_changes(world: World) -> None:
    key = world.key("1.1", "State")
    world.submit(STATE, world.form("1.1", "State", progress=20, challenges="Budget delayed"))
    world.submit(STATE2, world.form("1.1", "State", progress=45, challenges="Budget delayed"), base_revision=1)
    first, second = _revisions(world, key)
    assert (first.revision, first.author, first.progress, first.challenges) == (
        1,
        STATE,
        20,
        "Budget delayed",
    )
    assert (second.revision, second.author, second.progress) == (2, STATE2, 45)
    assert submissions.diff(first, second) == [("Progress (%)", "20", "45")]
    assert submissions.diff(first, first) == []
    everything = submissions.diff(None, second)
    assert [label for label, _, _ in everything] == list(FIELD_LABELS.values())
    assert ("Challenges", "", "Budget delayed") in everything


def test_the_author_is_the_signed_in_user(world: World) -> None:
    with pytest.raises(ValidationError) as refused:
        world.form(author="someone-else@example.gov")
    assert format_validation_error(refused.value) == ["author: is not a known field"]
    row = world.submit("  USAID@Example.GOV ", world.form())
    assert row.author == USAID
    _save_draft(world, "Usaid@example.gov", world.form())
    draft = _draft(world, world.key())
    assert draft is not None and draft.author == USAID


def test_a_conflicting_submit_overwrites_nothing(world: World) -> None:
    key = world.key("1.1", "State")
    mine = world.submit(STATE, world.form("1.1", "State", progress=20))
    with pytest.raises(submissions.Conflict) as conflict:
        world.submit(STATE2, world.form("1.1", "State", progress=25), base_revision=0)
    assert conflict.value.current.id == mine.id
    assert conflict.value.current.author == STATE and conflict.value.base_revision == 0
    message = str(conflict.value)
    assert f"{STATE} saved revision 1 of this update" in message
    assert "while you were editing revision 0" in message and "Nothing was overwritten" in message
    assert world.count(StatusUpdate) == 1

    # both continue from revision 1: the second one to submit is told about the first
    theirs = world.submit(STATE2, world.form("1.1", "State", progress=30), base_revision=1)
    with pytest.raises(submissions.Conflict, match=f"{STATE2} saved revision 2") as conflict:
        world.submit(STATE, world.form("1.1", "State", progress=99), base_revision=1)
    assert conflict.value.current.id == theirs.id
    assert [(r.revision, r.author, r.progress) for r in _revisions(world, key)] == [
        (1, STATE, 20),
        (2, STATE2, 30),
    ]

    # a base revision that was never stored (a forged or stale form) is refused, not a crash
    for base in (1, 5, -1):
        with pytest.raises(ValueError, match=f"base_revision: this update has no revision {base} to start from"):
            world.submit(USAID, world.form(), base_revision=base)
    assert world.count(StatusUpdate) == 2


# --- input checks -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"progress": 150}, "progress: must be at most 100"),
        ({"progress": -1}, "progress: must be at least 0"),
        ({"progress": 40.5}, "progress: must be a whole number"),
        ({"accomplishments": "x" * 100_000}, "accomplishments: is too long: at most 5000 characters"),
        ({"risk_note": "y" * 5001}, "risk_note: is too long: at most 5000 characters"),
        ({"status": "Fine"}, "status: must be"),
        ({"quarter": 5}, "quarter: must be at most 4"),
        ({"indicator_values": {1: float("nan")}}, "indicator_values: value error, must be a number"),
    ],
)
def test_update_input_refuses_bad_values(fields: dict[str, Any], message: str) -> None:
    data = {"objective_id": 1, "agency_id": 1, "fiscal_year": 2026, "quarter": 4}
    data.update({"status": "On track", "progress": 40, "risk_level": "Low", **fields})
    with pytest.raises(ValidationError) as refused:
        UpdateInput(**data)
    lines = format_validation_error(refused.value)
    assert len(lines) == 1 and lines[0].startswith(message), lines


def test_update_input_accepts_the_limits() -> None:
    form = UpdateInput(
        objective_id=1,
        agency_id=1,
        fiscal_year=2026,
        quarter=4,
        status="On track",
        progress=100.0,
        risk_level="Low",
        accomplishments="x" * 5000,
    )
    assert form.progress == 100 and len(form.accomplishments) == 5000


def test_quarters_outside_the_strategy_or_not_started_are_refused(world: World) -> None:
    cases = [
        (
            FiscalQuarter(2022, 2),
            TODAY,
            "quarter: FY2022 Q2 is before reporting began (FY2022 Q3): nothing is owed for it",
        ),
        (FiscalQuarter(2027, 1), TODAY, "quarter: FY2027 Q1 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"),
        (FiscalQuarter(2027, 2), TODAY, "quarter: FY2027 Q2 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"),
        (FiscalQuarter(2021, 4), TODAY, "quarter: FY2021 Q4 is outside the strategy period (FY2022 Q1 to FY2026 Q4)"),
        (FiscalQuarter(2026, 4), date(2026, 5, 1), "quarter: FY2026 Q4 has not started yet"),
    ]
    for quarter, today, message in cases:
        with pytest.raises(ValueError) as refused:
            with write_session(world.engine) as session:
                submissions.submit(
                    session=session, actor_email=USAID, form=world.form(quarter=quarter), base_revision=0, today=today
                )
        assert str(refused.value) == message
        with pytest.raises(ValueError, match="quarter: "):
            with write_session(world.engine) as session:
                submissions.save_draft(
                    session=session, actor_email=USAID, form=world.form(quarter=quarter), base_revision=0, today=today
                )
    assert world.count(StatusUpdate) == world.count(UpdateDraft) == 0
    # the first reporting quarter (the one after approval in March 2022) and the strategy's last quarter, and the
    # quarter in progress, are accepted
    world.submit(USAID, world.form(quarter=FiscalQuarter(2022, 3)))
    world.submit(USAID, world.form(quarter=FiscalQuarter(2026, 4)))
    with write_session(world.engine) as session:
        submissions.submit(
            session=session,
            actor_email=USAID,
            form=world.form(quarter=FiscalQuarter(2026, 3)),
            base_revision=0,
            today=date(2026, 5, 1),
        )
    assert world.count(StatusUpdate) == 3


def test_an_agency_reports_only_on_its_objectives(world: World) -> None:
    with pytest.raises(AccessDenied, match="DEA is not a lead or contributing agency on objective 1.1."):
        world.submit(DEA, world.form("1.1", "DEA"))
    with pytest.raises(AccessDenied, match="You report for DEA, not for State."):
        world.submit(DEA, world.form("2.1", "State"))
    with pytest.raises(ValueError, match="objective: not found"):
        world.submit(DEA, world.form("2.1", "DEA", objective_id=999_999))
    assert world.count(StatusUpdate) == 0
    assert world.submit(DEA, world.form("2.1", "DEA")).author == DEA


FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1+1", "-2", "@SUM(A1)", "=1+1\n<b>bold</b>"]


def test_formula_like_text_is_stored_verbatim(world: World) -> None:
    for number, text in enumerate(FORMULA_LIKE, start=1):
        fields = {"accomplishments": text, "challenges": text, "next_steps": text, "risk_note": text}
        row = world.submit(USAID, world.form(**fields), base_revision=number - 1)
        with read_session(world.engine) as session:
            stored = session.get(StatusUpdate, row.id)
        assert stored is not None
        assert (stored.accomplishments, stored.challenges, stored.next_steps, stored.risk_note) == (text,) * 4


# --- indicator values -------------------------------------------------------------------------------------------


def _indicator(world: World, code: str = "1.1", name: str = "Officers trained") -> int:
    with write_session(world.engine) as session:
        indicator = Indicator(objective_id=world.objectives[code], name=name, unit="people", baseline=0, target=100)
        session.add(indicator)
        session.flush()
        assert indicator.id is not None
        return indicator.id


def _values(world: World) -> list[tuple[int, float, int, int | None, str]]:
    with read_session(world.engine) as session:
        rows = session.exec(select(IndicatorValue).order_by(col(IndicatorValue.id))).all()
        return [(v.indicator_id, v.value, v.revision, v.status_update_id, v.author) for v in rows]


def test_indicator_values_are_stored_with_each_revision(world: World) -> None:
    indicator, other = _indicator(world), _indicator(world, "2.1", "Seizures")
    with pytest.raises(ValueError, match=f"indicator_values: indicator {other} does not belong to this objective"):
        world.submit(USAID, world.form(indicator_values={indicator: 1, other: 3}))
    assert world.count(StatusUpdate) == 0 and _values(world) == []  # the whole submission was rolled back

    _save_draft(world, USAID, world.form(indicator_values={indicator: 7.0}))
    draft = _draft(world, world.key())
    assert draft is not None and json.loads(draft.indicator_values) == {str(indicator): 7.0}

    first = world.submit(USAID, world.form(indicator_values={indicator: 12.5}))
    assert _values(world) == [(indicator, 12.5, 1, first.id, USAID)]
    second = world.submit(USAID, world.form(indicator_values={indicator: 20}), base_revision=1)
    assert _values(world) == [(indicator, 12.5, 1, first.id, USAID), (indicator, 20.0, 2, second.id, USAID)]
    world.submit(USAID, world.form(indicator_values={indicator: 20}), base_revision=2)  # unchanged: no new value
    assert len(_values(world)) == 2
    # the objective page's indicator chart reads one value per quarter: the newest revision's
    shown = queries.indicators_frame(world.engine, [world.objectives["1.1"]])
    shown = shown[shown["indicator_id"] == indicator]
    assert shown[["fiscal_year", "quarter", "value"]].values.tolist() == [[2026, 4, 20.0]]


# --- what the dashboard counts ----------------------------------------------------------------------------------


def _counted(world: World, states: tuple[str, ...]) -> list[tuple[int, int, str]]:
    frame = queries.updates_frame(world.engine, world.mission_id, states=states, objective_id=world.objectives["1.1"])
    return sorted(zip(frame["revision"], frame["progress"], frame["author"], strict=True))


def test_the_dashboard_counts_the_newest_counted_revision(world: World) -> None:
    submitted_or_approved, approved_only = ("submitted", "approved"), ("approved",)
    first = world.submit(USAID, world.form(progress=30))
    assert _counted(world, submitted_or_approved) == [(1, 30, USAID)]
    assert _counted(world, approved_only) == []

    world.review(CHAIR1, first.id, "approved")
    assert _counted(world, approved_only) == [(1, 30, USAID)]

    second = world.submit(USAID, world.form(progress=80), base_revision=1)
    assert _counted(world, submitted_or_approved) == [(2, 80, USAID)]
    assert _counted(world, approved_only) == [(1, 30, USAID)]  # waiting for review: the approved one still counts

    world.review(CHAIR1, second.id, "returned", comment="80% looks optimistic")
    assert _counted(world, submitted_or_approved) == [(1, 30, USAID)]  # returned: falls back to the approved one
    assert _counted(world, approved_only) == [(1, 30, USAID)]

    # a returned first revision has nothing to fall back to: not counted, but listed for its author
    earlier = FiscalQuarter(2026, 3)
    lone = world.submit(USAID, world.form(quarter=earlier, progress=10))
    world.review(CHAIR1, lone.id, "returned", comment="Wrong quarter")
    assert _counted(world, submitted_or_approved) == [(1, 30, USAID)]

    frame = queries.submissions_frame(world.engine, world.mission_id).sort_values("quarter")
    assert list(zip(frame["quarter"], frame["state"], strict=True)) == [(3, "returned"), (4, "returned")]
    newest = frame.iloc[1]
    assert (newest["status_update_id"], newest["revision"], newest["state"]) == (second.id, 2, "returned")
    assert (newest["review_comment"], newest["reviewer"], newest["progress"]) == ("80% looks optimistic", CHAIR1, 80)
    assert newest["qindex"] == QUARTER.index


# --------------------------------------------------------------------------- unchanged re-submissions


def test_submitting_the_stored_content_again_stores_nothing_and_keeps_the_approval(world: World) -> None:
    key = world.key()
    first = world.submit(USAID, world.form(progress=30))
    world.review(CHAIR1, first.id, "approved")
    _save_draft(world, USAID, world.form(progress=30), base_revision=1)

    again = world.submit(USAID, world.form(progress=30), base_revision=1)
    assert (again.id, again.revision) == (first.id, 1)  # the stored revision comes back, nothing new
    assert world.count(StatusUpdate) == 1
    assert [r.state for r in _revisions(world, key)] == ["approved"]
    assert _draft(world, key) is None  # the draft it came from is done with

    changed = world.submit(USAID, world.form(progress=35), base_revision=1)
    assert changed.revision == 2 and _state(world, changed) == "submitted"


def test_a_new_indicator_value_alone_is_a_change(world: World) -> None:
    indicator = _indicator(world)
    world.submit(USAID, world.form(indicator_values={indicator: 12.0}))
    assert world.submit(USAID, world.form(indicator_values={indicator: 12.0}), base_revision=1).revision == 1
    assert world.submit(USAID, world.form(indicator_values={indicator: 14.0}), base_revision=1).revision == 2


# --------------------------------------------------------------------------- required narratives


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"accomplishments": ""}, ["accomplishments"]),
        ({"accomplishments": "   "}, ["accomplishments"]),
        ({"status": "At risk", "challenges": "", "risk_note": ""}, ["challenges", "risk_note"]),
        ({"status": "Off track", "challenges": "Floods", "risk_note": ""}, ["risk_note"]),
        (
            {"status": "Off track", "accomplishments": "", "challenges": "", "risk_note": "x"},
            ["accomplishments", "challenges"],
        ),
    ],
)
def test_a_submission_needs_its_required_narratives(world: World, fields: dict[str, Any], missing: list[str]) -> None:
    with pytest.raises(submissions.Incomplete) as refused:
        world.submit(USAID, world.form(**fields))
    assert [line.split(":")[0] for line in refused.value.lines] == missing  # one message per field
    assert all("is required" in line for line in refused.value.lines)
    assert world.count(StatusUpdate) == 0


@pytest.mark.parametrize("status", ["On track", "Not started", "Completed"])
def test_challenges_and_risk_note_are_optional_unless_at_risk_or_off_track(world: World, status: str) -> None:
    progress = 100 if status == "Completed" else 40
    row = world.submit(USAID, world.form(status=status, progress=progress, challenges="", next_steps="", risk_note=""))
    assert row.revision == 1


def test_a_draft_may_leave_the_narratives_empty(world: World) -> None:
    _save_draft(world, USAID, world.form(status="Off track", accomplishments="", challenges="", risk_note=""))
    assert _draft(world, world.key()) is not None


# --------------------------------------------------------------------------- completed, and switching into trouble

ON_TRACK_TEXTS = {
    "challenges": "No significant challenges this quarter.",
    "risk_note": "Low risk; mitigation reviewed by the working group.",
}


def test_completed_below_100_is_stored_only_when_confirmed(world: World) -> None:
    with pytest.raises(submissions.Unconfirmed) as asked:
        world.submit(USAID, world.form(status="Completed", progress=95))
    assert asked.value.field == "progress"
    assert asked.value.message == (
        'Completed with progress 95% would read "95% ✔ Completed" on every page and in the brief'
    )
    assert world.count(StatusUpdate) == 0

    with write_session(world.engine) as session:
        row = submissions.submit(
            session=session,
            actor_email=USAID,
            form=world.form(status="Completed", progress=95),
            base_revision=0,
            today=TODAY,
            confirm_completed=True,
        )
        assert (row.revision, row.status, row.progress) == (1, "Completed", 95)
    assert world.submit(USAID, world.form(status="Completed", progress=100), base_revision=1).revision == 2
    # Re-submitting what is stored stores nothing, and asks nothing.
    assert world.submit(USAID, world.form(status="Completed", progress=100), base_revision=2).revision == 2


def test_switching_to_at_risk_needs_challenges_and_a_risk_note_written_for_it(world: World) -> None:
    world.submit(USAID, world.form(**ON_TRACK_TEXTS))  # revision 1, On track, risk Low
    with pytest.raises(submissions.Incomplete) as refused:
        world.submit(USAID, world.form(status="At risk", **ON_TRACK_TEXTS), base_revision=1)
    assert refused.value.problems == [
        (
            "challenges",
            "still holds the text of revision 1, when the status was On track: "
            "say what holds progress back now that it is At risk",
        ),
        (
            "risk_note",
            "still holds the text of revision 1, when the status was On track: "
            "say what the risk is now and how it is mitigated, and check the risk level (Low)",
        ),
    ]
    # A change of risk level alone does not make the old texts fit; trailing spaces do not make them new.
    padded = {name: f"  {text}  " for name, text in ON_TRACK_TEXTS.items()}
    with pytest.raises(submissions.Incomplete) as again:
        world.submit(USAID, world.form(status="Off track", risk_level="High", **padded), base_revision=1)
    assert [name for name, _ in again.value.problems] == ["challenges", "risk_note"]

    rewritten = {**ON_TRACK_TEXTS, "challenges": "The customs reform bill lapsed in Congress."}
    with pytest.raises(submissions.Incomplete) as one_left:
        world.submit(USAID, world.form(status="At risk", **rewritten), base_revision=1)
    assert [name for name, _ in one_left.value.problems] == ["risk_note"]
    assert world.count(StatusUpdate) == 1

    fixed = {**rewritten, "risk_note": "A second lapse would stop the programme; we brief the new committee."}
    row = world.submit(USAID, world.form(status="At risk", risk_level="High", **fixed), base_revision=1)
    assert (row.revision, row.status, row.challenges) == (2, "At risk", rewritten["challenges"])
    # From a revision already At risk, keeping its texts is fine: they were written for trouble.
    worse = world.form(status="Off track", risk_level="High", **fixed)
    assert world.submit(USAID, worse, base_revision=2).revision == 3


def test_the_rule_is_the_services_whatever_the_way_in(world: World) -> None:
    """A draft saved on an On-track revision, then submitted At risk with the same texts, is refused too."""
    world.submit(USAID, world.form(**ON_TRACK_TEXTS))
    _save_draft(world, USAID, world.form(status="At risk", **ON_TRACK_TEXTS), base_revision=1)
    with pytest.raises(submissions.Incomplete):
        world.submit(USAID, world.form(status="At risk", **ON_TRACK_TEXTS), base_revision=1)
    assert world.count(StatusUpdate) == 1 and world.count(UpdateDraft) == 1  # the draft is kept


def test_a_retired_objective_takes_updates_only_for_the_quarters_before_its_retirement(world: World) -> None:
    with write_session(world.engine) as session:
        retired = session.get(Objective, world.objectives["3.2"])
        assert retired is not None
        retired.retired_on, retired.retired_from_qindex = date(2026, 10, 15), QUARTER.index
        session.add(retired)
    for save in (submissions.submit, submissions.save_draft):
        with pytest.raises(ValueError) as refused, write_session(world.engine) as session:
            save(session=session, actor_email=USAID, form=world.form("3.2"), base_revision=0, today=TODAY)
        assert str(refused.value) == "objective: objective 3.2 was retired from FY2026 Q4: nothing is owed on it since"
    assert world.count(StatusUpdate) == world.count(UpdateDraft) == 0
    world.submit(USAID, world.form("3.2", quarter=QUARTER.previous()))
    assert world.count(StatusUpdate) == 1
