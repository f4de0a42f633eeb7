"""Walking the quarterly cycle through the pages (AppTest): what a contributor meets on Submit and My to-do, and
where a chair's to-do row leads. Each test checks what the page says and what the database holds afterwards."""

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.services import submissions
from dashboard.store.database import read_session, write_session
from dashboard.views.submit_flow import widget_key
from models import StatusUpdate, UpdateDraft
from models.fields import UpdateKey
from tests.appcast import Cast, build, default_quarter, frame_with, ok, open_page, page, start, texts, update_key
from tests.people import CAST, USAID
from tests.people import CHAIR1 as CHAIR

DEA_FAS = "dea.fas@example.gov"  # one officer reporting for two agencies, both on objective 3.2
ON_TRACK_TEXTS = {
    "challenges": "No significant challenges this quarter.",
    "risk_note": "Low risk; mitigation reviewed by the working group.",
}


def _submit(at: AppTest, key: UpdateKey) -> AppTest:
    at.button(key=f"FormSubmitter:{widget_key('form', key)}-Submit").click().run()
    return ok(at)


# --------------------------------------------------------------------------- Completed below 100%


def test_completed_below_100_is_stored_only_by_a_second_submit_after_saying_what_it_stores(cast: Cast) -> None:
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast)
    at.selectbox(key=widget_key("status", key)).set_value("Completed")
    at.number_input(key=widget_key("progress", key)).set_value(95)
    at.text_area(key=widget_key("accomplishments", key)).set_value("The customs reform law passed.")

    _submit(at, key)
    assert texts(at.warning) == [
        'Completed with progress 95% would read "95% ✔ Completed" on every page and in the brief. '
        "Set the progress to 100, or press Submit again to store it as it is."
    ]
    assert cast.count(StatusUpdate) == 0 and not at.success

    at.number_input(key=widget_key("progress", key)).set_value(97)  # another figure: asked again, not stored
    _submit(at, key)
    assert len(at.warning) == 1 and "Completed with progress 97%" in texts(at.warning)[0]
    assert cast.count(StatusUpdate) == 0

    _submit(at, key)  # the second Submit of the same figure stores it
    assert "Submitted as revision 1. The working-group chair will review it." in texts(at.success)
    [row] = cast.all(StatusUpdate)
    assert (row.status, row.progress) == ("Completed", 97)


# --------------------------------------------------------------------------- switching into trouble


def test_switching_to_at_risk_keeps_the_form_open_until_challenges_and_risk_are_rewritten(cast: Cast) -> None:
    cast.submit(USAID, cast.form("1.1", quarter=default_quarter(), **ON_TRACK_TEXTS))
    at = start(USAID)
    open_page(at, "submit")
    key = update_key(cast)
    assert at.text_area(key=widget_key("challenges", key)).value == ON_TRACK_TEXTS["challenges"]  # pre-filled
    at.selectbox(key=widget_key("status", key)).set_value("At risk")

    _submit(at, key)
    [error] = texts(at.error)
    assert error == (
        "Please fix these fields:\n\n"
        "- Challenges: still holds the text of revision 1, when the status was On track: "
        "say what holds progress back now that it is At risk\n"
        "- Risk and mitigation: still holds the text of revision 1, when the status was On track: "
        "say what the risk is now and how it is mitigated, and check the risk level (Low)"
    )
    assert cast.count(StatusUpdate) == 1
    assert at.selectbox(key=widget_key("status", key)).value == "At risk"  # the form stays as typed

    at.text_area(key=widget_key("challenges", key)).set_value("The reform bill lapsed in Congress.")
    _submit(at, key)
    [error] = texts(at.error)
    assert "Risk and mitigation: still holds the text of revision 1" in error and "Challenges" not in error
    assert cast.count(StatusUpdate) == 1

    rewritten = "A second lapse stops the programme; we brief the new committee."
    at.text_area(key=widget_key("risk_note", key)).set_value(rewritten)
    at.selectbox(key=widget_key("risk", key)).set_value("High")
    _submit(at, key)
    assert not at.error and "Submitted as revision 2. The working-group chair will review it." in texts(at.success)
    newest = cast.all(StatusUpdate)[-1]
    assert (newest.status, newest.risk_level, newest.challenges) == (
        "At risk",
        "High",
        "The reform bill lapsed in Congress.",
    )


# --------------------------------------------------------------------------- my to-do


def test_my_to_do_shows_a_saved_draft_with_its_time_and_gives_every_button_its_own_name(app_url: str) -> None:
    cast = build(app_url, [*CAST, {"email": DEA_FAS, "role": "contributor", "agencies": ["DEA", "FAS"]}])
    quarter = default_quarter()
    with write_session(cast.engine) as session:
        submissions.save_draft(
            session=session,
            actor_email=DEA_FAS,
            form=cast.form("3.2", "DEA", quarter, accomplishments="Half written."),
            base_revision=0,
        )
    with read_session(cast.engine) as session:
        saved = session.exec(select(UpdateDraft.saved_at)).one()

    at = start(DEA_FAS)
    open_page(at, "todo")
    rows = {m.value.split("**")[1]: m.value for m in at.markdown if m.value.startswith("**")}
    dea, fas = rows[f"3.2 · DEA · {quarter.label}"], rows[f"3.2 · FAS · {quarter.label}"]
    # AppTest's browser reports no time zone: the time is in UTC, and says so.
    assert f"· Draft saved {saved:%H:%M} UTC" in dea and "Not submitted" not in dea
    assert "· Not submitted" in fas and "Draft" not in fas

    names = [b.label for b in at.button if b.key.startswith("todo_")]
    assert names == [
        "Submit 1.1 for FAS",
        "Submit 2.1 for DEA",
        "Submit 2.2 for DEA",
        "Submit 3.1 for FAS",
        "Submit 3.2 for DEA",
        "Submit 3.2 for FAS",
    ]
    assert len(set(names)) == len(names)
    due = [c for c in texts(at.caption) if "updates were due on" in c or "updates are due" in c]
    assert len(due) == 1 and due[0].startswith(f"{quarter.label} updates ") and "overdue" not in due[0]


def test_a_chairs_to_do_row_opens_the_review_page_on_that_update(cast: Cast) -> None:
    quarter = default_quarter()
    first = cast.submit(USAID, cast.form("1.1", quarter=quarter))
    cast.submit(USAID, cast.form("1.2", quarter=quarter, accomplishments="Two exchange programmes."))
    chair = start(CHAIR)
    open_page(chair, "todo")
    waiting = frame_with(chair, "revision")
    row = list(waiting["code"]).index("1.2")
    chair.session_state["todo_review"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    ok(chair.run())

    assert [t.value for t in chair.title] == ["Review"]
    box = chair.selectbox(key="review_pick")
    assert box.options[box.index] == f"1.2 · USAID · {quarter.label} · revision 1 by {USAID}"
    token = f"{quarter.fiscal_year}Q{quarter.quarter}"
    link = {k: chair.query_params[k] for k in ("objective", "agency", "quarter")}
    assert link == {"objective": "1.2", "agency": "USAID", "quarter": token}

    # Choosing another update on the page keeps it: the link is not followed a second time.
    chair.switch_page(page("review"))  # AppTest would otherwise ask for the to-do page again (see test_workflow)
    chair.selectbox(key="review_pick").set_value(first.id).run()
    ok(chair.run())
    box = chair.selectbox(key="review_pick")
    assert box.options[box.index].startswith("1.1 · USAID")
    assert chair.query_params["objective"] == "1.1"
