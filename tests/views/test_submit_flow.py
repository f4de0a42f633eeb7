"""``views.submit_flow``: which update the Submit page shows, and each form's remembered state, over plain dicts."""

from typing import Any

import pandas as pd
import pytest

from dashboard.domain.fiscal import FiscalQuarter
from dashboard.services.form_save import SaveOutcome
from dashboard.views.submit_flow import FLASH, PICKERS, Choices, SubmitFlow, form_state_keys, widget_key
from models.fields import UpdateKey

Q3, Q4 = FiscalQuarter(2026, 3), FiscalQuarter(2026, 4)
PAIRS = pd.DataFrame(
    [
        (11, "1.1", "Trade grows", 1, "FAS"),
        (11, "1.1", "Trade grows", 2, "USAID"),
        (32, "3.2", "Environmental crimes are prosecuted", 3, "DEA"),
    ],
    columns=["objective_id", "code", "title", "agency_id", "agency"],
)
CHOICES = Choices(PAIRS, [Q3, Q4], Q4)
LINK_32 = {"objective": "3.2", "agency": "DEA", "quarter": "2026Q4"}
KEY = UpdateKey(32, 3, 2026, 4)


def _flow(state: dict[str, Any] | None = None) -> tuple[SubmitFlow, dict[str, Any]]:
    state = {} if state is None else state
    return SubmitFlow(state, CHOICES), state


def _picks(state: dict[str, Any]) -> tuple[Any, Any, Any]:
    return state.get(PICKERS["objective"]), state.get(PICKERS["agency"]), state.get(PICKERS["quarter"])


def test_widget_keys_name_the_update_and_the_field() -> None:
    assert widget_key("status", KEY) == "submit_status_32_3_2026_4"
    assert widget_key("form", UpdateKey(11, 2, 2026, 3)) == "submit_form_11_2_2026_3"
    assert PICKERS == {"objective": "submit_objective", "agency": "submit_agency", "quarter": "submit_quarter"}


def test_a_visit_without_a_link_opens_on_the_default_quarter() -> None:
    flow, state = _flow()
    assert flow.follow_link({}) == ""
    assert state == {PICKERS["quarter"]: Q4}


def test_a_link_points_the_pickers_at_its_update() -> None:
    flow, state = _flow()
    assert flow.follow_link(LINK_32) == ""
    assert _picks(state) == (32, 3, Q4)
    assert flow.shown_params() == LINK_32


def test_the_same_link_again_opens_its_update_again_after_the_pickers_moved_or_were_forgotten() -> None:
    """My to-do → Submit 3.2 → elsewhere → Submit 3.2 again: the second visit is 3.2 too."""
    flow, state = _flow()
    flow.follow_link(LINK_32)
    state.clear()  # the pickers' state goes when another page is shown
    flow.follow_link(LINK_32)
    assert _picks(state) == (32, 3, Q4)
    state.update({PICKERS["objective"]: 11, PICKERS["agency"]: 1, PICKERS["quarter"]: Q3})  # somewhere else
    flow.follow_link(LINK_32)
    assert _picks(state) == (32, 3, Q4)


def test_a_pick_moves_the_address_so_the_next_run_keeps_it() -> None:
    flow, state = _flow()
    params: dict[str, Any] = {"mission": "7", **LINK_32}
    flow.follow_link(params)
    state[PICKERS["objective"]] = 11  # the user picks 1.1 and FAS
    state[PICKERS["agency"]] = 1
    flow.sync(params)
    assert params == {"mission": "7", "objective": "1.1", "agency": "FAS", "quarter": "2026Q4"}
    flow.follow_link(params)  # the next run: the address names what is shown, nothing is overridden
    assert _picks(state) == (11, 1, Q4)


def test_sync_writes_only_what_differs() -> None:
    class Recording(dict[str, Any]):
        def __init__(self, **values: str) -> None:
            super().__init__(values)
            self.writes: list[str] = []

        def __setitem__(self, name: str, value: Any) -> None:
            self.writes.append(name)
            super().__setitem__(name, value)

    flow, _ = _flow()
    flow.follow_link(LINK_32)
    params = Recording(objective="3.2", agency="DEA", quarter="2026Q3")
    flow.sync(params)
    assert params.writes == ["quarter"] and dict(params) == LINK_32
    flow.sync(params)
    assert params.writes == ["quarter"]  # nothing new: the address (and the browser's history) stays


def test_sync_leaves_the_address_alone_while_nothing_is_picked() -> None:
    flow, _ = _flow()
    params: dict[str, Any] = {"mission": "7"}
    flow.sync(params)
    assert params == {"mission": "7"}


@pytest.mark.parametrize(
    ("link", "said", "picks"),
    [
        ({"objective": "2.1"}, "objective 2.1 is not one you report on", (None, None, Q4)),
        ({"objective": "1.1", "agency": "DEA"}, "DEA does not report on objective 1.1 through you", (11, None, Q4)),
        ({"objective": "3.2", "quarter": "2031Q1"}, "FY2031 Q1 is not a quarter you can report on", (32, None, Q4)),
        ({"quarter": "soon"}, "soon is not a fiscal quarter", (None, None, Q4)),
    ],
)
def test_what_a_link_cannot_open_is_left_to_the_defaults_with_a_note(
    link: dict[str, str], said: str, picks: tuple[Any, Any, Any]
) -> None:
    flow, state = _flow()
    note = flow.follow_link(link)
    assert note.startswith("The link could not be followed in full") and said in note
    assert _picks(state) == picks


def test_the_base_revision_is_remembered_until_a_save_stores_a_newer_one() -> None:
    flow, state = _flow()
    assert flow.base_revision(KEY, 2) == 2
    assert flow.base_revision(KEY, 5) == 2  # someone stored 5 meanwhile: this edit still starts from 2
    flow.saved(KEY, SaveOutcome(message="Draft saved. It is not submitted yet."))
    assert flow.base_revision(KEY, 5) == 2 and state[FLASH] == "Draft saved. It is not submitted yet."
    flow.saved(KEY, SaveOutcome(message="Submitted as revision 6.", revision=6))
    assert flow.base_revision(KEY, 5) == 6


def _conflicted(flow: SubmitFlow) -> None:
    flow.base_revision(KEY, 0)
    flow.conflicted(KEY, 1)
    assert flow.pending_conflict(KEY) == 1


def test_rebasing_keeps_the_form_on_top_of_their_revision() -> None:
    flow, state = _flow({widget_key("accomplishments", KEY): "Mine."})
    _conflicted(flow)
    flow.rebase(KEY)
    assert flow.pending_conflict(KEY) is None
    assert flow.base_revision(KEY, 0) == 1
    assert state[widget_key("accomplishments", KEY)] == "Mine."


def test_starting_again_forgets_exactly_this_updates_form() -> None:
    other = UpdateKey(11, 2, 2026, 4)
    kept = {
        PICKERS["objective"]: 32,
        widget_key("status", other): "At risk",
        "submit_upload": None,
        FLASH: "Saved.",
    }
    mine = {widget_key(field, KEY): "x" for field in ("status", "progress", "risk", "accomplishments", "risk_note")}
    flow, state = _flow({**kept, **mine, widget_key("indicator_8", KEY): 3.0})
    _conflicted(flow)
    flow.clear(KEY, [8])
    assert state == kept
    assert set(form_state_keys(KEY, [8])) >= {*mine, widget_key("indicator_8", KEY), widget_key("base", KEY)}


def test_choices_label_and_list_what_the_user_reports_on() -> None:
    assert CHOICES.objective_ids == [11, 32]
    assert CHOICES.objective_label(32) == "3.2 · Environmental crimes are prosecuted"
    assert len(Choices(PAIRS.assign(title="x" * 200), [Q4], Q4).objective_label(11)) == 110
    assert CHOICES.agencies(11) == {1: "FAS", 2: "USAID"}
    assert (CHOICES.code(11), CHOICES.acronym(3), CHOICES.acronym(99)) == ("1.1", "DEA", None)
