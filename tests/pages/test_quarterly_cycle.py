"""Walking the quarterly cycle through the pages (AppTest): what a contributor meets on Submit. Each test checks
what the page says and what the database holds afterwards."""

from streamlit.testing.v1 import AppTest

from dashboard.views.submit_flow import widget_key
from models import StatusUpdate
from models.fields import UpdateKey
from tests.appcast import Cast, default_quarter, ok, open_page, start, texts, update_key
from tests.people import USAID

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
