"""The reporting workflow through the pages: sign in, submit (drafts, conflicts), review, to-do, tracker and admin.

Run headless with AppTest on a fresh database per test (see tests/appcast.py for the cast). Each test checks what
the page shows and what the database holds afterwards.
"""

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Button, TextArea

from dashboard.domain import reporting
from dashboard.domain.fiscal import reporting_quarter
from dashboard.services import access, submissions
from dashboard.services.sign_in import BAD_CREDENTIALS
from dashboard.store import queries
from dashboard.store.database import read_session, write_session
from dashboard.views import todo, update_form
from dashboard.views.admin_forms import group_key
from dashboard.views.submit_flow import PICKERS, widget_key
from models import (
    AppUser,
    AuditEntry,
    Indicator,
    Objective,
    ObjectiveAgency,
    ReviewEvent,
    StatusUpdate,
    UpdateDraft,
    WorkingGroup,
)
from models.fields import UPDATE_FIELDS, UpdateKey
from tests.appcast import (
    STRATEGY_END,
    Cast,
    build,
    default_quarter,
    frame_with,
    ok,
    open_page,
    page,
    reachable,
    rendered,
    start,
    texts,
    update_key,
)
from tests.people import ADMIN, DEA, PASSWORD, USAID, USAID2
from tests.people import CHAIR1 as CHAIR

NARRATIVES = {
    "accomplishments": "Trained 40 customs officers in Callao.",
    "challenges": "Two trainers left in August.",
    "next_steps": "Second cohort in January.",
    "risk_note": "Budget cut would delay the second cohort; mitigation: shared trainers with FAS.",
}


def _button(at: AppTest, form: str, label: str) -> Button:
    return at.button(key=f"FormSubmitter:{form}-{label}")


def _fill_update(at: AppTest, key: UpdateKey, status: str, progress: int, risk: str, **narratives: str) -> None:
    at.selectbox(key=widget_key("status", key)).set_value(status)
    at.number_input(key=widget_key("progress", key)).set_value(progress)
    at.selectbox(key=widget_key("risk", key)).set_value(risk)
    for name, value in narratives.items():
        at.text_area(key=widget_key(name, key)).set_value(value)


def _stored(row: StatusUpdate) -> dict[str, object]:
    return {name: getattr(row, name) for name in UPDATE_FIELDS}


# --------------------------------------------------------------------------- sign-in


def test_local_sign_in_form(app_url: str) -> None:
    build(app_url, passwords={USAID: PASSWORD, USAID2: PASSWORD})
    at = start(None)
    open_page(at, "sign_in")
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.warning  # accounts exist: no first-admin instruction

    at.text_input(key="signin_email").input(USAID2)
    at.text_input(key="signin_password").input("not the password at all")
    _button(at, "signin_form", "Sign in").click().run()
    assert not at.exception
    assert texts(at.error) == [BAD_CREDENTIALS] == ["E-mail or password is incorrect."]
    assert "auth_email" not in at.session_state
    assert [t.value for t in at.title] == ["Sign in"]
    assert not reachable(at, "submit")

    at.text_input(key="signin_email").input("  USAID@Example.gov ")  # as people type it
    at.text_input(key="signin_password").input(PASSWORD)
    _button(at, "signin_form", "Sign in").click().run()
    assert not at.exception
    assert at.session_state["auth_email"] == USAID
    assert [t.value for t in at.title] == ["My to-do"]  # a contributor lands on their to-do list
    assert not at.error
    assert reachable(at, "submit") and reachable(at, "sign_in")
    ok(at.run())
    assert [t.value for t in at.title] == ["Account"]
    assert texts(at.success) == ["You are signed in as:"]
    assert USAID in texts(at.text) and "Contributor for USAID" in texts(at.text)


def test_sign_in_page_without_any_user_explains_the_first_admin(app_url: str) -> None:
    build(app_url, cast=[])
    at = start(None)
    open_page(at, "sign_in")
    warnings = texts(at.warning)
    assert len(warnings) == 1 and "python -m dashboard user add" in warnings[0], warnings
    assert "--role admin" in warnings[0]
    assert at.text_input(key="signin_email")  # the form is still there


# --------------------------------------------------------------------------- submit


def test_submit_page_defaults_draft_then_submit(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    quarter = default_quarter()
    box = at.selectbox(key=PICKERS["quarter"])
    assert box.value == quarter
    assert box.options[box.index] == quarter.label
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["1.1"]
    assert at.selectbox(key=PICKERS["agency"]).options == ["USAID"]
    assert "Not submitted yet." in texts(at.text)

    key = update_key(cast, "1.1", "USAID", quarter)
    _fill_update(at, key, "At risk", 55, "Medium", **NARRATIVES)
    _button(at, widget_key("form", key), "Save draft").click().run()
    assert not at.exception
    assert texts(at.success) == ["Draft saved. It is not submitted yet."]
    assert cast.count(StatusUpdate) == 0
    [draft] = cast.all(UpdateDraft)
    assert (draft.author, draft.base_revision) == (USAID, 0)
    assert _stored(draft) == {"status": "At risk", "progress": 55, "risk_level": "Medium", **NARRATIVES}
    assert any(f"A draft saved by {USAID} is loaded below." in t for t in texts(at.text))

    _button(at, widget_key("form", key), "Submit").click().run()
    assert not at.exception
    assert [s for s in texts(at.success) if s.startswith("Submitted")] == [
        "Submitted as revision 1. The working-group chair will review it."
    ]
    [row] = cast.all(StatusUpdate)
    assert (row.author, row.revision, row.state) == (USAID, 1, "submitted")
    assert (row.objective_id, row.agency_id) == (cast.objectives["1.1"], cast.agencies["USAID"])
    assert (row.fiscal_year, row.quarter) == (quarter.fiscal_year, quarter.quarter)
    assert _stored(row) == {"status": "At risk", "progress": 55, "risk_level": "Medium", **NARRATIVES}
    assert cast.count(UpdateDraft) == 0  # submitting removes the draft
    history = [rendered(e.label) for e in at.expander if e.label.startswith("Revision ")]
    assert history == [f"Revision 1 · Submitted, waiting for review · {USAID}"]


def test_a_draft_can_be_discarded(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast, "1.1", "USAID", default_quarter())
    _fill_update(at, key, "Off track", 5, "Critical", **NARRATIVES)
    _button(at, widget_key("form", key), "Save draft").click().run()
    assert cast.count(UpdateDraft) == 1
    at.button(key=widget_key("discard", key)).click().run()
    assert not at.exception
    assert texts(at.success) == ["Draft discarded."]
    assert cast.count(UpdateDraft) == 0 and cast.count(StatusUpdate) == 0
    # the form starts again from the defaults, not from what the draft held
    assert at.selectbox(key=widget_key("status", key)).value != "Off track"
    assert at.text_area(key=widget_key("accomplishments", key)).value == ""
    assert "Not submitted yet." in texts(at.text)


def test_submit_conflict_keeps_theirs_then_rebases_mine(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast)
    _fill_update(
        at,
        key,
        "Off track",
        15,
        "High",
        accomplishments="Mine: customs reform stalled.",
        challenges="The reform bill lapsed.",
        risk_note="New bill in March; we brief the committee.",
    )
    cast.submit(USAID2, cast.form(accomplishments="Theirs: 40 officers trained."))  # between the two runs

    _button(at, widget_key("form", key), "Submit").click().run()
    assert not at.exception
    errors = texts(at.error)
    assert len(errors) == 1 and errors[0].startswith(f"{USAID2} saved revision 1 of this update"), errors
    assert "Nothing was overwritten" in errors[0]
    [theirs] = cast.all(StatusUpdate)
    assert (theirs.author, theirs.revision, theirs.accomplishments) == (USAID2, 1, "Theirs: 40 officers trained.")
    diff = frame_with(at, "Theirs")
    assert dict(zip(diff["Field"], diff["Yours"], strict=True))["Accomplishments"] == "Mine: customs reform stalled."
    # The way out is offered on the run that found the conflict: nothing else reruns the page.
    assert at.button(key=widget_key("reload", key)).label == "Start again from revision 1"
    rebase = at.button(key=widget_key("rebase", key))
    assert rebase.label == "Keep my form and edit on top of revision 1"

    _button(at, widget_key("form", key), "Submit").click().run()  # again without rebasing: still refused
    assert len(texts(at.error)) == 1 and cast.count(StatusUpdate) == 1

    at.button(key=widget_key("rebase", key)).click().run()
    assert not at.exception and not at.error
    assert at.text_area(key=widget_key("accomplishments", key)).value == "Mine: customs reform stalled."
    _button(at, widget_key("form", key), "Submit").click().run()
    assert not at.exception and not at.error
    assert any(s.startswith("Submitted as revision 2.") for s in texts(at.success))
    rows = cast.all(StatusUpdate)
    assert [(r.revision, r.author) for r in rows] == [(1, USAID2), (2, USAID)]
    assert _stored(rows[0])["accomplishments"] == "Theirs: 40 officers trained."
    assert (rows[1].status, rows[1].progress, rows[1].risk_level) == ("Off track", 15, "High")
    assert rows[1].accomplishments == "Mine: customs reform stalled."
    assert rows[1].supersedes_id == rows[0].id


def test_narratives_that_look_like_formulas_are_stored_verbatim(cast: Cast) -> None:
    typed = {
        "accomplishments": '=HYPERLINK("http://evil.example","Click")',
        "challenges": "+1 staff",
        "next_steps": "-2 weeks",
        "risk_note": "@SUM(A1:A9)",
    }
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast)
    _fill_update(at, key, "On track", 60, "Low", **typed)
    _button(at, widget_key("form", key), "Submit").click().run()
    assert not at.exception and not at.error
    [row] = cast.all(StatusUpdate)
    assert {name: getattr(row, name) for name in typed} == typed


# --------------------------------------------------------------------------- review and to-do


def _review_pick(at: AppTest) -> str:
    box = at.selectbox(key="review_pick")
    return box.options[box.index]


def _comment_box(at: AppTest) -> TextArea:
    [box] = [area for area in at.text_area if area.label.startswith("Comment (required to return")]
    return box


def test_review_return_fix_and_approve(cast: Cast) -> None:
    first = cast.submit(USAID, cast.form("1.1"))
    other = cast.submit(USAID, cast.form("1.2", accomplishments="Two exchange programmes."))
    chair = start(CHAIR)
    open_page(chair, "review")
    assert chair.selectbox(key="review_pick").options == [
        f"1.1 · USAID · {default_quarter().label} · revision 1 by {USAID}",
        f"1.2 · USAID · {default_quarter().label} · revision 1 by {USAID}",
    ]
    assert "Trained 40 customs officers." in texts(chair.text)

    _button(chair, "review_form", "Return with comment").click().run()  # no comment
    assert texts(chair.error) == ["Comment: say what needs fixing when you return an update"]  # the box's label
    assert cast.count(ReviewEvent) == 0

    _comment_box(chair).input("Add the customs clearance numbers.")
    _button(chair, "review_form", "Return with comment").click().run()
    assert not chair.exception and not chair.error
    assert f"1.1 · USAID · {default_quarter().label} · revision 1 by {USAID}: returned." in texts(chair.success)
    [event] = cast.all(ReviewEvent)
    assert (event.status_update_id, event.decision, event.reviewer) == (first.id, "returned", CHAIR)
    assert event.comment == "Add the customs clearance numbers."

    # The next update in the queue starts with an empty comment box: approving it records no stale comment.
    assert _review_pick(chair).startswith("1.2 · USAID")
    assert _comment_box(chair).value == ""
    _button(chair, "review_form", "Approve").click().run()
    assert not chair.exception and not chair.error
    assert [(e.status_update_id, e.decision, e.comment) for e in cast.all(ReviewEvent)][1:] == [
        (other.id, "approved", "")
    ]
    assert "Nothing is waiting for your review." in texts(chair.success)

    contributor = start(USAID)
    open_page(contributor, "todo")
    quarter = default_quarter()
    fix = f"todo_fix_1.1_USAID_{quarter.fiscal_year}Q{quarter.quarter}"
    assert [b.key for b in contributor.button if b.key.startswith("todo_fix_")] == [fix]
    assert f"Returned by {CHAIR}: Add the customs clearance numbers." in texts(contributor.text)
    owed = [b.key.removeprefix("todo_submit_") for b in contributor.button if b.key.startswith("todo_submit_")]
    assert owed and not [key for key in owed if key.startswith(("1.1_", "1.2_"))]  # 1.1 listed once; 1.2 is in
    assert " · 1 returned · " in texts(contributor.caption)[0]

    contributor.button(key=fix).click().run()
    assert not contributor.exception
    assert [t.value for t in contributor.title] == ["Submit update"]
    assert texts(contributor.warning) == ["This update was returned. Fix it and submit again."]
    assert f"Returned by {CHAIR}: Add the customs clearance numbers." in texts(contributor.text)
    # AppTest keeps requesting the page of its own last switch_page (the to-do page) on later runs; a browser stays
    # on the URL st.switch_page moved it to. Point AppTest there too.
    contributor.switch_page(page("submit"))
    key = update_key(cast, "1.1")
    contributor.text_area(key=widget_key("accomplishments", key)).set_value("Trained 40 officers; 1,200 clearances.")
    _button(contributor, widget_key("form", key), "Submit").click().run()
    assert not contributor.exception and not contributor.error
    assert any(s.startswith("Submitted as revision 2.") for s in texts(contributor.success))

    chair.run()
    assert not chair.exception
    assert _review_pick(chair) == f"1.1 · USAID · {default_quarter().label} · revision 2 by {USAID}"
    headings = [m.value for m in chair.markdown if m.value.startswith("**Changed since")]
    assert headings == ["**Changed since revision 1, the previous one; no revision of this update was approved yet**"]
    shown = texts(chair.text)
    assert "Accomplishments" in shown and "Trained 40 officers; 1,200 clearances." in shown
    assert "Status" not in shown  # only the fields that changed
    _button(chair, "review_form", "Approve").click().run()
    assert not chair.exception and not chair.error
    second = cast.all(StatusUpdate)[-1]
    assert (second.revision, second.author) == (2, USAID)
    last = cast.all(ReviewEvent)[-1]
    assert (last.status_update_id, last.decision, last.reviewer, last.comment) == (second.id, "approved", CHAIR, "")
    with read_session(cast.engine) as session:
        assert submissions.state_of(session, second) == "approved"


def test_review_of_an_update_that_was_resubmitted_meanwhile(cast: Cast) -> None:
    cast.submit(USAID, cast.form())
    chair = start(CHAIR)
    open_page(chair, "review")
    cast.submit(USAID2, cast.form(progress=70), base_revision=1)  # while the chair reads revision 1

    _button(chair, "review_form", "Approve").click().run()
    assert not chair.exception
    assert texts(chair.error) == ["A newer revision (2) was submitted meanwhile. Review that one instead."]
    assert cast.count(ReviewEvent) == 0
    chair.run()
    assert _review_pick(chair) == f"1.1 · USAID · {default_quarter().label} · revision 2 by {USAID2}"


def test_after_the_strategy_ends_the_to_do_owes_its_last_quarter(cast: Cast) -> None:
    """What pages/todo.py does, on a day AppTest cannot fake: February 2027, after the strategy's last quarter.

    The to-do owes the quarter the submit page opens on (FY2026 Q4), not FY2027 Q1, which nobody can submit.
    """
    today = date(2027, 2, 1)
    options, quarter = update_form.quarter_options(queries.mission_row(cast.engine, cast.mission_id), today)
    assert quarter == options[-1] == STRATEGY_END
    with read_session(cast.engine) as session:
        actor = access.resolve(session, DEA)
    view = todo.build(
        actor,
        queries.expected_frame(cast.engine, cast.mission_id),
        queries.submissions_frame(cast.engine, cast.mission_id),
        reviewable=set(),
        today=today,
        due_days=30,
        quarter=quarter,
    )
    assert view.quarter == STRATEGY_END
    assert list(view.owed["code"]) == ["2.1", "2.2", "3.2"]
    assert view.summary.startswith("3 owed for FY2026 Q4")
    with pytest.raises(ValueError, match="outside the strategy period"):
        submissions.check_quarter(queries.mission_row(cast.engine, cast.mission_id), reporting_quarter(today), today)


# --------------------------------------------------------------------------- tracker


def test_tracker_counts_and_due_date(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICS_DUE_DAYS", "45")
    cast.submit(USAID, cast.form())
    with read_session(cast.engine) as session:
        expected = len(
            session.exec(
                select(ObjectiveAgency)
                .join(Objective, Objective.id == ObjectiveAgency.objective_id)
                .where(Objective.mission_id == cast.mission_id)
            ).all()
        )
    assert expected == 33  # the bundled Peru structure

    at = start(None)  # the tracker is public while anonymous viewing is on
    open_page(at, "tracker")
    quarter = default_quarter()
    assert at.selectbox(key="tracker_quarter").value == quarter
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Expected": str(expected),
        "Received": "1",
        "Waiting for review": "1",
        "Outstanding": str(expected - 1),
    }
    due = quarter.end + timedelta(days=45)
    sentence = reporting.due_sentence(quarter, due, date.today())  # its wording: tests/domain/test_reporting.py
    assert f"{sentence} (45 days after the quarter's last day)." in texts(at.caption)
    if date.today() > due:  # written in the past tense once the day has passed, never "are overdue on"
        assert sentence.startswith(f"{quarter.label} updates were due on {due:%d %b %Y}, ")
    outstanding = frame_with(at, "days_late")
    assert len(outstanding) == expected - 1
    assert ("1.1", "USAID") not in set(zip(outstanding["code"], outstanding["agency"], strict=True))
    assert set(outstanding["days_late"]) == {max((date.today() - due).days, 0)}
    history = frame_with(at, "awaiting_review")
    row = history[history["quarter"] == quarter.label].iloc[0]
    assert (row["expected"], row["received"], row["awaiting_review"], row["due"]) == (expected, 1, 1, due)


# --------------------------------------------------------------------------- admin


def test_admin_adds_a_user_and_non_admins_cannot_reach_the_page(cast: Cast) -> None:
    before = cast.count(AuditEntry)
    at = start(ADMIN)
    open_page(at, "admin")
    new = "new.person@example.gov"
    at.text_input(key="admin_new_email_0").input("Not an e-mail")
    _button(at, "admin_add_user_0", "Add user").click().run()
    assert any("is not an e-mail address" in e for e in texts(at.error))
    assert cast.count(AuditEntry) == before

    at.text_input(key="admin_new_email_0").input(f"  {new.upper()} ")
    at.selectbox(key="admin_new_role_0").set_value("contributor")
    at.multiselect(key="admin_new_agencies_0").set_value(["DEA"])
    _button(at, "admin_add_user_0", "Add user").click().run()
    assert not at.exception and not at.error
    assert texts(at.success) == [f"Added {new}."]
    with read_session(cast.engine) as session:
        user = session.exec(select(AppUser).where(AppUser.email == new)).one()
        assert (user.role, user.disabled, user.password_hash) == ("contributor", False, None)
    entries = cast.all(AuditEntry)
    assert len(entries) == before + 1
    entry = entries[-1]
    assert (entry.actor, entry.action, entry.entity, entry.entity_key) == (ADMIN, "add user", "user", new)
    assert json.loads(entry.before) is None
    assert json.loads(entry.after)["agencies"] == ["DEA"]
    assert new in list(frame_with(at, "E-mail")["E-mail"])
    # the form is empty again for the next person, and a refused add kept what was typed (above)
    assert at.text_input(key="admin_new_email_1").value == ""  # a fresh form
    assert at.multiselect(key="admin_new_agencies_1").value == []
    assert _button(at, "admin_add_user_1", "Add user") is not None

    newcomer = start(new)
    assert reachable(newcomer, "submit") and not reachable(newcomer, "admin")
    for email in (CHAIR, USAID, DEA):
        assert not reachable(start(email), "admin"), email


# --------------------------------------------------------------------------- the submit page as a link target


def _submit_linked(email: str, **query: str) -> AppTest:
    at = start(email)
    for name, value in query.items():
        at.query_params[name] = value
    return open_page(at, "submit")


def test_submit_page_opens_exactly_the_linked_update(cast: Cast) -> None:
    earlier = default_quarter().previous()
    at = _submit_linked(USAID, objective="1.2", agency="usaid", quarter=f"{earlier.fiscal_year}Q{earlier.quarter}")
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["1.2"]
    assert at.selectbox(key=PICKERS["agency"]).value == cast.agencies["USAID"]
    assert at.selectbox(key=PICKERS["quarter"]).value == earlier
    assert at.text_area(key=widget_key("accomplishments", update_key(cast, "1.2", "USAID", earlier))) is not None
    assert not at.info

    # the user's own choice wins on the next run; the link is not applied again
    at.selectbox(key=PICKERS["objective"]).set_value(cast.objectives["1.3"]).run()
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["1.3"]


def test_a_pick_on_the_submit_page_moves_the_address_and_the_address_reopens_it(cast: Cast) -> None:
    earlier = default_quarter().previous()
    at = _submit_linked(USAID, objective="1.2", agency="USAID", quarter=f"{earlier.fiscal_year}Q{earlier.quarter}")
    at.selectbox(key=PICKERS["objective"]).set_value(cast.objectives["1.3"]).run()
    ok(at)
    shown = {"objective": "1.3", "agency": "USAID", "quarter": f"{earlier.fiscal_year}Q{earlier.quarter}"}
    assert {name: at.query_params.get(name) for name in shown} == shown
    at.selectbox(key=PICKERS["quarter"]).set_value(default_quarter()).run()
    shown["quarter"] = f"{default_quarter().fiscal_year}Q{default_quarter().quarter}"
    assert {name: at.query_params.get(name) for name in shown} == shown

    copied = _submit_linked(USAID, **shown)  # the address pasted into another session
    assert copied.selectbox(key=PICKERS["objective"]).value == cast.objectives["1.3"]
    assert copied.selectbox(key=PICKERS["quarter"]).value == default_quarter()


def test_the_submit_page_without_a_link_writes_the_update_it_shows_into_the_address(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    quarter = default_quarter()
    shown = {"objective": "1.1", "agency": "USAID", "quarter": f"{quarter.fiscal_year}Q{quarter.quarter}"}
    assert {name: at.query_params.get(name) for name in shown} == shown


def test_a_to_do_item_opens_its_update_on_the_submit_page(cast: Cast) -> None:
    quarter = default_quarter()
    at = start(DEA)
    open_page(at, "todo")
    at.button(key=f"todo_submit_2.2_DEA_{quarter.fiscal_year}Q{quarter.quarter}").click().run()
    ok(at)
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["2.2"]
    assert at.selectbox(key=PICKERS["quarter"]).value == quarter


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ({"objective": "2.1", "agency": "USAID"}, "objective 2.1 is not one you report on"),
        ({"objective": "1.1", "agency": "DEA"}, "DEA does not report on objective 1.1 through you"),
        ({"objective": "1.1", "quarter": "2031Q1"}, "FY2031 Q1 is not a quarter you can report on"),
        ({"quarter": "soon"}, "soon is not a fiscal quarter"),
    ],
)
def test_a_link_to_an_update_one_cannot_report_on_is_ignored_with_a_note(
    cast: Cast, query: dict[str, str], said: str
) -> None:
    at = _submit_linked(USAID, **query)
    [note] = texts(at.info)
    assert said in note and note.startswith("The link could not be followed in full")
    assert at.selectbox(key=PICKERS["quarter"]).value == default_quarter()
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["1.1"]


def test_required_narratives_are_marked_before_any_error(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast)
    labels = {name: at.text_area(key=widget_key(name, key)).label for name in NARRATIVES}
    assert labels == {
        "accomplishments": "Accomplishments (required)",
        "challenges": "Challenges (required when At risk or Off track)",
        "next_steps": "Next steps",
        "risk_note": "Risk and mitigation (required when At risk or Off track)",
    }
    _fill_update(at, key, "Off track", 10, "High", accomplishments="Little moved.")
    _button(at, widget_key("form", key), "Submit").click().run()
    [error] = texts(at.error)
    assert "Challenges: is required when the status is Off track" in error  # named as the form labels it
    assert "Risk and mitigation: is required" in error and "risk_note" not in error
    assert cast.count(StatusUpdate) == 0


def test_old_revisions_say_they_were_superseded_and_unchanged_submits_store_nothing(cast: Cast) -> None:
    first = cast.submit(USAID, cast.form("1.1", quarter=default_quarter()))
    cast.review(CHAIR, first.id, "returned", "Add numbers.")
    cast.submit(USAID, cast.form("1.1", quarter=default_quarter(), progress=45), base_revision=1)
    at = start(USAID)
    open_page(at, "submit")
    history = [rendered(e.label) for e in at.expander if e.label.startswith("Revision ")]
    assert history == [
        f"Revision 2 · Submitted, waiting for review · {USAID}",
        f"Revision 1 · Returned, then superseded by revision 2 · {USAID}",
    ]
    # pressing Submit again on the stored content keeps revision 2 as it is and says so
    _button(at, widget_key("form", update_key(cast)), "Submit").click().run()
    assert "Nothing changed since revision 2 (waiting for review): nothing was stored" in " ".join(texts(at.success))
    assert cast.count(StatusUpdate) == 2


def test_review_compares_with_the_last_approved_revision_and_shows_the_trail(cast: Cast) -> None:
    quarter = default_quarter()
    done = cast.form("1.1", quarter=quarter, status="Completed", progress=100, risk_level="Low")
    first = cast.submit(USAID, done)
    cast.review(CHAIR, first.id, "approved")
    slipped = cast.form(
        "1.1",
        quarter=quarter,
        status="On track",
        progress=95,
        risk_level="Medium",
        accomplishments="Customs reform reopened.",
    )
    second = cast.submit(USAID, slipped, base_revision=1)
    cast.review(CHAIR, second.id, "returned", "Say why the reform reopened.")
    fixed = slipped.model_copy(update={"accomplishments": "Customs reform reopened after the new decree."})
    cast.submit(USAID, fixed, base_revision=2)
    previous_quarter = cast.form("1.1", quarter=quarter.previous(), accomplishments="Last quarter's work.")
    cast.submit(USAID2, previous_quarter)

    chair = start(ADMIN)
    open_page(chair, "review")
    ok(chair)
    headings = [m.value for m in chair.markdown if m.value.startswith("**Changed since")]
    assert headings == [
        "**Changed since revision 1, the last approved one**",
        "**Changed since revision 2, the previous one**",
    ]
    shown = texts(chair.text)
    for label in ("Status", "Progress (%)", "Risk level", "Accomplishments"):
        assert label in shown  # changed since the approved revision 1
    assert "Customs reform reopened after the new decree." in shown
    trail = [t for t in shown if t.startswith("Revision 2: Returned")]
    assert len(trail) == 1 and "Revision 1: Approved by " in trail[0]
    assert f"Returned by {CHAIR}, " in trail[0] and trail[0].split("\n\n")[0].endswith(": Say why the reform reopened.")
    assert any(e.label.startswith(f"Previous quarter, {quarter.previous().label}") for e in chair.expander)
    assert "Last quarter's work." in texts(chair.text)
    approve = _button(chair, "review_form", "Approve")
    assert approve.type != "primary"  # not the red call to action


def test_review_shows_the_indicator_values(cast: Cast) -> None:
    quarter = default_quarter()
    with write_session(cast.engine) as session:
        indicator = Indicator(objective_id=cast.objectives["1.1"], name="Officers trained", baseline=0, target=80)
        session.add(indicator)
        session.flush()
        indicator_id = indicator.id
    cast.submit(USAID, cast.form("1.1", quarter=quarter.previous(), indicator_values={indicator_id: 20.0}))
    cast.submit(USAID, cast.form("1.1", quarter=quarter, indicator_values={indicator_id: 35.0}))
    chair = start(CHAIR)
    open_page(chair, "review")
    table = frame_with(chair, "Indicator")
    assert table.values.tolist() == [["Officers trained", "value", 80.0, 20.0, 35.0]]
    assert list(table.columns)[-2:] == [quarter.previous().label, quarter.label]


def test_admin_stays_on_its_tab_after_a_save_and_lists_the_working_groups(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    groups = frame_with(at, "Working group")
    assert any(name.startswith("Goal 1 Working Group") for name in groups["Working group"])
    assert groups.columns.tolist() == ["Working group", "Chair agency", "Member agencies", "Objectives"]
    at.session_state["admin_tab"] = "Working groups"  # what a click on the tab does
    at.run()
    at.text_input(key="admin_group_name_None").input("Migration task force")
    at.button(key="admin_group_save_None").click().run()
    ok(at)
    assert texts(at.success) == ["Saved working group Migration task force."]
    assert at.session_state["admin_tab"] == "Working groups"
    assert "Migration task force" in list(frame_with(at, "Working group")["Working group"])


def test_the_working_group_form_shows_the_stored_group_after_a_save(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    at.session_state["admin_tab"] = "Working groups"
    at.run()
    for field, value in (("name", "Migration task force"), ("members", ["DEA"]), ("objectives", ["2.2"])):
        getattr(at, "text_input" if field == "name" else "multiselect")(key=group_key(field, None)).set_value(value)
    at.button(key="admin_group_save_None").click().run()
    ok(at)
    assert texts(at.success) == ["Saved working group Migration task force."]
    # The "New working group…" form is empty again, ready for the next group.
    assert at.text_input(key=group_key("name", None)).value == ""
    assert at.multiselect(key=group_key("members", None)).value == []
    assert at.multiselect(key=group_key("objectives", None)).value == []
    # Picking the group just saved shows what was stored.
    with read_session(cast.engine) as session:
        saved = session.exec(select(WorkingGroup.id).where(WorkingGroup.name == "Migration task force")).one()
    at.selectbox(key="admin_group_pick").set_value(saved).run()
    assert at.text_input(key=group_key("name", saved)).value == "Migration task force"
    assert at.multiselect(key=group_key("objectives", saved)).value == ["2.2"]


def test_admin_shows_the_password_rule_before_any_failure(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    assert "Password: at least 12 characters." in texts(at.caption)
    assert not at.error


def test_audit_log_reads_as_changes_and_can_be_filtered(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    at.text_input(key="admin_new_email_0").input("new.person@example.gov")
    at.selectbox(key="admin_new_role_0").set_value("contributor")
    at.multiselect(key="admin_new_agencies_0").set_value(["DEA"])
    _button(at, "admin_add_user_0", "Add user").click().run()
    ok(at)
    at.selectbox(key="admin_edit_pick").set_value("new.person@example.gov").run()
    at.multiselect(key="admin_edit_agencies_1_new.person@example.gov").set_value(["USAID"])
    _button(at, "admin_edit_user_new.person@example.gov", "Save changes").click().run()
    ok(at)
    log = frame_with(at, "Change")
    assert log.columns.tolist() == ["When (UTC)", "Who", "Action", "Change"]
    newest = log.iloc[0]
    assert (newest["Who"], newest["Action"]) == (ADMIN, "change user: new.person@example.gov")
    assert newest["Change"] == "agencies: + USAID, − DEA"
    assert "{" not in "".join(log["Change"])  # no raw JSON
    at.text_input(key="admin_log_search").input("add user").run()
    filtered = frame_with(at, "Change")
    assert {a.split(":")[0] for a in filtered["Action"]} == {"add user"} and len(filtered) < len(log)
    at.text_input(key="admin_log_search").input("nobody-like-this").run()
    assert "No change matches this filter." in [m.value for m in at.markdown]


def test_admin_sets_and_clears_a_users_bureau_scope(cast: Cast) -> None:
    at = start(ADMIN)
    open_page(at, "admin")
    at.text_input(key="admin_new_email_0").input("wha.viewer@example.gov")
    at.selectbox(key="admin_new_role_0").set_value("viewer")
    at.selectbox(key="admin_new_bureau_0").set_value("WHA")
    _button(at, "admin_add_user_0", "Add user").click().run()
    ok(at)
    with read_session(cast.engine) as session:
        assert access.resolve(session, "wha.viewer@example.gov").bureau == "WHA"
    at.selectbox(key="admin_edit_pick").set_value("wha.viewer@example.gov").run()
    assert at.selectbox(key="admin_edit_bureau_wha.viewer@example.gov").value == "WHA"
    at.selectbox(key="admin_edit_bureau_wha.viewer@example.gov").set_value("")
    _button(at, "admin_edit_user_wha.viewer@example.gov", "Save changes").click().run()
    ok(at)
    with read_session(cast.engine) as session:
        assert access.resolve(session, "wha.viewer@example.gov").bureau is None


def _received(at: AppTest) -> str:
    return next(p.text for p in at.get("progress") if "Updates received" in p.text)


def test_the_overview_counts_an_update_submitted_after_it_was_drawn(cast: Cast) -> None:
    """The overview's figures are shared by every session until a write; a submission on the Submit page
    ends that, so the next visitor's overview counts it."""
    quarter = default_quarter()
    viewer = start(None)
    viewer.query_params["to"] = f"{quarter.fiscal_year}Q{quarter.quarter}"
    ok(viewer.run())
    assert _received(viewer).startswith("Updates received: 0 of ")

    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast, "1.1", "USAID", quarter)
    _fill_update(at, key, "At risk", 55, "Medium", **NARRATIVES)
    _button(at, widget_key("form", key), "Submit").click().run()
    assert not at.exception and cast.count(StatusUpdate) == 1

    again = start(None)
    again.query_params["to"] = f"{quarter.fiscal_year}Q{quarter.quarter}"
    ok(again.run())
    assert _received(again).startswith("Updates received: 1 of ")


def test_a_to_do_link_opens_its_update_again_after_a_draft_and_a_round_trip(cast: Cast) -> None:
    """My to-do → Submit 3.2 → save a draft → My to-do → Submit 3.2 again: the form is 3.2's both times."""
    quarter = default_quarter()
    link = f"todo_submit_3.2_DEA_{quarter.fiscal_year}Q{quarter.quarter}"
    wanted = {"objective": "3.2", "agency": "DEA", "quarter": f"{quarter.fiscal_year}Q{quarter.quarter}"}
    at = start(DEA)
    open_page(at, "todo")
    at.button(key=link).click().run()
    ok(at)
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["3.2"]
    at.switch_page(page("submit"))  # where the browser is now (see test_review_return_fix_and_approve)
    key = update_key(cast, "3.2", "DEA", quarter)
    at.text_area(key=widget_key("accomplishments", key)).set_value("Two interdiction courses held.")
    _button(at, widget_key("form", key), "Save draft").click().run()
    ok(at)
    assert texts(at.success) == ["Draft saved. It is not submitted yet."]
    assert {k: at.query_params.get(k) for k in wanted} == wanted

    open_page(at, "todo")
    at.button(key=link).click().run()
    ok(at)
    assert {k: at.query_params.get(k) for k in wanted} == wanted
    assert at.selectbox(key=PICKERS["objective"]).value == cast.objectives["3.2"]
    assert at.selectbox(key=PICKERS["agency"]).value == cast.agencies["DEA"]
    assert at.selectbox(key=PICKERS["quarter"]).value == quarter
    assert at.text_area(key=widget_key("accomplishments", key)).value == "Two interdiction courses held."
