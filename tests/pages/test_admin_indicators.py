"""Admin's Indicators tab (AppTest): the mission's indicators as a table, a sheet file uploaded, read as its changes
or its problems and applied only once confirmed, one sheet edited in the form, an indicator retired and reinstated."""

from datetime import date
from typing import Any

from sqlmodel import select
from streamlit.testing.v1 import AppTest

from dashboard.services import indicator_sheets
from dashboard.store.database import read_session, write_session
from dashboard.views import indicator_sheets as view
from dashboard.web import indicators_section as section
from models import Indicator, IndicatorTarget
from tests.appcast import Cast, ok, open_page, rendered, start, texts
from tests.people import ADMIN

HEADER = (
    "objective,code,name,definition,unit,direction,baseline,baseline_fy,frequency,agency,data_source,"
    "target_FY2025,target_FY2026,target_FY2026_Q2"
)
FIRMS = "1.1,1.1.a,Firms exporting,Firms that export,firms,increase,10,FY2022,quarterly,USAID,Customs,30,50,40"
CASES = "2.1,2.1.a,Cases still open,Share open at year end,percent,decrease,60,FY2022,semiannual,State,Courts,,30,"


def _tab() -> AppTest:
    at = start(ADMIN)
    open_page(at, "admin")
    at.session_state["admin_tab"] = "Indicators"  # what a click on the tab does
    return ok(at.run())


def _upload(at: AppTest, *lines: str) -> AppTest:
    data = "\n".join([HEADER, *lines]).encode()
    at.file_uploader(key="admin_ind_file_0").upload("sheets.csv", data, "text/csv")  # the tab's first upload field
    return ok(at.run())


def _stored(cast: Cast) -> dict[str, Any]:
    with read_session(cast.engine) as session:
        return {i.code: i for i in session.exec(select(Indicator)).all()}


def _table(at: AppTest, column: str) -> Any:
    """The one static table with ``column``, its cells as a person reads them (Markdown escapes resolved)."""
    [table] = [t.value for t in at.table if column in t.value.columns]
    return table.map(lambda cell: rendered(cell) if isinstance(cell, str) else cell)


def test_a_sheet_file_is_previewed_and_applied_only_once_confirmed(cast: Cast) -> None:
    at = _upload(_tab(), FIRMS, CASES)
    assert "Applying this file makes 2 changes (0 unchanged)." in texts(at.markdown)
    changes = _table(at, "What changes")
    assert changes["Change"].tolist() == ["create indicator", "create indicator"]
    assert changes["Indicator"].tolist() == ["1.1.a", "2.1.a"]
    assert "targets: FY2025: 30, FY2026: 50, FY2026 Q2: 40" in changes["What changes"].iloc[0]
    apply = at.button(key="admin_ind_apply")
    assert apply.disabled and _stored(cast) == {}
    at.checkbox(key=section.CONFIRM_KEY).check()
    ok(at.run())
    at.button(key="admin_ind_apply").click()
    ok(at.run())
    assert texts(at.success) == ["Applied 2 changes to Embassy Lima's indicators."]
    assert sorted(_stored(cast)) == ["1.1.a", "2.1.a"]
    # A new, empty upload field: the file just applied is not offered again.
    assert [u.key for u in at.get("file_uploader")] == ["admin_setup_file", "admin_ind_file_1"]
    assert not any("Applying this file" in t for t in texts(at.markdown))
    listed = _table(at, "Targets").reset_index()
    assert listed.columns.tolist() == list(view.TABLE_COLUMNS)
    assert listed.iloc[0].tolist()[:5] == ["1.1.a", "1.1", "Firms exporting", "firms", "10 (FY2022)"]
    assert listed.iloc[1]["Reported"] == "semiannual by State"


def test_a_file_with_problems_lists_each_and_offers_nothing_to_apply(cast: Cast) -> None:
    at = _upload(_tab(), FIRMS.replace(",10,", ",ten,"), CASES.replace(",,30,", ",,101,"))
    assert texts(at.error) == ["Nothing can be applied: 2 problems. Correct the file and upload it again."]
    problems = _table(at, "Problem").reset_index()
    assert problems.values.tolist() == [
        ["2", "baseline", "'ten' is not a number"],
        ["3", "target_FY2026", "101 is not a percentage between 0 and 100"],
    ]
    assert not [b for b in at.button if b.key == "admin_ind_apply"] and _stored(cast) == {}


def _create(cast: Cast, *lines: str) -> None:
    rows = view.indicator_sheet.read_sheets("\n".join([HEADER, *lines]).encode(), "s.csv", max_bytes=10_000)
    with write_session(cast.engine) as session:
        indicator_sheets.apply_sheets(session=session, actor_email=ADMIN, mission_id=cast.mission_id, rows=rows)


def test_the_form_edits_one_sheet_and_a_refusal_keeps_what_was_typed(cast: Cast) -> None:
    _create(cast, FIRMS, CASES)
    firms = _stored(cast)["1.1.a"].id
    at = _tab()
    at.selectbox(key=section.PICK_KEY).set_value(firms)
    ok(at.run())
    key = view.form_key(firms)
    assert at.text_input(key=key("name")).value == "Firms exporting"
    assert at.text_area(key=key("targets")).value == "FY2025: 30\nFY2026: 50\nFY2026 Q2: 40"
    at.text_input(key=key("baseline")).input("ten")
    at.button(key="FormSubmitter:admin_ind_form_" + str(firms) + "-Save sheet").click()
    ok(at.run())
    assert texts(at.error) == ["baseline: 'ten' is not a number"]
    assert at.text_input(key=key("baseline")).value == "ten"  # kept, to correct
    at.text_input(key=key("baseline")).input("12")
    at.text_area(key=key("targets")).input("FY2026: 55")
    at.button(key="FormSubmitter:admin_ind_form_" + str(firms) + "-Save sheet").click()
    ok(at.run())
    assert texts(at.success) == ["Saved the reference sheet of 1.1.a."]
    stored = _stored(cast)["1.1.a"]
    assert (stored.baseline, stored.target) == (12, 55)
    with read_session(cast.engine) as session:
        targets = session.exec(select(IndicatorTarget).where(IndicatorTarget.indicator_id == firms)).all()
    assert [(t.fiscal_year, t.quarter, t.value) for t in targets] == [(2026, 0, 55)]


def test_a_new_indicator_is_added_with_the_form(cast: Cast) -> None:
    at = _tab()
    key = view.form_key(view.NEW)
    at.selectbox(key=key("objective")).set_value("3.1")
    at.selectbox(key=key("agency")).set_value("FCS")
    for name, value in (("code", "3.1.a"), ("name", "Exports financed"), ("unit", "currency"), ("baseline", "1,500"),
                        ("baseline_fy", "2022")):  # fmt: skip
        at.text_input(key=key(name)).input(value)
    at.text_area(key=key("targets")).input("FY2026: 2,500")
    at.button(key=f"FormSubmitter:admin_ind_form_{view.NEW}-Add indicator").click()
    ok(at.run())
    assert texts(at.success) == ["Added indicator 3.1.a."]
    added = _stored(cast)["3.1.a"]
    assert (added.objective_id, added.baseline, added.target, added.unit) == (
        cast.objectives["3.1"],
        1500,
        2500,
        "currency",
    )
    assert at.text_input(key=key("code")).value == ""  # the new-indicator form is empty again


def test_an_indicator_is_retired_and_reinstated(cast: Cast) -> None:
    _create(cast, FIRMS)
    firms = _stored(cast)["1.1.a"].id
    at = _tab()
    at.button(key=f"admin_ind_retire_{firms}").click()
    ok(at.run())
    assert texts(at.success) == ["Retired indicator 1.1.a."]
    assert _stored(cast)["1.1.a"].retired_on == date.today()
    assert _table(at, "Retired").iloc[0]["Retired"] == date.today().isoformat()
    at.button(key=f"admin_ind_reinstate_{firms}").click()
    ok(at.run())
    assert texts(at.success) == ["Reinstated indicator 1.1.a."]
    assert _stored(cast)["1.1.a"].retired_on is None
